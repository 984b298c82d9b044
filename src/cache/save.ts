// The post step's half of the cache: decide whether saving is useful and allowed, clean the
// target and build directories by use (only where cargo owns them), save, and delete entries
// the new one supersedes. A stale entry is superseded by a new generation of its key, so it is
// replaced even where it cannot be deleted; a directory cargo no longer owns is not saved.
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
import { isCacheValidationError } from './github.js';
import { cleanTargetDir, trimRegistryCache, type CleanAction } from './clean.js';
import { generationKey, generationOf, parseLockfile, restoreLookup, type LockedPackages } from './keys.js';
import { hasCargoTag } from './ownership.js';
import { targetDirCached, type CacheRestoreState } from './restore.js';
import type { Run } from '../run.js';

// The longer sentences of the log and of the save decision, named so the code that picks them stays readable.
const NOT_DEFAULT_BRANCH = (ref: string) =>
  `not on the default branch: an entry saved for ${ref} would serve only this ref ` +
  "and crowd the repository's 10 GB cache. Set 'cache-save-scope: any' to save anyway";
const PR_ON_BRANCH_REF = (event: string, ref: string, asked: string | null) =>
  `this pull request's job runs on ${event} with the ref ${ref}, ` +
  'so GitHub would file the entry under that branch, where its own jobs restore it; ' +
  `a pull request never saves to the GitHub cache there${asked ? `, whatever ${asked} says` : ''}`;
const REPLACING = (matched: string | null, reason: string, next: string) =>
  `Replacing the cache entry ${matched}: ${reason}. The new entry is ${next}: ` +
  'restores take the newest generation of a key, and the older ones are deleted where the token may.';
const NOT_OWNED = (list: string) =>
  `Not saving ${list}: cargo does not own it now (a later step may have run 'cargo clean' or removed it), ` +
  'and restoring it would give the cleaner a directory it must never clean. ' +
  'The registry downloads are saved; the next build creates the directory afresh.';
const SOURCES_UNDESCRIBED = (reason: string) =>
  `Watchmaker could not describe the sources of this build (${reason}); ` +
  'the next run rebuilds the workspace crates.';
const TRIMMED = (deleted: boolean, count: number, bytes: number) =>
  `  ${deleted ? 'removed' : 'left out'} ${count} downloaded crate files Cargo.lock no longer uses ` +
  `(${formatBytes(bytes)})`;
const LOCK_NOT_TOML = (file: string) =>
  `${file} is not valid TOML, so downloaded crates are not trimmed ` +
  'and a shared target directory keeps every unit.';
const LEFT_OUT = (label: string, before: string, after: string) =>
  `${label} ${before}, of which ${after} is cached: not in CI, so nothing is deleted; ` +
  'the archive leaves out what cleaning would remove:';
const SAVED = (key: string, size: string, seconds: string, deleted: number) =>
  `Saved ${key}${size} in ${seconds} s; deleted ${deleted} superseded entr${deleted === 1 ? 'y' : 'ies'}.`;

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
export function decideSave(
  config: Config,
  context: RunContext,
  state: CacheRestoreState,
  build: BuildOutcome | null = null,
): SaveDecision {
  if (config.cache.save === 'never') return skip("cache-save is 'never'");
  if (build?.interrupted) return skip('the main step was interrupted, so target/ may be half-written');
  if (build && !build.success && !config.cache.onFailure)
    return skip('the build failed (set cache-on-failure: true to save anyway)');
  const filedUnderBranch = pullRequestOnBranchRef(config, context, state.backend);
  if (filedUnderBranch) return skip(filedUnderBranch);
  if (config.cache.save === 'always')
    return { save: true, reason: "cache-save is 'always'", replace: state.hit === 'exact' };
  const staleness = state.hit === 'exact' && build ? staleWhy(build, state.keepMembers) : null;
  if (state.hit === 'exact' && !staleness) return skip('the exact key was restored, so the entry is already current');
  const replace = staleness !== null;
  const why = (reason: string) =>
    staleness ? `${reason}; the exact key was restored, yet ${staleness}, so the entry is stale` : reason;
  if (state.backend === 'local' && !context.onGitHub) return { save: true, reason: why('local run'), replace };
  if (config.cache.saveScope === 'any') return { save: true, reason: why("cache-save-scope is 'any'"), replace };
  if (context.onDefaultBranch)
    return {
      save: true,
      reason: why(`on the default branch (${context.defaultBranch}), whose caches every branch can read`),
      replace,
    };
  return skip(NOT_DEFAULT_BRANCH(context.ref ?? 'this ref'));
}

