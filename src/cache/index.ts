// The cache's shell: builds the key from the workspace, restores in main, and in post decides
// whether saving is useful, cleans target/ by use, saves, and deletes superseded entries.
import * as cache from '@actions/cache';
import * as core from '@actions/core';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Config } from '../config.js';
import type { RunContext } from '../context.js';
import { cargoHome, loadCargoConfig } from '../cargo-config.js';
import type { RustcVersion } from '../toolchain.js';
import { formatBytes } from '../format.js';
import { workspaceInfo } from '../workspace.js';
import type { CacheBackend } from './backend.js';
import { bytesOf, cleanTargetDir, profileDirName, trimRegistryCache } from './clean.js';
import { deleteSupersededEntries, GitHubCacheBackend } from './github.js';
import { buildCacheKeys, lockedRegistryCrates, manifestsHash, shortHash } from './keys.js';
import { LocalCacheBackend } from './local.js';

export { GitHubCacheBackend } from './github.js';
export { LocalCacheBackend } from './local.js';

/** The GitHub cache when the runner provides its service (or when asked), else a local directory. */
export function createBackend(config: Config, env: NodeJS.ProcessEnv): CacheBackend {
  if (config.cacheBackend === 'local') return new LocalCacheBackend(config.cacheDir);
  const serviceAvailable = Boolean(env.ACTIONS_RUNTIME_TOKEN && (env.ACTIONS_RESULTS_URL || env.ACTIONS_CACHE_URL));
  if (config.cacheBackend === 'github' || serviceAvailable) return new GitHubCacheBackend();
  return new LocalCacheBackend(config.cacheDir);
}

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
  /** Profile output directories this key is for, relative to targetDir. */
  profileDirs: string[];
  restoredAtMs: number;
  /** Bytes on disk in the cached paths after the restore (null on a miss). */
  restoredBytes: number | null;
  workspaceMembers: string[];
  lockfile: string | null;
  error: string | null;
}

export interface CacheRestoreInput {
  config: Config;
  context: RunContext;
  rustc: RustcVersion;
  flagsHash: string;
  targetTriple: string;
  env: NodeJS.ProcessEnv;
}

function readIfExists(file: string): string | null {
  return existsSync(file) ? readFileSync(file, 'utf8') : null;
}

/** The paths cached: the target and build dirs and the registry/git downloads (never credentials, bin/ only on request). */
export function cachePaths(targetDir: string, env: NodeJS.ProcessEnv, withBin: boolean, buildDir: string = targetDir): string[] {
  const home = cargoHome(env);
  const paths = [targetDir, ...(buildDir !== targetDir ? [buildDir] : []), path.join(home, 'registry', 'index'), path.join(home, 'registry', 'cache'), path.join(home, 'git', 'db')];
  if (withBin) paths.push(path.join(home, 'bin'), path.join(home, '.crates.toml'), path.join(home, '.crates2.json'));
  return paths;
}

