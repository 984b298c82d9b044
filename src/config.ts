// Every action input is read here, once, into one typed Config. Nothing else calls getInput.
// parseConfig is pure (inputs and env in, Config or InputError out) so every rule is testable.
import os from 'node:os';
import path from 'node:path';
import { shortHash } from './hashing.js';

export type GuardMode = 'error' | 'warn' | 'off';
export type CommentMode = 'auto' | 'always' | 'never';
export type CacheSaveMode = 'auto' | 'always' | 'never';
export type CacheSaveScope = 'default-branch' | 'any';
export type CacheBackendChoice = 'auto' | 'github' | 'local';
export type BaselineMode = 'auto' | 'cache' | 'rebuild';
export type CompileWorkScope = 'members' | 'all';

/** How long auto may spend confirming a suggested change: a multiple of the head build, or seconds. */
export type ConfirmBudget = { kind: 'factor'; value: number } | { kind: 'seconds'; value: number };

/** How the timed build runs. */
export interface BuildConfig {
  /** Run the timed build (the build input). */
  enabled: boolean;
  /** The build command before the action's own flags, e.g. ["cargo", "build"]. */
  command: string[];
  /** Extra arguments for the build, already split like a shell would. Guard and cache read them too. */
  cargoArgs: string[];
  /** INPUT_*, STATE_* or ACTIONS_* variables the user wants the build to see anyway. */
  passEnv: string[];
  /** Where the JSON run record is written. */
  recordPath: string;
  /** Measure compile work (src/ir): the workspace crates (`members`), or they and the dependencies compiled (`all`), also emit LLVM bitcode. */
  compileWork: CompileWorkScope | false;
}

/** The target/ cache. */
export interface CacheConfig {
  enabled: boolean;
  /** The cache-key input (extra key text). */
  key: string;
  prefix: string;
  save: CacheSaveMode;
  saveScope: CacheSaveScope;
  /** Cache the workspace members' own units: null (auto) when keep-fresh is in effect. */
  workspaceCrates: boolean | null;
  /** Give files proven unchanged since the cached build their old times back (src/freshness). */
  keepFresh: boolean;
  bin: boolean;
  /** Save the cache even when the build failed. */
  onFailure: boolean;
  backend: CacheBackendChoice;
  /** Directory of the local cache backend. */
  dir: string;
  failOnError: boolean;
}

/** The build-time report and its baseline. */
export interface ReportConfig {
  comment: CommentMode;
  baseline: BaselineMode;
  /** Samples per side in rebuild mode (auto confirms with at least 3). */
  baselineSamples: number;
  confirmBudget: ConfirmBudget;
  /** Relative change (fraction, e.g. 0.05) beyond which a change counts; null = per-metric defaults. */
  threshold: number | null;
  failOnRegression: boolean;
  /** Fail when the compared crates' compile work grew by more than this fraction; null: never. */
  failOnWorkGrowth: number | null;
}

export interface Config {
  /** Absolute path of the directory cargo runs in (config discovery starts here). */
  workingDirectory: string;
  profile: string;
  /** True on a CI runner (CI=true or GITHUB_ACTIONS=true). */
  inCI: boolean;
  /** Token for the comment and the cache clean-up. */
  githubToken: string;
  /**
   * Tells builds apart that share a job and profile (matrix legs): the cache-key input, else a
   * hash of the build command and arguments. In the comment marker and the baseline key.
   */
  variant: string;
  build: BuildConfig;
  cache: CacheConfig;
  guard: { mode: GuardMode };
  report: ReportConfig;
}

/** A bad input: the message says which input, what was wrong and what to write instead. */
export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}

export type InputReader = (name: string) => string;

const PROFILE_NAME = /^[A-Za-z0-9_-]+$/;
const CACHE_KEY_TEXT = /^[A-Za-z0-9._\-+=]*$/;
/** Prefix and cache-key each; with the rest of the key they stay under GitHub's 512 characters. */
const MAX_KEY_PART = 100;

export function parseConfig(input: InputReader, env: NodeJS.ProcessEnv, cwd = process.cwd()): Config {
  const inCI = env.CI === 'true' || env.GITHUB_ACTIONS === 'true';
  const workspaceRoot = env.GITHUB_WORKSPACE || cwd;
  const profile = input('profile').trim() || 'dev';
  if (!PROFILE_NAME.test(profile) || profile.length > 64) {
    throw new InputError(
      `Input 'profile' is '${profile}', which is not a cargo profile name. Use letters, digits, '-' or '_' (for example 'dev', 'release' or a custom profile from Cargo.toml).`,
    );
  }
  const build = parseBuild(input, env, workspaceRoot, profile);
  const cache = parseCache(input, env, workspaceRoot);
  const guardRaw = input('guard').trim();
  return {
    workingDirectory: path.resolve(workspaceRoot, input('working-directory').trim() || '.'),
    profile,
    inCI,
    githubToken: input('github-token'),
    variant: cache.key || `b${shortHash(JSON.stringify([build.command, build.cargoArgs]), 8)}`,
    build,
    cache,
    guard: { mode: guardRaw === '' ? (inCI ? 'error' : 'warn') : oneOf<GuardMode>('guard', guardRaw, ['error', 'warn', 'off']) },
    report: parseReport(input),
  };
}