/**
 * Why a pull request must not save to the GitHub cache here, or null. GitHub files an entry
 * under the run's ref; on pull_request_target that is the base branch, whose own jobs would then
 * restore what the pull request's code built. No input overrides this.
 */
function pullRequestOnBranchRef(
  config: Config,
  context: RunContext,
  backend: CacheRestoreState['backend'],
): string | null {
  if (backend !== 'github' || !context.pullRequest || context.ref?.startsWith('refs/pull/')) return null;
  const asked =
    config.cache.save === 'always'
      ? "cache-save: 'always'"
      : config.cache.saveScope === 'any'
        ? "cache-save-scope: 'any'"
        : null;
  return PR_ON_BRANCH_REF(context.eventName ?? 'its event', context.ref ?? '(none)', asked);
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
  /** Seconds of keep-fresh's manifest, the cleaner, and the archive and upload (with pruning). */
  seconds: { describe: number; clean: number; save: number };
}

/** What saving needs from the run (the post step knows no toolchain or workspace). */
export type SaveRun = Pick<Run, 'config' | 'context' | 'env' | 'backend'>;

/** What main handed over: the restore, the artifacts the build reported, and how the build went. */
export interface CacheSaveInput {
  state: CacheRestoreState;
  artifacts: string[] | null;
  build?: BuildOutcome | null;
  /** The local path packages the build compiled (the record's `workspaceMembers`): yours, like the members. */
  localPackages?: readonly string[] | null;
}

/** Dependencies a build compiled although the exact key was restored: the entry is stale (0 otherwise). */
export function staleDependencies(
  hit: CacheRestoreState['hit'] | undefined,
  record: { crates: Array<{ workspaceMember: boolean }> },
): number {
  return hit === 'exact' ? record.crates.filter((c) => !c.workspaceMember).length : 0;
}

/** The post step's view of main's build, from the hand-off. */
export function buildOutcome(build: BuildHandOff | null, interrupted: boolean): BuildOutcome | null {
  if (interrupted) return { interrupted: true, success: false, rebuiltDependencies: 0, rebuiltMembers: 0 };
  if (!build) return null;
  return {
    interrupted: false,
    success: build.success,
    rebuiltDependencies: build.rebuiltDependencies,
    rebuiltMembers: build.rebuiltMembers,
  };
}

export async function saveCache(run: SaveRun, input: CacheSaveInput): Promise<CacheSaveOutcome> {
  const { config, backend } = run;
  const { state } = input;
  const outcome: CacheSaveOutcome = {
    saved: false,
    skippedReason: null,
    key: state.primaryKey,
    archiveBytes: null,
    bytesBefore: null,
    bytesAfter: null,
    deletedEntries: 0,
    seconds: { describe: 0, clean: 0, save: 0 },
  };
  const decision = decideSave(config, run.context, state, input.build ?? null);
  if (!decision.save) {
    outcome.skippedReason = decision.reason;
    core.info(`Watchmaker: not saving the cache: ${decision.reason}.`);
    return outcome;
  }
  core.startGroup(`Watchmaker: clean and save the cache (${decision.reason})`);
  try {
    const saving = { ...input, state: withoutUntaggedDirs(state) };
    const choice = await keyToSave(backend, saving.state, decision);
    if ('skipped' in choice) {
      outcome.skippedReason = choice.skipped;
      return outcome;
    }
    const key = (outcome.key = choice.key);
    const since = (t: number) => (performance.now() - t) / 1000;
    let t = performance.now();
    await describeSources(run, saving);
    outcome.seconds.describe = since(t);
    t = performance.now();
    const exclude = cleanAll(run, saving, outcome);
    outcome.seconds.clean = since(t);
    t = performance.now();
    await saveAndPrune(backend, saving.state, outcome, exclude, key);
    outcome.seconds.save = since(t);
  } catch (e) {
    if (config.cache.failOnError) throw e;
    const message = isCacheValidationError(e) ? `invalid cache request: ${e.message}` : (e as Error).message;
    core.warning(`Watchmaker could not save the cache (${backend.description}): ${message}`);
    core.debug((e as Error).stack ?? String(e));
  } finally {
    core.endGroup();
  }
  return outcome;
}

