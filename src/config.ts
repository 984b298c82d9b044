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
  /**
   * The action's own directory for what the build leaves on the side (IR, the wrapper's files,
   * the artifact list, rebuild samples): under $RUNNER_TEMP (else the system's temp directory),
   * never next to record-path, which may be in the user's checkout.
   */
  scratchDir: string;
  /**
   * Measure compile work (src/ir): the workspace crates (`members`), or they and the dependencies compiled (`all`),
   * also emit LLVM bitcode.
   */
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

/** The profile advisor (src/advise): opt-in, meant for workflow_dispatch or a schedule. */
export interface AdviseConfig {
  /** `profiles`: measure candidate settings of the profile after the report; `none`: off. */
  mode: 'none' | 'profiles';
  /** Seconds the advisor may spend (checked between its rounds). */
  budgetSeconds: number;
  /** A command timed with each candidate's build in place (advise-run, split like build-command); null: none. */
  run: string[] | null;
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
  advise: AdviseConfig;
  /** Old input names the workflow still uses (RENAMED_INPUTS), each worth a warning. */
  renamedInputs: string[];
}

/** A bad input: the message says which input, what was wrong and what to write instead. */
export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}

export type InputReader = (name: string) => string;

/**
 * Inputs renamed so that each group shares a prefix (the comparison's inputs all start with
 * `baseline`): new name → old name and the new name's action.yml default. The old name is
 * still read, with a warning, until the next major version (see the README's version policy).
 */
export const RENAMED_INPUTS: Record<string, { old: string; default: string }> = {
  'baseline-threshold': { old: 'threshold', default: '' },
  'baseline-confirm-budget': { old: 'confirm-budget', default: '1x' },
};

const BOTH_NAMES = (name: string, old: string) =>
  `Inputs '${name}' and '${old}' (its old name) are both given, with different values. ` + `Keep '${name}' only.`;

/** Reads renamed inputs under their new names, falling back to the old name (noted in `used`). */
function withRenamed(input: InputReader, used: string[]): InputReader {
  return (name) => {
    const renamed = RENAMED_INPUTS[name];
    if (!renamed) return input(name);
    const value = input(name);
    const old = input(renamed.old);
    if (old.trim() === '') return value;
    // The runner fills the new name's default in, so a default value there is no choice of the user's.
    if (value.trim() !== '' && value.trim() !== renamed.default && value.trim() !== old.trim())
      throw new InputError(BOTH_NAMES(name, renamed.old));
    used.push(renamed.old);
    return old;
  };
}

/** The warning for an old input name: what to write instead. */
export const RENAMED_WARNING = (old: string) => {
  const name = Object.keys(RENAMED_INPUTS).find((n) => RENAMED_INPUTS[n]!.old === old) ?? old;
  return (
    `Input '${old}' is now called '${name}': write '${name}' instead ` +
    `('${old}' still works until the next major version).`
  );
};

const PROFILE_NAME = /^[A-Za-z0-9_-]+$/;
const CACHE_KEY_TEXT = /^[A-Za-z0-9._\-+=]*$/;
/** Prefix and cache-key each; with the rest of the key they stay under GitHub's 512 characters. */
const MAX_KEY_PART = 100;

// The InputError messages, each naming the input, what was wrong and what to write instead.
const BAD_PROFILE = (profile: string) =>
  `Input 'profile' is '${profile}', which is not a cargo profile name. Use letters, digits, '-' or '_' ` +
  `(for example 'dev', 'release' or a custom profile from Cargo.toml).`;
const GATES_WITHOUT_BUILD = (gates: string[]) =>
  `Input 'build' is false, so there is no timed build and no report, but ${gates.join(' and ')} asks to fail ` +
  `the step on what the report finds: that check would never run. ` +
  `Remove ${gates.join(' and ')}, or set 'build: true'.`;
const WORK_GATE_UNMEASURED =
  `Input 'fail-on-work-growth' fails the step when compile work grows, but 'compile-work' is false, ` +
  `so compile work is not measured and the check would never run. ` +
  `Remove 'fail-on-work-growth', or set 'compile-work: true'.`;
