// Keeping workspace crates fresh across checkouts, the pure core. Cargo decides that a unit is
// fresh when none of its source files is newer than the unit's own dep-info file. A new checkout
// gives every file the current time, so every restored workspace unit looks dirty. The rule
// here: a tracked file whose content is proven identical (same git blob id) to what the cached
// build compiled gets an mtime older than that build again; every other file keeps a time newer
// than anything in the cache. Nothing is guessed: a file that cannot be proven identical is
// treated as changed, so the worst case is a rebuild, never a stale unit.

export const FRESHNESS_SCHEMA = 'watchmaker/freshness';
export const FRESHNESS_VERSION = 1;

/** A tracked file as the working tree has it now. */
export interface TrackedFile {
  /** Relative to the git root, `/`-separated. */
  path: string;
  /** The git blob id of the working tree's content (clean filters applied, as `git add` would). */
  blob: string;
  mtimeMs: number;
}

/** Stored with the cache: what the cached build was compiled from. */
export interface FreshnessManifest {
  schema: typeof FRESHNESS_SCHEMA;
  version: typeof FRESHNESS_VERSION;
  /** Every build this manifest describes started after this time (ms since the epoch). */
  builtAfterMs: number;
  /** Written after every build of that job: the newest artifact in the cache is older. */
  writtenAtMs: number;
  /** Path → [blob id, mtime in ms] of each file whose content the cached build compiled. */
  files: Record<string, [string, number]>;
}

/** Set back to this mtime: proven identical to what the cache was built from. */
export interface MtimeChange {
  path: string;
  mtimeMs: number;
}

export interface FreshnessPlan {
  /** Proven identical: their mtime goes back before the cached build (whole seconds). */
  proven: MtimeChange[];
  /** Not proven, and old enough to look older than cached artifacts: they get the current time. */
  bumped: string[];
  /** Tracked files not proven identical (changed or new since the cached build). */
  changed: number;
}

const SECOND = 1000;
const floorSecond = (ms: number) => Math.floor(ms / SECOND) * SECOND;

/**
 * The mtime a proven file gets: never later than it was when the manifest was written, and a
 * whole second before its build could start. Whole seconds survive archives that keep only
 * seconds (the artifacts they are compared with may have lost their fraction, which only makes
 * those older by less than a second), and a time once set is kept by later runs unchanged.
 */
export function provenMtime(recordedMs: number, builtAfterMs: number): number {
  return Math.min(floorSecond(recordedMs), floorSecond(builtAfterMs) - SECOND);
}

/**
 * Which files to touch after a restore. Proven: same path, same blob id as in the manifest.
 * Bumped: every other tracked or untracked file whose mtime is not later than the manifest's
 * writing (a tool restored an old time, or a reused runner kept the file): without the bump
 * cargo could take it for older than a cached unit built from other content.
 */
export function planFreshness(manifest: FreshnessManifest, tracked: TrackedFile[], untracked: Array<{ path: string; mtimeMs: number }>): FreshnessPlan {
  const proven: MtimeChange[] = [];
  const bumped: string[] = [];
  let changed = 0;
  for (const file of tracked) {
    const recorded = manifest.files[file.path];
    if (recorded && recorded[0] === file.blob) {
      proven.push({ path: file.path, mtimeMs: provenMtime(recorded[1], manifest.builtAfterMs) });
      continue;
    }
    changed++;
    if (file.mtimeMs <= manifest.writtenAtMs) bumped.push(file.path);
  }
  for (const file of untracked) if (file.mtimeMs <= manifest.writtenAtMs) bumped.push(file.path);
  return { proven, bumped, changed };
}

/** What the post step knows about the job when it writes the next manifest. */
export interface ManifestInput {
  /** The main step's reference time: set after the restore, before any build of the job. */
  builtAfterMs: number;
  /** Files proven at the restore, with the mtime they were given. */
  proven: ReadonlyMap<string, number>;
  /**
   * Every cached unit is vouched for by this job: either the timed build ran and the cleaner
   * keeps only the units it used or wrote (cargo checked each against the files' current
   * times), or the restore found nothing and nothing was there before (every unit is new).
   * Otherwise only files proven at the restore and untouched since can be listed.
   */
  unitsVouchedFor: boolean;
  nowMs: number;
}

/**
 * Files whose content the cache describes: untouched since before any build of the job (older
 * than the reference, by a margin when the file system keeps only whole seconds), and either
 * proven at the restore and still at the time given, or vouched for by this job's build.
 */
export function buildManifest(files: TrackedFile[], input: ManifestInput): FreshnessManifest {
  const margin = files.some((f) => f.mtimeMs % SECOND !== 0) ? 0 : 2 * SECOND;
  const cutoff = input.builtAfterMs - margin;
  const entries: Record<string, [string, number]> = {};
  for (const f of files) {
    if (!(f.mtimeMs < cutoff)) continue;
    const provenAt = input.proven.get(f.path);
    if (input.unitsVouchedFor || provenAt === f.mtimeMs) entries[f.path] = [f.blob, f.mtimeMs];
  }
  return { schema: FRESHNESS_SCHEMA, version: FRESHNESS_VERSION, builtAfterMs: input.builtAfterMs, writtenAtMs: input.nowMs, files: entries };
}

/** Null when the text is not a manifest of this version (then nothing is proven). */
export function parseManifest(text: string): FreshnessManifest | null {
  try {
    const m = JSON.parse(text) as Partial<FreshnessManifest>;
    if (m.schema !== FRESHNESS_SCHEMA || m.version !== FRESHNESS_VERSION) return null;
    if (typeof m.builtAfterMs !== 'number' || typeof m.writtenAtMs !== 'number' || typeof m.files !== 'object' || m.files === null) return null;
    return m as FreshnessManifest;
  } catch {
    return null;
  }
}
