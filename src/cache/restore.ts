// The main step's half of the cache: work out the key from the workspace, decide which paths
// may be cached (only directories cargo owns, never the checkout), and restore.
import * as core from '@actions/core';
import { parse } from 'smol-toml';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cargoHome } from '../cargo-config.js';
import { formatBytes } from '../format.js';
import {
  applyFreshness,
  gitRootOf,
  manifestPathFor,
  type FreshnessState,
  type FreshnessSummary,
} from '../freshness/index.js';
import { commandKind } from '../cargo-command.js';
import { logText } from '../log.js';
import type { TargetedRun } from '../run.js';
import type { WorkspaceInfo } from '../workspace.js';
import type { CacheBackend } from './backend.js';
import { bytesOf, profileDirName } from './clean.js';
import { workspaceIdentity } from '../key-scope.js';
import { buildCacheKeys, generationOf, manifestsHash, restoreLookup, shortHash, type CacheKeys } from './keys.js';
import { restoreOwnership, type ProtectedPlaces } from './ownership.js';
import { resolveProfileSettings } from './profile.js';

const NOT_CACHED = (dir: string, reason: string) =>
  `Watchmaker does not cache ${dir}: ${reason}. ` +
  'Point the target directory at a directory of its own (the default target/ is right for most workspaces); ' +
  'the registry downloads are still cached.';
const NO_GIT_TREE =
  'Freshness across checkouts: off (the workspace is not in a git working tree), ' +
  'so workspace crates are rebuilt and not cached.';
const FRESHNESS_FAILED = (reason: string) =>
  `Watchmaker could not check which files are unchanged (${reason}); workspace crates are rebuilt as usual.`;
const NOTHING_PROVEN = (why: string) =>
  `Watchmaker proves nothing unchanged this time: ${why}. ` +
  'The restored workspace crates are compiled again (their units were given an old time); ' +
  'the cache heals when this job saves.';
const NO_MANIFEST = (seconds: string) =>
  'Freshness across checkouts: no manifest in the restored cache, ' +
  `so nothing is proven unchanged yet (${seconds} s).`;
const PROVEN = (proven: number, changed: number, bumped: string, seconds: string) =>
  `Freshness across checkouts: ${proven} tracked files proven unchanged since the cached build ` +
  `(their times set back); ${changed} changed or new keep theirs${bumped} (${seconds} s).`;
const RESTORE_FAILED = (where: string, error: string) =>
  `Watchmaker could not restore the cache (${where}): ${error}. The build goes on without it.`;
const RESTORED = (state: CacheRestoreState, seconds: string) =>
  `Cache ${state.hit} hit: restored ${state.matchedKey} ` +
  `(${formatBytes(state.restoredBytes ?? 0)} on disk) in ${seconds} s.`;

export interface CacheRestoreState {
  enabled: boolean;
  backend: 'github' | 'local';
  primaryKey: string;
  restoreKeys: string[];
  matchedKey: string | null;
  hit: 'exact' | 'partial' | 'miss';
  paths: string[];
  targetDir: string;
  /** build.build-dir when set (intermediate artifacts), else targetDir. */
  buildDir: string;
  /** The target/build directories left out of the cache, with the reason (warned about in main). */
  excluded: Array<{ dir: string; reason: string }>;
  /** Where cleaning must never reach. */
  places: ProtectedPlaces;
  /** Profile output directories this key is for, relative to targetDir. */
  profileDirs: string[];
  restoredAtMs: number;
  /** Bytes on disk in the cached paths after the restore (null on a miss). */
  restoredBytes: number | null;
  /** The crates that are yours (members and their path dependencies), as known before the build. */
  workspaceMembers: string[];
  lockfile: string | null;
  error: string | null;
  /** Freshness across checkouts (src/freshness), or null when off or not possible here. */
  freshness: FreshnessState | null;
  /** Seconds keep-fresh took after the restore (0 when off). */
  freshnessSeconds?: number;
  /** Keep the workspace members' units when cleaning: the input, else whether freshness is on. */
  keepMembers: boolean;
}

/** Whether the target directory is among the cached paths (main left it out when cargo does not own it). */
export const targetDirCached = (state: Pick<CacheRestoreState, 'excluded' | 'targetDir'>) =>
  !state.excluded.some((e) => e.dir === state.targetDir);

function readIfExists(file: string): string | null {
  return existsSync(file) ? readFileSync(file, 'utf8') : null;
}

