// The versioned JSON run record: what one timed build measured. Written by the timings
// module, read by the report module (and by the baseline of later runs), so the schema is
// shared here. Bump RECORD_SCHEMA_VERSION on any incompatible change; readers must reject
// records with another major version instead of misreading them. Documented in docs/record-schema.md.

import { writeFileSync } from 'node:fs';
import type { PhaseSeconds } from './phases.js';

export const RECORD_SCHEMA = 'watchmaker/run-record';
export const RECORD_SCHEMA_VERSION = 4;
/**
 * Versions this one reads: 1 lacks compile work (`crates[].work`) and compares as before; 2
 * counted it in lines of printed IR and 3 in LLVM IR instructions, which do not compare with
 * bytes of machine code, so their work is read as not measured (and their builds, which emitted
 * the IR, as timed differently).
 */
export const READABLE_RECORD_VERSIONS: readonly number[] = [1, 2, 3, 4];
const OTHER_RECORD_VERSION = (version: number | undefined) =>
  `The run record has schema version ${version}; this Watchmaker reads versions ` +
  `${READABLE_RECORD_VERSIONS.slice(0, -1).join(', ')} and ${READABLE_RECORD_VERSIONS.at(-1)}. ` +
  'Records of other versions are not compared.';
/** How many earlier default-branch runs a stored record carries (rustc-perf learns from 30). */
export const HISTORY_LENGTH = 30;

/** A package as the record's maps key it: `name@version` (the same name can be in a build twice). */
export const crateKey = (name: string, version: string | null) => `${name}@${version ?? ''}`;

/** The name of a `crateKey`. */
export const crateOfKey = (key: string) => key.slice(0, key.lastIndexOf('@'));

/** Cost of one compilation unit (one rustc invocation, or one build-script run). */
export interface UnitCost {
  /** Package name, e.g. `serde_json` as cargo names it (hyphens kept: `my-crate`). */
  crate: string;
  /** Package version, or null when unknown. */
  version: string | null;
  /** Target kind: lib, bin, proc-macro, build-script, build-script-run, test, example, bench, other. */
  kind: string;
  /** Target name (the rust crate name, e.g. `build_script_build`). */
  target: string;
  /** True when the package is a member of the workspace. */
  workspaceMember: boolean;
  /** Wall time in seconds. */
  wallSeconds: number;
  /** CPU time (user+sys) in seconds, when measured by the wrapper. */
  cpuSeconds: number | null;
  /** Peak resident memory in KiB, when measured. */
  peakRssKiB: number | null;
  /** Retired instructions, when hardware counters were available. */
  instructions: number | null;
  /** Start offset in seconds from the build start (from cargo's timings when known). */
  startSeconds: number | null;
}

/** Per-crate figures: the units of one package summed. */
export interface CrateCost {
  crate: string;
  version: string | null;
  workspaceMember: boolean;
  units: number;
  wallSeconds: number;
  cpuSeconds: number | null;
  instructions: number | null;
  peakRssKiB: number | null;
  /**
   * What the crate was compiled from (timings/fingerprint.ts): equal in two runs means its inputs
   * were identical, so their difference is noise. Null when it cannot be proven; absent in older records.
   */
  inputFingerprint?: string | null;
  /**
   * Other rustc processes running alongside this crate's compilation, on average over its wall
   * time (0: alone). A cold build compiles crates beside their dependencies; a warm one alone.
   */
  contention?: number | null;
  /**
   * Compile work of a measured crate (src/ir): the machine code in the object code cargo wrote
   * for it, in bytes and functions, and its biggest function groups. Exact: identical inputs and
   * compiler give identical numbers. Null when not measured for this crate; absent before version 4.
   */
  work?: CompileWork | null;
  /**
   * Why a compiled workspace crate has no compile work: a unit of it did not compile
   * (`failed`), or some of its targets came fresh from the cache (`partly-fresh`), so its code
   * here would be only part of it, or a file of it could not be read (`unreadable`: stripped, a
   * damaged or crafted file; the log names it), or it was compiled to LLVM bitcode for link-time
   * optimisation (`lto`: its code is generated in the binaries that link it). Absent when it has
   * work or when nothing of it was measured.
   */
  workMissing?: 'failed' | 'partly-fresh' | 'unreadable' | 'lto';
  /** With `workMissing: partly-fresh`, the work of the targets that were compiled (in `targets`). */
  partialWork?: CompileWork | null;
}

