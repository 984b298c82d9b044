// End to end, baseline: rebuild. The pull request's base commit is built in a git worktree in
// the same job, alternating with the head, and a real slowdown in the head is called one.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { Job } from '../helpers/action-runner.js';
import { git, gitInit, growCoreLib, smallWorkspace } from '../helpers/fixtures.js';
import { LAYOUTS } from '../helpers/layouts.js';

test.each(LAYOUTS)(
  'a pull request that makes a crate much slower to compile is reported as a regression against its rebuilt base ($name)',
  async ({ env }) => {
    const workspace = smallWorkspace();
    const baseSha = gitInit(workspace);
    // The head commit: core-lib grows by a few thousand functions.
    const headSha = growCoreLib(workspace, 2500);

    const job = new Job({
      workspace,
      event: 'pull_request',
      baseSha,
      sha: headSha,
      inputs: { baseline: 'rebuild', 'baseline-samples': '3', cache: 'false', comment: 'never' },
      env,
    });
    const main = await job.main();
    expect(main.exitCode).toBe(0);
    expect(main.stdout).toContain(`building the base commit ${baseSha.slice(0, 12)}`);
    expect(main.outputs.verdict).toBe('regression');
    // The outputs carry the figures the headline shows (no assertion on how large a measured time is).
    const shown = /slower: \+([\d.]+)% CPU time/.exec(main.summary);
    expect(Math.abs(Number(shown?.[1]) - Number(main.outputs['change-percent']))).toBeLessThanOrEqual(0.05);
    expect(main.outputs['baseline-seconds']).toMatch(/^\d+\.\d\d$/);
    // 3 samples per side, and more while they leave the question open (how many depends on the noise).
    expect(main.summary).toMatch(/rebuilt here (3|5|7|9|12|15)× alternating with this commit/);
    // The crate's row (its own label depends on its samples' noise: no assertion on that).
    expect(main.summary).toMatch(/\| core-lib \| [\d.]+ s \| [\d.]+ s \| \+\d+\.\d% \| /);
    expect(main.summary).toMatch(/\b(3|5|7|9|12|15) samples per side/);
    // The worktree is removed afterwards.
    expect(git(workspace, 'worktree', 'list').split('\n')).toHaveLength(1);
  },
);

test('fail-on-regression fails the step after reporting', async () => {
  const workspace = smallWorkspace();
  const baseSha = gitInit(workspace);
  const functions = Array.from({ length: 2500 }, (_, i) => `pub fn g${i}(x: u64) -> u64 { x.wrapping_add(${i}) }`).join(
    '\n',
  );
  writeFileSync(path.join(workspace, 'core-lib/src/lib.rs'), `pub fn answer() -> u64 { 385 }\n${functions}\n`);
  git(workspace, 'commit', '-qam', 'grow');
  const main = await new Job({
    workspace,
    event: 'pull_request',
    baseSha,
    inputs: {
      baseline: 'rebuild',
      'baseline-samples': '1',
      cache: 'false',
      comment: 'never',
      'fail-on-regression': 'true',
    },
  }).main();
  expect(main.exitCode).toBe(1);
  expect(main.outputs.verdict).toBe('regression');
  expect(main.summary).toContain('**Verdict: regression.**');
  expect(main.annotations.some((a) => a.level === 'error' && /regressed by/.test(a.message))).toBe(true);
});
