// End to end: inputs that contradict each other. A check that could never fire fails the step
// with a message naming both inputs; inputs that only have no effect get one warning in the main
// step (not again in post); record-path never overwrites a file of the user's.
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Job, type StepResult } from '../helpers/action-runner.js';
import { smallWorkspace } from '../helpers/fixtures.js';

const tmp = (prefix: string) => mkdtempSync(path.join(os.tmpdir(), prefix));
const job = (workspace: string, inputs: Record<string, string>) =>
  new Job({
    workspace,
    inputs: { 'cache-backend': 'local', 'cache-dir': tmp('wm-inputs-cache-'), comment: 'never', ...inputs },
    env: { CARGO_HOME: tmp('wm-inputs-home-') },
  });
const messages = (r: StepResult, level: 'error' | 'warning') =>
  r.annotations.filter((a) => a.level === level).map((a) => a.message);

test('build: false with fail-on-regression: true fails the step, naming both and what to write', async () => {
  const main = await job(smallWorkspace(), { build: 'false', 'fail-on-regression': 'true' }).main();
  expect(main.exitCode).toBe(1);
  expect(messages(main, 'error')).toEqual([
    expect.stringMatching(
      /^Input 'build' is false, .*'fail-on-regression: true'.*Remove 'fail-on-regression: true', or set 'build: true'\.$/,
    ),
  ]);
});

test('inputs with no effect: one warning in main naming them, none repeated in post', async () => {
  const j = job(smallWorkspace(), { build: 'false', comment: 'always', baseline: 'rebuild' });
  const main = await j.main();
  expect(main.exitCode).toBe(0);
  expect(messages(main, 'warning')).toEqual([
    "Input 'build' is false (no timed build, no report), so 'comment', 'baseline' have no effect. Remove them, or set 'build: true'.",
  ]);
  const post = await j.post();
  expect(messages(post, 'warning')).toEqual([]);
});

test("record-path naming the user's Cargo.toml is refused and the file is left as it was", async () => {
  const workspace = smallWorkspace();
  const before = readFileSync(path.join(workspace, 'Cargo.toml'), 'utf8');
  const main = await job(workspace, { 'record-path': 'Cargo.toml' }).main();
  expect(main.exitCode).toBe(1);
  expect(messages(main, 'error')).toEqual([
    expect.stringContaining(
      `Input 'record-path' is ${path.join(workspace, 'Cargo.toml')}, which is a file that is not a Watchmaker run record; the action will not overwrite it.`,
    ),
  ]);
  expect(readFileSync(path.join(workspace, 'Cargo.toml'), 'utf8')).toBe(before);
});
