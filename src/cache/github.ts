// The GitHub Actions cache through @actions/cache, with a deadline on every call and a
// pre-flight check: the library swallows service errors (a failed restore looks like a miss, a
// failed save returns -1), so the backend asks the service itself first, in the protocol and at
// the URL the library will use (service.ts: never v2 on GHES), and compares what the library
// returns with what the service said. A failure on this runner's disk is told apart from
// a service failure by what the library printed (local-cause.ts). REST calls delete entries a
// newer save superseded.
import * as cache from '@actions/cache';
import * as core from '@actions/core';
import { createOctokit, httpStatus, refusalMessage } from '../github-api.js';
import {
  gates,
  isLocalFailure,
  LocalFailure,
  readDeadlines,
  ServiceDownError,
  type Deadlines,
} from '../net/deadline.js';
import type { CacheBackend, PruneResult, PruneScope, RestoreResult, SaveResult } from './backend.js';
import { localCause, localFailureMessage, withOutput } from './local-cause.js';
import { serviceUrl, serviceVersion, type ServiceVersion } from './service.js';

/** Where the REST clean-up may act: the repository and the ref the entries were saved for. */
export interface CacheApiScope {
  token: string;
  apiUrl: string;
  owner: string;
  repo: string;
  ref: string;
}

const TWIRP = '/twirp/github.actions.results.api.v1.CacheService/GetCacheEntryDownloadURL';
const PROBE_VERSION = '0'.repeat(64);
const NO_SERVICE = (version: ServiceVersion) =>
  'the runner provides no cache service (' +
  (version === 'v2' ? 'ACTIONS_RESULTS_URL is not set' : 'neither ACTIONS_CACHE_URL nor ACTIONS_RESULTS_URL is set') +
  ')';

/** The lookup of a key that never exists, in the protocol the library will speak (v1 on GHES). */
function probeRequest(env: NodeJS.ProcessEnv): { version: ServiceVersion; url: URL; init: RequestInit } {
  const version = serviceVersion(env);
  const base = serviceUrl(env, version);
  if (!base) throw new Error(NO_SERVICE(version));
  const authorization = `Bearer ${env.ACTIONS_RUNTIME_TOKEN ?? ''}`;
  if (version === 'v2') {
    const body = JSON.stringify({ key: 'watchmaker-probe', version: PROBE_VERSION });
    const headers = { authorization, 'content-type': 'application/json' };
    return { version, url: new URL(TWIRP, base), init: { method: 'POST', headers, body } };
  }
  const url = new URL(`_apis/artifactcache/cache?keys=watchmaker-probe&version=${PROBE_VERSION}`, base);
  return { version, url, init: { headers: { authorization, accept: 'application/json;api-version=6.0-preview.1' } } };
}

/**
 * One cheap lookup: a healthy service answers at once with a miss. Only the service can say
 * whether it works: the library turns its failures into misses.
 */
async function probeService(env: NodeJS.ProcessEnv, signal: AbortSignal): Promise<void> {
  const { version, url, init } = probeRequest(env);
  const response = await fetch(url, { ...init, signal });
  await response.body?.cancel();
  if (response.ok || (version === 'v2' && response.status === 404)) return; // Twirp "not_found": it answered
  throw Object.assign(new Error(`the cache service answered HTTP ${response.status}`), {
    status: response.status >= 500 || response.status === 429 ? response.status : 503,
  });
}

/**
 * The library's ValidationError (a key or path it refuses), looked up when asked: a stand-in
 * for @actions/cache (GitHub's local-action) may not export the class, and `instanceof` of a
 * missing class throws, which would turn a cache warning into a failed step.
 */
export function isCacheValidationError(e: unknown): e is Error {
  const validation: unknown = (cache as Record<string, unknown>).ValidationError;
  if (typeof validation === 'function') return e instanceof validation;
  return e instanceof Error && e.name === 'ValidationError';
}

export class GitHubCacheBackend implements CacheBackend {
  readonly kind = 'github' as const;
  readonly description = 'GitHub Actions cache';
  private readonly deadlines: Deadlines;
  private probed: Promise<void> | null = null;

  constructor(
    private readonly env: NodeJS.ProcessEnv,
    private readonly api: CacheApiScope | null,
  ) {
    this.deadlines = readDeadlines(env);
  }

  /** The service answered the pre-flight lookup (once per step); once it failed, it is down for the step. */
  private ready(): Promise<void> {
    if (gates.cache.down) return Promise.reject(new ServiceDownError(gates.cache.service, gates.cache.down));
    this.probed ??= gates.cache.call('lookup', this.deadlines.cacheLookupMs, (signal) =>
      probeService(this.env, signal),
    );
    return this.probed;
  }

  private find(paths: string[], key: string, restoreKeys: string[]): Promise<string | undefined> {
    return gates.cache.call('lookup', this.deadlines.cacheLookupMs, () =>
      cache.restoreCache([...paths], key, [...restoreKeys], { lookupOnly: true }),
    );
  }

  async lookup(paths: string[], primaryKey: string, restoreKeys: string[]): Promise<string | undefined> {
    await this.ready();
    return this.find(paths, primaryKey, restoreKeys);
  }

  async exists(paths: string[], key: string): Promise<boolean> {
    return (await this.lookup(paths, key, [])) === key;
  }

