// End to end, the sticky pull-request comment's safety rules (dist/main.js against a local
// GitHub API): only a comment that this token's identity wrote AND that starts with this job's
// marker is ever edited; a refused edit falls back to a new comment; matrix legs that differ
// only by cache-key keep separate comments and separate baselines.
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseConfig } from '../../src/config.js';
import { LocalCacheBackend } from '../../src/cache/local.js';
import { commentMarker } from '../../src/report/render.js';
import { actionDefaults, Job, type StepResult } from '../helpers/action-runner.js';
import { FakeGitHub, type RecordedRequest } from '../helpers/fake-github.js';
import { smallWorkspace } from '../helpers/fixtures.js';

interface Comment {
  id: number;
  body: string;
  user: { login: string; type: 'User' | 'Bot' };
  performed_via_github_app?: { slug: string } | null;
}

const BOT = { login: 'github-actions[bot]', type: 'Bot' } as const;
const MALLORY = { login: 'mallory', type: 'User' } as const;

const github = new FakeGitHub();
let apiUrl = '';
const workspace = smallWorkspace();
// The build's dependencies stay compiled between jobs (target/ is kept): each job is quick.
const cargoHome = mkdtempSync(path.join(os.tmpdir(), 'wm-comment-cargo-home-'));

/** The fake's state, reset before each test. */
let comments: Comment[] = [];
let nextId = 5000;
/** Who the token is: 'app' (GET /user answers 403, as for GITHUB_TOKEN) or a user's login. */
let identity: 'app' | string = 'app';
/** When set, PATCH answers this status. */
let patchStatus: number | null = null;

beforeAll(async () => {
  github
    .route('GET', '/repos/{owner}/{repo}/issues/{number}/comments', () => ({ body: comments }))
    .route('GET', '/user', () =>
      identity === 'app'
        ? { status: 403, body: { message: 'Resource not accessible by integration' } }
        : { body: { login: identity, id: 42, type: 'User' } },
    )
    .route('POST', '/repos/{owner}/{repo}/issues/{number}/comments', (req) => {
      const user = identity === 'app' ? { ...BOT } : { login: identity, type: 'User' as const };
      const comment: Comment = {
        id: nextId++,
        body: (req.body as { body: string }).body,
        user,
        performed_via_github_app: identity === 'app' ? { slug: 'github-actions' } : null,
      };
      comments.push(comment);
      return { status: 201, body: comment };
    })
    .route('PATCH', '/repos/{owner}/{repo}/issues/comments/{id}', (req, params) => {
      if (patchStatus !== null)
        return { status: patchStatus, body: { message: 'Resource not accessible by integration' } };
      const comment = comments.find((c) => c.id === Number(params.id));
      if (!comment) return { status: 404, body: { message: 'Not Found' } };
      comment.body = (req.body as { body: string }).body;
      return { body: comment };
    });
  apiUrl = await github.start();
});
afterAll(async () => {
  await github.stop();
});
beforeEach(() => {
  comments = [];
  identity = 'app';
  patchStatus = null;
  github.requests.length = 0;
});

/** The cache-key-derived variant, as the action computes it from these inputs. */
function markerFor(inputs: Record<string, string> = {}): string {
  const all = { ...actionDefaults('t'), ...inputs };
  const config = parseConfig((name) => all[name] ?? '', { GITHUB_WORKSPACE: workspace, CI: 'true' }, workspace);
  return commentMarker('build', config.profile, config.variant);
}

function prJob(
  inputs: Record<string, string> = {},
  cacheDir = mkdtempSync(path.join(os.tmpdir(), 'wm-comment-cache-')),
): Job {
  return new Job({
    workspace,
    event: 'pull_request',
    inputs: { cache: 'false', 'cache-backend': 'local', 'cache-dir': cacheDir, ...inputs },
    env: { GITHUB_API_URL: apiUrl, CARGO_HOME: cargoHome },
  });
}

const patches = () => github.requestsTo('PATCH', '/repos/octo-org/octo-repo/issues/comments/');
const posts = () => github.requestsTo('POST', '/repos/octo-org/octo-repo/issues/7/comments');
const patchedIds = () => patches().map((r: RecordedRequest) => Number(r.path.split('/').at(-1)));
const commentWarnings = (step: StepResult) =>
  step.annotations.filter((a) => a.level === 'warning' && /comment/i.test(a.message));

test('comments by someone else are never edited, whether they start with the marker or only quote it; a new one is created', async () => {
  const marker = markerFor();
  const planted: Comment[] = [
    // Another user's comment that starts with this job's marker (copied from an earlier report).
    { id: 1, body: `${marker}\n### Watchmaker: fake numbers`, user: { ...MALLORY } },
    // A user named like the bot, but not a bot: users cannot be one.
    { id: 2, body: `${marker}\nimpersonation`, user: { login: 'github-actions[bot]', type: 'User' } },
    // The bot's own comment that only quotes the marker further down (not at the start).
    {
      id: 3,
      body: `Earlier report, quoted:\n> ${marker}\n> slow`,
      user: { ...BOT },
      performed_via_github_app: { slug: 'github-actions' },
    },
    // Another user quoting it.
    { id: 4, body: `> ${marker}\nwhy is this slow?`, user: { ...MALLORY } },
  ];
  comments = planted.map((c) => ({ ...c, user: { ...c.user } }));
  const main = await prJob({ comment: 'always' }).main();
  expect(main.exitCode).toBe(0);
  expect(patches()).toHaveLength(0);
  expect(posts()).toHaveLength(1);
  expect(main.stdout).toContain('Commented the build-time report on #7.');
  // The planted comments are untouched; the new one starts with the marker.
  expect(comments.slice(0, 4).map((c) => c.body)).toEqual(planted.map((c) => c.body));
  expect(comments).toHaveLength(5);
  expect(comments[4]!.body.startsWith(`${marker}\n`)).toBe(true);
  expect(commentWarnings(main)).toEqual([]);
});

