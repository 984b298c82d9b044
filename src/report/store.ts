// The baseline store (cache and auto modes): the default branch's post step stores its run record
// in the cache (same backend as target/), keyed by profile, flags and commit; a pull request's main
// step restores its base commit's record, else the newest one. The record carries the history the
// default branch keeps (historyEntry).
import * as core from '@actions/core';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { CacheBackend } from '../cache/backend.js';
import type { Config } from '../config.js';
import type { RunContext } from '../context.js';
import { keyScope, workspaceIdentity } from '../key-scope.js';
import { shortHash } from '../hashing.js';
import { ServiceDownError } from '../net/deadline.js';
import { HISTORY_LENGTH, readRunRecord, type HistoryEntry, type RunRecord } from '../record.js';

const NO_BASELINE_FOR = (baseRef: string) =>
  `No baseline yet: no run record of ${baseRef} for this profile and RUSTFLAGS is in the cache. ` +
  'Records are stored by pushes to the default branch.';

export interface BaselineKeys {
  key: string;
  /** Prefix matching any commit's record for the same profile and flags. */
  restorePrefix: string;
}

export function baselineKeys(opts: {
  prefix: string;
  /** workspaceIdentity().id: records of another workspace or repository never match. */
  workspace: string | null;
  os: string;
  arch: string;
  profile: string;
  variant: string;
  flagsHash: string;
  commit: string | null;
}): BaselineKeys {
  const scope = keyScope({ ...opts, kind: 'record', qualifiers: [], suffix: [opts.variant] });
  const restorePrefix = `${scope}-`;
  return { key: `${restorePrefix}${opts.commit ?? 'unknown'}`, restorePrefix };
}

/**
 * The cached file's path is part of the cache entry's identity (like @actions/cache's version),
 * so it must be the same in the run that stores and the run that loads: a fixed temp path per
 * workspace location and profile.
 */
export function baselineRecordPath(workspace: string, profile: string): string {
  const id = shortHash(path.resolve(workspace));
  return path.join(os.tmpdir(), 'watchmaker-baseline', id, `record-${profile}.json`);
}

export async function storeBaselineRecord(opts: {
  backend: CacheBackend;
  keys: BaselineKeys;
  recordFile: string;
  cachePath: string;
}): Promise<boolean> {
  mkdirSync(path.dirname(opts.cachePath), { recursive: true });
  copyFileSync(opts.recordFile, opts.cachePath);
  if (await opts.backend.exists([opts.cachePath], opts.keys.key)) {
    core.info(`The baseline record ${opts.keys.key} exists already (an earlier run of this commit stored it).`);
    return false;
  }
  const result = await opts.backend.save([opts.cachePath], opts.keys.key);
  if (!result.saved) core.info(`Baseline record not stored: ${result.reason ?? 'unknown reason'}.`);
  return result.saved;
}

/** Restores the record for `preferredCommit`, else the newest with the same prefix. */
export async function loadBaselineRecord(opts: {
  backend: CacheBackend;
  prefix: string;
  preferredKey: string | null;
  cachePath: string;
}): Promise<{ record: RunRecord; key: string } | null> {
  rmSync(opts.cachePath, { force: true });
  const primary = opts.preferredKey ?? opts.prefix;
  const hit = await opts.backend.restore([opts.cachePath], primary, [opts.prefix]);
  if (!hit || !existsSync(opts.cachePath)) return null;
  return { record: readRunRecord(readFileSync(opts.cachePath, 'utf8')), key: hit.matchedKey };
}

/** A baseline and where it came from. */
export interface Baseline {
  base: RunRecord[] | null;
  /** How it was obtained, e.g. "main @ 3f2a1b0". */
  label: string | null;
  /** Why there is none, when there is none. */
  note: string | null;
}

/** Where the baseline store is and what is stored in it: the run's config, context and environment. */
interface StoreInput {
  config: Config;
  context: RunContext;
  env: NodeJS.ProcessEnv;
}

const short = (sha: string | null | undefined) => (sha ? sha.slice(0, 7) : 'unknown');

