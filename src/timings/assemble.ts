// Builds the versioned run record (src/record.ts, docs/record-schema.md) from what one timed
// build produced: the wrapper's per-rustc lines, cargo's JSON messages and its timings HTML.
import os from 'node:os';
import type { CrateWork } from '../ir/index.js';
import type { RunContext } from '../context.js';
import type { CompileWorkScope } from '../config.js';
import {
  crateKey,
  crateOfKey,
  RECORD_SCHEMA,
  RECORD_SCHEMA_VERSION,
  type CrateCost,
  type FreshCrate,
  type RunRecord,
  type UnitCost,
} from '../record.js';
import type { RustcVersion } from '../toolchain.js';
import { criticalPath, type TimingsReport } from './html.js';
import { layoutOfArtifacts } from '../cargo-layout.js';
import { parallelismOf, type UnitCpu } from '../parallelism/index.js';
import { artifactsOf, type CargoMessages } from './messages.js';

/** One line of the wrapper's units file. */
export interface WrapperUnit {
  crateName: string;
  crateTypes: string[];
  test: boolean;
  package: string;
  version: string | null;
  manifestDir: string;
  start: number;
  end: number;
  user: number | null;
  sys: number | null;
  maxRssKiB: number | null;
  instructions: number | null;
  exit: number;
}

/** The wrapper's lines; a line that is not JSON is returned in `unreadable` (the caller warns). */
export function parseWrapperUnits(text: string): { units: WrapperUnit[]; unreadable: string[] } {
  const out: WrapperUnit[] = [];
  const unreadable: string[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      const u = JSON.parse(line) as Record<string, unknown>;
      const n = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null);
      out.push({
        crateName: String(u.crate_name ?? ''),
        crateTypes: String(u.crate_types ?? '')
          .split(',')
          .filter(Boolean),
        test: u.test === true,
        package: String(u.package || u.crate_name || ''),
        version: typeof u.version === 'string' && u.version !== '' ? u.version : null,
        manifestDir: String(u.manifest_dir ?? ''),
        start: n(u.start) ?? 0,
        end: n(u.end) ?? 0,
        user: n(u.user),
        sys: n(u.sys),
        maxRssKiB: n(u.max_rss_kib),
        instructions: n(u.instructions),
        exit: n(u.exit) ?? 0,
      });
    } catch {
      // A torn line (the build was killed mid-write) must not fail the record, but is reported.
      unreadable.push(line);
    }
  }
  return { units: out, unreadable };
}

function wrapperKind(u: WrapperUnit): string {
  if (u.crateName.startsWith('build_script_')) return 'build-script';
  if (u.test) return 'test';
  if (u.crateTypes.includes('proc-macro')) return 'proc-macro';
  if (u.crateTypes.includes('bin')) return 'bin';
  return 'lib';
}

const round = (x: number, digits = 3) => Math.round(x * 10 ** digits) / 10 ** digits;