/** The registry/git downloads cached beside the target dirs (never credentials; bin/ only on request). */
export function cargoHomePaths(env: NodeJS.ProcessEnv, withBin: boolean): string[] {
  const home = cargoHome(env);
  const paths = [
    path.join(home, 'registry', 'index'),
    path.join(home, 'registry', 'cache'),
    path.join(home, 'git', 'db'),
  ];
  if (withBin) paths.push(path.join(home, 'bin'), path.join(home, '.crates.toml'), path.join(home, '.crates2.json'));
  return paths;
}

/** The paths cached: the target and build dirs and the registry/git downloads. */
export function cachePaths(
  targetDir: string,
  env: NodeJS.ProcessEnv,
  withBin: boolean,
  buildDir: string = targetDir,
): string[] {
  return [targetDir, ...(buildDir !== targetDir ? [buildDir] : []), ...cargoHomePaths(env, withBin)];
}

export function protectedPlaces(ws: WorkspaceInfo, env: NodeJS.ProcessEnv): ProtectedPlaces {
  return {
    workspaceRoot: ws.root,
    checkout: env.GITHUB_WORKSPACE || null,
    home: env.HOME || os.homedir(),
    cargoHome: cargoHome(env),
  };
}

function computeKeys(run: TargetedRun): { keys: CacheKeys; lockText: string | null } {
  const { config, rustc, workspace: ws } = run;
  const manifests = [path.join(ws.root, 'Cargo.toml'), ...ws.memberManifests]
    .filter((f, i, all) => all.indexOf(f) === i && existsSync(f))
    .map((f) => ({ relativePath: path.relative(ws.root, f) || 'Cargo.toml', text: readFileSync(f, 'utf8') }));
  const extra: Array<{ name: string; text: string }> = [];
  for (const name of ['rust-toolchain', 'rust-toolchain.toml']) {
    const text = readIfExists(path.join(ws.root, name));
    if (text !== null) extra.push({ name, text });
  }
  // Profile settings in cargo config files change artifacts just like Cargo.toml's [profile].
  for (const file of run.cargoConfig) {
    if (file.data.profile) extra.push({ name: `config profile ${file.path}`, text: JSON.stringify(file.data.profile) });
  }
  const lockText = readIfExists(path.join(ws.root, 'Cargo.lock'));
  const rootManifest = manifests.find((m) => m.relativePath === 'Cargo.toml');
  const profileSources = {
    manifest: rootManifest ? (parse(rootManifest.text) as Record<string, unknown>) : null,
    cargoConfig: run.cargoConfig,
    env: run.env,
  };
  const keys = buildCacheKeys({
    prefix: config.cache.prefix,
    workspace: workspaceIdentity({
      repository: run.context.repository,
      checkout: run.env.GITHUB_WORKSPACE || null,
      root: ws.root,
    }),
    os: process.platform,
    arch: process.arch,
    rustcRelease: rustc.release,
    rustcVerbose: rustc.raw,
    targetTriple: run.target.triple,
    profile: config.profile,
    profileSettings: JSON.stringify(resolveProfileSettings(config.profile, profileSources)),
    flagsHash: run.target.flagsHash,
    manifestsHash: manifestsHash(manifests, extra),
    lockfileHash: lockText === null ? null : shortHash(lockText, 64),
    userKey: config.cache.key,
    commandKind: commandKind(config.build.command),
  });
  return { keys, lockText };
}

/** The target and build dirs that may be restored into; the others are left out with a warning. */
function cacheableDirs(
  ws: WorkspaceInfo,
  places: ProtectedPlaces,
): { dirs: string[]; excluded: CacheRestoreState['excluded'] } {
  const dirs: string[] = [];
  const excluded: CacheRestoreState['excluded'] = [];
  for (const dir of [...new Set([ws.targetDirectory, ws.buildDirectory])]) {
    const ownership = restoreOwnership(dir, places);
    if (ownership.owned) dirs.push(dir);
    else {
      excluded.push({ dir, reason: ownership.reason });
      core.warning(logText(NOT_CACHED(dir, ownership.reason)));
    }
  }
  return { dirs, excluded };
}