/**
 * The key to save under, or null when there is nothing to save. A new entry gets the primary
 * key, unless a generation of it exists already (one info line). A stale one is superseded by the
 * next generation, saved beside it: restores take the newest generation, so the stale entry
 * stops mattering even when the token may not delete it.
 */
async function keyToSave(
  backend: CacheBackend,
  state: CacheRestoreState,
  decision: SaveDecision,
): Promise<{ key: string } | { skipped: string }> {
  const { primaryKey, paths } = state;
  const skipped = (why: string) => {
    core.info(`${why}; nothing to save.`);
    return { skipped: why };
  };
  if (!paths.some((p) => existsSync(p))) return skipped('None of the cached paths exist');
  if (!decision.replace) {
    const lookup = restoreLookup({ primaryKey, restoreKeys: [] });
    const found = await backend.lookup(paths, lookup.key, lookup.restoreKeys);
    return found
      ? skipped(`The cache entry ${found} exists already (saved by an earlier run of this commit)`)
      : { key: primaryKey };
  }
  const next = generationKey(primaryKey, (generationOf(state.matchedKey, primaryKey) ?? 1) + 1);
  if (await backend.exists(paths, next))
    return skipped(`The cache entry ${next} exists already (another job replaced ${state.matchedKey} first)`);
  core.info(REPLACING(state.matchedKey, decision.reason, next));
  return { key: next };
}

/**
 * Leaves out a target or build directory that cargo does not own any more: removed by a later
 * `cargo clean` or `rm -rf target`, or recreated without cargo's CACHEDIR.TAG. Saving it would
 * restore an untagged directory that the cleaner must refuse ever after. Nothing is created.
 */
function withoutUntaggedDirs(state: CacheRestoreState): CacheRestoreState {
  const excluded = new Set(state.excluded.map((e) => e.dir));
  const dirs = [...new Set([state.targetDir, state.buildDir])].filter((d) => !excluded.has(d));
  const gone = dirs
    .filter((dir) => !hasCargoTag(dir))
    .map((dir) => ({
      dir,
      reason: existsSync(dir)
        ? "it has no CACHEDIR.TAG with cargo's signature (cargo did not create it)"
        : 'it is gone',
    }));
  if (gone.length === 0) return state;
  const list = gone.map((g) => `${g.dir} (${g.reason})`).join(' and ');
  core.info(logText(NOT_OWNED(list)));
  const left = new Set(gone.map((g) => g.dir));
  return { ...state, paths: state.paths.filter((p) => !left.has(p)), excluded: [...state.excluded, ...gone] };
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
    // A build that reported no artifacts (nextest) still ran on these sources.
    const timedBuildRan = input.artifacts !== null || input.build != null;
    await writeManifest(state.freshness, { env: run.env, timedBuildRan, restoredAnything: state.hit !== 'miss' });
  } catch (e) {
    rmSync(state.freshness.manifestPath, { force: true });
    core.warning(SOURCES_UNDESCRIBED((e as Error).message));
  }
}

/**
 * Cleans the target and build directories by use and trims the registry downloads. In CI the
 * plan is carried out; elsewhere the files are the user's own, so nothing is deleted and the
 * paths returned are left out of the archive instead.
 */