const EMPTY_COMMAND =
  `Input 'build-command' is empty after splitting. ` +
  `Leave it unset for 'cargo build', or give a command such as 'cargo build'.`;
const CARGO_ARGS_OPTION = (option: string) =>
  `Input 'build-command' contains '${option}', which the action reads from 'cargo-args' only ` +
  `(for the portable-flags guard, the cache key and the target directory). ` +
  `Move '${option}' and its value to 'cargo-args'.`;
const DASHES_TWICE =
  `Inputs 'build-command' and 'cargo-args' both contain '--'. Put what goes to rustc after the '--' of one ` +
  `of them (for example 'build-command: cargo rustc' and 'cargo-args: --lib -- -C opt-level=1').`;
const BAD_KEY_PART = (name: string, shown: string) =>
  `Input '${name}' is '${shown}. Use only letters, digits and . _ - + = (no spaces or commas), ` +
  `at most ${MAX_KEY_PART} characters: the whole cache key must stay under GitHub's 512.`;
const PROFILE_IN_ARGS = (inputName: string, arg: string) =>
  `Input '${inputName}' contains '${arg}', but the profile is chosen by the 'profile' input ` +
  `(it is part of the cache key). Remove it from '${inputName}' and set ` +
  `'profile: ${arg === '--release' || arg === '-r' ? 'release' : '<name>'}'.`;
const ACTION_OWNS_ARG = (inputName: string, arg: string) =>
  `Input '${inputName}' contains '${arg}', which the action sets itself for the timed build. ` +
  `Remove it from '${inputName}'.`;
const BAD_PASS_ENV = (name: string) =>
  `Input 'pass-env' names '${name}'. List only INPUT_*, STATE_* or ACTIONS_* variables ` +
  `(every other variable reaches the build already), separated by spaces or newlines.`;
const BAD_COMPILE_WORK = (raw: string) =>
  `Input 'compile-work' is '${raw}'. ` +
  `Use 'true' (the workspace crates), 'all' (and the dependencies that are compiled) or 'false'.`;
const BAD_ADVISE_BUDGET = (raw: string) =>
  `Input 'advise-budget' is '${raw}'. ` +
  `Give a time such as '20m', '1200s' or '1h' (how long the profile advisor may build).`;
const BAD_CONFIRM_BUDGET = (raw: string) =>
  `Input 'baseline-confirm-budget' is '${raw}'. ` +
  `Give a multiple of the head build such as '1x', or a time such as '300s' or '5m'.`;

export function parseConfig(read: InputReader, env: NodeJS.ProcessEnv, cwd = process.cwd()): Config {
  const renamedInputs: string[] = [];
  const input = withRenamed(read, renamedInputs);
  const inCI = env.CI === 'true' || env.GITHUB_ACTIONS === 'true';
  const workspaceRoot = env.GITHUB_WORKSPACE || cwd;
  const profile = input('profile').trim() || 'dev';
  if (!PROFILE_NAME.test(profile) || profile.length > 64) {
    throw new InputError(BAD_PROFILE(profile));
  }
  const build = parseBuild(input, env, workspaceRoot, profile);
  const cache = parseCache(input, env, workspaceRoot);
  const report = parseReport(input);
  checkGates(build, report);
  const guardRaw = input('guard').trim();
  return {
    workingDirectory: path.resolve(workspaceRoot, input('working-directory').trim() || '.'),
    profile,
    inCI,
    githubToken: input('github-token'),
    variant: cache.key || `b${shortHash(JSON.stringify([build.command, build.cargoArgs]), 8)}`,
    build,
    cache,
    guard: {
      mode: guardRaw === '' ? (inCI ? 'error' : 'warn') : oneOf<GuardMode>('guard', guardRaw, ['error', 'warn', 'off']),
    },
    report,
    advise: parseAdvise(input),
    renamedInputs,
  };
}

