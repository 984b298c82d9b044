// The GitHub Actions cache through @actions/cache, and the REST calls that delete entries a
// newer save has superseded (GitHub keeps them until they are evicted, crowding the 10 GB
// repository limit).
import * as cache from '@actions/cache';
import * as core from '@actions/core';
import { getOctokit } from '@actions/github';
import type { CacheBackend, RestoreResult, SaveResult } from './backend.js';

export class GitHubCacheBackend implements CacheBackend {
  readonly kind = 'github' as const;
  readonly description = 'GitHub Actions cache';

  async restore(paths: string[], primaryKey: string, restoreKeys: string[]): Promise<RestoreResult | undefined> {
    // The library reports service failures itself (as warnings) and returns undefined.
    const matchedKey = await cache.restoreCache([...paths], primaryKey, [...restoreKeys]);
    return matchedKey ? { matchedKey, archiveBytes: null } : undefined;
  }

  async save(paths: string[], key: string): Promise<SaveResult> {
    try {
      const id = await cache.saveCache([...paths], key);
      if (id === -1) {
        return { saved: false, archiveBytes: null, reason: 'the cache service did not store it (the key already exists, or the service failed: see the lines above)' };
      }
      return { saved: true, archiveBytes: null };
    } catch (e) {
      if (e instanceof cache.ReserveCacheError) return { saved: false, archiveBytes: null, reason: e.message };
      throw e;
    }
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
export async function deleteSupersededEntries(opts: {
  token: string;
  apiUrl: string;
  owner: string;
  repo: string;
  ref: string;
  prefix: string;
  keepKey: string;
}): Promise<SupersededResult> {
  const octokit = getOctokit(opts.token, { baseUrl: opts.apiUrl });
  const result: SupersededResult = { deleted: [], savedEntryBytes: null, problem: null };
  try {
    const entries: CacheEntryInfo[] = [];
    for (let page = 1; page <= 10; page++) {
      const { data } = await octokit.rest.actions.getActionsCacheList({ owner: opts.owner, repo: opts.repo, key: opts.prefix, ref: opts.ref, per_page: 100, page });
      for (const c of data.actions_caches) {
        if (c.id !== undefined && c.key) entries.push({ id: c.id, key: c.key, ref: c.ref ?? opts.ref, sizeBytes: c.size_in_bytes ?? 0 });
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
    const status = (e as { status?: number }).status;
    result.problem =
      status === 403 || status === 404
        ? `Watchmaker could not delete superseded cache entries: the token lacks the 'actions: write' permission (HTTP ${status}). Add 'permissions: actions: write' to the job, or ignore this: old entries then expire on GitHub's schedule.`
        : `Watchmaker could not delete superseded cache entries: ${(e as Error).message}`;
    core.warning(result.problem);
  }
  return result;
}
