// GitHub's rate limits against a missing permission: both can come as HTTP 403. Through the real
// Octokit against a local GitHub API, a refusal with rate-limit signs is reported as a rate
// limit with when to retry; a plain 403 still names the permission.
import { deleteSupersededEntries } from '../src/cache/github.js';
import { createOctokit, rateLimitOf, RateLimitError } from '../src/github-api.js';
import { resetGates } from '../src/net/deadline.js';
import { captureStdout } from './helpers/capture.js';
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

  test('a plain 403 is still reported as the missing permission', async () => {
    const warnings = await cleanUpWith({ status: 403, body: { message: 'Resource not accessible by integration' } });
    expect(warnings).toEqual([expect.stringContaining("the token lacks the 'actions: write' permission (HTTP 403)")]);
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
