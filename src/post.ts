// Entry point of the post step (dist/post.js). The step's work is in steps/post.ts.
import { run } from './steps/post.js';
import { endWhenDone } from './steps/exit.js';

await endWhenDone(run());
