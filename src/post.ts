// The action's post step: runs after the job's other steps.
import * as core from '@actions/core';
import { readConfig } from './inputs.js';

try {
  readConfig(process.env);
  core.info('Watchmaker post: nothing to save.');
} catch (e) {
  core.warning(`Watchmaker post step: ${(e as Error).message}`);
}
