// The run's context through @actions/github's own Context, under the environment the caller
// passes (never the test process's), and the event file as the runner writes it.
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadRunContext, readRunContext } from '../src/context.js';
import { captureStdout } from './helpers/capture.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'wm-context-'));
const eventFile = (name: string, text: string) => {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
};

const RUNNER = {
  GITHUB_ACTIONS: 'true',
  GITHUB_REPOSITORY: 'octo-org/octo-repo',
  GITHUB_EVENT_NAME: 'pull_request',
  GITHUB_REF: 'refs/pull/7/merge',
  GITHUB_REF_NAME: '7/merge',
  GITHUB_SHA: 'd'.repeat(40),
  GITHUB_RUN_ID: '4242',
  GITHUB_JOB: 'build',
  GITHUB_SERVER_URL: 'https://github.com',
  GITHUB_API_URL: 'http://127.0.0.1:9',
};
const PULL_REQUEST = {
  repository: { default_branch: 'main' },
  pull_request: {
    number: 7,
    base: { ref: 'main', sha: 'b'.repeat(40), repo: { full_name: 'octo-org/octo-repo' } },
    head: { ref: 'feature', sha: 'h'.repeat(40), repo: { full_name: 'fork/octo-repo' } },
  },
};

test("a pull request's run: refs from the runner's variables, the pull request from the payload", () => {
  expect(readRunContext(RUNNER, PULL_REQUEST)).toEqual({
    onGitHub: true,
    eventName: 'pull_request',
    ref: 'refs/pull/7/merge',
    refName: '7/merge',
    sha: 'd'.repeat(40),
    repository: 'octo-org/octo-repo',
    owner: 'octo-org',
    repo: 'octo-repo',
    defaultBranch: 'main',
    pullRequest: { number: 7, baseRef: 'main', baseSha: 'b'.repeat(40), headSha: 'h'.repeat(40), fromFork: true },
    onDefaultBranch: false,
    runUrl: 'https://github.com/octo-org/octo-repo/actions/runs/4242',
    job: 'build',
    apiUrl: 'http://127.0.0.1:9',
    serverUrl: 'https://github.com',
  });
});

test('the environment passed in is the one read, never the test process’s own', () => {
  const saved = { ...process.env };
  Object.assign(process.env, RUNNER);
  try {
    const local = readRunContext({}, null);
    expect(local).toMatchObject({ onGitHub: false, eventName: null, ref: null, repository: null, runUrl: null });
    expect(local.serverUrl).toBe('https://github.com');
    expect(local.apiUrl).toBe('https://api.github.com');
    expect(process.env.GITHUB_REPOSITORY).toBe('octo-org/octo-repo');
  } finally {
    process.env = saved;
  }
});

test('empty variables count as unset; without GITHUB_REPOSITORY the payload names the repository', () => {
  const context = readRunContext(
    { GITHUB_REF: 'refs/heads/main', GITHUB_SERVER_URL: '', GITHUB_REPOSITORY: '', GITHUB_RUN_ID: '1' },
    { repository: { default_branch: 'main', name: 'r', owner: { login: 'o' } } },
  );
  expect(context).toMatchObject({
    serverUrl: 'https://github.com',
    repository: 'o/r',
    refName: 'main',
    onDefaultBranch: true,
    runUrl: 'https://github.com/o/r/actions/runs/1',
  });
});

test('loadRunContext reads the event file; a missing file is no payload', () => {
  const file = eventFile('event.json', JSON.stringify(PULL_REQUEST));
  expect(loadRunContext({ ...RUNNER, GITHUB_EVENT_PATH: file }).pullRequest?.number).toBe(7);
  const out = captureStdout();
  try {
    const missing = loadRunContext({ ...RUNNER, GITHUB_EVENT_PATH: path.join(dir, 'none.json') });
    expect(missing.pullRequest).toBeNull();
    expect(missing.defaultBranch).toBeNull();
  } finally {
    out.restore();
  }
});

test('an event file that is not JSON is an error naming GITHUB_EVENT_PATH', () => {
  const file = eventFile('broken.json', '{"pull_request": ');
  expect(() => loadRunContext({ ...RUNNER, GITHUB_EVENT_PATH: file })).toThrow(
    new RegExp(
      `^GITHUB_EVENT_PATH \\(${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\) is not valid JSON: .+\\. The runner writes this file`,
    ),
  );
  expect(() => loadRunContext({ ...RUNNER, GITHUB_EVENT_PATH: dir })).toThrow(
    /^GITHUB_EVENT_PATH \(.*\) could not be read: EISDIR/,
  );
});
