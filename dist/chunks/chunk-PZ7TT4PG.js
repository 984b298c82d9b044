import { createRequire as __wmCreateRequire } from 'node:module'; const require = __wmCreateRequire(import.meta.url);
import {
  debug,
  setFailed,
  warning
} from "./chunk-WWVWMOGC.js";

// src/steps/exit.ts
import { existsSync, realpathSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
async function endWhenDone(work) {
  await work;
  setTimeout(() => process.exit(), 2e3).unref();
}
function isEntryPoint(moduleUrl, argv1 = process.argv[1]) {
  if (!argv1) return false;
  const started = path.resolve(argv1);
  const file = [started, `${started}.js`].find((f) => existsSync(f));
  return file !== void 0 && pathToFileURL(realpathSync(file)).href === moduleUrl;
}
function loadFailed(step, e, env = process.env) {
  const event = env.GITHUB_EVENT_PATH;
  const cause = e instanceof SyntaxError && event ? `the event file GITHUB_EVENT_PATH (${event}) is not valid JSON (${e.message})` : e.message;
  const message = `Watchmaker could not start its ${step} step: ${cause}.`;
  if (step === "main") setFailed(message);
  else warning(message);
  debug(e.stack ?? String(e));
}
async function runStep(step, load) {
  let steps;
  try {
    steps = await load();
  } catch (e) {
    loadFailed(step, e);
    return;
  }
  await steps.run();
}

export {
  endWhenDone,
  isEntryPoint,
  runStep
};