/** Checks that can never fire are refused: the user relies on them to fail the job. */
function checkGates(build: BuildConfig, report: ReportConfig): void {
  const gates = [
    report.failOnRegression && "'fail-on-regression: true'",
    report.failOnWorkGrowth !== null && "'fail-on-work-growth'",
  ].filter((g) => g !== false);
  if (!build.enabled && gates.length) throw new InputError(GATES_WITHOUT_BUILD(gates));
  if (build.compileWork === false && report.failOnWorkGrowth !== null) throw new InputError(WORK_GATE_UNMEASURED);
}

/**
 * Inputs that have no effect given the others (each warning names both and what to write
 * instead). Only values other than the defaults count: the runner fills the defaults in.
 */
export function configWarnings(config: Config): string[] {
  const { build, cache, report } = config;
  const out: string[] = config.renamedInputs.map(RENAMED_WARNING);
  const unused = (why: string, names: Array<string | false>, instead: string) => {
    const given = names.filter((n): n is string => n !== false);
    const [verb, them] = given.length === 1 ? ['has', 'it'] : ['have', 'them'];
    if (given.length)
      out.push(`${why}, so ${given.map((n) => `'${n}'`).join(', ')} ${verb} no effect. Remove ${them}, ${instead}.`);
  };
  if (!build.enabled)
    unused("Input 'build' is false (no timed build, no report)", buildOnlyInputs(config), "or set 'build: true'");
  if (!cache.enabled) {
    unused(
      "Input 'cache' is false (target/ is neither restored nor saved)",
      [
        cache.save === 'always' && 'cache-save',
        cache.saveScope === 'any' && 'cache-save-scope',
        cache.workspaceCrates === true && 'cache-workspace-crates',
        cache.bin && 'cache-bin',
        cache.onFailure && 'cache-on-failure',
        cache.failOnError && 'fail-on-cache-error',
      ],
      "or set 'cache: true'",
    );
  } else if (cache.save === 'never') {
    unused(
      "Input 'cache-save' is 'never'",
      [cache.saveScope === 'any' && 'cache-save-scope', cache.onFailure && 'cache-on-failure'],
      "or set 'cache-save: auto'",
    );
  }
  if (build.enabled && report.baseline === 'cache') {
    unused(
      "Input 'baseline' is 'cache' (the stored record only, no rebuilds)",
      [report.baselineSamples !== 3 && 'baseline-samples', budgetGiven(report) && 'baseline-confirm-budget'],
      "or set 'baseline: auto' or 'baseline: rebuild'",
    );
  }
  if (build.enabled && config.advise.mode === 'none')
    unused(
      "Input 'advise' is 'none' (no profile advice)",
      adviseOnlyInputs(config.advise),
      "or set 'advise: profiles'",
    );
  return out;
}

/** The advisor's inputs given other than their defaults. */
const adviseOnlyInputs = (advise: AdviseConfig) => [
  advise.budgetSeconds !== 20 * 60 && 'advise-budget',
  advise.run !== null && 'advise-run',
];

const budgetGiven = (report: ReportConfig) =>
  !(report.confirmBudget.kind === 'factor' && report.confirmBudget.value === 1);

/** The inputs given (other than their defaults) that only the timed build and its report read. */
function buildOnlyInputs({ build, report, profile, advise }: Config): Array<string | false> {
  const defaultRecord = path.join(path.dirname(build.scratchDir), `record-${profile}.json`);
  return [
    build.command.join(' ') !== 'cargo build' && 'build-command',
    build.compileWork === 'all' && 'compile-work',
    build.passEnv.length > 0 && 'pass-env',
    build.recordPath !== defaultRecord && 'record-path',
    report.comment === 'always' && 'comment',
    report.baseline !== 'auto' && 'baseline',
    report.baselineSamples !== 3 && 'baseline-samples',
    budgetGiven(report) && 'baseline-confirm-budget',
    report.threshold !== null && 'baseline-threshold',
    advise.mode !== 'none' && 'advise',
    ...adviseOnlyInputs(advise),
  ];
}

