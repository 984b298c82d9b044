// The repository's Actions cache as the people who manage it need to see it: bytes and entries
// against the limit, this action's share, entries no run restored lately, and whether this save
// makes GitHub evict older entries. Read on default-branch runs only (a pull request's job never
// calls the API for it) and written to the job summary, never to a comment. The summary and its
// Markdown are pure; the shell makes the two REST calls through the project's Octokit (deadlines,
// the API gate), and a refusal or a broken API costs one log line, never the step.
import * as core from '@actions/core';
import type { Config } from '../config.js';
import type { RunContext } from '../context.js';
import { formatBytes } from '../format.js';
import { createOctokit, refusalMessage, type Octokit } from '../github-api.js';
import { logText } from '../log.js';
import { ServiceDownError } from '../net/deadline.js';
import { escapeMarkdown } from '../markdown.js';
import type { CacheBackend } from './backend.js';
import { cacheApiScope } from './select.js';

/** GitHub's default repository limit; larger ones can be bought, and the API may name one. */
export const DEFAULT_LIMIT_GB = 10;
/** Not accessed for this long: no run restored the entry lately. */
export const STALE_DAYS = 3;
/** The listing reads at most this many pages of 100 (the most recently used first). */
export const MAX_PAGES = 10;
const PER_PAGE = 100;
const DAY_MS = 86_400_000;
const GIB = 1024 ** 3;
/** Stale entries named in the section, largest first. */
const NAMED_STALE = 3;

const percent = (part: number, whole: number) => `${whole > 0 ? Math.round((100 * part) / whole) : 0}%`;
const plural = (n: number, one: string, many: string) => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

// The section's lines and the log's longer sentences, named so the code that picks them stays readable.
const TOTAL_LINE = (s: CacheUsageSummary) =>
  `**${formatBytes(s.totalBytes)}** of ${s.limitLabel} (${percent(s.totalBytes, s.limitBytes)}), ` +
  `in ${plural(s.count, 'entry', 'entries')}; beyond the limit GitHub evicts the least recently used.`;
const OURS_LINE = (s: CacheUsageSummary, prefixes: readonly string[]) =>
  `This action's (keys starting ${prefixes.map(escapeMarkdown).join(' or ')}): ` +
  `${plural(s.ours.count, 'entry', 'entries')}, ${formatBytes(s.ours.bytes)} (${percent(s.ours.bytes, s.totalBytes)}).`;
const STALE_LINE = (s: CacheUsageSummary, named: string) =>
  `Stale, not accessed for ${STALE_DAYS}+ days (no run restored them lately): ` +
  `${plural(s.stale.count, 'entry', 'entries')}, ${formatBytes(s.stale.bytes)}; largest: ${named}.`;
const EVICTING_LINE = (size: string, after: string) =>
  `⚠️ This save (${size}) brings the total to ${after}, beyond the limit: ` +
  'GitHub evicts the least recently used entries.';
const STALE_HINT = (s: CacheUsageSummary) =>
  ` Not accessed for ${STALE_DAYS}+ days: ` +
  `${plural(s.stale.count, 'entry', 'entries')} (${formatBytes(s.stale.bytes)}).`;
const EVICTS = (key: string, size: string, s: CacheUsageSummary, stale: string) =>
  `Watchmaker: saving ${key}${size} brings the repository's Actions cache to ${formatBytes(s.afterBytes)}, ` +
  `beyond its limit (${s.limitLabel}), so GitHub evicts the least recently used entries.${stale} ` +
  'The job summary shows what the cache holds.';
const HOLDS = (s: CacheUsageSummary) =>
  `Watchmaker: the repository's Actions cache holds ${formatBytes(s.totalBytes)} of ${s.limitLabel} ` +
  `in ${plural(s.count, 'entry', 'entries')}; this action's: ${formatBytes(s.ours.bytes)}.`;
const USAGE_UNREADABLE = (reason: string) =>
  `Watchmaker could not read the repository's cache usage: ${reason}. The cache usage section is left out.`;

export interface CacheEntryRow {
  key: string;
  ref: string;
  sizeBytes: number;
  /** Epoch milliseconds, when the API gave a time it could parse. */
  lastAccessedAt: number | null;
  createdAt: number | null;
}

/** What the two endpoints said. */
export interface CacheUsageData {
  totalBytes: number;
  count: number;
  /** The repository's limit in GB when the API names one; else GitHub's default applies. */
  limitGb: number | null;
  entries: CacheEntryRow[];
  /** False when the listing stopped at the page cap before its last entry. */
  complete: boolean;
}

/** The entry this job saved: its key and the archive size saveCache reported. */
export interface SavedEntry {
  key: string;
  bytes: number | null;
}