export interface RecordInput {
  profile: string;
  flagsHash: string;
  targetTriple: string;
  rustc: RustcVersion;
  cargoVersion: string | null;
  context: RunContext;
  commit: string | null;
  command: string[];
  exitCode: number;
  wallSeconds: number;
  /** Epoch ms when cargo was started: wrapper start times are made relative to it. */
  startedAtMs: number;
  /** null when the wrapper was not used. */
  wrapperUnits: WrapperUnit[] | null;
  perf: boolean;
  messages: CargoMessages;
  timings: TimingsReport | null;
  timingsHtml: string | null;
  workspaceMembers: ReadonlySet<string>;
  /** Input fingerprints by `name@version` (timings/fingerprint.ts). */
  fingerprints?: ReadonlyMap<string, string | null>;
  /** The fingerprints cover each crate's local dependencies (cargo gave the graph). */
  inputsTransitive?: boolean;
  calibration?: RunRecord['calibration'];
  /** Compile work (bytes of machine code) per measured package (src/ir); null when not measured. */
  compileWork?: ReadonlyMap<string, CrateWork> | null;
  /** Which crates compile work measured: the workspace members, or all compiled. */
  compileWorkScope?: CompileWorkScope;
  /** Measured crates (`name@version`) with some targets compiled and others fresh (no whole work; see partialWork). */
  partlyFresh?: ReadonlySet<string>;
  /** The compiled targets' work of those crates. */
  partialWork?: ReadonlyMap<string, CrateWork>;
  /**
   * Measured crates (`name@version`) with a file that could not be read (stripped, a damaged or crafted file): not
   * measured.
   */
  unreadableWork?: ReadonlySet<string>;
  /**
   * Measured crates (`name@version`) compiled to LLVM bitcode for link-time optimisation: no machine code of their own.
   */
  ltoWork?: ReadonlySet<string>;
  /** Why compile work, although on, was not measured (`not measured: check builds produce no code`). */
  compileWorkNote?: string;
  now?: Date;
}

export function buildRunRecord(input: RecordInput): RunRecord {
  const units = unitsOf(input);
  const crates = cratesOf(units).map((c) => ({
    ...c,
    inputFingerprint: input.fingerprints?.get(crateKey(c.crate, c.version)) ?? null,
    contention: input.wrapperUnits ? contentionOf(units, c.crate) : null,
    ...(input.compileWork && (c.workspaceMember || input.compileWorkScope === 'all') ? workOf(input, c) : {}),
  }));
  const path = input.timings ? criticalPath(input.timings.units) : null;
  const label = (t: { name: string; version: string | null; kind: string }) =>
    `${t.name}${t.version ? ` ${t.version}` : ''} (${t.kind})`;
  const totals = totalsOf(input, units);
  return {
    schema: RECORD_SCHEMA,
    version: RECORD_SCHEMA_VERSION,
    createdAt: (input.now ?? new Date()).toISOString(),
    git: {
      commit: input.commit,
      ref: input.context.ref,
      baseRef: input.context.pullRequest?.baseRef ?? null,
      eventName: input.context.eventName,
    },
    repository: input.context.repository,
    runUrl: input.context.runUrl,
    job: input.context.job,
    profile: input.profile,
    flagsHash: input.flagsHash,
    targetTriple: input.targetTriple,
    toolchain: { ...pick(input.rustc, 'release', 'commitHash', 'host'), cargo: input.cargoVersion },
    runner: runnerInfo(),
    command: input.command,
    success: input.exitCode === 0 && input.messages.finished !== false,
    exitCode: input.exitCode,
    ...(input.messages.firstError ? { firstError: input.messages.firstError } : {}),
    totals,
    criticalPath: path ? { seconds: path.seconds, units: path.units.map(label) } : null,
    parallelism: parallelismOf(input.timings, os.cpus().length, cpuByUnit(units)),
    units,
    crates,
    workspaceMembers: [...input.workspaceMembers].sort(),
    freshCrates: freshCratesOf(input, crates),
    timingsHtml: input.timingsHtml,
    calibration: input.calibration ?? null,
    measurement: measurementOf(input, totals),
  };
}

const pick = <T, K extends keyof T>(o: T, ...keys: K[]) => Object.fromEntries(keys.map((k) => [k, o[k]])) as Pick<T, K>;

/** How the figures were measured, so a reader knows which metrics are comparable. */
function measurementOf(input: RecordInput, totals: RunRecord['totals']): RunRecord['measurement'] {
  return {
    wrapper: input.wrapperUnits !== null,
    perf: input.perf && totals.instructions !== null,
    timingsHtmlParsed: input.timings !== null && input.timings.units.length > 0,
    buildDirLayout: layoutOfArtifacts(artifactsOf(input.messages)),
    compileWork: input.compileWork != null ? 'machine-code' : false,
    ...(input.compileWork != null && input.compileWorkScope === 'all' ? { compileWorkScope: 'all' as const } : {}),
    ...(input.compileWork == null && input.compileWorkNote ? { compileWorkNote: input.compileWorkNote } : {}),
    ...(input.inputsTransitive ? { inputsTransitive: true } : {}),
  };
}

