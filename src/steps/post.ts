// The action's post step (runs after the job's other steps, also when they failed): clean and
// save the cache (on the default branch, then report the repository's cache usage in the job
// summary), then store this run's record as the baseline for later pull requests.
import * as core from '@actions/core';
import { ownSeconds, PhaseClock, phasesText } from '../phases.js';
import { buildOutcome, createBackend, reportCacheUsage, saveCache } from '../cache/index.js';
import { InputError } from '../config.js';
import { loadRunContext } from '../context.js';
import { readConfig } from '../inputs.js';
import { storeBaseline } from '../report/index.js';
import type { RunRecord } from '../record.js';
import { readHandedArtifacts, readHandedRecord, readPostState, type PostState } from '../state.js';

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
 * The run record main handed over, read once for the cleaner (the local path packages it compiled)
 * and the baseline store. A record that cannot be read leaves the cleaner without the list (debug)
 * and fails the store, as a warning (`error`).
 */
function handedRecord(state: PostState | null): { record: RunRecord | null; error: Error | null } {
  try {
    return { record: readHandedRecord(state), error: null };
  } catch (e) {
    core.debug(`The run record main handed over could not be read: ${(e as Error).message}`);
    return { record: null, error: e as Error };
  }
}

async function postSteps(env: NodeJS.ProcessEnv): Promise<void> {
  const clock = new PhaseClock();
  const config = readConfig(env);
  const context = loadRunContext(env);
  const backend = createBackend(config, context, env);
  const state = readPostState();
  const handed = handedRecord(state);
  if (!state?.cache) {
    // Main failed before the cache phase (bad input, guard) or the cache is off.
    core.info('Watchmaker post: no cache was restored in the main step, so there is nothing to save.');
  } else {
    const artifacts = readHandedArtifacts(state);
    const localPackages = handed.record?.workspaceMembers ?? null;
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
  const recordPath = state?.build?.recordPath;
  if (config.report.baseline !== 'rebuild' && state?.flagsHash && recordPath && !state.interrupted) {
    if (handed.error) throw handed.error;
    const record = handed.record;
    if (record?.success)
      await storeBaseline({ config, context, record, recordPath, backend, flagsHash: state.flagsHash, env });
  }
  clock.mark('store');
  postPhases(clock);
}

/** The post step's time per phase, in the log (the record is main's, written once when main ended). */
function postPhases(clock: PhaseClock): void {
  const own = ownSeconds(clock.seconds).toFixed(2);
  core.info(`Watchmaker: time by phase in the post step: ${phasesText(clock.seconds)}; the action's own ${own} s.`);
}