function parseBuild(input: InputReader, env: NodeJS.ProcessEnv, workspaceRoot: string, profile: string): BuildConfig {
  const cargoArgs = splitArgs(input('cargo-args'), 'cargo-args');
  const command = splitArgs(input('build-command') || 'cargo build', 'build-command');
  if (command.length === 0) throw new InputError(EMPTY_COMMAND);
  checkBuildArgs(cargoArgs, 'cargo-args');
  checkBuildArgs(command.slice(1), 'build-command');
  checkCommandArgs(command.slice(1), cargoArgs);
  const recordRaw = input('record-path').trim();
  const own = path.join(env.RUNNER_TEMP || os.tmpdir(), 'watchmaker');
  const recordPath = recordRaw ? path.resolve(workspaceRoot, recordRaw) : path.join(own, `record-${profile}.json`);
  return {
    enabled: bool('build', input('build'), true),
    command,
    cargoArgs,
    passEnv: passEnvNames(input('pass-env')),
    compileWork: compileWorkScope(input('compile-work')),
    recordPath,
    scratchDir: path.join(own, `scratch-${shortHash(recordPath, 12)}`),
  };
}

/**
 * The build's arguments after the program: the command's own, the action's flags, then
 * cargo-args. When build-command has `--` (`cargo rustc -- -C opt-level=1`: what follows goes to
 * rustc), the action's flags and cargo-args go before it, where cargo reads them.
 */
export function buildArgs(build: Pick<BuildConfig, 'command' | 'cargoArgs'>, ownFlags: string[]): string[] {
  const args = build.command.slice(1);
  const dashes = args.indexOf('--');
  if (dashes === -1) return [...args, ...ownFlags, ...build.cargoArgs];
  return [...args.slice(0, dashes), ...ownFlags, ...build.cargoArgs, ...args.slice(dashes)];
}

/** Cargo options that the guard, the cache key and the target directory read from cargo-args only. */
const CARGO_ARGS_ONLY = ['--config', '--target', '--target-dir'];

/** What build-command may not hold: the options read from cargo-args, and a second `--`. */
function checkCommandArgs(commandArgs: string[], cargoArgs: string[]): void {
  const dashes = commandArgs.indexOf('--');
  const beforeDashes = dashes === -1 ? commandArgs : commandArgs.slice(0, dashes);
  for (const arg of beforeDashes) {
    const option = CARGO_ARGS_ONLY.find((o) => arg === o || arg.startsWith(`${o}=`));
    if (option) throw new InputError(CARGO_ARGS_OPTION(option));
  }
  if (dashes !== -1 && cargoArgs.includes('--')) throw new InputError(DASHES_TWICE);
}

/** The local backend's directory by default: each platform's place for caches. */
export function defaultCacheDir(
  env: NodeJS.ProcessEnv,
  home: string,
  platform: NodeJS.Platform = process.platform,
): string {
  if (platform === 'win32')
    return path.win32.join(env.LOCALAPPDATA || path.win32.join(home, 'AppData', 'Local'), 'watchmaker');
  if (platform === 'darwin') return path.posix.join(home, 'Library', 'Caches', 'watchmaker');
  return path.posix.join(env.XDG_CACHE_HOME || path.posix.join(home, '.cache'), 'watchmaker');
}

function parseCache(input: InputReader, env: NodeJS.ProcessEnv, workspaceRoot: string): CacheConfig {
  const home = env.HOME || os.homedir();
  const dirRaw = input('cache-dir').trim();
  return {
    enabled: bool('cache', input('cache'), true),
    key: keyPart('cache-key', input('cache-key').trim()),
    prefix: keyPart('cache-prefix', input('cache-prefix').trim() || 'watchmaker-v1'),
    save: oneOf<CacheSaveMode>('cache-save', input('cache-save').trim() || 'auto', ['auto', 'always', 'never']),
    saveScope: oneOf<CacheSaveScope>('cache-save-scope', input('cache-save-scope').trim() || 'default-branch', [
      'default-branch',
      'any',
    ]),
    workspaceCrates: boolOrAuto('cache-workspace-crates', input('cache-workspace-crates')),
    keepFresh: bool('keep-fresh', input('keep-fresh'), true),
    bin: bool('cache-bin', input('cache-bin'), false),
    onFailure: bool('cache-on-failure', input('cache-on-failure'), false),
    backend: oneOf<CacheBackendChoice>('cache-backend', input('cache-backend').trim() || 'auto', [
      'auto',
      'github',
      'local',
    ]),
    dir: dirRaw ? path.resolve(workspaceRoot, dirRaw.replace(/^~(?=$|[\\/])/, home)) : defaultCacheDir(env, home),
    failOnError: bool('fail-on-cache-error', input('fail-on-cache-error'), false),
  };
}

