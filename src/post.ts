// Entry point of the post step (dist/post.js). The step's work is in steps/post.ts, loaded when
// the step runs, so a library that fails while loading gives a warning with a message (main has failed already).
// The runner starts this file and the step runs; a tool that imports it instead (GitHub's
// local-action) calls the exported run() itself, so importing does not run the step twice.
import { endWhenDone, isEntryPoint, loadFailed } from './steps/exit.js';

export async function run(): Promise<void> {
  let steps: typeof import('./steps/post.js');
  try {
    steps = await import('./steps/post.js');
  } catch (e) {
    loadFailed('post', e);
    return;
  }
  await steps.run();
}

if (isEntryPoint(import.meta.url)) await endWhenDone(run());
