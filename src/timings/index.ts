// The timed build's shell: runs cargo with --timings and JSON messages through the measuring
// rustc wrapper (wrapper.ts, cargo.ts), streams cargo's human output to the log with workflow
// commands stopped, and writes the run record (record.ts).
import { isCargoTimings, sideFilePath } from '../side-file.js';
import * as core from '@actions/core';
import { copyFileSync, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { childEnv } from '../child-env.js';
import { plural } from '../format.js';
import { logText, stopCommands } from '../log.js';
import { capture } from '../proc.js';
import { crateKey, writeRunRecord, type RunRecord } from '../record.js';
import type { TargetedRun } from '../run.js';
import { buildArgs } from '../config.js';
import { localDependencies, type WorkspaceInfo } from '../workspace.js';
import { runCargo, type CargoExit } from './cargo.js';
import { parseTimingsHtml, type TimingsReport } from './html.js';
import {
  artifactsOf,
  emptyMessages,
  localPackagesOf,
  partlyFreshCrates,
  type ArtifactMessage,
  type CargoMessages,
} from './messages.js';
import { commandNote, isNextest, subcommandOf, timedBuildFlags, writesCode } from '../cargo-command.js';
import { buildRunRecord, parseWrapperUnits, type WrapperUnit } from './assemble.js';
import { setUpWrapper, wrapperFiles, type WrapperContext } from './wrapper.js';
import type { Calibration } from '../record.js';
import { calibrate } from './calibration.js';
import {
  closeOverLocalDeps,
  crateFingerprints,
  depInfoCandidates,
  gitFiles,
  parseDepInfo,
  type DepInfoReader,
} from './fingerprint.js';
import { rustcCommand } from '../toolchain.js';
import {
  filesToRead,
  librariesOf,
  ownCrateNames,
  toolchainLibraries,
  WorkCollector,
  type CrateWork,
} from '../ir/index.js';

export { readRunRecord } from '../record.js';
export { WRAPPER_SOURCE_NAME } from './wrapper.js';

const PARTLY_FRESH = (names: string[]) =>
  `Watchmaker: ${names.join(', ')}: some targets fresh from the cache, so compile work is compared target by target.`;
const UNREADABLE_MEASUREMENT = (line: string) =>
  `Watchmaker: a line of the rustc measurements could not be read and is left out of the record: ${line}`;

export interface BuildOptions {
  /**
   * The measuring wrapper's Rust source (tools/rustc-wrapper/main.rs), built once per job; null builds without it (no
   * per-unit CPU figures).
   */
  wrapperPath: string | null;
  /**
   * Names a build other than the job's own (rebuild mode's samples): its record and timings
   * report get this label in their file names instead of overwriting the job's.
   */
  label?: string;
  /** Another checkout to build (rebuild mode's base worktree), with its workspace. */
  checkout?: { dir: string; workspace: WorkspaceInfo };
  /** Environment for this build; defaults to the run's. */
  env?: NodeJS.ProcessEnv;
  /** Receives cargo's human output line by line; defaults to the log (with commands stopped). */
  log?: (line: string) => void;
}

export interface TimedBuildResult {
  record: RunRecord;
  exitCode: number;
  recordPath: string;
  /** Stable copy of cargo's HTML timings report, or null when cargo wrote none. */
  timingsHtml: string | null;
  /**
   * Every file cargo reported producing (the cache cleaner keeps these); null when cargo reported no build (nextest
   * keeps its messages; cargo stopped before building).
   */
  artifacts: string[] | null;
  /** The signal that stopped the build (the job was cancelled), or null. */
  interruptedBy: NodeJS.Signals | null;
  /** The action's own directory for this build's side files (Config.build.scratchDir). */
  scratchDir: string;
}

/**
 * Where this build's files go. The job's record and timings copy: at record-path. Everything else
 * (a rebuild sample's record and timings, the wrapper's files) in the action's own scratch
 * directory, never beside record-path, which may be in the user's checkout.
 */
function outputPaths(
  run: TargetedRun,
  label: string | undefined,
): { recordPath: string; timingsCopy: string; scratch: string } {
  const { recordPath: own, scratchDir } = run.config.build;
  const profile = run.config.profile;
  if (!label) {
    const timingsCopy = sideFilePath(
      path.join(path.dirname(own), `cargo-timing-${profile}.html`),
      scratchDir,
      isCargoTimings,
    );
    return { recordPath: own, timingsCopy, scratch: path.join(scratchDir, 'build') };
  }
  return {
    recordPath: path.join(scratchDir, `rebuild-${label}.json`),
    timingsCopy: path.join(scratchDir, `cargo-timing-${profile}-rebuild-${label}.html`),
    scratch: path.join(scratchDir, `rebuild-${label}`),
  };
}

export function cargoCommand(run: TargetedRun): { program: string; args: string[] } {
  const { build, profile } = run.config;
  return { program: build.command[0]!, args: buildArgs(build, timedBuildFlags(build.command, profile)) };
}

export async function runTimedBuild(run: TargetedRun, options: BuildOptions): Promise<TimedBuildResult> {
  const { recordPath, timingsCopy, scratch } = outputPaths(run, options.label);
  const cwd = options.checkout?.dir ?? run.config.workingDirectory;
  const workspace = options.checkout?.workspace ?? run.workspace;
  const env = options.env ?? run.env;
  for (const dir of [path.dirname(recordPath), run.config.build.scratchDir]) mkdirSync(dir, { recursive: true });

  // Build scripts and proc macros run repository code: they get no secrets (child-env.ts).
  const buildEnv = childEnv(env, run.config.build.passEnv);
  const files = wrapperFiles(scratch);
  const wrapper =
    options.wrapperPath === null
      ? null
      : await setUpWrapper(options.wrapperPath, files, buildEnv, wrapperContext(run, cwd, env, workspace, options.log));
  const work = workCollector(run, wrapper !== null);
  const { program, args } = cargoCommand(run);
  const messages = messagesFeeding(work, run);
  const cargo = await timedCargo(program, args, { cwd, env: buildEnv }, messages, options.log);
  wrapper?.keep();
  const timings = copyTimings(workspace.targetDirectory, timingsCopy, cargo.startedAtMs, options.log ?? logLine);
  const wrapperUnits = wrapper === null ? null : readWrapperUnits(files.unitsFile);
  const sample = options.label !== undefined;
  const built: Built = { cwd, env, workspace, program, args, ...cargo, messages, timings, wrapperUnits, sample };
  const record = await recordOf(run, built, work, options.log ?? logLine);
  // A sample's record is finished here; the job's own is written once by the main step when it ends.
  if (sample) writeRunRecord(recordPath, record);
  const artifacts = messages.finished === null ? null : artifactsOf(messages);
  return {
    record,
    exitCode: cargo.exit.exitCode,
    recordPath,
    timingsHtml: timings?.file ?? null,
    artifacts,
    interruptedBy: cargo.exit.interruptedBy,
    scratchDir: run.config.build.scratchDir,
  };
}

/** What one cargo run left for its record. */
interface Built {
  cwd: string;
  env: NodeJS.ProcessEnv;
  workspace: WorkspaceInfo;
  program: string;
  args: string[];
  exit: CargoExit;
  startedAtMs: number;
  wallSeconds: number;
  messages: CargoMessages;
  timings: ReturnType<typeof copyTimings>;
  wrapperUnits: WrapperUnit[] | null;
  /** A rebuild sample (labelled), not the job's own build. */
  sample: boolean;
}

/** The run record of a build: your crates, compile work, input fingerprints and the measures. */
async function recordOf(
  run: TargetedRun,
  b: Built,
  work: WorkCollector | null,
  log: (line: string) => void,
): Promise<RunRecord> {
  const { messages, wrapperUnits, cwd, env } = b;
  const { yours, partlyFresh } = yourCrates(messages, wrapperUnits, b.workspace, log, run);
  const measured = { messages, units: wrapperUnits ?? [], partlyFresh, yours, wallSeconds: b.wallSeconds };
  const compileWork = work ? await measuredWork(work, run, measured, log) : null;
  const workFields = compileWork
    ? { partialWork: compileWork.partial, unreadableWork: compileWork.unreadable, ltoWork: compileWork.lto }
    : { compileWorkNote: workNote(run) ?? undefined };
  return buildRunRecord({
    profile: run.config.profile,
    flagsHash: run.target.flagsHash,
    targetTriple: run.target.triple,
    rustc: run.rustc,
    cargoVersion: (await capture('cargo', ['-V'], { cwd, env }).catch(() => null))?.stdout.trim() || null,
    context: run.context,
    commit: run.context.sha ?? (await gitHead(cwd, env)),
    command: [b.program, ...b.args],
    exitCode: b.exit.exitCode,
    wallSeconds: b.wallSeconds,
    startedAtMs: b.startedAtMs,
    wrapperUnits,
    perf: false,
    messages,
    timings: b.timings?.report ?? null,
    timingsHtml: b.timings?.file ?? null,
    workspaceMembers: yours,
    ...(await inputFingerprints(messages, b.workspace.root, cwd, env, !b.sample)),
    compileWork: compileWork?.work ?? null,
    ...workFields,
    compileWorkScope: run.config.build.compileWork || undefined,
    partlyFresh,
  });
}

/**
 * The calibration workload, measured here through the measuring wrapper (built before, so reused); null when it cannot
 * be.
 */
export async function calibrateHere(run: TargetedRun, wrapperPath: string): Promise<Calibration | null> {
  const scratch = path.join(run.config.build.scratchDir, 'calibration');
  mkdirSync(scratch, { recursive: true });
  const wrapper = await setUpWrapper(
    wrapperPath,
    wrapperFiles(scratch),
    childEnv(run.env),
    wrapperContext(run, run.config.workingDirectory, run.env, run.workspace, undefined),
  );
  if (!wrapper) return null;
  wrapper.keep();
  return calibrate(wrapper.binary, rustcCommand(run.env), childEnv(run.env));
}

/**
 * Each crate's input fingerprint, closed over its local dependencies when cargo gives the graph
 * (measurement.inputsTransitive says which). Only the job's own record needs them closed (its
 * base times come from the history); rebuild samples skip reading cargo's resolve each sample.
 */
async function inputFingerprints(
  messages: CargoMessages,
  root: string,
  cwd: string,
  env: NodeJS.ProcessEnv,
  closed: boolean,
) {
  const own = crateFingerprints(messages, await gitFiles(root, env), depInfoReader(root));
  const graph = closed ? await localDependencies(cwd, env) : null;
  return { fingerprints: graph ? closeOverLocalDeps(own, graph) : own, inputsTransitive: graph !== null };
}

/**
 * Reads the dep-info beside an artifact (the first candidate that exists), its paths resolved against the workspace
 * root.
 */
function depInfoReader(root: string): DepInfoReader {
  return (filename) => {
    for (const candidate of depInfoCandidates(filename)) {
      if (!existsSync(candidate)) continue;
      return parseDepInfo(readFileSync(candidate, 'utf8'), root);
    }
    return null;
  };
}

/** Where the measuring wrapper is looked for, built and kept (wrapper.ts). */
function wrapperContext(
  run: TargetedRun,
  cwd: string,
  env: NodeJS.ProcessEnv,
  workspace: WorkspaceInfo,
  log: ((line: string) => void) | undefined,
): WrapperContext {
  return {
    cwd,
    env,
    targetDir: workspace.targetDirectory,
    ownTempDir: path.dirname(run.config.build.scratchDir),
    log: log ?? logLine,
    cargoConfig: run.cargoConfig,
  };
}

/**
 * The local path packages this build compiled or found fresh, said in the log: they are timed,
 * measured and cached as yours, not as dependencies; and the measured crates partly fresh. With
 * the command's note when it gives a capability nothing to work with (`cargo check`: no code).
 */
function yourCrates(
  messages: CargoMessages,
  units: WrapperUnit[] | null,
  workspace: WorkspaceInfo,
  log: (line: string) => void,
  run: TargetedRun,
) {
  const ranFor = (units ?? []).map((u) => u.package);
  const yours = localPackagesOf(messages, ranFor, workspace.localPackages);
  const names = [...yours].sort().map((n) => (workspace.members.has(n) ? n : `${n} (path dependency)`));
  if (names.length) log(logText(`Watchmaker: your crates in this build (local path packages): ${names.join(', ')}.`));
  const note = commandNote(run.config.build.command);
  if (note) log(logText(`Watchmaker: ${note}`));
  const partlyFresh = partlyFreshCrates(messages, (p) => run.config.build.compileWork === 'all' || yours.has(p.name));
  return { yours, partlyFresh };
}

/** Cargo, timed. */
async function timedCargo(
  program: string,
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv },
  messages: CargoMessages,
  log: ((line: string) => void) | undefined,
): Promise<{ exit: CargoExit; startedAtMs: number; wallSeconds: number }> {
  const startedAtMs = Date.now();
  const started = process.hrtime.bigint();
  const exit = await streamCargo(program, args, options, messages, log);
  return { exit, startedAtMs, wallSeconds: Number(process.hrtime.bigint() - started) / 1e9 };
}

