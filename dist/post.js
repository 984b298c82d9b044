import { createRequire as __wmCreateRequire } from 'node:module'; const require = __wmCreateRequire(import.meta.url);
import {
  InputError,
  STATE,
  createBackend,
  getState,
  info,
  loadRunContext,
  readConfig,
  readRunRecord,
  saveCache,
  setFailed,
  storeBaseline,
  warning
} from "./chunks/chunk-HHFSIX3R.js";

// src/post.ts
import { existsSync, readFileSync } from "node:fs";
async function runPost() {
  const env = process.env;
  const config = readConfig(env);
  const context = loadRunContext(env);
  const cacheStateText = getState(STATE.cache);
  if (!cacheStateText) {
    info("Watchmaker post: no cache was restored in the main step, so there is nothing to save.");
  } else {
    const state = JSON.parse(cacheStateText);
    const artifactsFile = getState(STATE.artifactsPath);
    const artifacts = artifactsFile && existsSync(artifactsFile) ? JSON.parse(readFileSync(artifactsFile, "utf8")) : null;
    try {
      await saveCache({ config, context, state, artifacts, env });
    } catch (e) {
      setFailed(`Watchmaker cache save failed: ${e.message}`);
    }
  }
  const recordPath = getState(STATE.recordPath);
  const flagsHash = getState(STATE.flagsHash);
  if (config.baseline === "cache" && recordPath && existsSync(recordPath) && flagsHash) {
    const record = readRunRecord(readFileSync(recordPath, "utf8"));
    if (record.success) await storeBaseline({ config, context, record, recordPath, backend: createBackend(config, env), flagsHash, env });
  }
}
try {
  await runPost();
} catch (e) {
  if (e instanceof InputError) info(`Watchmaker post: skipped (${e.message})`);
  else warning(`Watchmaker post step: ${e.message}`);
}
