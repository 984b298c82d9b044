// End to end, baseline: rebuild. The pull request's base commit is built in a git worktree in
// the same job, alternating with the head. The tests assert the path taken and that the outputs
// and the summary agree; what the samples support is the verdict machinery's, tested with
// controlled samples in __tests__/report/ (the step's gate in __tests__/report/gate.test.ts).
import { Job } from '../helpers/action-runner.js';
import { git, gitInit, growCoreLib, smallWorkspace } from '../helpers/fixtures.js';
import { LAYOUTS } from '../helpers/layouts.js';

test.each(LAYOUTS)(
  'a pull request that makes a crate much slower to compile is compared with its base, rebuilt here ($name)',
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
    expect(main.summary).toContain(`**Verdict: ${main.outputs.verdict}.**`);
    // The outputs carry the figures the headline shows (no assertion on how large a measured time is).
    const change = Number(main.outputs['change-percent']);
    expect(main.summary).toContain(`${change >= 0 ? '+' : ''}${change.toFixed(1)}% CPU time`);
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