interface BuildOutcome {
  messages: CargoMessages;
  units: WrapperUnit[];
  partlyFresh: ReadonlySet<string>;
  /** Your crates: measured, and with compile-work: all every crate. */
  yours: ReadonlySet<string>;
  wallSeconds: number;
}

/**
 * The compile-work summary (whole packages, and the compiled targets of partly fresh ones), read
 * from the files cargo reported, with one log line saying what it cost.
 */
async function measuredWork(
  collector: WorkCollector,
  run: TargetedRun,
  build: BuildOutcome,
  log: (line: string) => void,
): Promise<MeasuredWork> {
  const { units, partlyFresh } = build;
  const artifacts = build.messages.artifacts;
  await collector.read(
    filesToRead(artifacts, (p) => run.config.build.compileWork === 'all' || build.yours.has(p.name)),
    // What a linked file may hold besides its own code: the build's libraries and the toolchain's.
    async () => {
      const toolchain = await toolchainLibraries(rustcCommand(run.env), run.target.triple, {
        cwd: run.config.workingDirectory,
        env: run.env,
      });
      return 'error' in toolchain ? toolchain : { files: [...librariesOf(artifacts), ...toolchain.files] };
    },
  );
  // Your crates' own functions are kept beyond the biggest, so the report can name them.
  const own = ownCrateNames(artifacts, build.yours);
  // A package with a unit that did not compile, or with targets fresh from the cache, has partial work: left out.
  const work = collector.finish(
    new Set([...units.filter((u) => u.exit !== 0).map((u) => crateKey(u.package, u.version)), ...partlyFresh]),
    own,
  );
  const partial = new Map<string, CrateWork>();
  for (const key of partlyFresh) {
    const targets = collector.compiledTargets(key, own);
    if (targets) partial.set(key, targets);
  }
  if (partlyFresh.size) {
    const names = [...partlyFresh].sort().map((key) => key.replace('@', ' '));
    log(logText(PARTLY_FRESH(names)));
  }
  log(workCostLine(work, collector, build.wallSeconds));
  return { work, partial, unreadable: new Set(collector.unreadable.keys()), lto: collector.bitcode };
}

