// The measuring rustc wrapper (tools/rustc-wrapper/main.rs, a small std-only Rust program): it
// runs rustc unchanged and writes one JSON line per compilation. Built by the runner's own
// rustc once per job and kept where later jobs find it (the cached target directory, the tool
// cache); set up to chain the wrapper the user already has (such as sccache). When it cannot be
// built, the build is timed without it (one warning): the build itself never depends on it.
import * as core from '@actions/core';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs';
import path from 'node:path';
import { configValue, type CargoConfigFile } from '../cargo-config.js';
import { shortHash } from '../hashing.js';
import { logText } from '../log.js';
import { capture, captureOk } from '../proc.js';
import { rustcCommand } from '../toolchain.js';

const WRAPPER_NOT_STRING = (file: string) =>
  `build.rustc-wrapper in ${file} is not a string, so it is not chained in the timed build; cargo rejects it too.`;
const NO_WRAPPER = (problem: string) =>
  `Watchmaker could not build its rustc wrapper (tools/rustc-wrapper/main.rs): ${problem}. ` +
  "This build is timed without it: each crate's wall time comes from cargo's timings report, " +
  'with no CPU time or peak memory.';
const NOT_KEPT = (dir: string, reason: string) =>
  `Watchmaker: the rustc wrapper was not copied into ${dir} for later jobs (${reason}); ` +
  'the next job builds it again.';

/** The wrapper the user already has (env, then cargo config), which ours must chain. */
export function userWrapper(env: NodeJS.ProcessEnv, cargoConfig: CargoConfigFile[]): string | null {
  if (env.RUSTC_WRAPPER !== undefined) return env.RUSTC_WRAPPER || null;
  if (env.CARGO_BUILD_RUSTC_WRAPPER !== undefined) return env.CARGO_BUILD_RUSTC_WRAPPER || null;
  const v = configValue(cargoConfig, ['build', 'rustc-wrapper']);
  if (v === undefined || v.value === '') return null;
  if (typeof v.value !== 'string') {
    core.warning(logText(WRAPPER_NOT_STRING(v.file)));
    return null;
  }
  // Config paths with a slash are relative to the directory holding `.cargo/`.
  return v.value.includes('/') ? path.resolve(path.dirname(path.dirname(v.file)), v.value) : v.value;
}

export interface WrapperFiles {
  /** One JSON line per compilation. */
  unitsFile: string;
}

export function wrapperFiles(scratch: string): WrapperFiles {
  return { unitsFile: `${scratch}.units.jsonl` };
}

/** The source's name beside the bundle (scripts/bundle.mjs copies tools/rustc-wrapper/main.rs there). */
export const WRAPPER_SOURCE_NAME = 'rustc-wrapper.rs';
/** The wrapper's folder in the target directory: a loose folder the cache cleaner keeps. */
export const TARGET_WRAPPER_DIR = '.watchmaker';
const BINARY = /^rustc-wrapper-[0-9a-f]{16}(\.exe)?$/;

/**
 * The wrapper's Rust source for `given`: that .rs file when it exists; else the source shipped
 * beside the bundle (in `given`'s directory, or its parent: the steps' code runs from a chunk in
 * dist/chunks/), else the repository's (running from src/). Callers that still name the old
 * `rustc-wrapper.sh` get the same search.
 */
export function wrapperSource(given: string): string {
  const dir = path.dirname(given);
  const candidates = [
    ...(given.endsWith('.rs') ? [given] : []),
    path.join(dir, WRAPPER_SOURCE_NAME),
    path.join(dir, '..', WRAPPER_SOURCE_NAME),
    path.resolve(dir, '../../tools/rustc-wrapper/main.rs'),
  ];
  return candidates.find((c) => existsSync(c)) ?? candidates[0]!;
}

/** The binary's file name: a new rustc or a changed source is a new binary. */
export function wrapperBinaryName(
  rustcVersionText: string,
  source: string,
  platform: NodeJS.Platform = process.platform,
): string {
  return `rustc-wrapper-${shortHash(`${rustcVersionText.trim()}\n${source}`, 16)}${platform === 'win32' ? '.exe' : ''}`;
}

