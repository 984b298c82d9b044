// GitHub's rate limits against a missing permission: both can come as HTTP 403. Through the real
// Octokit against a local GitHub API, a refusal with rate-limit signs is reported as a rate
// limit with when to retry; a plain refusal (403, or the 404 GitHub answers for what a token may
// not see) names the permission, one line for every caller (the table below; the pull-request
// comment's is in e2e/report.test.ts, through the bundle).
import { deleteSupersededEntries, GitHubCacheBackend } from '../src/cache/github.js';
import { reportCacheUsage } from '../src/cache/usage.js';
import { readRunContext } from '../src/context.js';
import { createOctokit, permissionMessage, rateLimitOf, RateLimitError } from '../src/github-api.js';
import { resetGates } from '../src/net/deadline.js';
import { captureStdout, type CapturedOutput } from './helpers/capture.js';
import { FakeGitHub, type RouteResponse } from './helpers/fake-github.js';

const SECONDARY = 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.';

/** deleteSupersededEntries (the post step's clean-up) against an API that answers the listing with `answer`; its warnings. */
async function cleanUpWith(answer: RouteResponse): Promise<string[]> {
  resetGates();
  const github = new FakeGitHub();
  github.route('GET', '/repos/{owner}/{repo}/actions/caches', () => answer);
  const apiUrl = await github.start();
  const out = captureStdout();
  try {
    await deleteSupersededEntries({
      owner: 'o',
      repo: 'r',
      ref: 'refs/heads/main',
      token: 'ghs_test',
      apiUrl,
      prefix: 'k-',
      keepKey: 'k-1',
      env: {},
    });
  } finally {
    out.restore();
    await github.stop();
  }
  return out
    .annotations()
    .filter((a) => a.level === 'warning')
    .map((a) => a.message);
}

describe('a refusal with rate-limit signs is a rate limit, not a missing permission', () => {
  test('a secondary rate limit (403 with retry-after) says so and when to retry', async () => {
    const warnings = await cleanUpWith({ status: 403, headers: { 'retry-after': '60' }, body: { message: SECONDARY } });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(
      /GitHub's secondary rate limit refused GET \/repos\/\{owner\}\/\{repo\}\/actions\/caches \(HTTP 403\); retry in 60 s \(after \d\d:\d\d:\d\d UTC\)/,
    );
    expect(warnings[0]).toContain('This is not a missing permission.');
    expect(warnings[0]).not.toMatch(/lacks the 'actions: write' permission/);
  });

  test('no requests left (403, x-ratelimit-remaining: 0): retry after the reset time', async () => {
    const reset = Math.floor(Date.now() / 1000) + 600;
    const warnings = await cleanUpWith({
      status: 403,
      headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(reset) },
      body: { message: 'API rate limit exceeded for installation ID 1.' },
    });
    expect(warnings).toEqual([
      expect.stringMatching(
        /GitHub's API rate limit refused .* \(HTTP 403\); retry in \d+ s \(after \d\d:\d\d:\d\d UTC\)\. This is not a missing permission\./,
      ),
    ]);
    expect(warnings[0]).not.toContain('permission (HTTP');
  });

  test('429 without a time: wait a few minutes', async () => {
    const warnings = await cleanUpWith({ status: 429, body: { message: 'Too many requests' } });
    expect(warnings).toEqual([
      expect.stringContaining('(HTTP 429); GitHub did not say when to retry: wait a few minutes.'),
    ]);
  });

  test('after a rate limit the API is not called again in the step', async () => {
    resetGates();
    const github = new FakeGitHub();
    github.route('GET', '/user', () => ({
      status: 403,
      headers: { 'retry-after': '30' },
      body: { message: SECONDARY },
    }));
    const apiUrl = await github.start();
    try {
      const octokit = createOctokit('ghs_test', apiUrl, {});
      await expect(octokit.rest.users.getAuthenticated()).rejects.toBeInstanceOf(RateLimitError);
      await expect(octokit.rest.users.getAuthenticated()).rejects.toThrow(/secondary rate limit .*; not called again/);
      expect(github.requests).toHaveLength(1);
    } finally {
      await github.stop();
    }
  });
});

/** GitHub's refusals: 403 (the token lacks a permission) and 404 (what a token may not see is hidden). */
const REFUSALS = {
  403: { status: 403, body: { message: 'Resource not accessible by integration' } },
  404: { status: 404, body: { message: 'Not Found' } },
} as const;

