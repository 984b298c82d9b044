// Clean target/ before saving, by use rather than by name: a unit survives when this job's
// build used it (cargo reported its artifacts) or wrote it (modified after the restore).
// Old versions and hashes of crates, incremental/, other profiles and stray files go.
// planTargetClean is pure; cleanTargetDir lists the directory and applies the plan.
import { existsSync, lstatSync, readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';

export interface TargetEntry {
  /** Path relative to the target directory, `/`-separated. */
  path: string;
  isDir: boolean;
  /** Newest mtime of the entry and (for directories) its direct children. */
  mtimeMs: number;
  bytes: number;
  ino: number;
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
}

export interface CleanAction {
  path: string;
  bytes: number;
  reason: string;
}

const UNIT_DIRS = ['deps', 'build', '.fingerprint'];
const KEEP_TOP = new Set(['CACHEDIR.TAG', '.rustc_info.json']);
const HASHED = /^(.+)-([0-9a-f]{16})(\..+)?$/;

const norm = (name: string) => name.replace(/-/g, '_');

export function hashesInPath(file: string): string[] {
  return [...file.matchAll(/-([0-9a-f]{16})(?=[./]|$)/g)].map((m) => m[1]!);
}

export function planTargetClean(input: CleanInput): CleanAction[] {
  const remove: CleanAction[] = [];
  const memberNames = new Set([...input.members].map(norm));
  const isMember = (unitName: string) => {
    const n = norm(unitName);
    return memberNames.has(n) || (n.startsWith('lib') && memberNames.has(n.slice(3)));
  };
  const profileDirs = new Set(input.profileDirs);
  // Directories that lead to a kept profile dir (a triple dir holding `debug/`).
  const ancestors = new Set<string>();
  for (const p of profileDirs) {
    const parts = p.split('/');
    for (let i = 1; i < parts.length; i++) ancestors.add(parts.slice(0, i).join('/'));
  }

  for (const e of input.entries) {
    const parts = e.path.split('/');
    const parent = parts.slice(0, -1).join('/');
    const name = parts.at(-1)!;
    const grandparent = parts.slice(0, -2).join('/');
    const inProfile = (dir: string) => profileDirs.has(dir);

    // Direct children of target/ or of a triple directory.
    if (parts.length === 1 || ancestors.has(parent)) {
      if (parts.length === 1 && KEEP_TOP.has(name)) continue;
      if (profileDirs.has(e.path) || ancestors.has(e.path)) continue;
      remove.push({ path: e.path, bytes: e.bytes, reason: e.isDir ? 'not this cache key’s profile or target' : 'stray file' });
      continue;
    }
    // Direct children of a kept profile dir.
    if (inProfile(parent)) {
      if (UNIT_DIRS.includes(name)) continue;
      remove.push({ path: e.path, bytes: e.bytes, reason: name === 'incremental' ? 'incremental compilation data (CARGO_INCREMENTAL=0 in CI)' : 'uplifted output or stray file (cargo recreates it)' });
      continue;
    }
    // Units inside deps/, build/, .fingerprint/.
    if (inProfile(grandparent) && UNIT_DIRS.includes(parts.at(-2)!)) {
      const m = HASHED.exec(name);
      if (!m) {
        // A directory we cannot read as `<name>-<hash>` may be a layout this planner does not
        // know (cargo's unstable new build-dir layout nests units per package): keep it rather
        // than wipe the cache. Loose files without a hash are not units.
        if (!e.isDir) remove.push({ path: e.path, bytes: e.bytes, reason: 'not a cargo unit' });
        continue;
      }
      const [, unitName, hash] = m as unknown as [string, string, string];
      if (!input.keepMembers && isMember(unitName)) {
        remove.push({ path: e.path, bytes: e.bytes, reason: 'workspace member (set cache-workspace-crates: true to keep)' });
        continue;
      }
      if (input.usedHashes === null) continue;
      const used = input.usedHashes.has(hash) || input.usedInodes.has(e.ino);
      const writtenAfterRestore = e.mtimeMs >= input.restoredAtMs;
      if (!used && !writtenAfterRestore) remove.push({ path: e.path, bytes: e.bytes, reason: 'not used by this build (an old version, hash or feature set)' });
    }
  }
  return remove;
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
      if ((isProfile || leadsToProfile || isUnitDir) && depth < 4) visit(childRel, depth + 1);
    }
  };
  if (existsSync(targetDir)) visit('', 0);
  return out;
}

export interface CleanResult {
  bytesBefore: number;
  bytesAfter: number;
  removed: CleanAction[];
}

export function cleanTargetDir(opts: {
  targetDir: string;
  profileDirs: string[];
  artifacts: string[] | null;
  restoredAtMs: number;
  members: ReadonlySet<string>;
  keepMembers: boolean;
}): CleanResult {
  const bytesBefore = bytesOf(opts.targetDir);
  if (!existsSync(opts.targetDir)) return { bytesBefore: 0, bytesAfter: 0, removed: [] };
  const usedHashes = opts.artifacts ? new Set(opts.artifacts.flatMap(hashesInPath)) : null;
  const usedInodes = new Set<number>();
  for (const a of opts.artifacts ?? []) {
    if (hashesInPath(a).length === 0) {
      const st = statSync(a, { throwIfNoEntry: false });
      if (st) usedInodes.add(st.ino);
    }
  }
  const plan = planTargetClean({
    entries: listTarget(opts.targetDir, opts.profileDirs),
    profileDirs: opts.profileDirs,
    usedHashes,
    usedInodes,
    restoredAtMs: opts.restoredAtMs,
    members: opts.members,
    keepMembers: opts.keepMembers,
  });
  for (const action of plan) rmSync(path.join(opts.targetDir, action.path), { recursive: true, force: true });
  // The planned entries never nest (the listing does not descend into what it removes), so the
  // size after is the size before minus theirs: no second walk of the tree.
  const removedBytes = plan.reduce((sum, action) => sum + action.bytes, 0);
  return { bytesBefore, bytesAfter: bytesBefore - removedBytes, removed: plan };
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