export interface WrapperPlaces {
  /** Where an earlier job's binary may be, best first. */
  search: string[];
  /** Where to build it: the tool cache survives on self-hosted runners, RUNNER_TEMP lasts the job. */
  buildInto: string;
}

/**
 * The target directory (cached), the runner's tool cache, the action's own temp directory. `p`: the platform's paths.
 */
export function wrapperPlaces(
  targetDir: string,
  env: NodeJS.ProcessEnv,
  ownTempDir: string,
  p: path.PlatformPath = path,
): WrapperPlaces {
  const toolCache = env.RUNNER_TOOL_CACHE ? p.join(env.RUNNER_TOOL_CACHE, 'watchmaker-rustc-wrapper') : null;
  const temp = p.join(ownTempDir, 'bin');
  return {
    search: [p.join(targetDir, TARGET_WRAPPER_DIR), ...(toolCache ? [toolCache] : []), temp],
    buildInto: toolCache ?? temp,
  };
}

export interface WrapperContext {
  /** The build's directory and environment: the rustc found there is the build's. */
  cwd: string;
  env: NodeJS.ProcessEnv;
  targetDir: string;
  /** The action's own temp directory (RUNNER_TEMP/watchmaker). */
  ownTempDir: string;
  log: (line: string) => void;
  /** Cargo's config, for the user's own wrapper. */
  cargoConfig: CargoConfigFile[];
}

/** Each binary is looked for (and built) once per process, by where it is looked for. */
const prepared = new Map<string, Promise<string | null>>();
/** Binaries that could not be built: not tried again (their warning was given once). */
const unbuildable = new Set<string>();

/** The wrapper binary for this rustc, found or built; null (after one warning) when neither works. */
export async function prepareWrapper(given: string, ctx: WrapperContext): Promise<string | null> {
  const source = wrapperSource(given);
  let text: string;
  let rustcText: string;
  try {
    text = readFileSync(source, 'utf8');
    rustcText = await captureOk(rustcCommand(ctx.env), ['-vV'], { cwd: ctx.cwd, env: ctx.env });
  } catch (e) {
    return withoutWrapper(`its source could not be read or rustc did not answer (${(e as Error).message})`);
  }
  const name = wrapperBinaryName(rustcText, text);
  if (unbuildable.has(name)) return null;
  const places = wrapperPlaces(ctx.targetDir, ctx.env, ctx.ownTempDir);
  const key = `${name}\n${places.search.join('\n')}`;
  const known = await prepared.get(key);
  if (known && existsSync(known)) return known;
  const found = findOrBuild(source, name, rustcText, places, ctx).then((binary) => {
    if (binary === null) unbuildable.add(name);
    return binary;
  });
  prepared.set(key, found);
  return found;
}

async function findOrBuild(
  source: string,
  name: string,
  rustcText: string,
  places: WrapperPlaces,
  ctx: WrapperContext,
): Promise<string | null> {
  for (const dir of places.search) {
    const candidate = path.join(dir, name);
    if (existsSync(candidate) && (await answers(candidate, rustcText, ctx))) {
      ctx.log(`Watchmaker: using the rustc wrapper built before (${candidate}).`);
      return candidate;
    }
  }
  const started = process.hrtime.bigint();
  const built = await buildWrapper(source, places.buildInto, name, ctx);
  if (typeof built !== 'string') return withoutWrapper(built.problem);
  if (!(await answers(built, rustcText, ctx))) return withoutWrapper(`the program built (${built}) did not run rustc`);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  ctx.log(`Watchmaker: built the rustc wrapper in ${seconds.toFixed(1)} s with the runner's rustc (${built}).`);
  return built;
}

/** A binary that passes `rustc -vV` through unchanged runs on this machine. */
async function answers(binary: string, rustcText: string, ctx: WrapperContext): Promise<boolean> {
  const env = { ...ctx.env, WATCHMAKER_UNITS_FILE: '', WATCHMAKER_INNER_WRAPPER: '' };
  const r = await capture(binary, [rustcCommand(ctx.env), '-vV'], { cwd: ctx.cwd, env }).catch(() => null);
  return r?.code === 0 && r.stdout.trim() === rustcText.trim();
}