interface Caller {
  caller: string;
  /** The endpoint that refuses (the caller's first call). */
  route: [method: string, path: string];
  statuses: Array<keyof typeof REFUSALS>;
  /** The one line the caller reports for a refusal with this status. */
  line(status: number): string;
  /** Runs the caller against the API and returns what it reported; asserts the caller's own outcome. */
  run(apiUrl: string, out: CapturedOutput): Promise<string[]>;
}

const scope = (apiUrl: string) => ({ token: 'ghs_test', apiUrl, owner: 'o', repo: 'r', ref: 'refs/heads/main' });
const warnings = (out: CapturedOutput) =>
  out
    .annotations()
    .filter((a) => a.level === 'warning')
    .map((a) => a.message);

const CALLERS: Caller[] = [
  {
    caller: 'deleting superseded cache entries (post): a warning, nothing deleted',
    route: ['GET', '/repos/{owner}/{repo}/actions/caches'],
    statuses: [403, 404],
    line: (status) =>
      `${permissionMessage('delete superseded cache entries', 'actions: write', status)} Or ignore this: old entries then expire on GitHub's schedule.`,
    run: async (apiUrl, out) => {
      const result = await deleteSupersededEntries({ ...scope(apiUrl), prefix: 'k-', keepKey: 'k-1', env: {} });
      expect(result.deleted).toEqual([]);
      expect([result.problem]).toEqual(warnings(out));
      return warnings(out);
    },
  },
  {
    caller: "reading the repository's cache usage (post): an info line, no warning, no section",
    route: ['GET', '/repos/{owner}/{repo}/actions/cache/usage'],
    statuses: [403, 404],
    line: (status) =>
      `${permissionMessage("read the repository's cache usage", 'actions: read', status)} The cache usage section is left out.`,
    run: async (apiUrl, out) => {
      const env = { GITHUB_REPOSITORY: 'o/r', GITHUB_REF: 'refs/heads/main', GITHUB_ACTIONS: 'true' };
      const run = {
        config: { githubToken: 'ghs_test', cache: { prefix: 'watchmaker-v1' } },
        context: readRunContext({ ...env, GITHUB_API_URL: apiUrl }, { repository: { default_branch: 'main' } }),
        env,
        backend: { kind: 'github' as const },
      };
      const saved = { saved: true, skippedReason: null, key: 'watchmaker-v1-new', archiveBytes: 1 };
      expect(await reportCacheUsage(run, saved)).toBeNull();
      expect(out.annotations()).toEqual([]);
      return out
        .text()
        .split('\n')
        .filter((l) => l.includes('cache usage'));
    },
  },
  {
    // A 404 here means the entry is already gone: no refusal.
    caller: 'replacing a stale cache entry (post): an error the save step reports',
    route: ['DELETE', '/repos/{owner}/{repo}/actions/caches'],
    statuses: [403],
    line: (status) => permissionMessage('replace the cache entry k-1', 'actions: write', status),
    run: async (apiUrl) => {
      const failed = await new GitHubCacheBackend({}, scope(apiUrl)).remove('k-1').then(
        () => null,
        (e: unknown) => e as Error,
      );
      return failed ? [failed.message] : [];
    },
  },
];

describe.each(CALLERS)('a refusal names the permission: $caller', ({ route, statuses, line, run }) => {
  test.each(statuses)('HTTP %i', async (status) => {
    resetGates();
    const github = new FakeGitHub();
    github.route(route[0], route[1], () => REFUSALS[status]);
    const apiUrl = await github.start();
    const out = captureStdout();
    let reported: string[];
    try {
      reported = await run(apiUrl, out);
    } finally {
      out.restore();
      await github.stop();
    }
    expect(reported).toEqual([line(status)]);
    expect(github.requests).toHaveLength(1);
    expect(out.text()).not.toContain('ghs_test');
  });
});

test('rateLimitOf reads retry-after as seconds or as an HTTP date', () => {
  const now = Date.parse('2026-05-01T12:00:00Z');
  const error = (headers: Record<string, string>) =>
    Object.assign(new Error('Forbidden'), { status: 403, response: { headers } });
  expect(rateLimitOf(error({ 'retry-after': '5' }), 'GET /x', now)?.retryAfterSeconds).toBe(5);
  expect(rateLimitOf(error({ 'retry-after': 'Fri, 01 May 2026 12:02:00 GMT' }), 'GET /x', now)?.message).toContain(
    'retry in 120 s (after 12:02:00 UTC)',
  );
  expect(rateLimitOf(error({}), 'GET /x', now)).toBeNull();
  expect(
    rateLimitOf(
      Object.assign(new Error('Not Found'), { status: 404, response: { headers: { 'retry-after': '5' } } }),
      'GET /x',
      now,
    ),
  ).toBeNull();
});
