// Entry point of the main step (dist/main.js). The step's work is in steps/main.ts, loaded when
// the step runs, so a library that fails while loading fails the step with a message.
// The runner starts this file and the step runs; a tool that imports it instead (GitHub's
// local-action) calls the exported run() itself, so importing does not run the step twice.
import { endWhenDone, isEntryPoint, runStep } from './steps/exit.js';

export const run = (): Promise<void> => runStep('main', () => import('./steps/main.js'));

if (isEntryPoint(import.meta.url)) await endWhenDone(run());
