// Clean target/ before saving, by use rather than by name: a unit survives when this job's
// build used it (cargo reported its artifacts) or wrote it (modified after the restore), and
// it survives whole (every entry with its hash). Old versions and hashes of crates,
// incremental/, other profiles and what the other build-dir layout left go (cargo-layout.ts
// knows both layouts). planTargetClean is pure; cleanTargetDir lists the directory and applies
// the plan, or (outside CI) only returns it for the archive to leave out.
import { existsSync, lstatSync, readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import {
  ancestorsOf,
  EXAMPLES_DIR,
  hashesInPath,
  layoutOfArtifacts,
  OLD_UNIT_DIRS,
  placeOf,
  type BuildDirLayout,
  type Place,
} from '../cargo-layout.js';
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
  /**
   * New-layout units: inodes of the files in the unit's subdirectories (out/…; uplifted artifacts are hard links to
   * them).
   */
  outInodes?: number[];
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
  /** The layout this build used, from the artifacts cargo reported; null when it does not tell. */
  buildLayout?: BuildDirLayout | 'mixed' | null;
}

export interface CleanAction {
  path: string;
  bytes: number;
  reason: string;
}

const UNIT_DIRS = [...OLD_UNIT_DIRS, 'build', EXAMPLES_DIR];
/** Cargo's lock files: never cached (1.96 split `.cargo-lock` into a build and an artifact lock). */
const LOCK_FILES = new Set(['.cargo-lock', '.cargo-build-lock', '.cargo-artifact-lock']);
const OLD_LEFTOVER = 'left by the old build-dir layout (this cargo uses the new one)';
const NEW_LEFTOVER = 'left by the new build-dir layout (this cargo uses the old one)';

const norm = (name: string) => name.replace(/-/g, '_');

export { hashesInPath };

/** Matches unit names against package names: hyphens as underscores, and `lib` prefixes of rlibs. */
function nameSet(names: Iterable<string>): (unitName: string) => boolean {
  const set = new Set([...names].map(norm));
  return (unitName) => {
    const n = norm(unitName);
    return set.has(n) || (n.startsWith('lib') && set.has(n.slice(3)));
  };
}

export function planTargetClean(input: CleanInput): CleanAction[] {
  const profileDirs = new Set(input.profileDirs);
  const ancestors = ancestorsOf(profileDirs);
  const placed = input.entries.map((e) => ({ e, place: placeOf(e.path, profileDirs, ancestors) }));
  const judge = entryJudge(input, keptUnitHashes(input, placed));
  const remove: CleanAction[] = [];
  for (const { e, place } of placed) {
    // The listing names a directory before its contents: nothing inside a removed one is judged again.
    if (remove.some((r) => e.path.startsWith(`${r.path}/`))) continue;
    const reason = judge(e, place);
    if (reason) remove.push({ path: e.path, bytes: e.bytes, reason });
  }
  return remove;
}

/**
 * The hashes of the units this build used or wrote. Cargo often names one file of a unit only
 * (a binary by its uplifted hard link), while its fingerprint, dep-info and build-script
 * directories carry the same hash: whatever keeps one entry of a unit keeps them all, or the
 * next build compiles the unit again. Null when no build ran.
 */
function keptUnitHashes(
  input: CleanInput,
  placed: Array<{ e: TargetEntry; place: Place }>,
): ReadonlySet<string> | null {
  if (input.usedHashes === null) return null;
  const kept = new Set(input.usedHashes);
  for (const { e, place } of placed) {
    if (place.kind !== 'old-unit' && place.kind !== 'new-unit') continue;
    const byInode = input.usedInodes.has(e.ino) || (e.outInodes ?? []).some((i) => input.usedInodes.has(i));
    if (byInode || e.mtimeMs >= input.restoredAtMs) kept.add(place.hash);
  }
  return kept;
}

