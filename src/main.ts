// Entry point of the main step (dist/main.js). The step's work is in steps/main.ts.
import { run } from './steps/main.js';
import { endWhenDone } from './steps/exit.js';

await endWhenDone(run());