interface MeasuredWork {
  /** Whole packages, by `name@version`. */
  work: Map<string, CrateWork>;
  /** The targets compiled of packages whose other targets were fresh. */
  partial: Map<string, CrateWork>;
  /** Packages with a file that could not be read: not measured. */
  unreadable: Set<string>;
  /** Packages compiled to LLVM bitcode for link-time optimisation: no machine code of their own. */
  lto: ReadonlySet<string>;
}

/**
 * "compile work of 3 crates: 41,210 bytes of machine code, read from 4 files and 30 libraries they link (52.3 MB) in
 * 0.14 s after the build (0.3% of it)".
 */
function workCostLine(work: Map<string, CrateWork>, collector: WorkCollector, buildSeconds: number): string {
  const bytes = [...work.values()].reduce((a, w) => a + w.bytes, 0);
  const { files, libraries, bytes: read } = collector.filesRead;
  const linked = libraries ? ` and ${plural(libraries, 'library', 'libraries')} they link` : '';
  const share = buildSeconds > 0 ? ` (${((collector.seconds / buildSeconds) * 100).toFixed(1)}% of it)` : '';
  const during =
    collector.secondsDuringBuild > 0 ? `, and ${collector.secondsDuringBuild.toFixed(2)} s while cargo built` : '';
  const crates = plural(work.size, 'crate', 'crates');
  const megabytes = (read / 1e6).toFixed(1);
  return (
    `Watchmaker: compile work of ${crates}: ${bytes.toLocaleString('en-US')} bytes of machine code, ` +
    `read from ${plural(files, 'file', 'files')}${linked} (${megabytes} MB) ` +
    `in ${collector.seconds.toFixed(2)} s after the build${share}${during}`
  );
}

