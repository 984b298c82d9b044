// The action's post step (runs after the job's other steps, also when they failed): clean and
// save the cache (on the default branch, then report the repository's cache usage in the job
// summary), then store this run's record as the baseline for later pull requests.
import * as core from '@actions/core';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { ownSeconds, PhaseClock, phasesText } from '../phases.js';
import { buildOutcome, createBackend, reportCacheUsage, saveCache } from '../cache/index.js';
import { InputError } from '../config.js';
import { loadRunContext } from '../context.js';
import { readConfig } from '../inputs.js';
import { readRunRecord } from '../record.js';
import { storeBaseline } from '../report/index.js';
import { readPostState } from '../state.js';

export async function run(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  try {
    await postSteps(env);
  } catch (e) {
    // The main step already reported bad inputs; the post step must not add a second failure.
    if (e instanceof InputError) core.info(`Watchmaker post: skipped (${e.message})`);
    else {
      core.warning(`Watchmaker post step: ${(e as Error).message}`);
      core.debug((e as Error).stack ?? String(e));
    }
  }
}

/**
 * The local path packages the build compiled, from its record (the cleaner treats them as yours), or null without a
 * readable record.
 */
function recordedLocalPackages(recordPath: string | undefined): string[] | null {
  if (!recordPath || !existsSync(recordPath)) return null;
  try {
    return readRunRecord(readFileSync(recordPath, 'utf8')).workspaceMembers ?? null;
  } catch (e) {
    core.debug(`The run record could not be read for the cleaner: ${(e as Error).message}`);
    return null;
  }
}

async function postSteps(env: NodeJS.ProcessEnv): Promise<void> {
  const clock = new PhaseClock();
  const config = readConfig(env);
  const context = loadRunContext(env);
  const backend = createBackend(config, context, env);
  const state = readPostState();
  const recordPath = state?.build?.recordPath;
  if (!state?.cache) {
    // Main failed before the cache phase (bad input, guard) or the cache is off.
    core.info('Watchmaker post: no cache was restored in the main step, so there is nothing to save.');
  } else {
    const artifactsFile = state.build?.artifactsFile;
    const artifacts =
      artifactsFile && existsSync(artifactsFile)
        ? (JSON.parse(readFileSync(artifactsFile, 'utf8')) as string[] | null)
        : null;
    const localPackages = recordedLocalPackages(recordPath);
    try {
      const saved = await saveCache(
        { config, context, env, backend },
        { state: state.cache, artifacts, build: buildOutcome(state.build, state.interrupted), localPackages },
      );
      clock.add('describe', saved.seconds.describe);
      clock.add('clean', saved.seconds.clean);
      clock.add('save', saved.seconds.save);
      // After the save, so the section can say whether this entry makes GitHub evict others; never throws.
      await reportCacheUsage({ config, context, env, backend }, saved);
    } catch (e) {
      // saveCache only throws when fail-on-cache-error asked for it.
      core.setFailed(`Watchmaker cache save failed: ${(e as Error).message}`);
    }
  }

  clock.mark('save');
  if (
    config.report.baseline !== 'rebuild' &&
    state?.flagsHash &&
    recordPath &&
    existsSync(recordPath) &&
    !state.interrupted
  ) {
    const record = readRunRecord(readFileSync(recordPath, 'utf8'));
    if (record.success)
      await storeBaseline({ config, context, record, recordPath, backend, flagsHash: state.flagsHash, env });
  }
  clock.mark('store');
  postPhases(clock, recordPath);
}

/** The post step's time per phase: one log line, and added to the record's (main wrote its own). */
function postPhases(clock: PhaseClock, recordPath: string | undefined): void {
  core.info(
    `Watchmaker: time by phase in the post step: ${phasesText(clock.seconds)}; the action's own ${ownSeconds(clock.seconds).toFixed(2)} s.`,
  );
  if (!recordPath || !existsSync(recordPath)) return;
  try {
    const record = readRunRecord(readFileSync(recordPath, 'utf8'));
    record.phases = { ...record.phases, ...clock.seconds };
    writeFileSync(recordPath, `${JSON.stringify(record, null, 2)}\n`);
  } catch (e) {
    core.debug(`The post step's phases were not added to the record: ${(e as Error).message}`);
  }
}
