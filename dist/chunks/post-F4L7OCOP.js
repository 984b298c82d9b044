import { createRequire as __wmCreateRequire } from 'node:module'; const require = __wmCreateRequire(import.meta.url);
import {
  InputError,
  PhaseClock,
  buildOutcome,
  createBackend,
  loadRunContext,
  ownSeconds,
  phasesText,
  readConfig,
  readHandedArtifacts,
  readHandedRecord,
  readPostState,
  reportCacheUsage,
  saveCache,
  storeBaseline
} from "./chunk-5AP4YXRQ.js";
import {
  debug,
  info,
  setFailed,
  warning
} from "./chunk-WWVWMOGC.js";

// src/steps/post.ts
async function run(env = process.env) {
  try {
    await postSteps(env);
  } catch (e) {
    if (e instanceof InputError) info(`Watchmaker post: skipped (${e.message})`);
    else {
      warning(`Watchmaker post step: ${e.message}`);
      debug(e.stack ?? String(e));
    }
  }
}
function handedRecord(state) {
  try {
    return { record: readHandedRecord(state), error: null };
  } catch (e) {
    debug(`The run record main handed over could not be read: ${e.message}`);
    return { record: null, error: e };
  }
}
async function postSteps(env) {
  const clock = new PhaseClock();
  const config = readConfig(env);
  const context = loadRunContext(env);
  const backend = createBackend(config, context, env);
  const state = readPostState();
  const handed = handedRecord(state);
  if (!state?.cache) {
    info("Watchmaker post: no cache was restored in the main step, so there is nothing to save.");
  } else {
    const artifacts = readHandedArtifacts(state);
    const localPackages = handed.record?.workspaceMembers ?? null;
    try {
      const saved = await saveCache(
        { config, context, env, backend },
        { state: state.cache, artifacts, build: buildOutcome(state.build, state.interrupted), localPackages }
      );
      clock.add("describe", saved.seconds.describe);
      clock.add("clean", saved.seconds.clean);
      clock.add("save", saved.seconds.save);
      await reportCacheUsage({ config, context, env, backend }, saved);
    } catch (e) {
      setFailed(`Watchmaker cache save failed: ${e.message}`);
    }
  }
  clock.mark("save");
  const recordPath = state?.build?.recordPath;
  if (config.report.baseline !== "rebuild" && state?.flagsHash && recordPath && !state.interrupted) {
    if (handed.error) throw handed.error;
    const record = handed.record;
    if (record?.success)
      await storeBaseline({ config, context, record, recordPath, backend, flagsHash: state.flagsHash, env });
  }
  clock.mark("store");
  postPhases(clock);
}
function postPhases(clock) {
  const own = ownSeconds(clock.seconds).toFixed(2);
  info(`Watchmaker: time by phase in the post step: ${phasesText(clock.seconds)}; the action's own ${own} s.`);
}
export {
  run
};
