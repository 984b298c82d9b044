// The repository's cache usage in the post step: the pure summary on synthetic entries (bytes,
// counts, this action's share, stale entries, when a save makes GitHub evict), its Markdown (short,
// every key and ref escaped), and the shell through the real Octokit against a local GitHub API
// (both endpoints, pagination and its cap, a server that never answers, and no call at all where
// the usage is not read). A refusal (403, 404) is in github-api.test.ts's table of callers.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  DEFAULT_LIMIT_GB,
  evictionWarning,
  ownPrefixes,
  reportCacheUsage,
  summariseUsage,
  usageMarkdown,
  type CacheEntryRow,
  type CacheUsageData,
  type UsageRun,
} from '../../src/cache/usage.js';
import { readRunContext } from '../../src/context.js';
import { resetGates } from '../../src/net/deadline.js';
import { captureStdout } from '../helpers/capture.js';
import { FakeGitHub } from '../helpers/fake-github.js';

const NOW = Date.parse('2026-05-01T12:00:00Z');
const DAY = 86_400_000;
const GIB = 1024 ** 3;
const MIB = 1024 ** 2;
const LIMIT = DEFAULT_LIMIT_GB * GIB;

function row(key: string, sizeBytes: number, daysAgo: number, ref = 'refs/heads/main'): CacheEntryRow {
  return { key, ref, sizeBytes, lastAccessedAt: NOW - daysAgo * DAY, createdAt: NOW - (daysAgo + 1) * DAY };
}

function data(entries: CacheEntryRow[], over: Partial<CacheUsageData> = {}): CacheUsageData {
  return {
    totalBytes: entries.reduce((n, e) => n + e.sizeBytes, 0),
    count: entries.length,
    limitGb: null,
    entries,
    complete: true,
    ...over,
  };
}

const PREFIXES = ownPrefixes('watchmaker-v1');

describe('the summary (pure)', () => {
  const entries = [
    row('watchmaker-v1-wabc-linux-x64-a', 2 * GIB, 0.5),
    row('watchmaker-v1-record-wabc-b', 1 * MIB, 1),
    row('watchmaker-v1-wabc-linux-x64-old', 1 * GIB, 3, 'refs/heads/feature'),
    row('setup-node-npm-123', 512 * MIB, 2.9),
    row('sccache-linux-9', 256 * MIB, 12),
  ];

  test("bytes, counts and this action's share", () => {
    const s = summariseUsage(data(entries), { prefixes: PREFIXES, saved: null, now: NOW });
    expect(s.totalBytes).toBe(3 * GIB + 769 * MIB);
    expect(s.count).toBe(5);
    expect(s.limitBytes).toBe(LIMIT);
    expect(s.limitLabel).toBe("10 GB, GitHub's default");
    expect(s.ours).toEqual({ count: 3, bytes: 3 * GIB + 1 * MIB });
  });

  test("the default prefix is inside the action's own; another prefix counts too", () => {
    expect(ownPrefixes('watchmaker-v1')).toEqual(['watchmaker-']);
    expect(ownPrefixes('ci-rust')).toEqual(['watchmaker-', 'ci-rust-']);
    const s = summariseUsage(data([row('ci-rust-x', 10, 0), row('watchmaker-v0-y', 20, 0), row('other', 40, 0)]), {
      prefixes: ownPrefixes('ci-rust'),
      saved: null,
      now: NOW,
    });
    expect(s.ours).toEqual({ count: 2, bytes: 30 });
  });

  test('stale: not accessed for 3 days or more, largest named first', () => {
    const s = summariseUsage(data(entries), { prefixes: PREFIXES, saved: null, now: NOW });
    expect(s.stale.count).toBe(2);
    expect(s.stale.bytes).toBe(1 * GIB + 256 * MIB);
    expect(s.stale.largest.map((e) => [e.key, e.days])).toEqual([
      ['watchmaker-v1-wabc-linux-x64-old', 3],
      ['sccache-linux-9', 12],
    ]);
  });

  test('a limit the API names is used instead of the default', () => {
    const s = summariseUsage(data(entries, { limitGb: 25 }), { prefixes: PREFIXES, saved: null, now: NOW });
    expect(s.limitBytes).toBe(25 * GIB);
    expect(s.limitLabel).toBe("25 GB, this repository's limit");
  });

  test('eviction: only when this save takes the total beyond the limit', () => {
    const near = data([row('watchmaker-a', 9.5 * GIB, 0)]);
    const under = summariseUsage(near, {
      prefixes: PREFIXES,
      saved: { key: 'watchmaker-b', bytes: 0.5 * GIB },
      now: NOW,
    });
    expect(under.afterBytes).toBe(LIMIT);
    expect(under.evicts).toBe(false);
    expect(evictionWarning(under)).toBeNull();

    const over = summariseUsage(near, {
      prefixes: PREFIXES,
      saved: { key: 'watchmaker-b', bytes: 0.5 * GIB + 1 },
      now: NOW,
    });
    expect(over.evicts).toBe(true);
    expect(evictionWarning(over)).toBe(
      "Watchmaker: saving watchmaker-b (512 MiB) brings the repository's Actions cache to 10 GiB, beyond its limit (10 GB, GitHub's default), so GitHub evicts the least recently used entries. The job summary shows what the cache holds.",
    );

    // Already beyond the limit, but nothing was saved: no warning about this save.
    const nothingSaved = summariseUsage(data([row('x', 11 * GIB, 0)]), { prefixes: PREFIXES, saved: null, now: NOW });
    expect(nothingSaved.evicts).toBe(false);
    // A save of unknown size onto a total already beyond the limit still evicts.
    expect(
      summariseUsage(data([row('x', 11 * GIB, 5)]), { prefixes: PREFIXES, saved: { key: 'k', bytes: null }, now: NOW })
        .evicts,
    ).toBe(true);
    expect(
      evictionWarning(
        summariseUsage(data([row('x', 11 * GIB, 5)]), {
          prefixes: PREFIXES,
          saved: { key: 'k', bytes: null },
          now: NOW,
        }),
      ),
    ).toContain(' Not accessed for 3+ days: 1 entry (11 GiB).');
  });
});