/** Why an entry goes, by where it sits; null keeps it. */
function entryJudge(
  input: CleanInput,
  kept: ReadonlySet<string> | null,
): (e: TargetEntry, place: Place) => string | null {
  const isMember = nameSet(input.members);
  const unitReason = unitJudge(input, isMember, kept);
  const layout = input.buildLayout ?? null;
  return (e, place) => {
    switch (place.kind) {
      case 'top':
        return topLevelRemovalReason(e, place.atRoot);
      case 'profile-child':
        return profileChildReason(place.name, layout);
      case 'old-unit':
        return layout === 'new' ? OLD_LEFTOVER : unitReason(place.name, place.hash);
      case 'new-package':
        if (layout === 'old') return NEW_LEFTOVER;
        return !input.keepMembers && isMember(place.pkg) ? MEMBER : null;
      case 'new-unit':
        return unitReason(place.pkg, place.hash);
      case 'uplifted':
        return UPLIFTED;
      case 'outside':
      case 'other':
        return null;
    }
  };
}

const UPLIFTED = 'uplifted output or stray file (cargo recreates it)';

/** A direct child of a kept profile dir: unit directories stay, cargo recreates the rest. */
function profileChildReason(name: string, layout: CleanInput['buildLayout']): string | null {
  if (LOCK_FILES.has(name)) return "cargo's lock file (never cached)";
  if (layout === 'new' && OLD_UNIT_DIRS.includes(name)) return OLD_LEFTOVER;
  // The new layout keeps example units in build/: examples/ holds only their uplifted outputs.
  if (layout === 'new' && name === EXAMPLES_DIR) return UPLIFTED;
  if (UNIT_DIRS.includes(name)) return null;
  return name === 'incremental' ? 'incremental compilation data (not reused in CI)' : UPLIFTED;
}

const MEMBER = 'one of your crates: a workspace member or path dependency (set cache-workspace-crates: true to keep)';

/** Why a unit (old entry or new directory) goes, or null to keep it. */
function unitJudge(
  input: CleanInput,
  isMember: (name: string) => boolean,
  kept: ReadonlySet<string> | null,
): (name: string, hash: string) => string | null {
  const known = input.knownPackages ? nameSet(input.knownPackages) : null;
  return (name, hash) => {
    // In a shared directory, another project's unit stays.
    if (known && !known(name) && !norm(name).startsWith('build_script_')) return null;
    if (!input.keepMembers && isMember(name)) return MEMBER;
    return kept === null || kept.has(hash) ? null : 'not used by this build (an old version, hash or feature set)';
  };
}

/** Cargo-made directories at the top of target/ (besides profile and triple dirs) that may go. */
const CARGO_TOP_DIRS = new Set(['cargo-timings']);