function parseBuild(input: InputReader, env: NodeJS.ProcessEnv, workspaceRoot: string, profile: string): BuildConfig {
  const cargoArgs = splitArgs(input('cargo-args'), 'cargo-args');
  const command = splitArgs(input('build-command') || 'cargo build', 'build-command');
  if (command.length === 0) {
    throw new InputError(`Input 'build-command' is empty after splitting. Leave it unset for 'cargo build', or give a command such as 'cargo build'.`);
  }
  checkBuildArgs(cargoArgs, 'cargo-args');
  checkBuildArgs(command.slice(1), 'build-command');
  const recordRaw = input('record-path').trim();
  return {
    enabled: bool('build', input('build'), true),
    command,
    cargoArgs,
    passEnv: passEnvNames(input('pass-env')),
    compileWork: compileWorkScope(input('compile-work')),
    recordPath: recordRaw ? path.resolve(workspaceRoot, recordRaw) : path.join(env.RUNNER_TEMP || os.tmpdir(), 'watchmaker', `record-${profile}.json`),
  };
}

function parseCache(input: InputReader, env: NodeJS.ProcessEnv, workspaceRoot: string): CacheConfig {
  const home = env.HOME || os.homedir();
  const dirRaw = input('cache-dir').trim();
  return {
    enabled: bool('cache', input('cache'), true),
    key: keyPart('cache-key', input('cache-key').trim()),
    prefix: keyPart('cache-prefix', input('cache-prefix').trim() || 'watchmaker-v1'),
    save: oneOf<CacheSaveMode>('cache-save', input('cache-save').trim() || 'auto', ['auto', 'always', 'never']),
    saveScope: oneOf<CacheSaveScope>('cache-save-scope', input('cache-save-scope').trim() || 'default-branch', ['default-branch', 'any']),
    workspaceCrates: boolOrAuto('cache-workspace-crates', input('cache-workspace-crates')),
    keepFresh: bool('keep-fresh', input('keep-fresh'), true),
    bin: bool('cache-bin', input('cache-bin'), false),
    onFailure: bool('cache-on-failure', input('cache-on-failure'), false),
    backend: oneOf<CacheBackendChoice>('cache-backend', input('cache-backend').trim() || 'auto', ['auto', 'github', 'local']),
    dir: dirRaw ? path.resolve(workspaceRoot, dirRaw) : path.join(env.XDG_CACHE_HOME || path.join(home, '.cache'), 'watchmaker'),
    failOnError: bool('fail-on-cache-error', input('fail-on-cache-error'), false),
  };
}

function parseReport(input: InputReader): ReportConfig {
  return {
    comment: oneOf<CommentMode>('comment', input('comment').trim() || 'auto', ['auto', 'always', 'never']),
    baseline: oneOf<BaselineMode>('baseline', input('baseline').trim() || 'auto', ['auto', 'cache', 'rebuild']),
    confirmBudget: budget(input('confirm-budget')),
    baselineSamples: int('baseline-samples', input('baseline-samples'), 3, 1, 20),
    threshold: percent('threshold', input('threshold')),
    failOnRegression: bool('fail-on-regression', input('fail-on-regression'), false),
    failOnWorkGrowth: percent('fail-on-work-growth', input('fail-on-work-growth')),
  };
}

/** Text that goes into every cache key: GitHub allows letters and a few marks, 512 characters in all. */
function keyPart(name: string, value: string): string {
  if (CACHE_KEY_TEXT.test(value) && value.length <= MAX_KEY_PART) return value;
  const shown = value.length > 60 ? `${value.slice(0, 60)}…' (${value.length} characters)` : `${value}'`;
  throw new InputError(
    `Input '${name}' is '${shown}. Use only letters, digits and . _ - + = (no spaces or commas), at most ${MAX_KEY_PART} characters: the whole cache key must stay under GitHub's 512.`,
  );
}

/** Arguments the action owns, in cargo-args or after the program in build-command. */
function checkBuildArgs(args: string[], inputName: string): void {
  for (const arg of args) {
    if (arg === '--release' || arg === '-r' || arg === '--profile' || arg.startsWith('--profile=')) {
      throw new InputError(
        `Input '${inputName}' contains '${arg}', but the profile is chosen by the 'profile' input (it is part of the cache key). Remove it from '${inputName}' and set 'profile: ${arg === '--release' || arg === '-r' ? 'release' : '<name>'}'.`,
      );
    }
    if (arg === '--timings' || arg.startsWith('--timings=') || arg.startsWith('--message-format')) {
      throw new InputError(`Input '${inputName}' contains '${arg}', which the action sets itself for the timed build. Remove it from '${inputName}'.`);
    }
  }
}