describe('the section (pure)', () => {
  test('at most 8 lines, with every key and ref from the API escaped', () => {
    const hostile = row('watchmaker-`x`|<img src=y>*[a](b)', 300 * MIB, 9, 'refs/heads/<b>@team|_x_');
    const many = [hostile, row('k2', 200 * MIB, 5), row('k3', 100 * MIB, 4), row('k4', 50 * MIB, 8)];
    const s = summariseUsage(data(many, { complete: false, count: 5000, totalBytes: 9.9 * GIB }), {
      prefixes: PREFIXES,
      saved: { key: 'watchmaker-new', bytes: 400 * MIB },
      now: NOW,
    });
    const lines = usageMarkdown(s, PREFIXES);
    expect(lines.length).toBeLessThanOrEqual(8);
    const md = lines.join('\n');
    expect(md).not.toMatch(/<img|<b>|`x`|\|<|@team/);
    expect(md).toContain(
      'watchmaker-\\`x\\`\\|&lt;img src=y&gt;\\*\\[a\\]\\(b\\) on refs/heads/&lt;b&gt;@\u200bteam\\|\\_x\\_, 300 MiB, 9 days',
    );
    expect(lines).toEqual([
      '#### Watchmaker: Actions cache usage',
      "- **9.9 GiB** of 10 GB, GitHub's default (99%), in 5,000 entries; beyond the limit GitHub evicts the least recently used.",
      "- This action's (keys starting watchmaker-): 1 entry, 300 MiB (3%).",
      expect.stringMatching(
        /^- Stale, not accessed for 3\+ days \(no run restored them lately\): 4 entries, 650 MiB; largest: .*; k2 on refs\/heads\/main, 200 MiB, 5 days; k3 on refs\/heads\/main, 100 MiB, 4 days\.$/,
      ),
      '- ⚠️ This save (400 MiB) brings the total to 10 GiB (103%), beyond the limit: GitHub evicts the least recently used entries.',
      "- Entries counted among the 4 most recently used; the totals are GitHub's.",
    ]);
  });

  test('nothing stale, a save well under the limit', () => {
    const s = summariseUsage(data([row('watchmaker-a', GIB, 1)]), {
      prefixes: PREFIXES,
      saved: { key: 'watchmaker-b', bytes: GIB },
      now: NOW,
    });
    expect(usageMarkdown(s, PREFIXES).slice(3)).toEqual([
      '- Stale: none; every entry was accessed in the last 3 days.',
      '- This save: 1.0 GiB; about 2.0 GiB (20%) with it.',
    ]);
  });
});

