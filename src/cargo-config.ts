// Cargo's configuration files as cargo finds them: `.cargo/config.toml` (or legacy
// `.cargo/config`) in the working directory and every parent, then $CARGO_HOME, with
// `include`d files. Values keep their file and line so findings can be annotated there.
import { existsSync, readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse, TomlError } from 'smol-toml';

const INVALID_TOML = (file: string, line: number | null, reason: string | undefined) =>
  `${file}${line ? ` line ${line}` : ''} is not valid TOML (${reason}). ` +
  'Cargo cannot read it either: fix the syntax there.';
const INVALID_CLI_VALUE = (arg: string, reason: string | undefined) =>
  `Input 'cargo-args' has '--config ${arg}', which is neither an existing file nor a KEY=VALUE TOML expression ` +
  `(${reason}). Cargo rejects it too.`;

export interface CargoConfigFile {
  /** The file, or for a `--config KEY=VALUE` argument the argument as written. */
  path: string;
  text: string;
  data: Record<string, unknown>;
  /** From a `--config` argument (a value or a file): above every config file and the environment. */
  cli?: 'value' | 'file';
}

/** A cargo config file that cannot be read or parsed; the message names the file and line. */
export class CargoConfigError extends Error {
  constructor(
    message: string,
    readonly file: string,
    readonly line: number | null,
  ) {
    super(message);
    this.name = 'CargoConfigError';
  }
}

export function cargoHome(env: NodeJS.ProcessEnv): string {
  return env.CARGO_HOME || path.join(env.HOME || os.homedir(), '.cargo');
}

/** The config file of one `.cargo` directory: legacy `config` wins over `config.toml` (cargo warns). */
function configFileIn(cargoDir: string): string | null {
  for (const name of ['config', 'config.toml']) {
    const file = path.join(cargoDir, name);
    if (existsSync(file)) return file;
  }
  return null;
}

/** Config files in cargo's precedence order: the working directory first, then each parent, then $CARGO_HOME. */
export function discoverCargoConfigFiles(cwd: string, env: NodeJS.ProcessEnv): string[] {
  const files: string[] = [];
  const home = path.resolve(cargoHome(env));
  let homeVisited = false;
  for (let dir = path.resolve(cwd); ; dir = path.dirname(dir)) {
    const cargoDir = path.join(dir, '.cargo');
    if (cargoDir === home) homeVisited = true;
    const file = configFileIn(cargoDir);
    if (file) files.push(file);
    if (path.dirname(dir) === dir) break;
  }
  if (!homeVisited) {
    const file = configFileIn(home);
    if (file) files.push(file);
  }
  return files;
}

function parseFile(file: string): CargoConfigFile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new CargoConfigError(`Cannot read cargo config ${file}: ${(e as Error).message}`, file, null);
  }
  try {
    return { path: file, text, data: parse(text) as Record<string, unknown> };
  } catch (e) {
    const line = e instanceof TomlError ? e.line : null;
    const reason = (e as Error).message.split('\n')[0];
    throw new CargoConfigError(INVALID_TOML(file, line, reason), file, line);
  }
}

/** `include` entries of a config: strings or `{ path, optional }`, relative to the including file. */
function includesOf(file: CargoConfigFile): Array<{ path: string; optional: boolean }> {
  const raw = file.data.include;
  const list = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
  return list.flatMap((entry) => {
    if (typeof entry === 'string') return [{ path: path.resolve(path.dirname(file.path), entry), optional: false }];
    if (entry && typeof entry === 'object' && typeof (entry as { path?: unknown }).path === 'string') {
      const e = entry as { path: string; optional?: unknown };
      return [{ path: path.resolve(path.dirname(file.path), e.path), optional: e.optional === true }];
    }
    return [];
  });
}

/** The values of `--config` arguments in cargo-args, in order. */
export function cliConfigValues(cargoArgs: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < cargoArgs.length; i++) {
    const a = cargoArgs[i]!;
    if (a === '--config' && i + 1 < cargoArgs.length) out.push(cargoArgs[++i]!);
    else if (a.startsWith('--config=')) out.push(a.slice('--config='.length));
  }
  return out;
}