/** Baseline keys, scoped like cache keys to this repository's workspace (another workspace's records never match). */
function keysFor(input: StoreInput, flagsHash: string, commit: string | null) {
  const { config, context, env } = input;
  const workspace = workspaceIdentity({
    repository: context.repository,
    checkout: env.GITHUB_WORKSPACE || null,
    root: config.workingDirectory,
  }).id;
  return baselineKeys({
    prefix: config.cache.prefix,
    workspace,
    os: process.platform,
    arch: process.arch,
    profile: config.profile,
    variant: config.variant,
    flagsHash,
    commit,
  });
}

/** The record the default branch stored: for the pull request's base commit, else the newest. */
export async function loadCachedBaseline(
  input: StoreInput & { backend: CacheBackend; flagsHash: string },
): Promise<Baseline> {
  const { config, context } = input;
  const keys = keysFor(input, input.flagsHash, null);
  const baseSha = context.pullRequest?.baseSha ?? null;
  try {
    const loaded = await loadBaselineRecord({
      backend: input.backend,
      prefix: keys.restorePrefix,
      preferredKey: baseSha ? keysFor(input, input.flagsHash, baseSha).key : null,
      cachePath: baselineRecordPath(input.env.GITHUB_WORKSPACE || config.workingDirectory, config.profile),
    });
    if (!loaded) {
      return {
        base: null,
        label: null,
        note: context.pullRequest
          ? NO_BASELINE_FOR(context.pullRequest.baseRef)
          : 'No baseline yet: the next run will compare against this one.',
      };
    }
    const commit = loaded.record.git.commit;
    const exact = baseSha !== null && commit === baseSha;
    const label = context.pullRequest
      ? `${context.pullRequest.baseRef} @ ${short(commit)}${exact ? '' : ', newest available'}`
      : `previous run @ ${short(commit)}`;
    return { base: [loaded.record], label, note: null };
  } catch (e) {
    // A service that already failed in this step was warned about then: say it once.
    if (e instanceof ServiceDownError) core.info(`Watchmaker did not load the baseline record: ${e.message}.`);
    else core.warning(`Watchmaker could not load the baseline record: ${(e as Error).message}`);
    return { base: null, label: null, note: 'The baseline record could not be loaded (see the warning).' };
  }
}

/**
 * Post step: store this run's record as the baseline for later runs. On GitHub only pushes to
 * the default branch store (pull requests read them); local runs always store.
 */
export async function storeBaseline(
  input: StoreInput & { record: RunRecord; recordPath: string; backend: CacheBackend; flagsHash: string },
): Promise<boolean> {
  const { config, context } = input;
  if (context.onGitHub && !context.onDefaultBranch) return false;
  try {
    const keys = keysFor(input, input.flagsHash, input.record.git.commit);
    const cachePath = baselineRecordPath(input.env.GITHUB_WORKSPACE || config.workingDirectory, config.profile);
    mkdirSync(path.dirname(cachePath), { recursive: true });
    const stored = await storeBaselineRecord({ backend: input.backend, keys, recordFile: input.recordPath, cachePath });
    if (stored) core.info(`Stored the run record as the baseline for later runs (${keys.key}).`);
    return stored;
  } catch (e) {
    if (e instanceof ServiceDownError) core.info(`Watchmaker did not store the baseline record: ${e.message}.`);
    else core.warning(`Watchmaker could not store the baseline record: ${(e as Error).message}`);
    return false;
  }
}

/** A compact form of a record, for the history the default branch keeps. */
export function historyEntry(r: RunRecord): HistoryEntry {
  return {
    commit: r.git.commit,
    createdAt: r.createdAt,
    cpuModel: r.runner.cpuModel,
    calibrationCpuSeconds: r.calibration?.cpuSeconds ?? null,
    ...(r.measurement.inputsTransitive ? { inputsTransitive: true } : {}),
    crates: r.crates.map((c) => ({
      crate: c.crate,
      version: c.version,
      cpuSeconds: c.cpuSeconds,
      wallSeconds: c.wallSeconds,
      instructions: c.instructions,
      inputFingerprint: c.inputFingerprint ?? null,
      contention: c.contention ?? null,
    })),
  };
}

/** The history a baseline record carries, itself included, newest first. */
export const historyOf = (base: RunRecord[] | null): HistoryEntry[] =>
  base?.[0] ? [historyEntry(base[0]), ...(base[0].history ?? [])].slice(0, HISTORY_LENGTH) : [];
