// Entry point of the post step (dist/post.js). The step's work is in steps/post.ts, loaded when
// the step runs, so a library that fails while loading gives a warning with a message (main has failed already).
// The runner starts this file and the step runs; a tool that imports it instead (GitHub's
// local-action) calls the exported run() itself, so importing does not run the step twice.
import { endWhenDone, isEntryPoint, runStep } from './steps/exit.js';

export const run = (): Promise<void> => runStep('post', () => import('./steps/post.js'));

if (isEntryPoint(import.meta.url)) await endWhenDone(run());