/** A `--config KEY=VALUE` argument, parsed as cargo does: one TOML dotted-key assignment. */
function parseCliValue(arg: string): CargoConfigFile {
  try {
    return { path: `--config ${arg}`, text: arg, data: parse(arg) as Record<string, unknown>, cli: 'value' };
  } catch (e) {
    throw new CargoConfigError(INVALID_CLI_VALUE(arg, (e as Error).message.split('\n')[0]), `--config ${arg}`, null);
  }
}

/**
 * Loads every config source, highest precedence first: `--config` arguments (the last one
 * first; a value that names an existing file loads that file, as cargo does), then the files
 * cargo discovers. An included file ranks just below its includer.
 */
export function loadCargoConfig(
  cwd: string,
  env: NodeJS.ProcessEnv,
  cargoArgs: readonly string[] = [],
): CargoConfigFile[] {
  const out: CargoConfigFile[] = [];
  for (const arg of cliConfigValues(cargoArgs).reverse()) {
    const file = path.resolve(cwd, arg);
    if (existsSync(file) && statSync(file).isFile()) visitFile(file, out, 'file');
    else out.push(parseCliValue(arg));
  }
  for (const file of discoverCargoConfigFiles(cwd, env)) visitFile(file, out);
  return out;
}

function visitFile(file: string, out: CargoConfigFile[], cli?: 'file'): void {
  const visit = (file: string, depth: number) => {
    const loaded = parseFile(file);
    if (cli) loaded.cli = cli;
    out.push(loaded);
    if (depth > 10) return;
    for (const inc of includesOf(loaded)) {
      if (!existsSync(inc.path)) {
        if (inc.optional) continue;
        throw new CargoConfigError(
          `${file} includes ${inc.path}, which does not exist. Create it or mark it optional.`,
          file,
          findKeyLine(loaded.text, ['include']),
        );
      }
      visit(inc.path, depth + 1);
    }
  };
  visit(file, 0);
}

/** Splits a TOML key (`a.'b.c'."d"`) into its parts. */
export function splitTomlKey(key: string): string[] {
  const parts: string[] = [];
  let cur = '';
  let quote: string | null = null;
  for (const c of key.trim()) {
    if (quote) {
      if (c === quote) quote = null;
      else cur += c;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '.') {
      parts.push(cur.trim());
      cur = '';
    } else cur += c;
  }
  parts.push(cur.trim());
  return parts;
}

/** The key part of a `key = value` line (quotes respected), or null if the line is not an assignment. */
function assignmentKey(line: string): string | null {
  let quote: string | null = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote) {
      if (c === quote) quote = null;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '=') return line.slice(0, i);
    else if (c === '#') return null;
  }
  return null;
}

const samePath = (a: string[], b: string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/** Line (1-based) where a dotted key is defined in a config's text, or null. */
export function findKeyLine(text: string, keyPath: string[]): number | null {
  const lines = text.split('\n');
  let table: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line.startsWith('[')) {
      const header = /^\[\[?(.*?)\]\]?\s*(#.*)?$/.exec(line);
      if (header) {
        table = splitTomlKey(header[1]!);
        if (samePath(table, keyPath)) return i + 1;
      }
      continue;
    }
    const key = assignmentKey(line);
    if (key === null) continue;
    const full = [...table, ...splitTomlKey(key)];
    if (samePath(full, keyPath)) return i + 1;
    // An inline table (`build = { rustflags = [...] }`): point at its line.
    if (full.length < keyPath.length && samePath(full, keyPath.slice(0, full.length)) && line.includes('{'))
      return i + 1;
  }
  return null;
}

export function getPath(data: Record<string, unknown>, keyPath: string[]): unknown {
  let cur: unknown = data;
  for (const part of keyPath) {
    if (!cur || typeof cur !== 'object' || Array.isArray(cur)) return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

/** The highest-precedence value of a key (e.g. build.target-dir), with where it was set. */
export function configValue(
  files: CargoConfigFile[],
  keyPath: string[],
): { value: unknown; file: string; line: number | null } | undefined {
  for (const file of files) {
    const value = getPath(file.data, keyPath);
    if (value !== undefined) return { value, file: file.path, line: findKeyLine(file.text, keyPath) };
  }
  return undefined;
}
