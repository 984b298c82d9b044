// The timed build's shell: runs cargo with --timings and JSON messages through the measuring
// rustc wrapper (wrapper.ts, cargo.ts), streams cargo's human output to the log with workflow
// commands stopped, and writes the run record (record.ts).
import * as core from '@actions/core';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { childEnv } from '../child-env.js';
import { logText, stopCommands } from '../log.js';
import { capture } from '../proc.js';
import { crateKey, type RunRecord } from '../record.js';
import type { TargetedRun } from '../run.js';
import type { CompileWorkScope } from '../config.js';
import type { WorkspaceInfo } from '../workspace.js';
import { runCargo, type CargoExit } from './cargo.js';
import { parseTimingsHtml, type TimingsReport } from './html.js';
import { artifactsOf, emptyMessages, partlyFreshCrates, type CargoMessages } from './messages.js';
import { buildRunRecord, parseWrapperUnits, type WrapperUnit } from './record.js';
import { installWrapper, wrapperFiles } from './wrapper.js';
import { calibrate } from './calibration.js';
import { crateFingerprints, gitFiles } from './fingerprint.js';
import { rustcCommand } from '../toolchain.js';
import { irDirFor, WorkCollector, type CrateWork } from '../ir/index.js';

export { readRunRecord } from '../record.js';

export interface BuildOptions {
  /** The measuring wrapper script; null builds without it (no per-unit CPU figures). */
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
  /** Measure the calibration workload first (the job's own build; rebuild samples share one machine). */
  calibrate?: boolean;
}

export interface TimedBuildResult {
  record: RunRecord;
  exitCode: number;
  recordPath: string;
  /** Stable copy of cargo's HTML timings report, or null when cargo wrote none. */
  timingsHtml: string | null;
  /** Every file cargo reported producing (the cache cleaner keeps these). */
  artifacts: string[];
  /** The signal that stopped the build (the job was cancelled), or null. */
  interruptedBy: NodeJS.Signals | null;
}

/** Where this build's record and timings copy go: the job's own, or labelled for a sample. */
function outputPaths(run: TargetedRun, label: string | undefined): { recordPath: string; timingsCopy: string } {
  const own = run.config.build.recordPath;
  const recordPath = label ? path.join(path.dirname(own), `rebuild-${label}.json`) : own;
  const timingsCopy = path.join(path.dirname(own), `cargo-timing-${run.config.profile}${label ? `-rebuild-${label}` : ''}.html`);
  return { recordPath, timingsCopy };
}

export function cargoCommand(run: TargetedRun): { program: string; args: string[] } {
  const { build, profile } = run.config;
  const [program, ...commandArgs] = build.command as [string, ...string[]];
  return { program, args: [...commandArgs, '--profile', profile, '--timings', '--message-format=json-render-diagnostics', ...build.cargoArgs] };
}

export async function runTimedBuild(run: TargetedRun, options: BuildOptions): Promise<TimedBuildResult> {
  const { recordPath, timingsCopy } = outputPaths(run, options.label);
  const cwd = options.checkout?.dir ?? run.config.workingDirectory;
  const workspace = options.checkout?.workspace ?? run.workspace;
  const env = options.env ?? run.env;
  mkdirSync(path.dirname(recordPath), { recursive: true });

  // Build scripts and proc macros run repository code: they get no secrets (child-env.ts).
  const buildEnv = childEnv(env, run.config.build.passEnv);
  const files = wrapperFiles(recordPath);
  const perf = options.wrapperPath !== null && (await installWrapper(options.wrapperPath, files, buildEnv, run.cargoConfig));
  const work = options.wrapperPath !== null && run.config.build.compileWork ? new WorkCollector(prepareIrDir(recordPath, buildEnv, run.config.build.compileWork)) : null;
  const { program, args } = cargoCommand(run);
  const calibration = options.calibrate ? await calibrate(rustcCommand(env), childEnv(env)) : null;
  const messages = emptyMessages();
  const { exit, startedAtMs, wallSeconds } = await timedCargo(program, args, { cwd, env: buildEnv }, messages, options.log, work);
  rmSync(files.measureDir, { recursive: true, force: true });

  const timings = copyTimings(workspace.targetDirectory, timingsCopy, startedAtMs, options.log ?? logLine);
  const wrapperUnits = options.wrapperPath === null ? null : readWrapperUnits(files.unitsFile);
  const partlyFresh = partlyFreshCrates(messages, (p) => run.config.build.compileWork === 'all' || workspace.members.has(p.name));
  const compileWork = work ? measuredWork(work, wrapperUnits ?? [], partlyFresh, options.log ?? logLine) : null;
  const record = buildRunRecord({
    profile: run.config.profile,
    flagsHash: run.target.flagsHash,
    targetTriple: run.target.triple,
    rustc: run.rustc,
    cargoVersion: (await capture('cargo', ['-V'], { cwd, env }).catch(() => null))?.stdout.trim() || null,
    context: run.context,
    commit: run.context.sha ?? (await gitHead(cwd, env)),
    command: [program, ...args],
    exitCode: exit.exitCode,
    wallSeconds,
    startedAtMs,
    wrapperUnits,
    perf,
    messages,
    timings: timings?.report ?? null,
    timingsHtml: timings?.file ?? null,
    workspaceMembers: workspace.members,
    fingerprints: crateFingerprints(messages, await gitFiles(workspace.root, env)),
    calibration,
    compileWork: compileWork?.work ?? null,
    partialWork: compileWork?.partial,
    compileWorkScope: run.config.build.compileWork || undefined,
    partlyFresh,
  });
  writeFileSync(recordPath, `${JSON.stringify(record, null, 2)}\n`);
  return { record, exitCode: exit.exitCode, recordPath, timingsHtml: timings?.file ?? null, artifacts: artifactsOf(messages), interruptedBy: exit.interruptedBy };
}

