// End to end: the build-time report as a pull request sees it. The default branch stores a
// baseline; the pull request's job compares against it, writes the job summary and keeps one
// sticky comment up to date through the real Octokit against a local GitHub API.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FakeGitHub } from '../helpers/fake-github.js';
import { Job } from '../helpers/action-runner.js';
import { gitInit, workspaceWithRegistryDeps } from '../helpers/fixtures.js';
import { startLocalRegistry, type LocalRegistry } from '../helpers/registry.js';

interface Comment {
  id: number;
  body: string;
  user: { login: string };
}

describe('pull request report', () => {
  const github = new FakeGitHub();
  const comments: Comment[] = [];
  let forbidWrites = false;
  // The registry dependency comes from a local registry; every job's CARGO_HOME points at it.
  let registry: LocalRegistry;
  let workspace = '';
  let cargoVars: Record<string, string | undefined> = {};
  const cacheDir = mkdtempSync(path.join(os.tmpdir(), 'wm-e2e-report-'));
  const inputs = { 'cache-backend': 'local', 'cache-dir': cacheDir };
  let apiUrl = '';
  let sha = '';

  beforeAll(async () => {
    registry = await startLocalRegistry();
    ({ workspace, vars: cargoVars } = workspaceWithRegistryDeps(registry));
    sha = gitInit(workspace);
    github
      .route('GET', '/repos/{owner}/{repo}/issues/{number}/comments', () => ({ body: comments }))
      .route('POST', '/repos/{owner}/{repo}/issues/{number}/comments', (req) => {
        if (forbidWrites) return { status: 403, body: { message: 'Resource not accessible by integration' } };
        const comment = {
          id: 1000 + comments.length,
          body: (req.body as { body: string }).body,
          user: { login: 'github-actions[bot]', type: 'Bot' },
        };
        comments.push(comment);
        return { status: 201, body: comment };
      })
      .route('PATCH', '/repos/{owner}/{repo}/issues/comments/{id}', (req, params) => {
        if (forbidWrites) return { status: 403, body: { message: 'Resource not accessible by integration' } };
        const comment = comments.find((c) => c.id === Number(params.id));
        if (!comment) return { status: 404, body: { message: 'Not Found' } };
        comment.body = (req.body as { body: string }).body;
        return { body: comment };
      });
    apiUrl = await github.start();
    // The default branch's run stores the baseline.
    const push = new Job({ workspace, event: 'push', sha, inputs, env: cargoVars });
    expect((await push.main()).exitCode).toBe(0);
    expect((await push.post()).exitCode).toBe(0);
  });
  afterAll(async () => {
    await github.stop();
    await registry.stop();
  });

  const prJob = (extra: Partial<ConstructorParameters<typeof Job>[0]> = {}) => {
    rmSync(path.join(workspace, 'target'), { recursive: true, force: true });
    return new Job({
      workspace,
      event: 'pull_request',
      sha,
      baseSha: sha,
      inputs,
      env: { ...cargoVars, GITHUB_API_URL: apiUrl },
      ...extra,
    });
  };

  test('the first pull request run creates one comment with the comparison; the second updates it', async () => {
    const first = await prJob().main();
    expect(first.exitCode).toBe(0);
    // A comparison was made (not no-baseline); the same commit, so its inputs are the baseline's: unchanged.
    expect(first.outputs.verdict).toBe('unchanged');
    expect(comments).toHaveLength(1);
    expect(comments[0]!.body).toContain('tool');
    expect(first.summary).toContain('tool');
    const created = github.requestsTo('POST', '/repos/octo-org/octo-repo/issues/7/comments');
    expect(created).toHaveLength(1);
    expect(created[0]!.headers.authorization).toBeDefined();

    const second = await prJob().main();
    expect(second.exitCode).toBe(0);
    expect(comments).toHaveLength(1);
    expect(github.requestsTo('PATCH', '/repos/octo-org/octo-repo/issues/comments/1000')).toHaveLength(1);
    expect(github.requestsTo('POST', '/repos/octo-org/octo-repo/issues/7/comments')).toHaveLength(1);
    // The token never reaches the log or the comment.
    expect(second.stdout).not.toContain('ghs_fakeTokenForTests');
    expect(comments[0]!.body).not.toContain('ghs_fakeTokenForTests');
  });

  test('a fork pull request gets the report in the job summary and one warning, and the step passes', async () => {
    const before = github.requests.length;
    const run = await prJob({ fromFork: true, prNumber: 8 }).main();
    expect(run.exitCode).toBe(0);
    expect(github.requests.slice(before).filter((r) => r.method !== 'GET')).toHaveLength(0);
    const warnings = run.annotations.filter((a) => a.level === 'warning' && /comment/i.test(a.message));
    expect(warnings).toHaveLength(1);
    expect(run.summary).toContain('tool');
  });

  test('without pull-requests: write the comment is a warning, not a failure', async () => {
    forbidWrites = true;
    try {
      const run = await prJob({ prNumber: 9 }).main();
      expect(run.exitCode).toBe(0);
      expect(
        run.annotations.filter((a) => a.level === 'warning' && /pull-requests: write/.test(a.message)),
      ).toHaveLength(1);
    } finally {
      forbidWrites = false;
    }
  });
});