export async function restoreCache(input: CacheRestoreInput): Promise<CacheRestoreState> {
  const { config, env, rustc } = input;
  const ws = await workspaceInfo(config.workingDirectory, env, config.cargoArgs);
  const manifests = [path.join(ws.root, 'Cargo.toml'), ...ws.memberManifests]
    .filter((f, i, all) => all.indexOf(f) === i && existsSync(f))
    .map((f) => ({ relativePath: path.relative(ws.root, f) || 'Cargo.toml', text: readFileSync(f, 'utf8') }));
  const extra: Array<{ name: string; text: string }> = [];
  for (const name of ['rust-toolchain', 'rust-toolchain.toml']) {
    const text = readIfExists(path.join(ws.root, name));
    if (text !== null) extra.push({ name, text });
  }
  // Profile settings in cargo config files change artifacts just like Cargo.toml's [profile].
  for (const file of loadCargoConfig(config.workingDirectory, env)) {
    if (file.data.profile) extra.push({ name: `config profile ${file.path}`, text: JSON.stringify(file.data.profile) });
  }
  const lockfile = path.join(ws.root, 'Cargo.lock');
  const lockText = readIfExists(lockfile);
  const keys = buildCacheKeys({
    prefix: config.cachePrefix,
    os: process.platform,
    arch: process.arch,
    rustcRelease: rustc.release,
    rustcVerbose: rustc.raw,
    targetTriple: input.targetTriple,
    profile: config.profile,
    flagsHash: input.flagsHash,
    manifestsHash: manifestsHash(manifests, extra),
    lockfileHash: lockText === null ? null : shortHash(lockText, 64),
    userKey: config.cacheKey,
  });
  const dir = profileDirName(config.profile);
  const profileDirs = [dir, `${input.targetTriple}/${dir}`];
  const paths = cachePaths(ws.targetDirectory, env, config.cacheBin, ws.buildDirectory);
  const backend = createBackend(config, env);

  core.startGroup(`Watchmaker: cache key (${backend.description})`);
  core.info(`key: ${keys.primaryKey}`);
  keys.restoreKeys.forEach((k, i) => core.info(`restore key ${i + 1}: ${k}`));
  for (const { name, value } of keys.inputs) core.info(`  ${name}: ${value}`);
  core.info(`paths: ${paths.join(', ')}`);
  core.endGroup();

  // Cargo's incremental data is large and useless in CI: every run starts from a new checkout.
  if (env.CARGO_INCREMENTAL === undefined) core.exportVariable('CARGO_INCREMENTAL', '0');

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
    profileDirs,
    restoredAtMs: Date.now(),
    restoredBytes: null,
    workspaceMembers: [...ws.members],
    lockfile: lockText === null ? null : lockfile,
    error: null,
  };
  const started = Date.now();
  try {
    const result = await backend.restore(paths, keys.primaryKey, keys.restoreKeys);
    if (result) {
      state.matchedKey = result.matchedKey;
      state.hit = result.matchedKey === keys.primaryKey ? 'exact' : 'partial';
      state.restoredBytes = paths.reduce((a, p) => a + bytesOf(p), 0);
    }
  } catch (e) {
    state.error = (e as Error).message;
    if (config.failOnCacheError) throw e;
    core.warning(`Watchmaker could not restore the cache (${backend.description}): ${state.error}. The build goes on without it.`);
  }
  state.restoredAtMs = Date.now();
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (state.hit === 'miss') core.info(`Cache miss for ${keys.primaryKey} (${seconds} s): a cold build.`);
  else core.info(`Cache ${state.hit} hit: restored ${state.matchedKey} (${formatBytes(state.restoredBytes ?? 0)} on disk) in ${seconds} s.`);
  return state;
}

export interface SaveDecision {
  save: boolean;
  reason: string;
}

/** Whether the post step should save (pure). */
export function decideSave(config: Config, context: RunContext, state: CacheRestoreState): SaveDecision {
  if (config.cacheSave === 'never') return { save: false, reason: "cache-save is 'never'" };
  if (config.cacheSave === 'always') return { save: true, reason: "cache-save is 'always'" };
  if (state.hit === 'exact') return { save: false, reason: 'the exact key was restored, so the entry is already current' };
  if (state.backend === 'local' && !context.onGitHub) return { save: true, reason: 'local run' };
  if (config.cacheSaveScope === 'any') return { save: true, reason: "cache-save-scope is 'any'" };
  if (context.onDefaultBranch) return { save: true, reason: `on the default branch (${context.defaultBranch}), whose caches every branch can read` };
  return {
    save: false,
    reason: `not on the default branch: an entry saved for ${context.ref ?? 'this ref'} would serve only this ref and crowd the repository's 10 GB cache. Set 'cache-save-scope: any' to save anyway`,
  };
}

export interface CacheSaveOutcome {
  saved: boolean;
  skippedReason: string | null;
  key: string;
  archiveBytes: number | null;
  bytesBefore: number | null;
  bytesAfter: number | null;
  deletedEntries: number;
}

