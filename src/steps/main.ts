// The action's main step: config → toolchain → guard → cache restore → timed build → report.
// Each capability lives in its own module; this file only orders them, maps their results to
// outputs, and hands one PostState to the post step (written when main ends, however it ends).
import * as core from '@actions/core';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { restoreCache, staleDependencies, turnIncrementalOff, type CacheRestoreState } from '../cache/index.js';
import { adviseIfAsked } from '../advise/index.js';
import { CargoConfigError } from '../cargo-config.js';
import { buildArgs, InputError, type Config } from '../config.js';
import { loadRunContext, relativeToWorkspace } from '../context.js';
import { runGuard, type GuardResult } from '../guard/index.js';
import { readConfig } from '../inputs.js';
import { setOutputs } from '../outputs.js';
import {
  produceReport,
  RebuildCancelled,
  stepFailure,
  type GateInput,
  type CacheSummary,
  type GuardSummary,
  type ReportOutcome,
} from '../report/index.js';
import { emptyPostState, handArtifacts, writePostState, type BuildHandOff, type PostState } from '../state.js';
import { calibrateHere, runTimedBuild, WRAPPER_SOURCE_NAME, type TimedBuildResult } from '../timings/index.js';
import { ownSeconds, PhaseClock, phasesText } from '../phases.js';
import { writeRunRecord } from '../record.js';
import { parallelismOutput } from '../parallelism/index.js';
import { prepareRun, withTarget, type Run, type TargetedRun } from '../run.js';

// The wrapper's Rust source, which the runner's rustc builds: shipped beside the bundle
// (scripts/bundle.mjs copies it into dist/); timings/wrapper.ts wrapperSource finds it from a chunk
// in dist/chunks/ too, and the repository's own when the action runs from src/.
const WRAPPER_PATH = path.join(path.dirname(fileURLToPath(import.meta.url)), WRAPPER_SOURCE_NAME);

// The step's long messages: the log's first line, the guard's failure, a stale exact cache hit.
const STARTED = (rustc: { release: string; host: string }, profile: string, eventName: string | null) =>
  `Watchmaker: rustc ${rustc.release} on ${rustc.host}, profile '${profile}', ` +
  `${eventName ? `event '${eventName}'` : 'local run'}`;
const GUARD_FAILED = (errors: number) =>
  `Watchmaker guard: ${errors} non-portable flag setting${errors === 1 ? '' : 's'} would make this CI build ` +
  `depend on the runner's CPU (see the annotations above). Set 'guard: warn' to only warn.`;
const STALE_HIT = (rebuilt: number) =>
  `The exact cache key was restored, yet ${rebuilt} dependenc${rebuilt === 1 ? 'y was' : 'ies were'} ` +
  `compiled again: the cached entry is stale. The post step replaces it.`;

export async function run(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const state = emptyPostState();
  try {
    await mainSteps(env, state);
  } catch (e) {
    // Cancelled while rebuilding the base: the shared target/ may be half-written, so post saves nothing.
    if (e instanceof RebuildCancelled) state.interrupted = true;
    failStep(e);
  } finally {
    writePostState(state);
  }
}

/** Bad inputs and config say what to write instead; anything else is a bug: stack to debug. */
export function failStep(e: unknown): void {
  if (e instanceof InputError) {
    core.setFailed(e.message);
    return;
  }
  if (e instanceof CargoConfigError) {
    const file = e.file.startsWith('--config ') ? undefined : relativeToWorkspace(e.file, process.env);
    core.error(e.message, { title: 'Invalid cargo config', file, startLine: e.line ?? undefined });
    core.setFailed(`Watchmaker could not read cargo's configuration: ${e.message}`);
    return;
  }
  core.setFailed(`Watchmaker failed: ${(e as Error).message}`);
  core.debug((e as Error).stack ?? String(e));
}