export interface CacheUsageSummary {
  totalBytes: number;
  count: number;
  limitBytes: number;
  limitLabel: string;
  /** Entries listed, and whether that is all of them. */
  listed: number;
  complete: boolean;
  ours: { count: number; bytes: number };
  stale: { count: number; bytes: number; largest: Array<CacheEntryRow & { days: number }> };
  saved: SavedEntry | null;
  /** The total once this save is counted. */
  afterBytes: number;
  /** This save takes the total beyond the limit: GitHub evicts the least recently used entries. */
  evicts: boolean;
}

/** Summarises the API's answers for the section and the warning (pure). */
export function summariseUsage(
  data: CacheUsageData,
  opts: { prefixes: readonly string[]; saved: SavedEntry | null; now: number },
): CacheUsageSummary {
  const gb = data.limitGb ?? DEFAULT_LIMIT_GB;
  const limitBytes = gb * GIB;
  const sum = (rows: CacheEntryRow[]) => rows.reduce((n, e) => n + e.sizeBytes, 0);
  const ours = data.entries.filter((e) => opts.prefixes.some((p) => e.key.startsWith(p)));
  const daysSince = (e: CacheEntryRow) =>
    e.lastAccessedAt === null ? null : Math.floor((opts.now - e.lastAccessedAt) / DAY_MS);
  const stale = data.entries.map((e) => ({ ...e, days: daysSince(e) ?? -1 })).filter((e) => e.days >= STALE_DAYS);
  // GitHub refreshes the usage figures every few minutes, so they do not hold the entry just saved yet.
  const afterBytes = data.totalBytes + (opts.saved?.bytes ?? 0);
  return {
    totalBytes: data.totalBytes,
    count: data.count,
    limitBytes,
    limitLabel: data.limitGb === null ? `${gb} GB, GitHub's default` : `${gb} GB, this repository's limit`,
    listed: data.entries.length,
    complete: data.complete,
    ours: { count: ours.length, bytes: sum(ours) },
    stale: {
      count: stale.length,
      bytes: sum(stale),
      largest: [...stale].sort((a, b) => b.sizeBytes - a.sizeBytes).slice(0, NAMED_STALE),
    },
    saved: opts.saved,
    afterBytes,
    evicts: opts.saved !== null && afterBytes > limitBytes,
  };
}

/** The job summary's section, at most 8 lines; every key and ref from the API is escaped (pure). */
export function usageMarkdown(s: CacheUsageSummary, prefixes: readonly string[]): string[] {
  const items = [TOTAL_LINE(s), OURS_LINE(s, prefixes), staleLine(s)];
  if (s.saved) items.push(savedLine(s, s.saved));
  if (!s.complete)
    items.push(
      `Entries counted among the ${s.listed.toLocaleString('en-US')} most recently used; the totals are GitHub's.`,
    );
  return ['#### Watchmaker: Actions cache usage', ...items.map((i) => `- ${i}`)];
}

function staleLine(s: CacheUsageSummary): string {
  if (s.stale.count === 0) return `Stale: none; every entry was accessed in the last ${STALE_DAYS} days.`;
  const named = s.stale.largest
    .map((e) => `${escapeMarkdown(e.key)} on ${escapeMarkdown(e.ref)}, ${formatBytes(e.sizeBytes)}, ${e.days} days`)
    .join('; ');
  return STALE_LINE(s, named);
}

function savedLine(s: CacheUsageSummary, saved: SavedEntry): string {
  const size = saved.bytes === null ? 'size not reported' : formatBytes(saved.bytes);
  const after = `${formatBytes(s.afterBytes)} (${percent(s.afterBytes, s.limitBytes)})`;
  if (s.evicts) return EVICTING_LINE(size, after);
  return `This save: ${size}; about ${after} with it.`;
}

/** The one warning when this save makes GitHub evict older entries, else null (pure). */
export function evictionWarning(s: CacheUsageSummary): string | null {
  if (!s.evicts || !s.saved) return null;
  const size = s.saved.bytes === null ? '' : ` (${formatBytes(s.saved.bytes)})`;
  const stale = s.stale.count > 0 ? STALE_HINT(s) : '';
  return logText(EVICTS(s.saved.key, size, s, stale));
}

/** A time from the API as epoch milliseconds, or null. */
const timeOf = (t: string | null | undefined) => {
  const ms = t ? Date.parse(t) : NaN;
  return Number.isFinite(ms) ? ms : null;
};

/** A limit the usage answer may carry (GitHub's cache-policy endpoints use these names), in GB. */
function limitOf(data: Record<string, unknown>): number | null {
  for (const name of ['repo_cache_size_limit_in_gb', 'max_cache_size_gb']) {
    const v = data[name];
    if (typeof v === 'number' && Number.isFinite(v) && v > 0) return v;
  }
  return null;
}