export async function restoreCache(run: TargetedRun): Promise<CacheRestoreState> {
  const { config, env, workspace: ws, backend } = run;
  const { keys, lockText } = computeKeys(run);
  const places = protectedPlaces(ws, env);
  const { dirs, excluded } = cacheableDirs(ws, places);
  const paths = [...dirs, ...cargoHomePaths(env, config.cache.bin)];
  const dir = profileDirName(config.profile);
  logKeys(keys, paths, backend.description);

  const state: CacheRestoreState = {
    enabled: true,
    backend: backend.kind,
    primaryKey: keys.primaryKey,
    restoreKeys: keys.restoreKeys,
    matchedKey: null,
    hit: 'miss',
    paths,
    targetDir: ws.targetDirectory,
    buildDir: ws.buildDirectory,
    excluded,
    places,
    profileDirs: [dir, `${run.target.triple}/${dir}`],
    restoredAtMs: Date.now(),
    restoredBytes: null,
    workspaceMembers: [...ws.localPackages],
    lockfile: lockText === null ? null : path.join(ws.root, 'Cargo.lock'),
    error: null,
    freshness: null,
    keepMembers: config.cache.workspaceCrates ?? false,
  };
  const targetExisted = existsSync(ws.targetDirectory) && readdirSync(ws.targetDirectory).length > 0;
  await restoreInto(state, backend, config.cache.failOnError);
  const freshStarted = performance.now();
  if (config.cache.keepFresh) state.freshness = await freshnessAfterRestore(run, state, targetExisted);
  state.freshnessSeconds = (performance.now() - freshStarted) / 1000;
  state.keepMembers = config.cache.workspaceCrates ?? state.freshness !== null;
  return state;
}

/**
 * Files proven identical to what the cached build compiled get their old times back, so cargo
 * reuses the cached workspace crates they feed. Null (members not cached by default) when the
 * target directory is not cached or the workspace is not in a git working tree.
 */
async function freshnessAfterRestore(
  run: TargetedRun,
  state: CacheRestoreState,
  targetExisted: boolean,
): Promise<FreshnessState | null> {
  if (!targetDirCached(state)) return null;
  const gitRoot = await gitRootOf(run.workspace.root, run.env);
  if (!gitRoot) {
    core.info(NO_GIT_TREE);
    return null;
  }
  const started = Date.now();
  try {
    const cargoDirs = [...new Set([state.targetDir, state.buildDir, state.places.cargoHome])];
    const manifestPath = manifestPathFor(state.targetDir, run.config.profile);
    const unitDirs = [...new Set([state.targetDir, state.buildDir])];
    const { state: freshness, summary } = await applyFreshness({
      gitRoot,
      manifestPath,
      env: run.env,
      targetExisted,
      cargoDirs,
      unitDirs,
    });
    logFreshness(summary, ((Date.now() - started) / 1000).toFixed(1));
    return freshness;
  } catch (e) {
    core.warning(FRESHNESS_FAILED((e as Error).message));
    core.debug((e as Error).stack ?? String(e));
    return null;
  }
}

function logFreshness(summary: FreshnessSummary, seconds: string): void {
  if (summary.distrusted) {
    core.warning(NOTHING_PROVEN(summary.distrusted));
  } else if (!summary.manifestFound) {
    core.info(NO_MANIFEST(seconds));
  } else {
    const bumped = summary.bumped
      ? `; ${summary.bumped} changed or untracked files older than the cache moved to now`
      : '';
    core.info(PROVEN(summary.proven, summary.changed, bumped, seconds));
  }
}

function logKeys(keys: CacheKeys, paths: string[], where: string): void {
  core.startGroup(`Watchmaker: cache key (${where})`);
  core.info(`key: ${keys.primaryKey}`);
  keys.restoreKeys.forEach((k, i) => core.info(`restore key ${i + 1}: ${k}`));
  for (const { name, value } of keys.inputs) core.info(logText(`  ${name}: ${value}`));
  core.info(logText(`paths: ${paths.join(', ')}`));
  core.endGroup();
}

async function restoreInto(state: CacheRestoreState, backend: CacheBackend, failOnError: boolean): Promise<void> {
  const started = Date.now();
  try {
    const lookup = restoreLookup(state);
    const result = await backend.restore(state.paths, lookup.key, lookup.restoreKeys);
    if (result) {
      state.matchedKey = result.matchedKey;
      // Any generation of the primary key is built from the same inputs: an exact hit.
      state.hit = generationOf(result.matchedKey, state.primaryKey) !== null ? 'exact' : 'partial';
      state.restoredBytes = state.paths.reduce((a, p) => a + bytesOf(p), 0);
    }
  } catch (e) {
    state.error = (e as Error).message;
    if (failOnError) throw e;
    core.warning(RESTORE_FAILED(backend.description, state.error));
  }
  state.restoredAtMs = Date.now();
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (state.hit === 'miss') core.info(`Cache miss for ${state.primaryKey} (${seconds} s): a cold build.`);
  else core.info(RESTORED(state, seconds));
}