const DRAIN_INTERVAL_MS = 250;

/** Cargo, timed; finished units' IR is summarised and deleted while it goes on. */
async function timedCargo(
  program: string,
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv },
  messages: CargoMessages,
  log: ((line: string) => void) | undefined,
  work: WorkCollector | null,
): Promise<{ exit: CargoExit; startedAtMs: number; wallSeconds: number }> {
  const startedAtMs = Date.now();
  const started = process.hrtime.bigint();
  // Often enough that a crate's bitcode is read while the next ones compile, not after the build.
  const draining = work ? setInterval(() => work.drain(), DRAIN_INTERVAL_MS) : null;
  try {
    const exit = await streamCargo(program, args, options, messages, log);
    return { exit, startedAtMs, wallSeconds: Number(process.hrtime.bigint() - started) / 1e9 };
  } finally {
    if (draining) clearInterval(draining);
  }
}

/** The compile-work summary (whole packages, and the compiled targets of partly fresh ones), with one log line saying what it cost. */
function measuredWork(collector: WorkCollector, units: WrapperUnit[], partlyFresh: ReadonlySet<string>, log: (line: string) => void): MeasuredWork {
  const during = collector.busySeconds;
  // A package with a unit that did not compile, or with targets fresh from the cache, has partial IR: left out.
  const work = collector.finish(new Set([...units.filter((u) => u.exit !== 0).map((u) => crateKey(u.package, u.version)), ...partlyFresh]));
  const partial = new Map<string, CrateWork>();
  for (const key of partlyFresh) {
    const targets = collector.compiledTargets(key);
    if (targets) partial.set(key, targets);
  }
  if (partlyFresh.size) {
    const names = [...partlyFresh].sort().map((key) => key.replace('@', ' '));
    log(logText(`Watchmaker: ${names.join(', ')}: some targets fresh from the cache, so compile work is compared target by target.`));
  }
  const instructions = [...work.values()].reduce((a, w) => a + w.instructions, 0);
  const after = collector.busySeconds - during;
  log(
    `Watchmaker: compile work of ${work.size} crate${work.size === 1 ? '' : 's'}: ${instructions} LLVM IR instructions, ` +
      `summarised in ${(during + after).toFixed(2)} s (${after.toFixed(2)} s of it after the build)`,
  );
  return { work, partial };
}

interface MeasuredWork {
  /** Whole packages, by `name@version`. */
  work: Map<string, CrateWork>;
  /** The targets compiled of packages whose other targets were fresh. */
  partial: Map<string, CrateWork>;
}

/** A fresh directory the wrapper moves the workspace crates' LLVM bitcode into (src/ir). */
function prepareIrDir(recordPath: string, buildEnv: NodeJS.ProcessEnv, scope: CompileWorkScope): string {
  const dir = irDirFor(recordPath);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  buildEnv.WATCHMAKER_IR_DIR = dir;
  if (scope === 'all') buildEnv.WATCHMAKER_IR_ALL = '1';
  return dir;
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
function copyTimings(targetDir: string, copy: string, startedAtMs: number, log: (line: string) => void): { file: string; report: TimingsReport } | null {
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
  for (const bad of parsed.unreadable) core.warning(logText(`Watchmaker: a line of the rustc measurements could not be read and is left out of the record: ${bad.slice(0, 200)}`));
  return parsed.units;
}

async function gitHead(cwd: string, env: NodeJS.ProcessEnv): Promise<string | null> {
  const r = await capture('git', ['rev-parse', 'HEAD'], { cwd, env }).catch(() => null);
  return r?.code === 0 ? r.stdout.trim() : null;
}
