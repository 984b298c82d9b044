// The action's post step (runs after the job's other steps, also when they failed): clean and
// save the cache, then store this run's record as the baseline for later pull requests.
import * as core from '@actions/core';
import { existsSync, readFileSync } from 'node:fs';
import { InputError } from './config.js';
import { loadRunContext } from './context.js';
import { readConfig, STATE } from './inputs.js';
import { createBackend, saveCache, type CacheRestoreState } from './cache/index.js';
import { readRunRecord } from './timings/record.js';
import { storeBaseline } from './report/index.js';

async function runPost(): Promise<void> {
  const env = process.env;
  const config = readConfig(env);
  const context = loadRunContext(env);
  const cacheStateText = core.getState(STATE.cache);
  if (!cacheStateText) {
    // Main failed before the cache phase (bad input, guard) or the cache is off.
    core.info('Watchmaker post: no cache was restored in the main step, so there is nothing to save.');
  } else {
    const state = JSON.parse(cacheStateText) as CacheRestoreState;
    const artifactsFile = core.getState(STATE.artifactsPath);
    const artifacts = artifactsFile && existsSync(artifactsFile) ? (JSON.parse(readFileSync(artifactsFile, 'utf8')) as string[]) : null;
    try {
      await saveCache({ config, context, state, artifacts, env });
    } catch (e) {
      // saveCache only throws when fail-on-cache-error asked for it.
      core.setFailed(`Watchmaker cache save failed: ${(e as Error).message}`);
    }
  }

  const recordPath = core.getState(STATE.recordPath);
  const flagsHash = core.getState(STATE.flagsHash);
  if (config.baseline === 'cache' && recordPath && existsSync(recordPath) && flagsHash) {
    const record = readRunRecord(readFileSync(recordPath, 'utf8'));
    if (record.success) await storeBaseline({ config, context, record, recordPath, backend: createBackend(config, env), flagsHash, env });
  }
}

try {
  await runPost();
} catch (e) {
  // The main step already reported bad inputs; the post step must not add a second failure.
  if (e instanceof InputError) core.info(`Watchmaker post: skipped (${e.message})`);
  else core.warning(`Watchmaker post step: ${(e as Error).message}`);
}
