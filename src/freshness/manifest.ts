// Keeping workspace crates fresh across checkouts, the pure core. Cargo decides that a unit is
// fresh when none of its source files is newer than the unit's own dep-info file. A new checkout
// gives every file the current time, so every restored workspace unit looks dirty. The rule
// here: a tracked file whose working-tree bytes are proven identical (same SHA-256) to what the
// cached build read gets a time older than that build again; every other file keeps a time
// newer than anything in the cache. Nothing is guessed: a file that cannot be proven identical
// is treated as changed, so the worst case is a rebuild, never a stale unit.

export const FRESHNESS_SCHEMA = 'watchmaker/freshness';
export const FRESHNESS_VERSION = 2;

const NS_PER_MS = 1_000_000n;
const NS_PER_S = 1_000_000_000n;

/** A file's times and size as lstat gives them (nanoseconds: cargo compares them). */
export interface FileStamp {
  size: number;
  mtimeNs: bigint;
  /** The inode change time: no tool can set it back, so an unchanged one means an unwritten file. */
  ctimeNs: bigint;
}

/** A tracked regular file as the working tree has it now. */
export interface TrackedFile extends FileStamp {
  /** Relative to the git root, `/`-separated. */
  path: string;
  /** SHA-256 of the working-tree bytes (base64), or null when not read. */
  hash: string | null;
}

/** [SHA-256 of the bytes, size, mtime in ns as a decimal string]. */
export type ManifestFile = [hash: string, size: number, mtimeNs: string];

/** Stored with the cache: what the cached build was compiled from. */
export interface FreshnessManifest {
  schema: typeof FRESHNESS_SCHEMA;
  version: typeof FRESHNESS_VERSION;
  /** Every build this manifest describes started after this time (ms since the epoch). */
  builtAfterMs: number;
  /** Written after every build of that job: the newest artifact in the cache is older. */
  writtenAtMs: number;
  /** Path → what the cached build read there. */
  files: Record<string, ManifestFile>;
  /** Tracked symbolic links: path → link text. Cargo reads through them. */
  links: Record<string, string>;
}

/** Set back to this mtime: proven identical to what the cache was built from. */
export interface MtimeChange {
  path: string;
  mtimeNs: bigint;
}

export interface FreshnessPlan {
  /** Proven identical: their mtime goes back before the cached build. */
  proven: MtimeChange[];
  /** Not proven, and old enough to look older than cached artifacts: they get the current time. */
  bumped: string[];
  /** Tracked files not proven identical (changed or new since the cached build). */
  changed: number;
}

const SECOND_NS = NS_PER_S;
const floorSecondNs = (ns: bigint) => (ns / SECOND_NS) * SECOND_NS;
export const msToNs = (ms: number) => BigInt(Math.floor(ms)) * NS_PER_MS;

/**
 * The mtime a proven file gets: the recorded one, nanoseconds kept (a build script's package
 * fingerprint prints the newest file's time in full), as it is older than the build that read
 * it; a time not older (never in a manifest this version writes) gets a whole second before.
 * Both cache backends archive times with their fraction (tar's POSIX format).
 */
export function provenMtimeNs(recordedNs: bigint, builtAfterMs: number): bigint {
  const built = msToNs(builtAfterMs);
  return recordedNs < built ? recordedNs : floorSecondNs(built) - SECOND_NS;
}

/** The files worth reading: listed in the manifest with the same size (any other has changed). */
export function worthHashing(manifest: FreshnessManifest, files: readonly TrackedFile[]): TrackedFile[] {
  return files.filter((f) => manifest.files[f.path]?.[1] === f.size);
}

/** Tracked links whose text is not the one the cached build read through (new ones included). */
export function changedLinks(manifest: FreshnessManifest, links: ReadonlyMap<string, string>): string[] {
  return [...links].filter(([p, text]) => manifest.links[p] !== text).map(([p]) => p);
}

/**
 * Which files to touch after a restore. Proven: same path and bytes as in the manifest, and not
 * reached through a changed link. Bumped: every other tracked or untracked file whose mtime is
 * not later than the manifest's writing (a tool restored an old time, or a reused runner kept
 * the file): without the bump cargo could take it for older than a cached unit.
 */
export function planFreshness(
  manifest: FreshnessManifest,
  tracked: readonly TrackedFile[],
  untracked: ReadonlyArray<{ path: string; mtimeNs: bigint }>,
  unprovable: ReadonlySet<string>,
): FreshnessPlan {
  const proven: MtimeChange[] = [];
  const bumped: string[] = [];
  const writtenNs = msToNs(manifest.writtenAtMs);
  let changed = 0;
  for (const file of tracked) {
    const recorded = manifest.files[file.path];
    if (recorded && file.hash !== null && recorded[0] === file.hash && !unprovable.has(file.path)) {
      proven.push({ path: file.path, mtimeNs: provenMtimeNs(BigInt(recorded[2]), manifest.builtAfterMs) });
      continue;
    }
    changed++;
    if (file.mtimeNs <= writtenNs) bumped.push(file.path);
  }
  for (const file of untracked) if (file.mtimeNs <= writtenNs) bumped.push(file.path);
  return { proven, bumped, changed };
}

