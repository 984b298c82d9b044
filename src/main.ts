// The action's main step: config → toolchain → guard → cache restore → timed build → report.
// Each capability lives in its own module; this file only orders them and maps their results
// to outputs, state for the post step, and the step's success.
import * as core from '@actions/core';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError, type Config } from './config.js';
import { loadRunContext, relativeToWorkspace, type RunContext } from './context.js';
import { readConfig, STATE } from './inputs.js';
import { probeRustcVersion, type RustcVersion } from './toolchain.js';
import { CargoConfigError } from './cargo-config.js';
import { runGuard, type GuardResult } from './guard/index.js';
import { createBackend, restoreCache, type CacheRestoreState } from './cache/index.js';
import { runTimedBuild, type TimedBuildResult } from './timings/index.js';
import { runReport, type CacheSummary, type GuardSummary, type ReportOutcome } from './report/index.js';
import { measureBaseByRebuild } from './report/baseline.js';
import type { RunRecord } from './record.js';

// The wrapper ships next to the bundle (scripts/bundle.mjs copies it into dist/).
const WRAPPER_PATH = path.join(path.dirname(fileURLToPath(import.meta.url)), 'rustc-wrapper.sh');

async function runMain(): Promise<void> {
  const env = process.env;
  const config = readConfig(env);
  const context = loadRunContext(env);
  const rustc = await probeRustcVersion(config.workingDirectory, env);
  core.info(`Watchmaker: rustc ${rustc.release} on ${rustc.host}, profile '${config.profile}', ${context.eventName ? `event '${context.eventName}'` : 'local run'}`);

  const guard = await guardPhase(config, rustc, env);
  if (!guard) return;
  core.setOutput('rustflags-hash', guard.hash);
  core.saveState(STATE.flagsHash, guard.hash);

  const cache = await cachePhase(config, context, rustc, guard, env);
  if (cache === 'failed') return;

  if (!config.build) {
    core.info('Watchmaker: build is false, so no timed build and no report. Later steps reuse the restored cache.');
    return;
  }
  const build = await runTimedBuild({ config, context, rustc, flagsHash: guard.hash, targetTriple: guard.targetTriple, env, wrapperPath: WRAPPER_PATH });
  core.setOutput('report', build.recordPath);
  core.setOutput('timings-html', build.timingsHtml ?? '');
  core.setOutput('build-seconds', build.record.totals.wallSeconds.toFixed(2));
  core.saveState(STATE.recordPath, build.recordPath);
  core.saveState(STATE.artifactsPath, writeArtifactList(build));

  const outcome = await reportPhase(config, context, rustc, guard, cache, build, env);
  if (build.exitCode !== 0) {
    core.setFailed(`'${[...config.buildCommand, ...config.cargoArgs].join(' ')}' failed with exit code ${build.exitCode}. The run record (${build.recordPath}) and the report still show what was measured.`);
  } else if (outcome?.verdict === 'regression' && config.failOnRegression) {
    core.setFailed(`Build time regressed by ${outcome.changePercent?.toFixed(1)}% (${outcome.metric}) against the base branch, and fail-on-regression is true.`);
  }
}

/** Runs the guard; returns undefined when the step must fail before building. */
async function guardPhase(config: Config, rustc: RustcVersion, env: NodeJS.ProcessEnv): Promise<GuardResult | undefined> {
  try {
    const guard = await runGuard(config, rustc, env);
    if (guard.failed) {
      const errors = guard.findings.filter((f) => f.severity === 'error').length;
      core.setFailed(`Watchmaker guard: ${errors} non-portable flag setting${errors === 1 ? '' : 's'} would make this CI build depend on the runner's CPU (see the annotations above). Set 'guard: warn' to only warn.`);
      return undefined;
    }
    return guard;
  } catch (e) {
    if (e instanceof CargoConfigError) {
      core.error(e.message, { title: 'Invalid cargo config', file: relativeToWorkspace(e.file, process.env), startLine: e.line ?? undefined });
      core.setFailed(`Watchmaker could not read cargo's configuration: ${e.message}`);
      return undefined;
    }
    throw e;
  }
}