function parseReport(input: InputReader): ReportConfig {
  return {
    comment: oneOf<CommentMode>('comment', input('comment').trim() || 'auto', ['auto', 'always', 'never']),
    baseline: oneOf<BaselineMode>('baseline', input('baseline').trim() || 'auto', ['auto', 'cache', 'rebuild']),
    confirmBudget: budget(input('baseline-confirm-budget')),
    baselineSamples: int('baseline-samples', input('baseline-samples'), 3, 1, 20),
    threshold: percent('baseline-threshold', input('baseline-threshold')),
    failOnRegression: bool('fail-on-regression', input('fail-on-regression'), false),
    failOnWorkGrowth: percent('fail-on-work-growth', input('fail-on-work-growth')),
  };
}

/** Text that goes into every cache key: GitHub allows letters and a few marks, 512 characters in all. */
function keyPart(name: string, value: string): string {
  if (CACHE_KEY_TEXT.test(value) && value.length <= MAX_KEY_PART) return value;
  const shown = value.length > 60 ? `${value.slice(0, 60)}…' (${value.length} characters)` : `${value}'`;
  throw new InputError(BAD_KEY_PART(name, shown));
}

/**
 * Arguments the action owns, in cargo-args or after the program in build-command (before a `--`: after it they are
 * rustc's).
 */
function checkBuildArgs(args: string[], inputName: string): void {
  const dashes = args.indexOf('--');
  for (const arg of dashes === -1 ? args : args.slice(0, dashes)) {
    if (arg === '--release' || arg === '-r' || arg === '--profile' || arg.startsWith('--profile='))
      throw new InputError(PROFILE_IN_ARGS(inputName, arg));
    if (arg === '--timings' || arg.startsWith('--timings=') || arg.startsWith('--message-format'))
      throw new InputError(ACTION_OWNS_ARG(inputName, arg));
  }
}

const PASSABLE = /^(INPUT_|STATE_|ACTIONS_)[A-Za-z0-9_.-]+$/;

function passEnvNames(raw: string): string[] {
  const names = raw.split(/[\s,]+/).filter(Boolean);
  for (const name of names) {
    if (!PASSABLE.test(name)) throw new InputError(BAD_PASS_ENV(name));
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
    throw new InputError(BAD_COMPILE_WORK(raw));
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

function parseAdvise(input: InputReader): AdviseConfig {
  const budgetRaw = input('advise-budget').trim() || '20m';
  const m = /^(\d+(?:\.\d+)?)\s*(s|m|h)?$/.exec(budgetRaw);
  if (!m || Number(m[1]) <= 0) throw new InputError(BAD_ADVISE_BUDGET(budgetRaw));
  const run = splitArgs(input('advise-run'), 'advise-run');
  return {
    mode: oneOf('advise', input('advise').trim() || 'none', ['none', 'profiles'] as const),
    budgetSeconds: Number(m[1]) * (m[2] === 'h' ? 3600 : m[2] === 'm' ? 60 : 1),
    run: run.length ? run : null,
  };
}

/** "1x" (the head build's time), "300", "300s" or "5m"; empty → 1x. */
function budget(raw: string): ConfirmBudget {
  const v = raw.trim() || '1x';
  const m = /^(\d+(?:\.\d+)?)\s*(x|s|m)?$/.exec(v);
  if (!m || Number(m[1]) <= 0) throw new InputError(BAD_CONFIRM_BUDGET(raw));
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
