// Entry point of the main step (dist/main.js). The step's work is in steps/main.ts.
// The runner starts this file and the step runs; a tool that imports it instead (GitHub's
// local-action) calls the exported run() itself, so importing does not run the step twice.
import { run } from './steps/main.js';
import { endWhenDone, isEntryPoint } from './steps/exit.js';

export { run };

if (isEntryPoint(import.meta.url)) await endWhenDone(run());