async function mainSteps(env: NodeJS.ProcessEnv, state: PostState): Promise<void> {
  const clock = new PhaseClock();
  const prepared = await prepareRun({ config: readConfig(env, { warnings: true }), context: loadRunContext(env), env });
  clock.mark('setup');
  const { config, context, rustc } = prepared;
  core.info(STARTED(rustc, config.profile, context.eventName));

  const guard = await guardPhase(prepared);
  clock.mark('guard');
  if (!guard) return;
  const targeted = withTarget(prepared, { triple: guard.targetTriple, flagsHash: guard.hash });
  state.flagsHash = guard.hash;
  setOutputs({ rustflagsHash: guard.hash });

  const cache = await cachePhase(targeted);
  if (cache && cache !== 'failed') clock.add('freshness', cache.freshnessSeconds ?? 0);
  clock.mark('restore');
  if (cache === 'failed') return;
  state.cache = cache;
  if (!config.build.enabled) {
    core.info('Watchmaker: build is false, so no timed build and no report. Later steps reuse the restored cache.');
    return;
  }
  const build = await runTimedBuild(targeted, { wrapperPath: WRAPPER_PATH });
  clock.add('build', build.record.totals.wallSeconds);
  clock.mark('measure');
  state.build = handOff(build, cache);
  try {
    await afterBuild(targeted, { guard, cache, build, clock, state });
  } finally {
    finishRecord(build, clock);
  }
}

interface Built {
  guard: GuardResult;
  cache: CacheRestoreState | null;
  build: TimedBuildResult;
  clock: PhaseClock;
  state: PostState;
}

/** Outputs, the report and the step's gate, once the build ran. */
async function afterBuild(prepared: TargetedRun, { guard, cache, build, clock, state }: Built): Promise<void> {
  if (build.interruptedBy) {
    state.interrupted = true;
    core.setFailed(STOPPED(build.interruptedBy));
    return;
  }
  setOutputs({
    record: build.recordPath,
    report: build.recordPath,
    timingsHtml: build.timingsHtml ?? '',
    buildSeconds: build.record.totals.wallSeconds.toFixed(2),
    parallelism: parallelismOutput(build.record.parallelism),
  });
  const outcome = await reportOrWarn(prepared, guard, cache, build, clock);
  clock.mark('report');
  await adviseIfAsked({
    run: prepared,
    build,
    wrapperPath: WRAPPER_PATH,
    rustflags: guard.effective.flags.map((f) => f.flag),
    phases: clock,
  });
  const failure = stepFailure(prepared.config.report, gateInput(prepared.config, build, outcome));
  if (failure) core.setFailed(failure);
}

const STOPPED = (signal: NodeJS.Signals) =>
  `The build was stopped by ${signal} (the job was cancelled or timed out). Nothing is cached from this run.`;

/**
 * The job's run record, written once, here, however the build path ended: with what the report
 * added to it (history, carried work, calibration) and the main step's time per phase (also one
 * log line). The post step logs its own phases and leaves the record as main wrote it.
 */
function finishRecord(build: TimedBuildResult, clock: PhaseClock): void {
  const own = ownSeconds(clock.seconds).toFixed(2);
  core.info(`Watchmaker: time by phase in the main step: ${phasesText(clock.seconds)}; the action's own ${own} s.`);
  build.record.phases = { ...clock.seconds };
  writeRunRecord(build.recordPath, build.record);
}

