import * as core from '@actions/core';
import { existsSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

// A step ends when its work is done, even if a request that ran past its deadline is still
// pending inside a library (it has no way to cancel it): wait briefly for the event loop to
// drain, then exit with the step's exit code.
export async function endWhenDone(work: Promise<void>): Promise<void> {
  await work;
  setTimeout(() => process.exit(), 2000).unref();
}

/**
 * Whether Node was started on the module at `moduleUrl` (`node dist/main.js`, as the runner
 * does), not importing it (GitHub's local-action imports the step and calls its run()). The
 * file Node started is found as Node finds it: the path, or the path with .js added, real.
 */
export function isEntryPoint(moduleUrl: string, argv1: string | undefined = process.argv[1]): boolean {
  if (!argv1) return false;
  const started = path.resolve(argv1);
  const file = [started, `${started}.js`].find((f) => existsSync(f));
  return file !== undefined && pathToFileURL(realpathSync(file)).href === moduleUrl;
}

/**
 * A step whose code could not be loaded: a library that reads the runner's files while loading
 * (@actions/github parses the event file) fails with a message that names the file, not a stack.
 * The main step fails; the post step only warns (main has already said what went wrong).
 */
export function loadFailed(step: 'main' | 'post', e: unknown, env: NodeJS.ProcessEnv = process.env): void {
  const event = env.GITHUB_EVENT_PATH;
  const cause =
    e instanceof SyntaxError && event
      ? `the event file GITHUB_EVENT_PATH (${event}) is not valid JSON (${e.message})`
      : (e as Error).message;
  const message = `Watchmaker could not start its ${step} step: ${cause}.`;
  if (step === 'main') core.setFailed(message);
  else core.warning(message);
  core.debug((e as Error).stack ?? String(e));
}

/** Loads a step's module when it runs, then runs it; a module that fails to load is loadFailed's. */
export async function runStep(step: 'main' | 'post', load: () => Promise<{ run: () => Promise<void> }>): Promise<void> {
  let steps: { run: () => Promise<void> };
  try {
    steps = await load();
  } catch (e) {
    loadFailed(step, e);
    return;
  }
  await steps.run();
}