/** `rustc -o`, in a folder of its own (rustc may write side files), then renamed into place. */
async function buildWrapper(
  source: string,
  dir: string,
  name: string,
  ctx: WrapperContext,
): Promise<string | { problem: string }> {
  const work = path.join(dir, `.build-${process.pid}`);
  try {
    mkdirSync(work, { recursive: true });
    const args = ['--edition', '2021', '-C', 'opt-level=2', '-o', path.join(work, name), source];
    const r = await capture(rustcCommand(ctx.env), args, { cwd: ctx.cwd, env: ctx.env });
    if (r.code !== 0) {
      core.debug(r.stderr);
      const first = r.stderr.trim().split('\n').slice(0, 4).join(' ');
      return { problem: `rustc failed with exit code ${r.code}: ${first}` };
    }
    renameSync(path.join(work, name), path.join(dir, name));
    return path.join(dir, name);
  } catch (e) {
    core.debug((e as Error).stack ?? String(e));
    // Another job on this runner put the same binary there first (on Windows a running one cannot be replaced).
    if (existsSync(path.join(dir, name))) return path.join(dir, name);
    return { problem: (e as Error).message };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function withoutWrapper(problem: string): null {
  core.warning(logText(NO_WRAPPER(problem)));
  return null;
}

export interface MeasuringWrapper {
  binary: string;
  /** After the build: keeps the binary in the target directory for later jobs. */
  keep: () => void;
}

/** Finds or builds the wrapper and sets it up in `buildEnv`; null: the build runs without it. */
export async function setUpWrapper(
  given: string,
  files: WrapperFiles,
  buildEnv: NodeJS.ProcessEnv,
  ctx: WrapperContext,
): Promise<MeasuringWrapper | null> {
  const binary = await prepareWrapper(given, ctx);
  if (binary === null) return null;
  installWrapper(binary, files, buildEnv, ctx.cargoConfig);
  return { binary, keep: () => keepWrapper(binary, ctx.targetDir, ctx.log) };
}

/** Sets up the wrapper in `buildEnv`, chaining the user's own. */
export function installWrapper(
  binary: string,
  files: WrapperFiles,
  buildEnv: NodeJS.ProcessEnv,
  cargoConfig: CargoConfigFile[],
): void {
  rmSync(files.unitsFile, { force: true });
  Object.assign(buildEnv, {
    RUSTC_WRAPPER: binary,
    WATCHMAKER_UNITS_FILE: files.unitsFile,
    WATCHMAKER_INNER_WRAPPER: userWrapper(buildEnv, cargoConfig) ?? '',
  });
  delete buildEnv.CARGO_BUILD_RUSTC_WRAPPER;
}

const CACHEDIR_SIGNATURE = 'Signature: 8a477f597d28d172789f06886806bc55';

/**
 * After the build: a copy of the binary in the target directory, so the cache carries it to
 * later jobs. Only into a directory cargo made (tagged): before cargo creates target/, a folder
 * of ours would keep cargo from tagging it, and the cleaner from cleaning it. Older builds of
 * the wrapper there go.
 */
export function keepWrapper(binary: string, targetDir: string, log: (line: string) => void): void {
  const dir = path.join(targetDir, TARGET_WRAPPER_DIR);
  const name = path.basename(binary);
  if (path.dirname(binary) === dir || !hasCargoTag(targetDir)) return;
  try {
    mkdirSync(dir, { recursive: true });
    for (const old of readdirSync(dir))
      if (BINARY.test(old) && old !== name) rmSync(path.join(dir, old), { force: true });
    // One there already stays, unless it is not this binary (a torn copy: it did not answer, so this one was built).
    if (statSync(path.join(dir, name), { throwIfNoEntry: false })?.size === statSync(binary).size) return;
    const partial = path.join(dir, `.${name}.${process.pid}`);
    copyFileSync(binary, partial);
    chmodSync(partial, 0o755);
    renameSync(partial, path.join(dir, name));
  } catch (e) {
    log(NOT_KEPT(dir, (e as Error).message));
  }
}

function hasCargoTag(dir: string): boolean {
  try {
    return readFileSync(path.join(dir, 'CACHEDIR.TAG'), 'utf8').startsWith(CACHEDIR_SIGNATURE);
  } catch {
    return false;
  }
}
