// The post step's half of the cache: decide whether saving is useful and allowed, clean the
// target and build directories by use (only where cargo owns them), save, and delete entries
// the new one supersedes.
import * as cache from '@actions/cache';
import * as core from '@actions/core';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { cargoHome } from '../cargo-config.js';
import type { Config } from '../config.js';
import type { RunContext } from '../context.js';
import { formatBytes } from '../format.js';
import { manifestPathFor, writeManifest } from '../freshness/index.js';
import { logText } from '../log.js';
import type { BuildHandOff } from '../state.js';
import type { CacheBackend } from './backend.js';
import { cleanTargetDir, trimRegistryCache, type CleanAction } from './clean.js';
import { parseLockfile, type LockedPackages } from './keys.js';
import { targetDirCached, type CacheRestoreState } from './restore.js';
import type { Run } from '../run.js';

export interface SaveDecision {
  save: boolean;
  reason: string;
  /** Delete the existing entry with this key first (a save that must replace it). */
  replace: boolean;
}

/** What the post step knows about main's build, for the decision. */
export interface BuildOutcome {
  interrupted: boolean;
  success: boolean;
  rebuiltDependencies: number;
  /** Workspace members compiled (their sources changed since the cached build). */
  rebuiltMembers: number;
}

const skip = (reason: string): SaveDecision => ({ save: false, reason, replace: false });

/** Whether the post step should save (pure). */
export function decideSave(config: Config, context: RunContext, state: CacheRestoreState, build: BuildOutcome | null = null): SaveDecision {
  if (config.cache.save === 'never') return skip("cache-save is 'never'");
  if (build?.interrupted) return skip('the main step was interrupted, so target/ may be half-written');
  if (build && !build.success && !config.cache.onFailure) return skip('the build failed (set cache-on-failure: true to save anyway)');
  if (config.cache.save === 'always') return { save: true, reason: "cache-save is 'always'", replace: state.hit === 'exact' };
  const staleness = state.hit === 'exact' && build ? staleWhy(build, state.keepMembers) : null;
  if (state.hit === 'exact' && !staleness) return skip('the exact key was restored, so the entry is already current');
  const replace = staleness !== null;
  const why = (reason: string) => (staleness ? `${reason}; the exact key was restored, yet ${staleness}, so the entry is stale` : reason);
  if (state.backend === 'local' && !context.onGitHub) return { save: true, reason: why('local run'), replace };
  if (config.cache.saveScope === 'any') return { save: true, reason: why("cache-save-scope is 'any'"), replace };
  if (context.onDefaultBranch) return { save: true, reason: why(`on the default branch (${context.defaultBranch}), whose caches every branch can read`), replace };
  return skip(
    `not on the default branch: an entry saved for ${context.ref ?? 'this ref'} would serve only this ref and crowd the repository's 10 GB cache. Set 'cache-save-scope: any' to save anyway`,
  );
}

