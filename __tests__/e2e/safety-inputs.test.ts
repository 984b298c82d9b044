// End to end: a bad input fails the main step with one error annotation that names the input
// and says what to write instead (no stack trace, no misleading cause), and the post step
// after it succeeds quietly.
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Job, type StepResult } from '../helpers/action-runner.js';
import { smallWorkspace, writeTree } from '../helpers/fixtures.js';

const tmp = (prefix: string) => mkdtempSync(path.join(os.tmpdir(), prefix));

/** A stack frame as Node prints it. */
const STACK_FRAME = /^\s+at .+(:\d+:\d+\)?|\(node:.+\))$/m;

async function runBadInput(
  workspace: string,
  inputs: Record<string, string>,
): Promise<{ main: StepResult; post: StepResult }> {
  const job = new Job({
    workspace,
    inputs: { 'cache-backend': 'local', 'cache-dir': tmp('wm-inputs-cache-'), ...inputs },
    env: { CARGO_HOME: tmp('wm-inputs-cargo-home-') },
  });
  const main = await job.main();
  const post = await job.post();
  return { main, post };
}

/** The one error annotation of the step, checked for what every input error must be. */
function theInputError(main: StepResult, input: string): string {
  expect(main.exitCode).toBe(1);
  const errors = main.annotations.filter((a) => a.level === 'error');
  expect(errors).toHaveLength(1);
  const message = errors[0]!.message;
  expect(message).toContain(`'${input}'`);
  expect(message).not.toMatch(STACK_FRAME);
  expect(message).not.toMatch(/Watchmaker failed:/);
  // Nothing on the log looks like a crash either.
  expect(main.stdout).not.toMatch(STACK_FRAME);
  expect(main.stderr).not.toMatch(STACK_FRAME);
  return message;
}

function expectQuietPost(post: StepResult): void {
  expect(post.exitCode).toBe(0);
  expect(post.annotations.filter((a) => a.level === 'error')).toEqual([]);
}

test('working-directory that does not exist', async () => {
  const workspace = smallWorkspace();
  const { main, post } = await runBadInput(workspace, { 'working-directory': 'does-not-exist' });
  const message = theInputError(main, 'working-directory');
  expect(message).toContain(path.join(workspace, 'does-not-exist'));
  expect(message).toMatch(/not a directory/);
  expect(message).toMatch(/relative to the repository root/);
  expect(message).not.toMatch(/not found on PATH/i);
  expect(main.stdout).not.toMatch(/not found on PATH/i);
  expectQuietPost(post);
});

describe('a Cargo.toml that is not TOML', () => {
  test.each(['false', 'true'])(
    'names working-directory and what cargo says (fail-on-cache-error: %s)',
    async (failOnCacheError) => {
      const workspace = writeTree({
        'Cargo.toml': '[package]\nname = "broken"\nversion = 0.1.0\n',
        'src/main.rs': 'fn main() {}\n',
      });
      const { main, post } = await runBadInput(workspace, { 'fail-on-cache-error': failOnCacheError });
      const message = theInputError(main, 'working-directory');
      expect(message).toContain(workspace);
      // Cargo's complaint, quoted.
      expect(message).toMatch(/version = 0\.1\.0/);
      expect(message).toMatch(/fix the manifest/);
      // Not passed off as a cache problem.
      expect(message).not.toMatch(/cache/i);
      expect(main.annotations.filter((a) => a.level === 'warning')).toEqual([]);
      expect(main.outputs['cache-hit']).toBeUndefined();
      expectQuietPost(post);
    },
  );
});

test('record-path in a place that cannot be written (below a regular file)', async () => {
  const workspace = smallWorkspace();
  const file = path.join(tmp('wm-inputs-file-'), 'plain-file');
  writeFileSync(file, 'not a directory\n');
  const { main, post } = await runBadInput(workspace, { 'record-path': path.join(file, 'record.json') });
  const message = theInputError(main, 'record-path');
  expect(message).toContain(path.join(file, 'record.json'));
  expect(message).toMatch(/cannot be written \((EEXIST|ENOTDIR)\)/);
  expect(message).toMatch(/Leave it empty/);
  expectQuietPost(post);
});

test('record-path below /etc/hostname', async () => {
  const { main, post } = await runBadInput(smallWorkspace(), { 'record-path': '/etc/hostname/x.json' });
  const message = theInputError(main, 'record-path');
  expect(message).toMatch(/cannot be written/);
  expectQuietPost(post);
});

test('cache-prefix of 500 characters', async () => {
  const { main, post } = await runBadInput(smallWorkspace(), { 'cache-prefix': 'p'.repeat(500) });
  const message = theInputError(main, 'cache-prefix');
  expect(message).toMatch(/\(500 characters\)/);
  expect(message).toMatch(/at most 100 characters/);
  // The message shows a prefix of the value, not all 500 characters.
  expect(message).not.toContain('p'.repeat(100));
  expectQuietPost(post);
});

test('build-command with --release', async () => {
  const { main, post } = await runBadInput(smallWorkspace(), { 'build-command': 'cargo build --release' });
  const message = theInputError(main, 'build-command');
  expect(message).toContain("'--release'");
  expect(message).toContain("'profile: release'");
  expectQuietPost(post);
});