/**
 * Other compilations running while the crate's own ran, averaged over its wall time: from the
 * units' start offsets and durations (the wrapper's clock).
 */
export function contentionOf(units: UnitCost[], crate: string): number | null {
  const own = units.filter((u) => u.crate === crate && u.startSeconds !== null && u.kind !== 'build-script-run');
  const others = units.filter((u) => u.crate !== crate && u.startSeconds !== null && u.kind !== 'build-script-run');
  const wall = own.reduce((a, u) => a + u.wallSeconds, 0);
  if (wall <= 0) return null;
  let overlap = 0;
  for (const u of own) {
    const [s, e] = [u.startSeconds!, u.startSeconds! + u.wallSeconds];
    for (const o of others)
      overlap += Math.max(0, Math.min(e, o.startSeconds! + o.wallSeconds) - Math.max(s, o.startSeconds!));
  }
  return round(overlap / wall, 2);
}

/** Build-script runs are not compilations: CPU and instruction totals are over the rest. */
const compileUnits = (units: UnitCost[]) => units.filter((u) => u.kind !== 'build-script-run');

function runnerInfo(): RunRecord['runner'] {
  return {
    os: `${os.platform()} ${os.release()}`,
    arch: os.arch(),
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model?.trim() ?? null,
    memoryBytes: os.totalmem(),
  };
}

function totalsOf(input: RecordInput, units: UnitCost[]): RunRecord['totals'] {
  const compiled = compileUnits(units);
  const cpuMeasured = compiled.length > 0 && compiled.every((u) => u.cpuSeconds !== null);
  const instructionsMeasured = compiled.length > 0 && compiled.every((u) => u.instructions !== null);
  const unitsFresh = input.timings?.summary.freshUnits ?? input.messages.artifacts.filter((a) => a.fresh).length;
  return {
    wallSeconds: round(input.wallSeconds),
    cpuSeconds: cpuMeasured ? round(compiled.reduce((a, u) => a + (u.cpuSeconds ?? 0), 0)) : null,
    instructions: instructionsMeasured ? compiled.reduce((a, u) => a + (u.instructions ?? 0), 0) : null,
    unitsCompiled: units.length,
    unitsFresh,
    unitsTotal: units.length + unitsFresh,
  };
}

/** A compiled crate's compile work, or why it has none. */
function workOf(
  input: RecordInput,
  c: { crate: string; version: string | null },
): Pick<CrateCost, 'work' | 'workMissing' | 'partialWork'> {
  const key = crateKey(c.crate, c.version);
  const work = input.compileWork?.get(key) ?? null;
  if (work) return { work };
  if (input.unreadableWork?.has(key)) return { work: null, workMissing: 'unreadable' };
  if (input.ltoWork?.has(key)) return { work: null, workMissing: 'lto' };
  if (input.partlyFresh?.has(key))
    return { work: null, workMissing: 'partly-fresh', partialWork: input.partialWork?.get(key) ?? null };
  if (input.wrapperUnits?.some((u) => u.package === c.crate && u.version === c.version && u.exit !== 0))
    return { work: null, workMissing: 'failed' };
  return { work: null };
}

/**
 * The measured crates cargo found fresh (members; dependencies too with compile-work: all), with
 * what they were compiled from (their artifact messages come even when fresh). Their compile work
 * is carried later from an earlier record (report/work.ts).
 */