async function cachePhase(
  config: Config,
  context: RunContext,
  rustc: RustcVersion,
  guard: GuardResult,
  env: NodeJS.ProcessEnv,
): Promise<CacheRestoreState | null | 'failed'> {
  if (!config.cache) {
    core.setOutput('cache-hit', 'disabled');
    return null;
  }
  try {
    const state = await restoreCache({ config, context, rustc, flagsHash: guard.hash, targetTriple: guard.targetTriple, env });
    core.saveState(STATE.cache, JSON.stringify(state));
    core.setOutput('cache-hit', state.hit);
    core.setOutput('cache-key', state.primaryKey);
    core.setOutput('cache-bytes', state.restoredBytes === null ? '' : String(state.restoredBytes));
    return state;
  } catch (e) {
    // restoreCache only throws when fail-on-cache-error asked for it.
    core.setFailed(`Watchmaker cache restore failed: ${(e as Error).message}`);
    return 'failed';
  }
}

async function reportPhase(
  config: Config,
  context: RunContext,
  rustc: RustcVersion,
  guard: GuardResult,
  cache: CacheRestoreState | null,
  build: TimedBuildResult,
  env: NodeJS.ProcessEnv,
): Promise<ReportOutcome | undefined> {
  try {
    let head: RunRecord[] = [build.record];
    let base: RunRecord[] | null = null;
    let baseLabel: string | null = null;
    if (config.baseline === 'rebuild' && build.exitCode === 0) {
      const baseSha = context.pullRequest?.baseSha;
      if (baseSha) {
        const measured = await measureBaseByRebuild({
          headDir: config.workingDirectory,
          baseSha,
          profile: config.profile,
          samples: config.baselineSamples,
          targetDir: cache?.targetDir ?? path.join(config.workingDirectory, 'target'),
          env,
          build: async (dir, label, buildEnv) =>
            (
              await runTimedBuild({
                config,
                context,
                rustc,
                flagsHash: guard.hash,
                targetTriple: guard.targetTriple,
                env: buildEnv,
                wrapperPath: WRAPPER_PATH,
                workingDirectory: dir,
                recordPath: path.join(path.dirname(build.recordPath), `rebuild-${label}.json`),
              })
            ).record,
        });
        head = measured.head;
        base = measured.base;
        baseLabel = `base commit ${baseSha.slice(0, 7)}, rebuilt here ${config.baselineSamples}× alternating with this commit`;
      } else {
        core.warning('baseline: rebuild needs a pull_request event (to know the base commit); comparing with the cached baseline instead.');
      }
    }
    const outcome = await runReport({
      config,
      context,
      env,
      head,
      base,
      baseLabel,
      backend: config.baseline === 'cache' ? createBackend(config, env) : null,
      flagsHash: guard.hash,
      guard: summarizeGuard(guard),
      cache: summarizeCache(cache),
    });
    // The rendered report as a file, for workflows that post it elsewhere (fork pull requests).
    const markdownPath = path.join(path.dirname(build.recordPath), `report-${config.profile.replace(/[^A-Za-z0-9_-]/g, '_')}.md`);
    writeFileSync(markdownPath, outcome.markdown);
    core.setOutput('report-markdown', markdownPath);
    core.setOutput('verdict', outcome.verdict);
    core.setOutput('baseline-seconds', outcome.baselineSeconds === null ? '' : outcome.baselineSeconds.toFixed(2));
    core.setOutput('change-percent', outcome.changePercent === null ? '' : outcome.changePercent.toFixed(2));
    return outcome;
  } catch (e) {
    core.warning(`Watchmaker could not produce the build-time report: ${(e as Error).message}`);
    core.setOutput('verdict', build.exitCode === 0 ? 'no-baseline' : 'build-failed');
    return undefined;
  }
}

function summarizeGuard(guard: GuardResult): GuardSummary {
  return {
    mode: guard.mode,
    failed: guard.failed,
    errors: guard.findings.filter((f) => f.severity === 'error').length,
    warnings: guard.findings.filter((f) => f.severity === 'warning').length,
    flags: guard.effective.flags.map((f) => f.flag),
    source: guard.effective.source,
  };
}

function summarizeCache(cache: CacheRestoreState | null): CacheSummary {
  if (!cache) return { hit: 'disabled', key: null, restoredBytes: null, backend: null };
  return { hit: cache.hit, key: cache.primaryKey, restoredBytes: cache.restoredBytes, backend: cache.backend === 'github' ? 'GitHub Actions cache' : 'local cache directory' };
}

/** The post step's cache cleaner keeps what the build used: hand it the list through a file. */
function writeArtifactList(build: TimedBuildResult): string {
  const file = path.join(path.dirname(build.recordPath), `artifacts-${path.basename(build.recordPath)}`);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(build.artifacts));
  return file;
}

try {
  await runMain();
} catch (e) {
  core.setFailed(e instanceof InputError ? e.message : `Watchmaker failed: ${(e as Error).message}`);
  if (!(e instanceof InputError)) core.debug((e as Error).stack ?? String(e));
}
