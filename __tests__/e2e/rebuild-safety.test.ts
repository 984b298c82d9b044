// End to end, baseline: rebuild with a base commit that cannot be used. The base sha comes from
// the event payload, so it is never handed to git unless it is a full object id (no option
// injection), and a base that cannot be built here leaves a head-only report that says why,
// in the summary and in the report-markdown file; the step passes.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Job, type StepResult } from '../helpers/action-runner.js';
import { gitInit, smallWorkspace } from '../helpers/fixtures.js';

const gitEnv = {
  ...process.env,
  GIT_AUTHOR_NAME: 't',
  GIT_AUTHOR_EMAIL: 't@example.invalid',
  GIT_COMMITTER_NAME: 't',
  GIT_COMMITTER_EMAIL: 't@example.invalid',
};
const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', args, { cwd, encoding: 'utf8', env: gitEnv, stdio: ['ignore', 'pipe', 'pipe'] }).trim();

const inputs = { baseline: 'rebuild', 'baseline-samples': '1', cache: 'false', comment: 'never' };

/** The report as a pull request's job summary shows it without a comparison (`note` is matched in the Markdown, where parentheses are escaped). */
function expectHeadOnly(main: StepResult, note: RegExp): void {
  expect(main.exitCode).toBe(0);
  expect(main.outputs.verdict).toBe('no-baseline');
  expect(main.outputs['baseline-seconds']).toBe('');
  expect(main.outputs['change-percent']).toBe('');
  expect(main.summary).toContain('Watchmaker: dev build took');
  expect(main.summary).not.toContain('**Verdict:');
  expect(main.summary).toMatch(/^This job's own build: \d+ units? compiled, \d+ fresh[;.]/m);
  expect(main.summary).toMatch(note);
  expect(main.annotations.filter((a) => a.level === 'warning').map((a) => a.message)).toEqual([
    expect.stringMatching(/^Watchmaker could not rebuild the base commit: /),
  ]);
  expect(main.annotations.filter((a) => a.level === 'error')).toEqual([]);
  // The same report as a file, for workflows that post it elsewhere.
  const file = main.outputs['report-markdown']!;
  expect(existsSync(file)).toBe(true);
  expect(readFileSync(file, 'utf8')).toMatch(note);
  expect(readFileSync(file, 'utf8').trimEnd()).toBe(main.summary.trimEnd());
}

describe('a base sha from the event that is not an object id is never given to git', () => {
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'wm-rebuild-inject-'));
  const workspace = smallWorkspace();
  gitInit(workspace);
  // A local origin: git would run an --upload-pack program for it, were the sha passed as an option.
  const origin = path.join(scratch, 'origin.git');
  execFileSync('git', ['clone', '-q', '--bare', workspace, origin], { env: gitEnv });
  git(workspace, 'remote', 'add', 'origin', origin);

  test.each([
    ['--upload-pack', (marker: string) => `--upload-pack=touch ${marker}`],
    ['-c option', (marker: string) => `-c core.fsmonitor=touch ${marker}`],
    ['a revision expression', () => 'HEAD~0'],
  ])('%s: no command runs, and the report is head-only with a note', async (_label, baseSha) => {
    const marker = path.join(scratch, `pwned-${Math.random().toString(36).slice(2)}`);
    const main = await new Job({ workspace, event: 'pull_request', baseSha: baseSha(marker), inputs }).main();
    expect(existsSync(marker)).toBe(false);
    expectHeadOnly(
      main,
      /No comparison: the base commit could not be rebuilt here \\\(the base commit '.*' from the event is not a git object id\\\)/,
    );
    expect(main.stdout).not.toContain('Fetching the base commit');
    expect(git(workspace, 'worktree', 'list').split('\n')).toHaveLength(1);
  });
});

test('a base commit that is not in the checkout and cannot be fetched (no origin): head-only report saying why, step passes', async () => {
  const workspace = smallWorkspace();
  gitInit(workspace);
  const absent = 'e'.repeat(40);
  expect(() => git(workspace, 'cat-file', '-e', `${absent}^{commit}`)).toThrow();
  const main = await new Job({ workspace, event: 'pull_request', baseSha: absent, inputs }).main();
  expect(main.stdout).toContain(`Fetching the base commit ${absent.slice(0, 12)}`);
  expectHeadOnly(
    main,
    new RegExp(
      `No comparison: the base commit could not be rebuilt here \\\\\\(the base commit ${absent} is not in the checkout and could not be fetched .*Use actions/checkout with 'fetch-depth: 0'`,
    ),
  );
  expect(git(workspace, 'worktree', 'list').split('\n')).toHaveLength(1);
});
