// The one place that reads the action's inputs (through @actions/core) into the typed Config.
import * as core from '@actions/core';
import { parseConfig, type Config } from './config.js';

export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
  return parseConfig((name) => core.getInput(name), env);
}

/** Names of the values main hands to post through GITHUB_STATE. */
export const STATE = {
  cache: 'watchmaker-cache',
  recordPath: 'watchmaker-record',
  artifactsPath: 'watchmaker-artifacts',
  flagsHash: 'watchmaker-flags-hash',
  mainFinished: 'watchmaker-main-finished',
} as const;