test("the bot's own comment that starts with the marker is edited when GET /user answers 403 (installation token)", async () => {
  const marker = markerFor();
  comments = [
    { id: 20, body: `${marker}\nold report`, user: { ...MALLORY } },
    { id: 21, body: `${marker}\nold report`, user: { ...BOT }, performed_via_github_app: { slug: 'github-actions' } },
  ];
  const main = await prJob().main();
  expect(main.exitCode).toBe(0);
  expect(github.requestsTo('GET', '/user')).toHaveLength(1);
  expect(patchedIds()).toEqual([21]);
  expect(posts()).toHaveLength(0);
  expect(main.stdout).toContain('Updated the build-time comment on #7.');
  expect(comments.find((c) => c.id === 21)!.body).toMatch(
    /^<!-- watchmaker-report .*-->\n### .*Watchmaker: dev build took/,
  );
  expect(comments.find((c) => c.id === 20)!.body).toBe(`${marker}\nold report`);
});

test("with a personal token the comment by the token's user is edited, another user's is not", async () => {
  const marker = markerFor();
  identity = 'me';
  comments = [
    { id: 30, body: `${marker}\nold`, user: { login: 'other', type: 'User' } },
    { id: 31, body: `${marker}\nold`, user: { login: 'me', type: 'User' } },
  ];
  const edited = await prJob().main();
  expect(edited.exitCode).toBe(0);
  expect(patchedIds()).toEqual([31]);
  expect(posts()).toHaveLength(0);
  expect(comments.find((c) => c.id === 30)!.body).toBe(`${marker}\nold`);

  // Only someone else's marked comment: a new comment, by 'me'.
  github.requests.length = 0;
  comments = [{ id: 32, body: `${marker}\nold`, user: { login: 'other', type: 'User' } }];
  const created = await prJob().main();
  expect(created.exitCode).toBe(0);
  expect(patches()).toHaveLength(0);
  expect(posts()).toHaveLength(1);
  expect(comments.map((c) => c.user.login)).toEqual(['other', 'me']);
});

test('a refused edit (PATCH 403) posts a new comment instead and the step passes', async () => {
  const marker = markerFor();
  comments = [
    { id: 40, body: `${marker}\nold`, user: { ...BOT }, performed_via_github_app: { slug: 'github-actions' } },
  ];
  patchStatus = 403;
  const main = await prJob().main();
  expect(main.exitCode).toBe(0);
  expect(patchedIds()).toEqual([40]);
  expect(posts()).toHaveLength(1);
  expect(main.stdout).toContain('GitHub refused to edit the earlier build-time comment (HTTP 403); posting a new one.');
  expect(main.stdout).toContain('Commented the build-time report on #7.');
  expect(comments).toHaveLength(2);
  expect(comments[1]!.body.startsWith(`${marker}\n`)).toBe(true);
  expect(main.annotations.filter((a) => a.level === 'error')).toEqual([]);
});

test('matrix legs that differ only by cache-key get their own comment and their own baseline', async () => {
  const markerA = markerFor({ 'cache-key': 'leg-a' });
  const markerB = markerFor({ 'cache-key': 'leg-b' });
  expect(markerA).not.toBe(markerB);

  // Pull request: leg A comments, leg B does not touch A's comment but adds its own; a re-run
  // of leg A then edits A's comment.
  const a = await prJob({ 'cache-key': 'leg-a' }).main();
  const b = await prJob({ 'cache-key': 'leg-b' }).main();
  expect([a.exitCode, b.exitCode]).toEqual([0, 0]);
  expect(posts()).toHaveLength(2);
  expect(patches()).toHaveLength(0);
  expect(comments.map((c) => c.body.split('\n')[0])).toEqual([markerA, markerB]);
  const again = await prJob({ 'cache-key': 'leg-a' }).main();
  expect(again.exitCode).toBe(0);
  expect(patchedIds()).toEqual([comments[0]!.id]);
  expect(comments).toHaveLength(2);

  // Default branch: each leg stores its run record under its own baseline key.
  const cacheDir = mkdtempSync(path.join(os.tmpdir(), 'wm-comment-legs-'));
  const stored: string[] = [];
  for (const leg of ['leg-a', 'leg-b']) {
    const job = new Job({
      workspace,
      event: 'push',
      inputs: { cache: 'false', 'cache-backend': 'local', 'cache-dir': cacheDir, 'cache-key': leg },
      env: { CARGO_HOME: cargoHome },
    });
    expect((await job.main()).exitCode).toBe(0);
    const post = await job.post();
    expect(post.exitCode).toBe(0);
    const key = /Stored the run record as the baseline for later runs \(([^)]+)\)/.exec(post.stdout)?.[1];
    expect(key).toBeDefined();
    expect(key).toContain(`-${leg}-`);
    stored.push(key!);
  }
  expect(stored[0]).not.toBe(stored[1]);
  expect(
    new LocalCacheBackend(cacheDir)
      .entries()
      .map((e) => e.key)
      .sort(),
  ).toEqual([...stored].sort());
});
