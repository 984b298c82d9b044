// The timed build's shell: runs cargo with --timings and JSON messages through the measuring
// rustc wrapper, streams cargo's human output to the log, and writes the run record.
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { Config } from '../config.js';
import type { RunContext } from '../context.js';
import { configValue, loadCargoConfig } from '../cargo-config.js';
import * as core from '@actions/core';
import { childEnv } from '../child-env.js';
import { logText, stopCommands } from '../log.js';
import { capture, notFound } from '../proc.js';
import { workspaceInfo } from '../workspace.js';
import type { RunRecord } from '../record.js';
import type { RustcVersion } from '../toolchain.js';
import { parseTimingsHtml, type TimingsReport } from './html.js';
import { emptyMessages, parseCargoMessage } from './messages.js';
import { buildRunRecord, parseWrapperUnits } from './record.js';

export { readRunRecord } from '../record.js';

export interface TimedBuildInput {
  config: Config;
  context: RunContext;
  rustc: RustcVersion;
  flagsHash: string;
  targetTriple: string;
  env: NodeJS.ProcessEnv;
  /** The measuring wrapper script; null builds without it (no per-unit CPU figures). */
  wrapperPath: string | null;
  /** Where to write the record; defaults to config.recordPath. */
  recordPath?: string;
  /** Directory to build in; defaults to config.workingDirectory. */
  workingDirectory?: string;
  /** Receives cargo's human output line by line; defaults to stdout. */
  log?: (line: string) => void;
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

/** `perf stat` counts instructions only where the kernel allows it; probe once. */
async function perfWorks(env: NodeJS.ProcessEnv): Promise<boolean> {
  try {
    const r = await capture('perf', ['stat', '-x,', '-e', 'instructions:u', '--', 'true'], { env });
    return r.code === 0 && /^\d+,/m.test(r.stderr);
  } catch {
    return false;
  }
}

/** The wrapper the user already has (env, then cargo config), which ours must chain. */
function userWrapper(cwd: string, env: NodeJS.ProcessEnv, cargoArgs: string[]): string | null {
  if (env.RUSTC_WRAPPER !== undefined) return env.RUSTC_WRAPPER || null;
  if (env.CARGO_BUILD_RUSTC_WRAPPER !== undefined) return env.CARGO_BUILD_RUSTC_WRAPPER || null;
  try {
    const v = configValue(loadCargoConfig(cwd, env, cargoArgs), ['build', 'rustc-wrapper']);
    if (typeof v?.value !== 'string' || v.value === '') return null;
    // Config paths with a slash are relative to the directory holding `.cargo/`.
    return v.value.includes('/') ? path.resolve(path.dirname(path.dirname(v.file)), v.value) : v.value;
  } catch (e) {
    core.warning(
      logText(`Watchmaker could not read build.rustc-wrapper from cargo's config (${(e as Error).message}); a wrapper set there (such as sccache) is not chained in this build.`),
    );
    return null;
  }
}

export async function runTimedBuild(input: TimedBuildInput): Promise<TimedBuildResult> {
  const { config, env } = input;
  const cwd = input.workingDirectory ?? config.workingDirectory;
  const recordPath = input.recordPath ?? config.recordPath;
  const log = input.log ?? ((line: string) => void process.stdout.write(`${line}\n`));
  mkdirSync(path.dirname(recordPath), { recursive: true });

  const info = await workspaceInfo(cwd, env, config.cargoArgs).catch((e: Error) => {
    // The message quotes cargo's complaint, which can quote the manifest: repository text.
    log(logText(`Watchmaker: ${e.message}`));
    return null;
  });
  const [program, ...commandArgs] = config.buildCommand as [string, ...string[]];
  const args = [...commandArgs, '--profile', config.profile, '--timings', '--message-format=json-render-diagnostics', ...config.cargoArgs];

  // Build scripts and proc macros run repository code: they get no secrets (child-env.ts).
  const buildEnv: NodeJS.ProcessEnv = childEnv(env, config.passEnv);
  const unitsFile = `${recordPath}.units.jsonl`;
  rmSync(unitsFile, { force: true });
  const perf = input.wrapperPath !== null && (await perfWorks(env));
  // Scratch files of the wrapper (GNU time's output), deleted here after the build so the
  // wrapper does not spend a process per rustc call on `rm`.
  const measureDir = `${recordPath}.measure`;
  rmSync(measureDir, { recursive: true, force: true });
  if (input.wrapperPath) {
    const inner = userWrapper(cwd, env, config.cargoArgs);
    mkdirSync(measureDir, { recursive: true });
    Object.assign(buildEnv, {
      RUSTC_WRAPPER: input.wrapperPath,
      WATCHMAKER_UNITS_FILE: unitsFile,
      WATCHMAKER_MEASURE_DIR: measureDir,
      WATCHMAKER_INNER_WRAPPER: inner ?? '',
      WATCHMAKER_PERF: perf ? '1' : '0',
    });
    delete buildEnv.CARGO_BUILD_RUSTC_WRAPPER;
  }

  const messages = emptyMessages();
  const startedAtMs = Date.now();
  const started = process.hrtime.bigint();
  // Cargo's output is the repository's text: the runner must not read commands in it.
  const resumeCommands = input.log ? () => {} : stopCommands();
  let run: { exitCode: number; interruptedBy: NodeJS.Signals | null };
  try {
    run = await runCargo(program, args, { cwd, env: buildEnv }, messages, log);
  } finally {
    rmSync(measureDir, { recursive: true, force: true });
    for (const line of messages.otherLines) log(line);
    resumeCommands();
  }
  const { exitCode } = run;
  const wallSeconds = Number(process.hrtime.bigint() - started) / 1e9;

  // Cargo writes the report even when the build fails (not when it fails before compiling).
  let timings: TimingsReport | null = null;
  let timingsHtml: string | null = null;
  const cargoHtml = info ? path.join(info.targetDirectory, 'cargo-timings', 'cargo-timing.html') : null;
  if (cargoHtml && existsSync(cargoHtml) && statSync(cargoHtml).mtimeMs >= startedAtMs - 1000) {
    timingsHtml = path.join(path.dirname(recordPath), `cargo-timing-${config.profile}${input.workingDirectory ? `-${path.basename(recordPath, '.json')}` : ''}.html`);
    copyFileSync(cargoHtml, timingsHtml);
    timings = parseTimingsHtml(readFileSync(timingsHtml, 'utf8'));
    for (const w of timings.warnings) log(`Watchmaker: timings report: ${w}`);
  }

  const parsedUnits = input.wrapperPath && existsSync(unitsFile) ? parseWrapperUnits(readFileSync(unitsFile, 'utf8')) : null;
  for (const bad of parsedUnits?.unreadable ?? [])
    core.warning(logText(`Watchmaker: a line of the rustc measurements could not be read and is left out of the record: ${bad.slice(0, 200)}`));
  const wrapperUnits = input.wrapperPath ? (parsedUnits?.units ?? []) : null;
  const cargoVersion = (await capture('cargo', ['-V'], { cwd, env }).catch(() => null))?.stdout.trim() || null;
  const commit = input.context.sha ?? (await gitHead(cwd, env));
  const record = buildRunRecord({
    profile: config.profile,
    flagsHash: input.flagsHash,
    targetTriple: input.targetTriple,
    rustc: input.rustc,
    cargoVersion,
    context: input.context,
    commit,
    command: [program, ...args],
    exitCode,
    wallSeconds,
    startedAtMs,
    wrapperUnits,
    perf,
    messages,
    timings,
    timingsHtml,
    workspaceMembers: info?.members ?? new Set(),
  });
  writeFileSync(recordPath, `${JSON.stringify(record, null, 2)}\n`);

  const artifacts = new Set<string>();
  for (const a of messages.artifacts) {
    for (const f of a.filenames) artifacts.add(f);
    if (a.executable) artifacts.add(a.executable);
  }
  for (const b of messages.buildScripts) if (b.outDir) artifacts.add(b.outDir);
  return { record, exitCode, recordPath, timingsHtml, artifacts: [...artifacts], interruptedBy: run.interruptedBy };
}

/**
 * Runs cargo in its own process group. SIGINT or SIGTERM to this process (a cancelled job) is
 * forwarded to the whole group (cargo, rustc, build scripts), and the build is awaited, so
 * nothing keeps writing into target/ after the step ends.
 */
function runCargo(
  program: string,
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv },
  messages: ReturnType<typeof emptyMessages>,
  log: (line: string) => void,
): Promise<{ exitCode: number; interruptedBy: NodeJS.Signals | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let interruptedBy: NodeJS.Signals | null = null;
    const forward = (signal: NodeJS.Signals) => {
      interruptedBy = signal;
      log(`Watchmaker: received ${signal}; stopping the build (cargo and everything it started).`);
      if (child.pid) {
        try {
          process.kill(-child.pid, signal);
        } catch {
          // The group is already gone.
        }
      }
    };
    const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM'];
    for (const s of signals) process.on(s, forward);
    const unhook = () => signals.forEach((s) => process.off(s, forward));
    child.on('error', (e: NodeJS.ErrnoException) => {
      unhook();
      reject(e.code === 'ENOENT' ? notFound(program, options.cwd) : e);
    });
    const stdoutDone = new Promise<void>((r) =>
      createInterface({ input: child.stdout })
        .on('line', (line) => parseCargoMessage(line, messages))
        .on('close', r),
    );
    const stderrDone = new Promise<void>((r) => createInterface({ input: child.stderr }).on('line', log).on('close', r));
    child.on('close', (code, signal) => {
      unhook();
      void Promise.all([stdoutDone, stderrDone]).then(() => resolve({ exitCode: code ?? (signal ? 128 : 1), interruptedBy }));
    });
  });
}

async function gitHead(cwd: string, env: NodeJS.ProcessEnv): Promise<string | null> {
  try {
    const r = await capture('git', ['rev-parse', 'HEAD'], { cwd, env });
    return r.code === 0 ? r.stdout.trim() : null;
  } catch {
    return null;
  }
}