  async restore(paths: string[], primaryKey: string, restoreKeys: string[]): Promise<RestoreResult | undefined> {
    await this.ready();
    const listed = await this.find(paths, primaryKey, restoreKeys);
    if (!listed) return undefined;
    const ms = this.deadlines.cacheTransferMs;
    const { value: matchedKey, output } = await this.onThisRunner(
      `the cache entry ${listed} could not be unpacked`,
      () =>
        gates.cache.call('download', ms, () =>
          withOutput(() =>
            cache.restoreCache([...paths], primaryKey, [...restoreKeys], {
              timeoutInMs: Math.min(ms, 60_000),
              segmentTimeoutInMs: ms,
            }),
          ),
        ),
    );
    if (!matchedKey) {
      const local = localCause(output);
      if (local)
        throw new LocalFailure(localFailureMessage(`the cache entry ${listed} could not be unpacked`, local, this.env));
      const reason = `the service listed ${listed} but the download failed (see the warning above)`;
      gates.cache.markDown(reason);
      throw new Error(reason);
    }
    return { matchedKey, archiveBytes: null };
  }

  async save(paths: string[], key: string): Promise<SaveResult> {
    await this.ready();
    const { value: id, output } = await this.onThisRunner('the cache archive could not be written', () =>
      gates.cache.call('upload', this.deadlines.cacheTransferMs, () =>
        withOutput(() => cache.saveCache([...paths], key)),
      ),
    );
    if (id !== -1) return { saved: true, archiveBytes: null };
    const local = localCause(output);
    if (local) throw new LocalFailure(localFailureMessage('the cache archive could not be written', local, this.env));
    // -1 is either "another job saved this key first" or a swallowed failure: ask.
    if (await this.exists(paths, key))
      return { saved: false, archiveBytes: null, reason: 'another job saved this key first' };
    if (/another job may be creating this cache/.test(output))
      return { saved: false, archiveBytes: null, reason: 'another job is saving this key right now' };
    const reason = 'the cache service did not store the entry (see the warning above)';
    gates.cache.markDown(reason);
    throw new Error(reason);
  }

  /** A file-system error the library let through (its temp directory) is named as this runner's. */
  private async onThisRunner<T>(what: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (e) {
      if (!isLocalFailure(e) || e instanceof LocalFailure) throw e;
      throw new LocalFailure(
        localFailureMessage(what, localCause((e as Error).message) ?? (e as Error).message, this.env),
        { cause: e },
      );
    }
  }

  async remove(key: string): Promise<void> {
    if (!this.api) throw new Error('replacing an entry needs the repository and a github-token');
    const { owner, repo, ref } = this.api;
    try {
      await createOctokit(this.api.token, this.api.apiUrl, this.env).rest.actions.deleteActionsCacheByKey({
        owner,
        repo,
        key,
        ref,
      });
    } catch (e) {
      if (httpStatus(e) === 404) return; // already gone
      const refused = refusalMessage(e, `replace the cache entry ${key}`, 'actions: write');
      if (refused) throw new Error(refused, { cause: e });
      throw e;
    }
  }

  async prune(scope: PruneScope): Promise<PruneResult> {
    if (!this.api) return { deleted: 0, keptEntryBytes: null };
    const pruned = await deleteSupersededEntries({
      ...this.api,
      prefix: scope.prefix,
      keepKey: scope.keepKey,
      env: this.env,
    });
    return { deleted: pruned.deleted.length, keptEntryBytes: pruned.savedEntryBytes };
  }
}

export interface CacheEntryInfo {
  id: number;
  key: string;
  ref: string;
  sizeBytes: number;
}

export interface SupersededResult {
  deleted: CacheEntryInfo[];
  /** The size GitHub reports for the entry just saved, when listed. */
  savedEntryBytes: number | null;
  /** Set when the API refused (missing permission) or failed; already reported as a warning. */
  problem: string | null;
}

/**
 * Deletes entries on `ref` whose key starts with `prefix`, except `keepKey`. A token without
 * `actions: write` gets one warning and nothing else changes.
 */
export async function deleteSupersededEntries(
  opts: CacheApiScope & { prefix: string; keepKey: string; env?: NodeJS.ProcessEnv },
): Promise<SupersededResult> {
  const octokit = createOctokit(opts.token, opts.apiUrl, opts.env);
  const result: SupersededResult = { deleted: [], savedEntryBytes: null, problem: null };
  try {
    const entries: CacheEntryInfo[] = [];
    for (let page = 1; page <= 10; page++) {
      const { data } = await octokit.rest.actions.getActionsCacheList({
        owner: opts.owner,
        repo: opts.repo,
        key: opts.prefix,
        ref: opts.ref,
        per_page: 100,
        page,
      });
      for (const c of data.actions_caches) {
        if (c.id !== undefined && c.key)
          entries.push({ id: c.id, key: c.key, ref: c.ref ?? opts.ref, sizeBytes: c.size_in_bytes ?? 0 });
      }
      if (data.actions_caches.length < 100) break;
    }
    result.savedEntryBytes = entries.find((e) => e.key === opts.keepKey)?.sizeBytes ?? null;
    for (const entry of entries) {
      if (entry.key === opts.keepKey || !entry.key.startsWith(opts.prefix) || entry.ref !== opts.ref) continue;
      await octokit.rest.actions.deleteActionsCacheById({ owner: opts.owner, repo: opts.repo, cache_id: entry.id });
      result.deleted.push(entry);
    }
  } catch (e) {
    const refused = refusalMessage(e, 'delete superseded cache entries', 'actions: write');
    result.problem = refused
      ? `${refused} Or ignore this: old entries then expire on GitHub's schedule.`
      : `Watchmaker could not delete superseded cache entries: ${(e as Error).message}`;
    core.warning(result.problem);
  }
  return result;
}