/** Why timestamps in the cache cannot be trusted on this runner, or null when they can. */
export function futureTimes(manifest: FreshnessManifest | null, newestUnitMs: number, nowMs: number): string | null {
  const newest = Math.max(manifest?.writtenAtMs ?? 0, manifest?.builtAfterMs ?? 0, newestUnitMs);
  if (newest <= nowMs) return null;
  const ahead = ((newest - nowMs) / 1000).toFixed(1);
  return (
    `the restored cache has times ${ahead} s in the future ` +
    '(the runner that saved it had a clock ahead of this one)'
  );
}

/** What the main step saw of a tracked file once the times were set, before any build of the job. */
export interface SnapshotEntry extends FileStamp {
  hash: string | null;
  /** Given its time back at the restore. */
  proven: boolean;
}

/** What the post step knows about the job when it writes the next manifest. */
export interface ManifestInput {
  /** The main step's reference time: set after the restore, before any build of the job. */
  builtAfterMs: number;
  /**
   * Every cached unit is vouched for by this job: either the timed build ran and the cleaner
   * keeps only the units it used or wrote (cargo checked each against the files' times), or the
   * restore found nothing and nothing was there before (every unit is new). Otherwise only files
   * proven at the restore can be listed.
   */
  unitsVouchedFor: boolean;
  nowMs: number;
}

const sameStamp = (a: FileStamp, b: FileStamp) =>
  a.size === b.size && a.mtimeNs === b.mtimeNs && a.ctimeNs === b.ctimeNs;

/**
 * The files the next manifest may describe: written before any build of the job (by a margin
 * when the file system keeps only whole seconds) and unwritten since the main step looked at
 * them (size, mtime and change time as they were), so their bytes are the ones the build read;
 * and either proven at the restore or vouched for by this job's build. A later step that
 * writes other content with an old time (`cp -p`, `touch -r`, `tar x`) changes the change time.
 */
export function describable(
  files: readonly TrackedFile[],
  snapshot: ReadonlyMap<string, SnapshotEntry>,
  input: ManifestInput,
): TrackedFile[] {
  const coarse = files.length > 0 && files.every((f) => f.mtimeNs % SECOND_NS === 0n);
  const cutoff = msToNs(input.builtAfterMs) - (coarse ? 2n * SECOND_NS : 0n);
  const out: TrackedFile[] = [];
  for (const f of files) {
    const seen = snapshot.get(f.path);
    if (!seen || !sameStamp(seen, f) || !(f.mtimeNs < cutoff)) continue;
    if (input.unitsVouchedFor || seen.proven) out.push({ ...f, hash: f.hash ?? seen.hash });
  }
  return out;
}

/** The manifest of described files (each with its hash) and of the links the build read through. */
export function buildManifest(
  described: readonly TrackedFile[],
  links: ReadonlyMap<string, string>,
  input: ManifestInput,
): FreshnessManifest {
  const files: Record<string, ManifestFile> = {};
  for (const f of described) if (f.hash !== null) files[f.path] = [f.hash, f.size, f.mtimeNs.toString()];
  return {
    schema: FRESHNESS_SCHEMA,
    version: FRESHNESS_VERSION,
    builtAfterMs: input.builtAfterMs,
    writtenAtMs: input.nowMs,
    files,
    links: Object.fromEntries(links),
  };
}

const isManifestFile = (v: unknown) =>
  Array.isArray(v) &&
  v.length === 3 &&
  typeof v[0] === 'string' &&
  typeof v[1] === 'number' &&
  typeof v[2] === 'string' &&
  /^\d+$/.test(v[2]);

/** Null when the text is not a manifest of this version (then nothing is proven). */
export function parseManifest(text: string): FreshnessManifest | null {
  let m: Partial<FreshnessManifest>;
  try {
    m = JSON.parse(text) as Partial<FreshnessManifest>;
  } catch {
    return null;
  }
  if (m.schema !== FRESHNESS_SCHEMA || m.version !== FRESHNESS_VERSION) return null;
  if (typeof m.builtAfterMs !== 'number' || typeof m.writtenAtMs !== 'number') return null;
  if (!isRecord(m.files) || !isRecord(m.links)) return null;
  if (!Object.values(m.files).every(isManifestFile) || !Object.values(m.links).every((t) => typeof t === 'string'))
    return null;
  return m as FreshnessManifest;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
