import { createRequire as __wmCreateRequire } from 'node:module'; const require = __wmCreateRequire(import.meta.url);
import {
  InputError,
  PhaseClock,
  buildOutcome,
  createBackend,
  debug,
  endWhenDone,
  info,
  isEntryPoint,
  loadRunContext,
  ownSeconds,
  phasesText,
  readConfig,
  readPostState,
  readRunRecord,
  reportCacheUsage,
  saveCache,
  setFailed,
  storeBaseline,
  warning
} from "./chunks/chunk-QLZLUO3U.js";

// src/steps/post.ts
import { existsSync, readFileSync, writeFileSync } from "node:fs";
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
function recordedLocalPackages(recordPath) {
  if (!recordPath || !existsSync(recordPath)) return null;
  try {
    return readRunRecord(readFileSync(recordPath, "utf8")).workspaceMembers ?? null;
  } catch (e) {
    debug(`The run record could not be read for the cleaner: ${e.message}`);
    return null;
  }
}
async function postSteps(env) {
  const clock = new PhaseClock();
  const config = readConfig(env);
  const context = loadRunContext(env);
  const backend = createBackend(config, context, env);
  const state = readPostState();
  const recordPath = state?.build?.recordPath;
  if (!state?.cache) {
    info("Watchmaker post: no cache was restored in the main step, so there is nothing to save.");
  } else {
    const artifactsFile = state.build?.artifactsFile;
    const artifacts = artifactsFile && existsSync(artifactsFile) ? JSON.parse(readFileSync(artifactsFile, "utf8")) : null;
    const localPackages = recordedLocalPackages(recordPath);
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
  if (config.report.baseline !== "rebuild" && state?.flagsHash && recordPath && existsSync(recordPath) && !state.interrupted) {
    const record = readRunRecord(readFileSync(recordPath, "utf8"));
    if (record.success)
      await storeBaseline({ config, context, record, recordPath, backend, flagsHash: state.flagsHash, env });
  }
  clock.mark("store");
  postPhases(clock, recordPath);
}
function postPhases(clock, recordPath) {
  info(
    `Watchmaker: time by phase in the post step: ${phasesText(clock.seconds)}; the action's own ${ownSeconds(clock.seconds).toFixed(2)} s.`
  );
  if (!recordPath || !existsSync(recordPath)) return;
  try {
    const record = readRunRecord(readFileSync(recordPath, "utf8"));
    record.phases = { ...record.phases, ...clock.seconds };
    writeFileSync(recordPath, `${JSON.stringify(record, null, 2)}
`);
  } catch (e) {
    debug(`The post step's phases were not added to the record: ${e.message}`);
  }
}

// src/post.ts
if (isEntryPoint(import.meta.url)) await endWhenDone(run());
export {
  run
};