/**
 * Cargo's messages, each library of a measured crate handed to compile work as cargo reports it
 * (read while the build goes on): with compile-work: all every crate, else your local path packages.
 */
function messagesFeeding(work: WorkCollector | null, run: TargetedRun): CargoMessages {
  const messages = emptyMessages();
  const measured = (a: ArtifactMessage) =>
    run.config.build.compileWork === 'all' || a.packageId.startsWith('path+file');
  if (work) messages.onArtifact = (a) => filesToRead([a], () => measured(a)).forEach((f) => work.readEarly(f));
  return messages;
}

/** The compile-work collector when it is on and the command compiles code (`cargo check` writes none), else null. */
function workCollector(run: TargetedRun, wrapped: boolean): WorkCollector | null {
  return wrapped && run.config.build.compileWork && workNote(run) === null ? new WorkCollector() : null;
}

/** Why compile work is on but cannot be measured, in one line (record and report), or null. */
function workNote(run: TargetedRun): string | null {
  const command = run.config.build.command;
  if (!run.config.build.compileWork) return null;
  if (!writesCode(command)) return `not measured: ${subcommandOf(command)[0]} builds produce no code`;
  if (isNextest(command)) return 'not measured: cargo nextest reports no artifacts to read';
  if (run.target.triple.startsWith('wasm')) return 'not measured: WebAssembly object files are not read';
  return null;
}