const PASSABLE = /^(INPUT_|STATE_|ACTIONS_)[A-Za-z0-9_.-]+$/;

function passEnvNames(raw: string): string[] {
  const names = raw.split(/[\s,]+/).filter(Boolean);
  for (const name of names) {
    if (!PASSABLE.test(name)) {
      throw new InputError(
        `Input 'pass-env' names '${name}'. List only INPUT_*, STATE_* or ACTIONS_* variables (every other variable reaches the build already), separated by spaces or newlines.`,
      );
    }
  }
  return names;
}

function oneOf<T extends string>(name: string, value: string, allowed: readonly T[]): T {
  const v = value.toLowerCase();
  if ((allowed as readonly string[]).includes(v)) return v as T;
  throw new InputError(`Input '${name}' is '${value}'. Use one of: ${allowed.map((a) => `'${a}'`).join(', ')}.`);
}

// The YAML 1.2 core schema booleans, as actions/toolkit's getBooleanInput accepts them.
const TRUE_WORDS = ['true', 'True', 'TRUE'];
const FALSE_WORDS = ['false', 'False', 'FALSE'];

function bool(name: string, raw: string, fallback: boolean): boolean {
  const v = raw.trim();
  if (v === '') return fallback;
  if (TRUE_WORDS.includes(v)) return true;
  if (FALSE_WORDS.includes(v)) return false;
  throw new InputError(`Input '${name}' is '${raw}'. Use 'true' or 'false'.`);
}

/** true (the workspace crates), all (and the dependencies compiled), or false. */
function compileWorkScope(raw: string): CompileWorkScope | false {
  const v = raw.trim();
  if (v === 'all') return 'all';
  try {
    return bool('compile-work', v, true) ? 'members' : false;
  } catch {
    throw new InputError(`Input 'compile-work' is '${raw}'. Use 'true' (the workspace crates), 'all' (and the dependencies that are compiled) or 'false'.`);
  }
}

/** true, false, or auto / empty (null: decided at run time). */
function boolOrAuto(name: string, raw: string): boolean | null {
  const v = raw.trim();
  if (v === '' || v === 'auto') return null;
  if (TRUE_WORDS.includes(v)) return true;
  if (FALSE_WORDS.includes(v)) return false;
  throw new InputError(`Input '${name}' is '${raw}'. Use 'auto', 'true' or 'false'.`);
}

function int(name: string, raw: string, fallback: number, min: number, max: number): number {
  const v = raw.trim();
  if (v === '') return fallback;
  if (!/^\d+$/.test(v) || Number(v) < min || Number(v) > max) {
    throw new InputError(`Input '${name}' is '${raw}'. Use a whole number from ${min} to ${max}.`);
  }
  return Number(v);
}

/** "2x" (twice the head build), "300", "300s" or "5m"; empty → 2x. */
function budget(raw: string): ConfirmBudget {
  const v = raw.trim() || '2x';
  const m = /^(\d+(?:\.\d+)?)\s*(x|s|m)?$/.exec(v);
  if (!m || Number(m[1]) <= 0) {
    throw new InputError(`Input 'confirm-budget' is '${raw}'. Give a multiple of the head build such as '2x', or a time such as '300s' or '5m'.`);
  }
  const n = Number(m[1]);
  if (m[2] === 'x') return { kind: 'factor', value: n };
  return { kind: 'seconds', value: m[2] === 'm' ? n * 60 : n };
}

/** "5", "5%" or "2.5 %" → 0.05 / 0.025; empty → null (per-metric defaults). */
function percent(name: string, raw: string): number | null {
  const v = raw.trim();
  if (v === '') return null;
  const m = /^(\d+(?:\.\d+)?)\s*%?$/.exec(v);
  if (!m || Number(m[1]) <= 0 || Number(m[1]) >= 1000) {
    throw new InputError(`Input '${name}' is '${raw}'. Give a percentage above 0, such as '5' or '5%'.`);
  }
  return Number(m[1]) / 100;
}

/**
 * Splits an input into argv like a POSIX shell would for words and quotes (no expansion):
 * `--features "a b" --x='1 2'` → [--features, a b, --x=1 2].
 */
export function splitArgs(raw: string, inputName: string): string[] {
  const out: string[] = [];
  let cur = '';
  let inWord = false;
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!;
    if (quote) {
      if (c === quote) quote = null;
      else if (c === '\\' && quote === '"' && (raw[i + 1] === '"' || raw[i + 1] === '\\')) cur += raw[++i];
      else cur += c;
    } else if (c === '"' || c === "'") {
      quote = c;
      inWord = true;
    } else if (c === '\\' && i + 1 < raw.length) {
      cur += raw[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) out.push(cur);
      cur = '';
      inWord = false;
    } else {
      cur += c;
      inWord = true;
    }
  }
  if (quote) throw new InputError(`Input '${inputName}' has an unclosed ${quote} quote: ${raw}`);
  if (inWord) out.push(cur);
  return out;
}