describe('the shell, against a local GitHub API', () => {
  const summaryFile = path.join(mkdtempSync(path.join(os.tmpdir(), 'wm-usage-')), 'summary.md');
  // @actions/core reads the summary's path from the process environment (once).
  process.env.GITHUB_STEP_SUMMARY = summaryFile;
  let github: FakeGitHub;
  let apiUrl = '';

  beforeEach(async () => {
    resetGates();
    writeFileSync(summaryFile, '');
    github = new FakeGitHub();
    apiUrl = await github.start();
  });
  afterEach(() => github.stop());

  /** A push to the default branch unless the event says otherwise. */
  function usageRun(
    opts: { event?: object; ref?: string; backend?: 'github' | 'local'; env?: NodeJS.ProcessEnv } = {},
  ): UsageRun {
    const env = {
      GITHUB_REPOSITORY: 'o/r',
      GITHUB_REF: opts.ref ?? 'refs/heads/main',
      GITHUB_API_URL: apiUrl,
      GITHUB_ACTIONS: 'true',
      GITHUB_STEP_SUMMARY: summaryFile,
      ...opts.env,
    };
    return {
      config: { githubToken: 'ghs_test', cache: { prefix: 'watchmaker-v1' } },
      context: readRunContext(env, opts.event ?? { repository: { default_branch: 'main' } }),
      env,
      backend: { kind: opts.backend ?? 'github' },
    };
  }

  const apiEntry = (i: number) => ({
    id: i,
    key: i % 2 ? `watchmaker-v1-w${i}` : `other-${i}`,
    ref: 'refs/heads/main',
    version: 'v',
    size_in_bytes: 10 * MIB,
    last_accessed_at: new Date(NOW - (i % 5) * DAY).toISOString(),
    created_at: new Date(NOW - 6 * DAY).toISOString(),
  });

  /** Both endpoints: `count` entries of 10 MiB each, served in pages as GitHub serves them. */
  function serve(count: number, usage: Record<string, unknown> = {}): void {
    github.route('GET', '/repos/{owner}/{repo}/actions/cache/usage', () => ({
      body: { full_name: 'o/r', active_caches_size_in_bytes: count * 10 * MIB, active_caches_count: count, ...usage },
    }));
    github.route('GET', '/repos/{owner}/{repo}/actions/caches', (req) => {
      const page = Number(req.query.get('page') ?? 1);
      const perPage = Number(req.query.get('per_page') ?? 30);
      const all = Array.from({ length: count }, (_, i) => apiEntry(i + 1));
      return { body: { total_count: count, actions_caches: all.slice((page - 1) * perPage, page * perPage) } };
    });
  }

  async function report(
    run: UsageRun,
    saved = { saved: true, skippedReason: null as string | null, key: 'watchmaker-v1-new', archiveBytes: 100 * MIB },
  ) {
    const out = captureStdout();
    try {
      const summary = await reportCacheUsage(run, saved, NOW);
      return { summary, out, markdown: readFileSync(summaryFile, 'utf8') };
    } finally {
      out.restore();
    }
  }

  test('reads the usage and every page of entries, most recently used first, and writes one section', async () => {
    serve(230);
    const { summary, out, markdown } = await report(usageRun());
    const pages = github.requestsTo('GET', '/repos/o/r/actions/caches');
    expect(pages.map((r) => r.query.get('page'))).toEqual(['1', '2', '3']);
    for (const r of pages)
      expect(Object.fromEntries(['per_page', 'sort', 'direction'].map((k) => [k, r.query.get(k)]))).toEqual({
        per_page: '100',
        sort: 'last_accessed_at',
        direction: 'desc',
      });
    expect(github.requestsTo('GET', '/repos/o/r/actions/cache/usage')).toHaveLength(1);
    expect(summary).toMatchObject({
      count: 230,
      listed: 230,
      complete: true,
      ours: { count: 115, bytes: 1150 * MIB },
      evicts: false,
    });
    expect(summary!.stale.count).toBe(92); // i % 5 is 3 or 4
    expect(markdown.match(/^#### Watchmaker: Actions cache usage$/gm)).toHaveLength(1);
    expect(markdown).toContain("- **2.2 GiB** of 10 GB, GitHub's default (22%), in 230 entries");
    expect(markdown).toContain('- This save: 100 MiB; about 2.3 GiB (23%) with it.');
    expect(out.annotations()).toEqual([]);
    expect(out.text()).toContain(
      "Watchmaker: the repository's Actions cache holds 2.2 GiB of 10 GB, GitHub's default in 230 entries; this action's: 1.1 GiB.",
    );
  });

  test('stops at 10 pages of 100 and says the entries were counted among those', async () => {
    serve(1500);
    const { summary, markdown } = await report(usageRun());
    expect(github.requestsTo('GET', '/repos/o/r/actions/caches')).toHaveLength(10);
    expect(summary).toMatchObject({ count: 1500, listed: 1000, complete: false });
    expect(markdown).toContain("- Entries counted among the 1,000 most recently used; the totals are GitHub's.");
  });

  test('a save that takes the total beyond the limit: one warning, and the section says so', async () => {
    serve(3, { active_caches_size_in_bytes: LIMIT - 50 * MIB });
    const { out, markdown } = await report(usageRun());
    const warnings = out.annotations().filter((a) => a.level === 'warning');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.message).toMatch(
      /^Watchmaker: saving watchmaker-v1-new \(100 MiB\) brings the repository's Actions cache to 10 GiB, beyond its limit \(10 GB, GitHub's default\)/,
    );
    expect(markdown).toContain('- ⚠️ This save (100 MiB) brings the total to 10 GiB (100%), beyond the limit');
  });

  test('a server that never answers costs one deadline and one warning', async () => {
    github.route('GET', '/repos/{owner}/{repo}/actions/cache/usage', () => new Promise(() => {}));
    const { summary, out, markdown } = await report(usageRun({ env: { WATCHMAKER_API_TIMEOUT_MS: '200' } }));
    expect(summary).toBeNull();
    expect(out.annotations()).toEqual([
      expect.objectContaining({
        level: 'warning',
        message: expect.stringMatching(
          /^Watchmaker could not read the repository's cache usage: .*did not answer within 200 ms/,
        ),
      }),
    ]);
    expect(github.requests).toHaveLength(1);
    expect(markdown).toBe('');
  });

  test.each([
    [
      'a pull request',
      {
        event: { repository: { default_branch: 'main' }, pull_request: { number: 7, base: { ref: 'main' } } },
        ref: 'refs/pull/7/merge',
      },
    ],
    [
      'pull_request_target (the base branch ref)',
      { event: { repository: { default_branch: 'main' }, pull_request: { number: 7, base: { ref: 'main' } } } },
    ],
    ['a push to another branch', { ref: 'refs/heads/feature' }],
    ['the local backend', { backend: 'local' as const }],
  ])('%s: no call at all, no section', async (_name, opts) => {
    serve(3);
    const { summary, out, markdown } = await report(usageRun(opts));
    expect(summary).toBeNull();
    expect(github.requests).toEqual([]);
    expect(out.annotations()).toEqual([]);
    expect(markdown).toBe('');
  });

  test('a save that failed (the cache service is down): no call, so the step keeps its one warning', async () => {
    serve(3);
    const failed = { saved: false, skippedReason: null, key: 'watchmaker-v1-new', archiveBytes: 0 };
    const { summary, out, markdown } = await report(usageRun(), failed);
    expect(summary).toBeNull();
    expect(github.requests).toEqual([]);
    expect(out.annotations()).toEqual([]);
    expect(markdown).toBe('');
  });
});