/** The machine code of one crate's functions, grouped as cargo-llvm-lines groups them, counted in bytes. */
export interface CompileWork {
  bytes: number;
  functions: number;
  /**
   * The groups with the most bytes (a non-generic function, or every copy of a generic one),
   * then the groups defined in your own crates beyond them (up to 40 more), so a small function
   * of yours can be compared too.
   */
  groups: Array<{ name: string; copies: number; bytes: number }>;
  /**
   * True when `groups` has every group defined in your crates (none cut); absent in records from before they were kept.
   */
  ownGroupsComplete?: boolean;
  /**
   * The same per target (`lib tool`, `bin tool`) when a package has more than one, so a run that
   * compiled only some of them can still be compared target by target. Absent otherwise.
   */
  targets?: TargetWork[];
}

/** The compile work of one target of a package. */
export type TargetWork = { target: string } & Omit<CompileWork, 'targets'>;

/**
 * A measured crate cargo found fresh (reused from the cache, not compiled): a workspace member,
 * or with compile-work: all a dependency. Its compile work is carried from the record of the run
 * that did compile it, matched by the input fingerprint: identical inputs give identical object
 * code, so the carried numbers are exact.
 */
export interface FreshCrate {
  crate: string;
  version: string | null;
  /** False for a dependency (measured with compile-work: all); absent in records before it was added. */
  workspaceMember?: boolean;
  /**
   * What its artifacts were compiled from (see CrateCost.inputFingerprint); null: cannot be proven, so nothing is
   * carried.
   */
  inputFingerprint: string | null;
  /** The work carried from an earlier record; null when none had it. */
  work: CompileWork | null;
  /** The commit whose run measured `work`. */
  workFrom?: string | null;
}

/** A compact earlier run of the default branch, for learning the repository's own noise. */
/** One calibration: the median CPU seconds of compiling the workload, over `runs`, and their spread. */
export interface Calibration {
  cpuSeconds: number;
  runs: number;
  spread: number;
}

export interface HistoryEntry {
  commit: string | null;
  createdAt: string;
  cpuModel: string | null;
  calibrationCpuSeconds: number | null;
  crates: Array<{
    crate: string;
    version: string | null;
    cpuSeconds: number | null;
    wallSeconds: number;
    instructions: number | null;
    inputFingerprint: string | null;
    /** Absent in entries written before it was kept. */
    contention?: number | null;
  }>;
  /** The fingerprints cover local dependencies (the record's measurement.inputsTransitive). */
  inputsTransitive?: boolean;
}

/** The job counts the parallelism model predicts for. */
export const PARALLEL_JOBS = ['1', '2', '4', '8', '16'] as const;

/** What more or fewer parallel jobs would do to this build, from its own units (src/parallelism). */
export interface Parallelism {
  /** The build's own job count (cargo's -j). */
  jobs: number;
  /** The model's relative error replaying this build at its own job count. */
  modelError: number;
  /** Predicted wall seconds per job count; null when modelError is over the tolerance. */
  predicted: Record<(typeof PARALLEL_JOBS)[number], number> | null;
  /**
   * The chain of units that bounds the build, each with the seconds it holds the chain and their share of the wall
   * time.
   */
  criticalPath: Array<{ unit: string; seconds: number; share: number }>;
  /** Seconds with exactly one unit compiling. */
  serialSeconds: number;
}