/** Both endpoints: the usage, then the entries, most recently used first, at most MAX_PAGES pages. */
export async function readCacheUsage(octokit: Octokit, owner: string, repo: string): Promise<CacheUsageData> {
  const { data: usage } = await octokit.rest.actions.getActionsCacheUsage({ owner, repo });
  const entries: CacheEntryRow[] = [];
  let complete = false;
  for (let page = 1; page <= MAX_PAGES && !complete; page++) {
    const { data } = await octokit.rest.actions.getActionsCacheList({
      owner,
      repo,
      per_page: PER_PAGE,
      page,
      sort: 'last_accessed_at',
      direction: 'desc',
    });
    for (const c of data.actions_caches) {
      entries.push({
        key: c.key ?? '',
        ref: c.ref ?? '',
        sizeBytes: c.size_in_bytes ?? 0,
        lastAccessedAt: timeOf(c.last_accessed_at),
        createdAt: timeOf(c.created_at),
      });
    }
    complete = data.actions_caches.length < PER_PAGE || entries.length >= data.total_count;
  }
  return {
    totalBytes: usage.active_caches_size_in_bytes,
    count: usage.active_caches_count,
    limitGb: limitOf(usage as unknown as Record<string, unknown>),
    entries,
    complete,
  };
}

/** What the usage report needs from the run. */
export interface UsageRun {
  config: Pick<Config, 'githubToken'> & { cache: Pick<Config['cache'], 'prefix'> };
  context: RunContext;
  env: NodeJS.ProcessEnv;
  backend: Pick<CacheBackend, 'kind'>;
}

/** Why the usage is not read on this run, or null when it is (pure). */
export function usageSkipReason(run: UsageRun): string | null {
  if (run.context.pullRequest) return "this is a pull request's job";
  if (!run.context.onDefaultBranch) return 'this run is not on the default branch';
  if (run.backend.kind !== 'github') return "the cache is not GitHub's";
  if (!cacheApiScope(run.config, run.context)) return 'the repository or the github-token is unknown';
  return null;
}

/** Keys this action writes: its own prefix, and the configured one (the default is inside the first). */
export function ownPrefixes(prefix: string): string[] {
  const all = ['watchmaker-', `${prefix}-`];
  return all.filter((p, i) => all.indexOf(p) === i && !all.some((q) => q !== p && p.startsWith(q)));
}

/**
 * Reads the usage and writes the section to the job summary, after the save. Never throws: a
 * refused call is one info line naming `actions: read`, a broken API one warning.
 */
export async function reportCacheUsage(
  run: UsageRun,
  saved: { saved: boolean; skippedReason: string | null; key: string; archiveBytes: number | null },
  now = Date.now(),
): Promise<CacheUsageSummary | null> {
  // A save that failed already cost this step its one warning about the cache service.
  const failed = !saved.saved && saved.skippedReason === null ? 'the cache service failed in this step' : null;
  const skipped = failed ?? usageSkipReason(run);
  const scope = cacheApiScope(run.config, run.context);
  if (skipped || !scope) {
    core.debug(`Watchmaker: the cache usage is not read: ${skipped}.`);
    return null;
  }
  try {
    const data = await readCacheUsage(createOctokit(scope.token, scope.apiUrl, run.env), scope.owner, scope.repo);
    const prefixes = ownPrefixes(run.config.cache.prefix);
    const summary = summariseUsage(data, {
      prefixes,
      saved: saved.saved ? { key: saved.key, bytes: saved.archiveBytes } : null,
      now,
    });
    core.info(HOLDS(summary));
    const warning = evictionWarning(summary);
    if (warning) core.warning(warning);
    await writeSection(run.env, usageMarkdown(summary, prefixes));
    return summary;
  } catch (e) {
    reportProblem(e);
    return null;
  }
}

async function writeSection(env: NodeJS.ProcessEnv, lines: string[]): Promise<void> {
  if (!env.GITHUB_STEP_SUMMARY) return;
  try {
    await core.summary.addRaw(`\n${lines.join('\n')}\n`, true).write();
  } catch (e) {
    core.info(`Watchmaker: the cache usage could not be written to the job summary: ${(e as Error).message}`);
  }
}

/** One line: a refusal names the permission (info: the section is optional); a broken API is a warning, once. */
function reportProblem(e: unknown): void {
  const refused = refusalMessage(e, "read the repository's cache usage", 'actions: read');
  if (refused) {
    core.info(`${refused} The cache usage section is left out.`);
  } else if (e instanceof ServiceDownError) {
    core.info(`Watchmaker: the cache usage is not read: ${e.message}.`);
  } else {
    core.warning(USAGE_UNREADABLE((e as Error).message));
  }
}