function topLevelRemovalReason(e: TargetEntry, atTop: boolean): string | null {
  // Other loose files are not cargo's to judge: keep.
  if (!e.isDir) return LOCK_FILES.has(e.path.split('/').at(-1)!) ? "cargo's lock file (never cached)" : null;
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

/** Inodes of the files one level inside a new-layout unit (out/, and any other directory cargo adds). */
function unitInodes(unitDir: string): number[] {
  return readdirSync(unitDir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .flatMap((d) =>
      readdirSync(path.join(unitDir, d.name)).flatMap((name) => {
        const st = lstatSync(path.join(unitDir, d.name, name), { throwIfNoEntry: false });
        return st?.isFile() ? [st.ino] : [];
      }),
    );
}

/**
 * Lists what the planner needs: the top level and triple directories, the kept profile dirs,
 * their unit directories, and the new layout's package directories.
 */
export function listTarget(targetDir: string, profileDirs: string[]): TargetEntry[] {
  const out: TargetEntry[] = [];
  const profiles = new Set(profileDirs);
  const ancestors = ancestorsOf(profiles);
  const visit = (rel: string) => {
    for (const name of readdirSync(path.join(targetDir, rel))) {
      const childRel = rel ? `${rel}/${name}` : name;
      const e = entry(targetDir, childRel);
      out.push(e);
      if (!e.isDir) continue;
      const place = placeOf(childRel, profiles, ancestors);
      if (place.kind === 'top') e.shape = shapeOf(path.join(targetDir, childRel));
      if (place.kind === 'new-unit') e.outInodes = unitInodes(path.join(targetDir, childRel));
      const unitDir = place.kind === 'profile-child' && UNIT_DIRS.includes(place.name);
      if (profiles.has(childRel) || ancestors.has(childRel) || unitDir || place.kind === 'new-package') visit(childRel);
    }
  };
  if (existsSync(targetDir)) visit('');
  return out;
}

/** Which layouts the units on disk were written in (both after a restore under another cargo). */
export function layoutsOnDisk(entries: TargetEntry[], profileDirs: string[]): BuildDirLayout[] {
  const profiles = new Set(profileDirs);
  const ancestors = ancestorsOf(profiles);
  const kinds = new Set(entries.map((e) => placeOf(e.path, profiles, ancestors).kind));
  return [...(kinds.has('old-unit') ? ['old' as const] : []), ...(kinds.has('new-unit') ? ['new' as const] : [])];
}

/** `removed` is what the plan names: deleted, or only left out of the archive without `deleteFiles`. */
export type CleanResult =
  | { skipped: null; bytesBefore: number; bytesAfter: number; removed: CleanAction[]; layouts: BuildDirLayout[] }
  | { skipped: string; bytesBefore: number; bytesAfter: number; removed: []; layouts: [] };

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
  /** Delete what the plan names (in CI); false only plans it (outside CI the user's tree stays whole). */
  deleteFiles: boolean;
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
  if (!existsSync(opts.targetDir)) return { skipped: null, bytesBefore: 0, bytesAfter: 0, removed: [], layouts: [] };
  const bytesBefore = bytesOf(opts.targetDir);
  const ownership = cargoOwnership(opts.targetDir, opts.places);
  if (!ownership.owned)
    return { skipped: ownership.reason, bytesBefore, bytesAfter: bytesBefore, removed: [], layouts: [] };
  const shared = !isInside(opts.targetDir, opts.places.workspaceRoot);
  const entries = listTarget(opts.targetDir, opts.profileDirs);
  const plan = planTargetClean({
    entries,
    buildLayout: opts.artifacts ? layoutOfArtifacts(opts.artifacts) : null,
    profileDirs: opts.profileDirs,
    usedHashes: opts.artifacts ? new Set(opts.artifacts.flatMap(hashesInPath)) : null,
    usedInodes: usedInodesOf(opts.artifacts),
    restoredAtMs: opts.restoredAtMs,
    members: opts.members,
    keepMembers: opts.keepMembers,
    // Outside the workspace, another project may build into the same directory.
    knownPackages: shared ? (opts.lockedPackages ?? new Set(opts.members)) : null,
  });
  if (opts.deleteFiles)
    for (const action of plan) rmSync(path.join(opts.targetDir, action.path), { recursive: true, force: true });
  // The planned entries never nest (the listing does not descend into what it removes), so the
  // size after (what is cached) is the size before minus theirs: no second walk of the tree.
  const removedBytes = plan.reduce((sum, action) => sum + action.bytes, 0);
  return {
    skipped: null,
    bytesBefore,
    bytesAfter: bytesBefore - removedBytes,
    removed: plan,
    layouts: layoutsOnDisk(entries, opts.profileDirs),
  };
}

/** The profile's output directory name: dev → debug, release/bench → release, test → debug. */
export function profileDirName(profile: string): string {
  if (profile === 'dev' || profile === 'test') return 'debug';
  if (profile === 'bench') return 'release';
  return profile;
}

/**
 * Drops downloaded .crate files the lockfile no longer names (registry/cache/<index>/<name>-<version>.crate);
 * without `deleteFiles` only lists them (`files`), for the archive to leave out.
 */
export function trimRegistryCache(
  registryCacheDir: string,
  locked: ReadonlySet<string>,
  deleteFiles = true,
): { removed: number; bytes: number; files: string[] } {
  let removed = 0;
  let bytes = 0;
  const files: string[] = [];
  if (!existsSync(registryCacheDir) || locked.size === 0) return { removed, bytes, files };
  for (const index of readdirSync(registryCacheDir)) {
    const dir = path.join(registryCacheDir, index);
    if (!statSync(dir).isDirectory()) continue;
    for (const file of readdirSync(dir)) {
      if (!file.endsWith('.crate') || locked.has(file.slice(0, -'.crate'.length))) continue;
      bytes += statSync(path.join(dir, file)).size;
      files.push(path.join(dir, file));
      if (deleteFiles) rmSync(path.join(dir, file), { force: true });
      removed++;
    }
  }
  return { removed, bytes, files };
}

export { bytesOf };