/** The report is an extra: a fault in it must not fail the build, but must not hide either. */
async function reportOrWarn(
  prepared: TargetedRun,
  guard: GuardResult,
  cache: CacheRestoreState | null,
  build: TimedBuildResult,
  clock: PhaseClock,
): Promise<ReportOutcome | null> {
  const { config } = prepared;
  const outcome = await produceReport({
    config,
    context: prepared.context,
    env: prepared.env,
    record: build.record,
    recordPath: build.recordPath,
    targetDir: cache?.targetDir ?? prepared.workspace.targetDirectory,
    buildSample: async (side, label, env) =>
      (await runTimedBuild(prepared, { wrapperPath: WRAPPER_PATH, label, checkout: side, env })).record,
    calibrate: () => calibrateHere(prepared, WRAPPER_PATH),
    phases: clock,
    backend: config.report.baseline === 'rebuild' ? null : prepared.backend,
    flagsHash: prepared.target.flagsHash,
    guard: summarizeGuard(guard),
    cache: summarizeCache(cache),
  }).catch((e: Error) => {
    if (e instanceof RebuildCancelled) throw e;
    core.warning(`Watchmaker could not produce the build-time report: ${e.message}`);
    core.debug(e.stack ?? String(e));
    return null;
  });
  setOutputs({
    verdict: outcome?.verdict ?? (build.exitCode === 0 ? 'no-baseline' : 'build-failed'),
    verdictReason: outcome?.reason ?? '',
    reportMarkdown: outcome?.markdownPath,
    baselineSeconds: outcome ? (outcome.baselineSeconds === null ? '' : outcome.baselineSeconds.toFixed(2)) : undefined,
    changePercent: outcome ? (outcome.changePercent === null ? '' : outcome.changePercent.toFixed(2)) : undefined,
    workChangePercent: outcome ? (outcome.workChange === null ? '' : (outcome.workChange * 100).toFixed(2)) : undefined,
  });
  return outcome;
}

/** What the step's gate needs, from the build and the report. */
function gateInput(config: Config, build: TimedBuildResult, outcome: ReportOutcome | null): GateInput {
  return {
    command: [config.build.command[0], ...buildArgs(config.build, [])].join(' '),
    exitCode: build.exitCode,
    recordPath: build.recordPath,
    verdict: outcome?.verdict ?? null,
    changePercent: outcome?.changePercent ?? null,
    metric: outcome?.metric ?? null,
    workChange: outcome?.workChange ?? null,
  };
}

/** Runs the guard; returns undefined when the step must fail before building. */
async function guardPhase(prepared: Run): Promise<GuardResult | undefined> {
  const guard = await runGuard(prepared);
  if (!guard.failed) return guard;
  const errors = guard.annotated.errors;
  core.setFailed(GUARD_FAILED(errors));
  return undefined;
}

async function cachePhase(prepared: TargetedRun): Promise<CacheRestoreState | null | 'failed'> {
  if (!prepared.config.cache.enabled) {
    setOutputs({ cacheHit: 'disabled' });
    return null;
  }
  turnIncrementalOff(prepared.env, prepared.rustc.release);
  try {
    const state = await restoreCache(prepared);
    setOutputs({
      cacheHit: state.hit,
      cacheKey: state.primaryKey,
      cacheBytes: state.restoredBytes === null ? '' : String(state.restoredBytes),
    });
    return state;
  } catch (e) {
    // restoreCache only throws when fail-on-cache-error asked for it.
    core.setFailed(`Watchmaker cache restore failed: ${(e as Error).message}`);
    return 'failed';
  }
}

/** What post needs from the build: the record, the artifacts (in a file: the list can be long), and staleness. */
function handOff(build: TimedBuildResult, cache: CacheRestoreState | null): BuildHandOff {
  const artifactsFile = handArtifacts(build.scratchDir, build.artifacts);
  const rebuiltDependencies = staleDependencies(cache?.hit, build.record);
  if (rebuiltDependencies > 0) {
    core.warning(STALE_HIT(rebuiltDependencies));
  }
  const rebuiltMembers = build.record.crates.filter((c) => c.workspaceMember).length;
  return {
    recordPath: build.recordPath,
    success: build.exitCode === 0,
    artifactsFile,
    rebuiltDependencies,
    rebuiltMembers,
  };
}

function summarizeGuard(guard: GuardResult): GuardSummary {
  return {
    mode: guard.mode,
    failed: guard.failed,
    errors: guard.annotated.errors,
    warnings: guard.annotated.warnings,
    flags: guard.effective.flags.map((f) => f.flag),
    source: guard.effective.source,
  };
}

function summarizeCache(cache: CacheRestoreState | null): CacheSummary {
  if (!cache) return { hit: 'disabled', key: null, restoredBytes: null, backend: null };
  return {
    hit: cache.hit,
    key: cache.primaryKey,
    restoredBytes: cache.restoredBytes,
    backend: cache.backend === 'github' ? 'GitHub Actions cache' : 'local cache directory',
  };
}