/** Why an exactly restored entry no longer matches the build, or null when it does. */
function staleWhy(build: BuildOutcome, keepMembers: boolean): string | null {
  if (build.rebuiltDependencies > 0) return `${build.rebuiltDependencies} dependencies were compiled again`;
  const n = build.rebuiltMembers;
  if (keepMembers && n > 0) return `${n} workspace crate${n === 1 ? '' : 's'} changed since it was saved`;
  return null;
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

/** What saving needs from the run (the post step knows no toolchain or workspace). */
export type SaveRun = Pick<Run, 'config' | 'context' | 'env' | 'backend'>;

/** What main handed over: the restore, the artifacts the build reported, and how the build went. */
export interface CacheSaveInput {
  state: CacheRestoreState;
  artifacts: string[] | null;
  build?: BuildOutcome | null;
}

/** Dependencies a build compiled although the exact key was restored: the entry is stale (0 otherwise). */
export function staleDependencies(hit: CacheRestoreState['hit'] | undefined, record: { crates: Array<{ workspaceMember: boolean }> }): number {
  return hit === 'exact' ? record.crates.filter((c) => !c.workspaceMember).length : 0;
}

/** The post step's view of main's build, from the hand-off. */
export function buildOutcome(build: BuildHandOff | null, interrupted: boolean): BuildOutcome | null {
  if (interrupted) return { interrupted: true, success: false, rebuiltDependencies: 0, rebuiltMembers: 0 };
  if (!build) return null;
  return { interrupted: false, success: build.success, rebuiltDependencies: build.rebuiltDependencies, rebuiltMembers: build.rebuiltMembers };
}

export async function saveCache(run: SaveRun, input: CacheSaveInput): Promise<CacheSaveOutcome> {
  const { config, backend } = run;
  const { state } = input;
  const outcome: CacheSaveOutcome = { saved: false, skippedReason: null, key: state.primaryKey, archiveBytes: null, bytesBefore: null, bytesAfter: null, deletedEntries: 0 };
  const decision = decideSave(config, run.context, state, input.build ?? null);
  if (!decision.save) {
    outcome.skippedReason = decision.reason;
    core.info(`Watchmaker: not saving the cache: ${decision.reason}.`);
    return outcome;
  }
  core.startGroup(`Watchmaker: clean and save the cache (${decision.reason})`);
  try {
    if (await alreadySaved(backend, state, decision)) {
      outcome.skippedReason = 'the entry exists';
      return outcome;
    }
    await describeSources(run, input);
    cleanAll(run, input, outcome);
    await saveAndPrune(backend, state, outcome);
  } catch (e) {
    if (config.cache.failOnError) throw e;
    const message = e instanceof cache.ValidationError ? `invalid cache request: ${e.message}` : (e as Error).message;
    core.warning(`Watchmaker could not save the cache (${backend.description}): ${message}`);
  } finally {
    core.endGroup();
  }
  return outcome;
}

/** Looks before saving: an existing entry is either current (one info line) or replaced. */
async function alreadySaved(backend: CacheBackend, state: CacheRestoreState, decision: SaveDecision): Promise<boolean> {
  if (!(await backend.exists(state.paths, state.primaryKey))) return false;
  if (!decision.replace) {
    core.info(`The cache entry ${state.primaryKey} exists already (saved by an earlier run of this commit); nothing to save.`);
    return true;
  }
  core.info(`Replacing the cache entry ${state.primaryKey}: ${decision.reason}.`);
  await backend.remove(state.primaryKey);
  return false;
}

/**
 * The freshness manifest saved with the entry says what its units were compiled from. Any
 * manifest restored with the cache goes first: if a new one cannot be written, none is saved
 * (an old one beside new units would prove the wrong content).
 */
async function describeSources(run: SaveRun, input: CacheSaveInput): Promise<void> {
  const { state } = input;
  if (!targetDirCached(state)) return;
  rmSync(state.freshness?.manifestPath ?? manifestPathFor(state.targetDir, run.config.profile), { force: true });
  if (!state.freshness) return;
  try {
    await writeManifest(state.freshness, { env: run.env, timedBuildRan: input.artifacts !== null, restoredAnything: state.hit !== 'miss' });
  } catch (e) {
    rmSync(state.freshness.manifestPath, { force: true });
    core.warning(`Watchmaker could not describe the sources of this build (${(e as Error).message}); the next run rebuilds the workspace crates.`);
  }
}

function cleanAll(run: SaveRun, input: CacheSaveInput, outcome: CacheSaveOutcome): void {
  const { state } = input;
  // With build.build-dir set, units live there and target/ holds only final outputs; both
  // are cleaned by the same rules. Directories left out in main are neither cached nor cleaned.
  const excluded = new Set(state.excluded.map((e) => e.dir));
  const dirs = [...new Set([state.targetDir, state.buildDir])].filter((d) => !excluded.has(d));
  const lock = readLock(state.lockfile);
  outcome.bytesBefore = 0;
  outcome.bytesAfter = 0;
  const removed: CleanAction[] = [];
  const layouts = new Set<string>();
  for (const dir of dirs) {
    const cleaned = cleanTargetDir({
      targetDir: dir,
      profileDirs: state.profileDirs,
      artifacts: input.artifacts,
      restoredAtMs: state.restoredAtMs,
      members: new Set(state.workspaceMembers),
      keepMembers: state.keepMembers,
      places: state.places,
      lockedPackages: lock?.names ?? null,
    });
    if (cleaned.skipped) core.warning(logText(`Watchmaker did not clean ${dir}: ${cleaned.skipped}. It is saved as it is.`));
    outcome.bytesBefore += cleaned.bytesBefore;
    outcome.bytesAfter += cleaned.bytesAfter;
    removed.push(...cleaned.removed);
    cleaned.layouts.forEach((l) => layouts.add(l));
  }
  logCleaning(dirs.length, outcome, removed, input.artifacts === null);
  if (layouts.size) core.info(`  build-dir layout on disk before cleaning: ${[...layouts].join(' and ')}`);
  if (lock) {
    const trimmed = trimRegistryCache(path.join(cargoHome(run.env), 'registry', 'cache'), lock.downloaded);
    if (trimmed.removed) core.info(`  removed ${trimmed.removed} downloaded crate files Cargo.lock no longer uses (${formatBytes(trimmed.bytes)})`);
  }
}

function readLock(file: string | null): LockedPackages | null {
  if (!file || !existsSync(file)) return null;
  const lock = parseLockfile(readFileSync(file, 'utf8'));
  if (!lock) core.warning(logText(`${file} is not valid TOML, so downloaded crates are not trimmed and a shared target directory keeps every unit.`));
  return lock;
}

function logCleaning(dirCount: number, outcome: CacheSaveOutcome, removed: CleanAction[], noBuild: boolean): void {
  const byReason = new Map<string, { count: number; bytes: number }>();
  for (const r of removed) {
    const agg = byReason.get(r.reason) ?? { count: 0, bytes: 0 };
    agg.count++;
    agg.bytes += r.bytes;
    byReason.set(r.reason, agg);
  }
  const label = dirCount > 1 ? 'target and build directories' : 'target/';
  core.info(`${label} ${formatBytes(outcome.bytesBefore ?? 0)} → ${formatBytes(outcome.bytesAfter ?? 0)} after cleaning:`);
  for (const [reason, agg] of byReason) core.info(`  removed ${agg.count} × ${reason} (${formatBytes(agg.bytes)})`);
  if (noBuild) core.info('  (no timed build ran, so units are not judged by use: restored units are kept)');
}

async function saveAndPrune(backend: CacheBackend, state: CacheRestoreState, outcome: CacheSaveOutcome): Promise<void> {
  const started = Date.now();
  const saved = await backend.save(state.paths, state.primaryKey);
  outcome.saved = saved.saved;
  outcome.archiveBytes = saved.archiveBytes;
  if (!saved.saved) {
    core.info(`Cache not saved: ${saved.reason}.`);
    return;
  }
  const pruned = await backend.prune({ prefix: state.restoreKeys.at(-1)!, keepKey: state.primaryKey });
  outcome.deletedEntries = pruned.deleted;
  outcome.archiveBytes = pruned.keptEntryBytes ?? outcome.archiveBytes;
  const size = outcome.archiveBytes !== null ? ` (archive ${formatBytes(outcome.archiveBytes)})` : '';
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  core.info(`Saved ${state.primaryKey}${size} in ${seconds} s; deleted ${pruned.deleted} superseded entr${pruned.deleted === 1 ? 'y' : 'ies'}.`);
}