function cleanAll(run: SaveRun, input: CacheSaveInput, outcome: CacheSaveOutcome): string[] {
  const { state } = input;
  const deleteFiles = run.config.inCI;
  // With build.build-dir set, units live there and target/ holds only final outputs; both
  // are cleaned by the same rules. Directories left out in main are neither cached nor cleaned.
  const excluded = new Set(state.excluded.map((e) => e.dir));
  const dirs = [...new Set([state.targetDir, state.buildDir])].filter((d) => !excluded.has(d));
  const lock = readLock(state.lockfile);
  outcome.bytesBefore = 0;
  outcome.bytesAfter = 0;
  const removed: CleanAction[] = [];
  const leftOut: string[] = [];
  const layouts = new Set<string>();
  for (const dir of dirs) {
    const cleaned = cleanTargetDir({
      targetDir: dir,
      profileDirs: state.profileDirs,
      artifacts: input.artifacts,
      restoredAtMs: state.restoredAtMs,
      members: new Set([...state.workspaceMembers, ...(input.localPackages ?? [])]),
      keepMembers: state.keepMembers,
      places: state.places,
      lockedPackages: lock?.names ?? null,
      deleteFiles,
    });
    if (cleaned.skipped)
      core.warning(logText(`Watchmaker did not clean ${dir}: ${cleaned.skipped}. It is saved as it is.`));
    outcome.bytesBefore += cleaned.bytesBefore;
    outcome.bytesAfter += cleaned.bytesAfter;
    removed.push(...cleaned.removed);
    if (!deleteFiles) leftOut.push(...cleaned.removed.map((a) => path.join(dir, a.path)));
    cleaned.layouts.forEach((l) => layouts.add(l));
  }
  logCleaning(dirs.length, outcome, removed, {
    noBuild: input.artifacts === null,
    deleted: deleteFiles,
    backend: run.backend,
  });
  if (layouts.size) core.info(`  build-dir layout on disk before cleaning: ${[...layouts].join(' and ')}`);
  if (lock) {
    const trimmed = trimRegistryCache(path.join(cargoHome(run.env), 'registry', 'cache'), lock.downloaded, deleteFiles);
    if (trimmed.removed) core.info(TRIMMED(deleteFiles, trimmed.removed, trimmed.bytes));
    if (!deleteFiles) leftOut.push(...trimmed.files);
  }
  return leftOut;
}

function readLock(file: string | null): LockedPackages | null {
  if (!file || !existsSync(file)) return null;
  const lock = parseLockfile(readFileSync(file, 'utf8'));
  if (!lock) core.warning(logText(LOCK_NOT_TOML(file)));
  return lock;
}

/** How cleaning went: in CI, what was deleted; elsewhere, what the archive leaves out (the files stay). */
function logCleaning(
  dirCount: number,
  outcome: CacheSaveOutcome,
  removed: CleanAction[],
  how: { noBuild: boolean; deleted: boolean; backend: CacheBackend },
): void {
  const byReason = new Map<string, { count: number; bytes: number }>();
  for (const r of removed) {
    const agg = byReason.get(r.reason) ?? { count: 0, bytes: 0 };
    agg.count++;
    agg.bytes += r.bytes;
    byReason.set(r.reason, agg);
  }
  const label = dirCount > 1 ? 'target and build directories' : 'target/';
  const [before, after] = [formatBytes(outcome.bytesBefore ?? 0), formatBytes(outcome.bytesAfter ?? 0)];
  if (how.deleted) core.info(`${label} ${before} → ${after} after cleaning:`);
  else core.info(LEFT_OUT(label, before, after));
  for (const [reason, agg] of byReason)
    core.info(`  ${how.deleted ? 'removed' : 'left out'} ${agg.count} × ${reason} (${formatBytes(agg.bytes)})`);
  if (how.noBuild)
    core.info(
      '  (no timed build ran, or it reported no artifacts, so units are not judged by use: restored units are kept)',
    );
  if (!how.deleted && removed.length && how.backend.kind !== 'local')
    core.info(`  (${how.backend.description} cannot leave files out, so the archive holds them too)`);
}

async function saveAndPrune(
  backend: CacheBackend,
  state: CacheRestoreState,
  outcome: CacheSaveOutcome,
  exclude: string[],
  key: string,
): Promise<void> {
  const started = Date.now();
  const saved = await backend.save(state.paths, key, { exclude });
  outcome.saved = saved.saved;
  outcome.archiveBytes = saved.archiveBytes;
  if (!saved.saved) {
    core.info(`Cache not saved: ${saved.reason}.`);
    return;
  }
  const pruned = await backend.prune({ prefix: state.restoreKeys.at(-1)!, keepKey: key });
  outcome.deletedEntries = pruned.deleted;
  outcome.archiveBytes = pruned.keptEntryBytes ?? outcome.archiveBytes;
  const size = outcome.archiveBytes !== null ? ` (archive ${formatBytes(outcome.archiveBytes)})` : '';
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  core.info(SAVED(key, size, seconds, pruned.deleted));
}