export async function saveCache(input: { config: Config; context: RunContext; state: CacheRestoreState; artifacts: string[] | null; env: NodeJS.ProcessEnv }): Promise<CacheSaveOutcome> {
  const { config, context, state, env } = input;
  const outcome: CacheSaveOutcome = { saved: false, skippedReason: null, key: state.primaryKey, archiveBytes: null, bytesBefore: null, bytesAfter: null, deletedEntries: 0 };
  const decision = decideSave(config, context, state);
  if (!decision.save) {
    outcome.skippedReason = decision.reason;
    core.info(`Watchmaker: not saving the cache: ${decision.reason}.`);
    return outcome;
  }
  const backend = createBackend(config, env);
  core.startGroup(`Watchmaker: clean and save the cache (${decision.reason})`);
  try {
    // With build.build-dir set, units live there and target/ holds only final outputs; both
    // are cleaned by the same rules.
    const dirs = state.buildDir && state.buildDir !== state.targetDir ? [state.targetDir, state.buildDir] : [state.targetDir];
    outcome.bytesBefore = 0;
    outcome.bytesAfter = 0;
    const byReason = new Map<string, { count: number; bytes: number }>();
    for (const dir of dirs) {
      const cleaned = cleanTargetDir({
        targetDir: dir,
        profileDirs: state.profileDirs,
        artifacts: input.artifacts,
        restoredAtMs: state.restoredAtMs,
        members: new Set(state.workspaceMembers),
        keepMembers: config.cacheWorkspaceCrates,
      });
      outcome.bytesBefore += cleaned.bytesBefore;
      outcome.bytesAfter += cleaned.bytesAfter;
      for (const r of cleaned.removed) {
        const agg = byReason.get(r.reason) ?? { count: 0, bytes: 0 };
        agg.count++;
        agg.bytes += r.bytes;
        byReason.set(r.reason, agg);
      }
    }
    const label = dirs.length > 1 ? 'target and build directories' : 'target/';
    core.info(`${label} ${formatBytes(outcome.bytesBefore)} → ${formatBytes(outcome.bytesAfter)} after cleaning:`);
    for (const [reason, agg] of byReason) core.info(`  removed ${agg.count} × ${reason} (${formatBytes(agg.bytes)})`);
    if (input.artifacts === null) core.info('  (no timed build ran, so units are not judged by use: restored units are kept)');
    if (state.lockfile && existsSync(state.lockfile)) {
      const trimmed = trimRegistryCache(path.join(cargoHome(env), 'registry', 'cache'), lockedRegistryCrates(readFileSync(state.lockfile, 'utf8')));
      if (trimmed.removed) core.info(`  removed ${trimmed.removed} downloaded crate files Cargo.lock no longer uses (${formatBytes(trimmed.bytes)})`);
    }

    const started = Date.now();
    const saved = await backend.save(state.paths, state.primaryKey);
    outcome.saved = saved.saved;
    outcome.archiveBytes = saved.archiveBytes;
    if (!saved.saved) {
      core.info(`Cache not saved: ${saved.reason}.`);
    } else {
      const broadest = state.restoreKeys.at(-1)!;
      if (backend instanceof LocalCacheBackend) {
        outcome.deletedEntries = backend.prune(broadest, state.primaryKey);
      } else if (context.owner && context.repo && context.ref && config.githubToken) {
        const superseded = await deleteSupersededEntries({
          token: config.githubToken,
          apiUrl: context.apiUrl,
          owner: context.owner,
          repo: context.repo,
          ref: context.ref,
          prefix: broadest,
          keepKey: state.primaryKey,
        });
        outcome.deletedEntries = superseded.deleted.length;
        outcome.archiveBytes = superseded.savedEntryBytes;
      }
      core.info(
        `Saved ${state.primaryKey}${outcome.archiveBytes !== null ? ` (archive ${formatBytes(outcome.archiveBytes)})` : ''} in ${((Date.now() - started) / 1000).toFixed(1)} s; deleted ${outcome.deletedEntries} superseded entr${outcome.deletedEntries === 1 ? 'y' : 'ies'}.`,
      );
    }
  } catch (e) {
    if (config.failOnCacheError) throw e;
    const message = e instanceof cache.ValidationError ? `invalid cache request: ${e.message}` : (e as Error).message;
    core.warning(`Watchmaker could not save the cache (${backend.description}): ${message}`);
  } finally {
    core.endGroup();
  }
  return outcome;
}