export interface RunRecord {
  schema: typeof RECORD_SCHEMA;
  version: number;
  createdAt: string; // ISO-8601
  git: { commit: string | null; ref: string | null; baseRef: string | null; eventName: string | null };
  repository: string | null;
  runUrl: string | null;
  job: string | null;
  profile: string;
  flagsHash: string;
  targetTriple: string;
  toolchain: { release: string; commitHash: string | null; host: string; cargo: string | null };
  runner: { os: string; arch: string; cpus: number; cpuModel: string | null; memoryBytes: number };
  command: string[];
  success: boolean;
  exitCode: number;
  /** Cargo's first compiler error (as rustc rendered it) and its crate, when the build failed on one. */
  firstError?: { crate: string; text: string };
  totals: {
    wallSeconds: number;
    /** Sum of per-unit CPU seconds; null when the wrapper did not run. */
    cpuSeconds: number | null;
    instructions: number | null;
    unitsCompiled: number;
    unitsFresh: number;
    unitsTotal: number;
  };
  /** Longest dependency chain through the compiled units, from cargo's timings. */
  criticalPath: { seconds: number; units: string[] } | null;
  /**
   * The build replayed with other job counts (src/parallelism); null without cargo's timings or when nothing was
   * compiled; absent in older records.
   */
  parallelism?: Parallelism | null;
  units: UnitCost[];
  crates: CrateCost[];
  /** Every workspace member: those not in `crates` were fresh (reused from the cache). Absent in older records. */
  workspaceMembers?: string[];
  /**
   * The measured crates cargo found fresh, with their compile work carried from earlier records. Absent in older
   * records.
   */
  freshCrates?: FreshCrate[];
  /** Where cargo wrote its HTML timings report, if it did. */
  timingsHtml: string | null;
  /**
   * The fixed calibration workload (timings/calibration.ts) on this run's CPU model: measured after
   * the build only when a comparison crosses CPU models and no calibration of this model is known,
   * else the known one. Null when none was needed; absent in older records.
   */
  calibration?: Calibration | null;
  /** Calibrations per CPU model, carried from run to run by the default branch's records (each model measured once). */
  calibrations?: Record<string, Calibration>;
  /** The action's own time per phase, in seconds (src/phases.ts): main's, and post's added by the post step. */
  phases?: PhaseSeconds;
  /** Earlier runs of the default branch, newest first, at most HISTORY_LENGTH; set on records stored as baselines. */
  history?: HistoryEntry[];
  /** How the figures were measured, so a reader knows which metrics are comparable. */
  measurement: {
    wrapper: boolean;
    perf: boolean;
    timingsHtmlParsed: boolean;
    /** The build-dir layout cargo wrote in (from its artifact paths); absent in records before it was added. */
    buildDirLayout?: 'old' | 'new' | 'mixed' | null;
    /**
     * How compile work was measured. `machine-code` (version 4): the sizes of the functions in
     * the object code cargo wrote, read after the build, which adds nothing to it. Older records
     * measured what the crates also emitted: LLVM bitcode (`llvm-bc`, version 3) or printed IR
     * (`llvm-ir`, version 2); emitting changed their CPU time, so time is compared only between
     * records built alike, and work only between records measured alike. Absent or false: not measured.
     */
    compileWork?: false | 'machine-code' | 'llvm-bc' | 'llvm-ir';
    /** `all`: the dependencies compiled were measured too (compile-work: all). Absent: the workspace crates only. */
    compileWorkScope?: 'all';
    /**
     * Why compile work, although on, was not measured, in one line: `not measured: check builds produce no code`.
     * Absent otherwise.
     */
    compileWorkNote?: string;
    /**
     * The input fingerprints cover each crate's local dependencies too (timings/fingerprint.ts closeOverLocalDeps).
     * Absent: per crate only.
     */
    inputsTransitive?: boolean;
  };
}

/**
 * Writes a run record. The job's own record is written once, by the main step when it ends
 * (src/steps/main.ts), with what the report added; a rebuild sample's by the timed build.
 */
export function writeRunRecord(file: string, record: RunRecord): void {
  writeFileSync(file, `${JSON.stringify(record, null, 2)}\n`);
}

/** Reads a record written by this or an earlier run; rejects other schemas instead of misreading them. */
export function readRunRecord(text: string): RunRecord {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new Error(`The run record is not valid JSON: ${(e as Error).message}`, { cause: e });
  }
  const r = parsed as Partial<RunRecord> | null;
  if (!r || r.schema !== RECORD_SCHEMA)
    throw new Error(
      `Not a Watchmaker run record (schema is ${JSON.stringify(r?.schema)}, expected "${RECORD_SCHEMA}").`,
    );
  if (!READABLE_RECORD_VERSIONS.includes(r.version ?? -1)) {
    throw new Error(OTHER_RECORD_VERSION(r.version));
  }
  if (!Array.isArray(r.crates) || !r.totals) throw new Error('The run record lacks crates or totals.');
  if (r.version === 2)
    return withoutWork(r as RunRecord, (r.measurement?.compileWork as unknown) === true ? 'llvm-ir' : false);
  if (r.version === 3) return withoutWork(r as RunRecord, r.measurement?.compileWork === 'llvm-bc' ? 'llvm-bc' : false);
  return r as RunRecord;
}

/**
 * Versions 2 and 3 measured compile work in LLVM IR (lines of printed IR, bitcode instructions),
 * which the build emitted: kept as how time was measured, not as work.
 */
function withoutWork(r: RunRecord, emitted: false | 'llvm-ir' | 'llvm-bc'): RunRecord {
  const crates = r.crates.map(({ work: _ir, partialWork: _partial, workMissing: _missing, ...c }) => c);
  const freshCrates = r.freshCrates?.map(({ workFrom: _from, ...f }) => ({ ...f, work: null }));
  return {
    ...r,
    crates,
    ...(freshCrates ? { freshCrates } : {}),
    measurement: { ...r.measurement, compileWork: emitted },
  };
}
