// Clean target/ before saving, by use rather than by name: a unit survives when this job's
// build used it (cargo reported its artifacts) or wrote it (modified after the restore).
// Old versions and hashes of crates, incremental/, other profiles and stray files go.
// planTargetClean is pure; cleanTargetDir lists the directory and applies the plan.
import { existsSync, lstatSync, readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { cargoOwnership, isInside, type ProtectedPlaces } from './ownership.js';

export interface TargetEntry {
  /** Path relative to the target directory, `/`-separated. */
  path: string;
  isDir: boolean;
  /** Newest mtime of the entry and (for directories) its direct children. */
  mtimeMs: number;
  bytes: number;
  ino: number;
  /** What cargo made this directory for, judged from its children (top and triple levels only). */
  shape?: 'profile' | 'triple' | 'other';
}

export interface CleanInput {
  /** Entries of target/: top level, profile dirs, and the contents of deps/, build/, .fingerprint/. */
  entries: TargetEntry[];
  /** Profile directories this cache is for, e.g. `debug` and `x86_64-unknown-linux-musl/debug`. */
  profileDirs: string[];
  /** Unit hashes in artifacts cargo reported; null when no build ran (then nothing is judged unused). */
  usedHashes: ReadonlySet<string> | null;
  /** Inodes of reported artifacts without a hash in their name (uplifted binaries: hard links into deps/). */
  usedInodes: ReadonlySet<number>;
  restoredAtMs: number;
  /** Workspace member package names. */
  members: ReadonlySet<string>;
  keepMembers: boolean;
  /**
   * Package names this workspace builds (from Cargo.lock), when the directory may be shared
   * with other projects (it lies outside the workspace): units of other packages are kept.
   * Null: the directory is the workspace's own.
   */
  knownPackages?: ReadonlySet<string> | null;
}

export interface CleanAction {
  path: string;
  bytes: number;
  reason: string;
}

const UNIT_DIRS = ['deps', 'build', '.fingerprint'];
const HASHED = /^(.+)-([0-9a-f]{16})(\..+)?$/;

const norm = (name: string) => name.replace(/-/g, '_');

export function hashesInPath(file: string): string[] {
  return [...file.matchAll(/-([0-9a-f]{16})(?=[./]|$)/g)].map((m) => m[1]!);
}

/** Matches unit names against package names: hyphens as underscores, and `lib` prefixes of rlibs. */
function nameSet(names: Iterable<string>): (unitName: string) => boolean {
  const set = new Set([...names].map(norm));
  return (unitName) => {
    const n = norm(unitName);
    return set.has(n) || (n.startsWith('lib') && set.has(n.slice(3)));
  };
}

/** Directories that lead to a kept profile dir (a triple dir holding `debug/`). */
function ancestorsOf(profileDirs: Iterable<string>): Set<string> {
  const ancestors = new Set<string>();
  for (const p of profileDirs) {
    const parts = p.split('/');
    for (let i = 1; i < parts.length; i++) ancestors.add(parts.slice(0, i).join('/'));
  }
  return ancestors;
}

export function planTargetClean(input: CleanInput): CleanAction[] {
  const profileDirs = new Set(input.profileDirs);
  const ancestors = ancestorsOf(profileDirs);
  const unitReason = unitJudge(input);
  const remove: CleanAction[] = [];
  for (const e of input.entries) {
    const parts = e.path.split('/');
    const parent = parts.slice(0, -1).join('/');
    const name = parts.at(-1)!;
    let reason: string | null = null;
    if (parts.length === 1 || ancestors.has(parent)) {
      // Direct children of target/ or of a triple directory: only what cargo makes there goes.
      if (!profileDirs.has(e.path) && !ancestors.has(e.path)) reason = topLevelRemovalReason(e, parts.length === 1);
    } else if (profileDirs.has(parent)) {
      reason = profileChildReason(name);
    } else if (profileDirs.has(parts.slice(0, -2).join('/')) && UNIT_DIRS.includes(parts.at(-2)!)) {
      reason = unitReason(e, name);
    }
    if (reason) remove.push({ path: e.path, bytes: e.bytes, reason });
  }
  return remove;
}

/** A direct child of a kept profile dir: its unit directories stay, cargo recreates the rest. */
function profileChildReason(name: string): string | null {
  if (UNIT_DIRS.includes(name)) return null;
  return name === 'incremental' ? 'incremental compilation data (CARGO_INCREMENTAL=0 in CI)' : 'uplifted output or stray file (cargo recreates it)';
}

/** Why a unit entry in deps/, build/ or .fingerprint/ goes, or null to keep it. */
function unitJudge(input: CleanInput): (e: TargetEntry, name: string) => string | null {
  const isMember = nameSet(input.members);
  const known = input.knownPackages ? nameSet(input.knownPackages) : null;
  return (e, name) => {
    const m = HASHED.exec(name);
    // Anything not named `<name>-<hash>` is not a unit this planner understands: keep it.
    if (!m) return null;
    const [, unitName, hash] = m as unknown as [string, string, string];
    // In a shared directory, another project's unit stays.
    if (known && !known(unitName) && !norm(unitName).startsWith('build_script_')) return null;
    if (!input.keepMembers && isMember(unitName)) return 'workspace member (set cache-workspace-crates: true to keep)';
    if (input.usedHashes === null) return null;
    const used = input.usedHashes.has(hash) || input.usedInodes.has(e.ino);
    const writtenAfterRestore = e.mtimeMs >= input.restoredAtMs;
    return used || writtenAfterRestore ? null : 'not used by this build (an old version, hash or feature set)';
  };
}

/** Cargo-made directories at the top of target/ (besides profile and triple dirs) that may go. */
const CARGO_TOP_DIRS = new Set(['cargo-timings']);

function topLevelRemovalReason(e: TargetEntry, atTop: boolean): string | null {
  if (!e.isDir) return null; // loose files are not cargo's to judge: keep
  if (e.shape === 'profile') return 'another profile (not this cache key)';
  if (atTop && e.shape === 'triple') return 'another target (not this cache key)';
  if (atTop && CARGO_TOP_DIRS.has(e.path)) return 'timings reports (rewritten by every build)';
  return null;
}

function bytesOf(p: string): number {
  const st = lstatSync(p, { throwIfNoEntry: false });
  if (!st) return 0;
  if (!st.isDirectory()) return st.size;
  let total = 0;
  for (const child of readdirSync(p)) total += bytesOf(path.join(p, child));
  return total;
}

function entry(root: string, rel: string): TargetEntry {
  const full = path.join(root, rel);
  const st = lstatSync(full);
  let mtimeMs = st.mtimeMs;
  if (st.isDirectory()) {
    for (const child of readdirSync(full)) {
      const c = lstatSync(path.join(full, child), { throwIfNoEntry: false });
      if (c && c.mtimeMs > mtimeMs) mtimeMs = c.mtimeMs;
    }
  }
  return { path: rel, isDir: st.isDirectory(), mtimeMs, bytes: bytesOf(full), ino: st.ino };
}

/** Cargo's marks of a profile directory (old layout: deps/.fingerprint; new layout: build/). */
const PROFILE_MARKS = ['deps', '.fingerprint', 'build'];

function shapeOf(full: string): TargetEntry['shape'] {
  const children = readdirSync(full, { withFileTypes: true });
  if (children.some((c) => c.isDirectory() && PROFILE_MARKS.includes(c.name))) return 'profile';
  const dirs = children.filter((c) => c.isDirectory());
  if (dirs.length > 0 && dirs.every((c) => shapeOf(path.join(full, c.name)) === 'profile')) return 'triple';
  return 'other';
}

/** Lists what the planner needs: top level, profile dirs and their unit directories. */
export function listTarget(targetDir: string, profileDirs: string[]): TargetEntry[] {
  const out: TargetEntry[] = [];
  const visit = (rel: string, depth: number) => {
    const full = path.join(targetDir, rel);
    for (const name of readdirSync(full)) {
      const childRel = rel ? `${rel}/${name}` : name;
      const e = entry(targetDir, childRel);
      out.push(e);
      if (!e.isDir) continue;
      const isProfile = profileDirs.includes(childRel);
      const leadsToProfile = profileDirs.some((p) => p.startsWith(`${childRel}/`));
      const isUnitDir = profileDirs.includes(rel) && UNIT_DIRS.includes(name);
      const besideProfiles = depth === 0 || profileDirs.some((p) => p.startsWith(`${rel}/`));
      if (besideProfiles) e.shape = shapeOf(path.join(targetDir, childRel));
      if ((isProfile || leadsToProfile || isUnitDir) && depth < 4) visit(childRel, depth + 1);
    }
  };
  if (existsSync(targetDir)) visit('', 0);
  return out;
}

export type CleanResult =
  { skipped: null; bytesBefore: number; bytesAfter: number; removed: CleanAction[] } | { skipped: string; bytesBefore: number; bytesAfter: number; removed: [] };

export interface CleanOptions {
  targetDir: string;
  profileDirs: string[];
  artifacts: string[] | null;
  restoredAtMs: number;
  members: ReadonlySet<string>;
  keepMembers: boolean;
  /** Where the directory must not be (the checkout, home, CARGO_HOME). */
  places: ProtectedPlaces;
  /** Package names in Cargo.lock, for a directory outside the workspace (it may be shared). */
  lockedPackages: ReadonlySet<string> | null;
}

function usedInodesOf(artifacts: string[] | null): Set<number> {
  const inodes = new Set<number>();
  for (const a of artifacts ?? []) {
    if (hashesInPath(a).length > 0) continue;
    const st = statSync(a, { throwIfNoEntry: false });
    if (st) inodes.add(st.ino);
  }
  return inodes;
}

/**
 * Cleans one target or build directory by use. Deletes nothing unless cargo owns the
 * directory (see ownership.ts); then the result says why it was skipped.
 */
export function cleanTargetDir(opts: CleanOptions): CleanResult {
  if (!existsSync(opts.targetDir)) return { skipped: null, bytesBefore: 0, bytesAfter: 0, removed: [] };
  const bytesBefore = bytesOf(opts.targetDir);
  const ownership = cargoOwnership(opts.targetDir, opts.places);
  if (!ownership.owned) return { skipped: ownership.reason, bytesBefore, bytesAfter: bytesBefore, removed: [] };
  const shared = !isInside(opts.targetDir, opts.places.workspaceRoot);
  const plan = planTargetClean({
    entries: listTarget(opts.targetDir, opts.profileDirs),
    profileDirs: opts.profileDirs,
    usedHashes: opts.artifacts ? new Set(opts.artifacts.flatMap(hashesInPath)) : null,
    usedInodes: usedInodesOf(opts.artifacts),
    restoredAtMs: opts.restoredAtMs,
    members: opts.members,
    keepMembers: opts.keepMembers,
    // Outside the workspace, another project may build into the same directory.
    knownPackages: shared ? (opts.lockedPackages ?? new Set(opts.members)) : null,
  });
  for (const action of plan) rmSync(path.join(opts.targetDir, action.path), { recursive: true, force: true });
  // The planned entries never nest (the listing does not descend into what it removes), so the
  // size after is the size before minus theirs: no second walk of the tree.
  const removedBytes = plan.reduce((sum, action) => sum + action.bytes, 0);
  return { skipped: null, bytesBefore, bytesAfter: bytesBefore - removedBytes, removed: plan };
}

/** The profile's output directory name: dev → debug, release/bench → release, test → debug. */
export function profileDirName(profile: string): string {
  if (profile === 'dev' || profile === 'test') return 'debug';
  if (profile === 'bench') return 'release';
  return profile;
}

/** Drops downloaded .crate files the lockfile no longer names (registry/cache/<index>/<name>-<version>.crate). */
export function trimRegistryCache(registryCacheDir: string, locked: ReadonlySet<string>): { removed: number; bytes: number } {
  let removed = 0;
  let bytes = 0;
  if (!existsSync(registryCacheDir) || locked.size === 0) return { removed, bytes };
  for (const index of readdirSync(registryCacheDir)) {
    const dir = path.join(registryCacheDir, index);
    if (!statSync(dir).isDirectory()) continue;
    for (const file of readdirSync(dir)) {
      if (!file.endsWith('.crate') || locked.has(file.slice(0, -'.crate'.length))) continue;
      bytes += statSync(path.join(dir, file)).size;
      rmSync(path.join(dir, file), { force: true });
      removed++;
    }
  }
  return { removed, bytes };
}

export { bytesOf };