const logLine = (line: string) => void process.stdout.write(`${line}\n`);

/** Runs cargo; its output is the repository's text, so the runner must not read commands in it. */
async function streamCargo(
  program: string,
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv },
  messages: CargoMessages,
  log?: (line: string) => void,
): Promise<CargoExit> {
  const resumeCommands = log ? () => {} : stopCommands();
  const out = log ?? logLine;
  try {
    return await runCargo(program, args, options, messages, out);
  } finally {
    for (const line of messages.otherLines) out(line);
    resumeCommands();
  }
}

/** Cargo writes the report even when the build fails (not when it fails before compiling). */
function copyTimings(
  targetDir: string,
  copy: string,
  startedAtMs: number,
  log: (line: string) => void,
): { file: string; report: TimingsReport } | null {
  const cargoHtml = path.join(targetDir, 'cargo-timings', 'cargo-timing.html');
  if (!existsSync(cargoHtml) || statSync(cargoHtml).mtimeMs < startedAtMs - 1000) return null;
  copyFileSync(cargoHtml, copy);
  const report = parseTimingsHtml(readFileSync(copy, 'utf8'));
  for (const w of report.warnings) log(logText(`Watchmaker: timings report: ${w}`));
  return { file: copy, report };
}

function readWrapperUnits(unitsFile: string): WrapperUnit[] {
  if (!existsSync(unitsFile)) return [];
  const parsed = parseWrapperUnits(readFileSync(unitsFile, 'utf8'));
  for (const bad of parsed.unreadable) core.warning(logText(UNREADABLE_MEASUREMENT(bad.slice(0, 200))));
  return parsed.units;
}

async function gitHead(cwd: string, env: NodeJS.ProcessEnv): Promise<string | null> {
  const r = await capture('git', ['rev-parse', 'HEAD'], { cwd, env }).catch(() => null);
  return r?.code === 0 ? r.stdout.trim() : null;
}
