// The one place that reads the action's inputs (through @actions/core) into the typed Config,
// and checks what only the filesystem can tell (that the directories named exist or can be made).
import * as core from '@actions/core';
import { accessSync, closeSync, constants, existsSync, mkdirSync, openSync, readSync, statSync } from 'node:fs';
import path from 'node:path';
import { configWarnings, InputError, parseConfig, type Config } from './config.js';
import { RECORD_SCHEMA } from './record.js';

const RECORD_PATH_TAKEN = (recordPath: string, what: string) =>
  `Input 'record-path' is ${recordPath}, which is ${what}; the action will not overwrite it. ` +
  "Name a new file (for example 'watchmaker-record.json'), or leave 'record-path' empty for $RUNNER_TEMP/watchmaker/.";
const NOT_A_WORKING_DIRECTORY = (wd: string) =>
  `Input 'working-directory' points at ${wd}, which is not a directory. ` +
  "Give the path of the Cargo workspace relative to the repository root (for example '.' or 'rust/').";
const RECORD_DIR_UNWRITABLE = (recordPath: string, reason: string) =>
  `Input 'record-path' is ${recordPath}, but its directory cannot be written (${reason}). ` +
  'Leave it empty for $RUNNER_TEMP/watchmaker/, or name a writable place.';

/** The step's Config; `warnings`: say which inputs have no effect (the main step does, post need not repeat it). */
export function readConfig(env: NodeJS.ProcessEnv = process.env, { warnings = false } = {}): Config {
  const config = parseConfig((name) => core.getInput(name), env);
  checkPlaces(config);
  if (warnings) for (const warning of configWarnings(config)) core.warning(warning);
  return config;
}

/** Enough of a file to tell a run record (it starts with its schema) from anything else. */
const RECORD_HEAD = 200;

/** Whether the file at `file` is a Watchmaker run record (which the action may replace). */
export function isRunRecordFile(file: string): boolean {
  const head = Buffer.alloc(RECORD_HEAD);
  const fd = openSync(file, 'r');
  try {
    const n = readSync(fd, head, 0, RECORD_HEAD, 0);
    return new RegExp(`^\\{\\s*"schema":\\s*"${RECORD_SCHEMA}"`).test(head.toString('utf8', 0, n));
  } finally {
    closeSync(fd);
  }
}

/** record-path replaces only a run record: never a directory or a file of the user's. */
function checkRecordPath(recordPath: string): void {
  if (!existsSync(recordPath)) return;
  const what = statSync(recordPath).isDirectory()
    ? 'a directory'
    : isRunRecordFile(recordPath)
      ? null
      : 'a file that is not a Watchmaker run record';
  if (what) {
    throw new InputError(RECORD_PATH_TAKEN(recordPath, what));
  }
}

function checkPlaces(config: Config): void {
  const wd = config.workingDirectory;
  if (!existsSync(wd) || !statSync(wd).isDirectory()) {
    throw new InputError(NOT_A_WORKING_DIRECTORY(wd));
  }
  checkRecordPath(config.build.recordPath);
  const recordDir = path.dirname(config.build.recordPath);
  try {
    mkdirSync(recordDir, { recursive: true });
    accessSync(recordDir, constants.W_OK);
  } catch (e) {
    throw new InputError(
      RECORD_DIR_UNWRITABLE(config.build.recordPath, (e as NodeJS.ErrnoException).code ?? (e as Error).message),
    );
  }
}