function freshCratesOf(input: RecordInput, crates: CrateCost[]): FreshCrate[] {
  const compiled = new Set(crates.map((c) => crateKey(c.crate, c.version)));
  const fresh: FreshCrate[] = [];
  for (const [key, inputFingerprint] of input.fingerprints ?? []) {
    const crate = crateOfKey(key);
    const version = key.slice(crate.length + 1) || null;
    const member = input.workspaceMembers.has(crate);
    if ((member || input.compileWorkScope === 'all') && !compiled.has(key))
      fresh.push({ crate, version, workspaceMember: member, inputFingerprint, work: null });
  }
  return fresh.sort((a, b) => a.crate.localeCompare(b.crate) || (a.version ?? '').localeCompare(b.version ?? ''));
}

/**
 * Every compiled unit: rustc calls from the wrapper, build-script runs (and, without the wrapper, all units) from
 * cargo's timings.
 */
function unitsOf(input: RecordInput): UnitCost[] {
  const member = (name: string) => input.workspaceMembers.has(name);
  const units: UnitCost[] = (input.wrapperUnits ?? []).map((u) => ({
    crate: u.package,
    version: u.version,
    kind: wrapperKind(u),
    target: u.crateName,
    workspaceMember: member(u.package),
    wallSeconds: round(Math.max(0, u.end - u.start)),
    cpuSeconds: u.user === null || u.sys === null ? null : round(u.user + u.sys),
    peakRssKiB: u.maxRssKiB,
    instructions: u.instructions,
    startSeconds: round(Math.max(0, u.start - input.startedAtMs / 1000), 2),
  }));
  for (const t of input.timings?.units ?? []) {
    // Build-script runs and rustdoc (`cargo doc`) do not go through RUSTC_WRAPPER: their times come from cargo.
    if (!t.ran || (input.wrapperUnits && t.kind !== 'build-script-run' && t.kind !== 'doc')) continue;
    units.push({
      crate: t.name,
      version: t.version,
      kind: t.kind,
      target: t.target.trim(),
      workspaceMember: member(t.name),
      wallSeconds: t.duration,
      cpuSeconds: null,
      peakRssKiB: null,
      instructions: null,
      startSeconds: t.start,
    });
  }
  return units.sort((a, b) => (a.startSeconds ?? 0) - (b.startSeconds ?? 0));
}

/** The units of each package (name and version) summed, costliest first. */
function cratesOf(units: UnitCost[]): CrateCost[] {
  const byCrate = new Map<string, CrateCost>();
  for (const u of units) {
    const key = crateKey(u.crate, u.version);
    const c = byCrate.get(key) ?? {
      crate: u.crate,
      version: u.version,
      workspaceMember: u.workspaceMember,
      units: 0,
      wallSeconds: 0,
      cpuSeconds: null,
      instructions: null,
      peakRssKiB: null,
    };
    c.units += 1;
    c.wallSeconds = round(c.wallSeconds + u.wallSeconds);
    if (u.cpuSeconds !== null) c.cpuSeconds = round((c.cpuSeconds ?? 0) + u.cpuSeconds);
    if (u.instructions !== null) c.instructions = (c.instructions ?? 0) + u.instructions;
    if (u.peakRssKiB !== null) c.peakRssKiB = Math.max(c.peakRssKiB ?? 0, u.peakRssKiB);
    byCrate.set(key, c);
  }
  return [...byCrate.values()].sort((a, b) => (b.cpuSeconds ?? b.wallSeconds) - (a.cpuSeconds ?? a.wallSeconds));
}

/**
 * Each unit's rustc CPU seconds, found by package and target kind as cargo's timings name them (a
 * proc macro is a library there); null where two units share both, or the wrapper did not run.
 */
function cpuByUnit(units: UnitCost[]): UnitCpu {
  const byKey = new Map<string, number | null>();
  for (const u of units) {
    const key = `${u.crate}\0${u.kind === 'proc-macro' ? 'lib' : u.kind}`;
    byKey.set(key, byKey.has(key) ? null : u.cpuSeconds);
  }
  return (u) => byKey.get(`${u.name}\0${u.kind}`) ?? null;
}
