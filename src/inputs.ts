// The one place that reads the action's inputs (through @actions/core) into the typed Config,
// and checks what only the filesystem can tell (that the directories named exist or can be made).
import * as core from '@actions/core';
import { accessSync, constants, existsSync, mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { InputError, parseConfig, type Config } from './config.js';

export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const config = parseConfig((name) => core.getInput(name), env);
  checkPlaces(config);
  return config;
}

function checkPlaces(config: Config): void {
  const wd = config.workingDirectory;
  if (!existsSync(wd) || !statSync(wd).isDirectory()) {
    throw new InputError(
      `Input 'working-directory' points at ${wd}, which is not a directory. Give the path of the Cargo workspace relative to the repository root (for example '.' or 'rust/').`,
    );
  }
  const recordDir = path.dirname(config.build.recordPath);
  try {
    mkdirSync(recordDir, { recursive: true });
    accessSync(recordDir, constants.W_OK);
  } catch (e) {
    throw new InputError(
      `Input 'record-path' is ${config.build.recordPath}, but its directory cannot be written (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}). Leave it empty for $RUNNER_TEMP/watchmaker/, or name a writable place.`,
    );
  }
}
