// The profile advisor wired end to end, as GitHub runs dist/: the inputs, the phase after the
// report, the job summary, the `advice` output and the step's result. The budget is one second so
// the advisor stops inside its first round (its measuring, judging and Cargo.toml snippet are
// tested on real builds in __tests__/advise/); `cache: false` because the cache is not what this
// test is about (the advisor never touches the cache: its builds use target directories of its own).
import { existsSync, readFileSync } from 'node:fs';
import { Job } from '../helpers/action-runner.js';
import { git, gitInit, smallWorkspace } from '../helpers/fixtures.js';

test('advise: profiles runs after the report, adds its section and the advice file, and the step passes', async () => {
  const workspace = smallWorkspace();
  gitInit(workspace);
  const main = await new Job({
    workspace,
    event: 'workflow_dispatch',
    inputs: { advise: 'profiles', 'advise-budget': '1s', cache: 'false', comment: 'never' },
  }).main();
  expect(main.exitCode).toBe(0);
  expect(main.summary).toContain('### Profile advice: dev');
  expect(main.summary.indexOf('### Profile advice')).toBeGreaterThan(main.summary.indexOf('Watchmaker: dev build'));
  const file = main.outputs.advice!;
  expect(existsSync(file)).toBe(true);
  const advice = JSON.parse(readFileSync(file, 'utf8')) as {
    schema: string;
    rounds: number;
    adopt: { toml: null };
    current: { samples: { cold: number[]; coldCpu: number[] } };
  };
  expect(advice).toMatchObject({ schema: 'watchmaker/advice', rounds: 0, adopt: { toml: null } });
  // The advisor's builds are measured through the wrapper too (CPU seconds, not only wall).
  expect(advice.current.samples.coldCpu).toHaveLength(advice.current.samples.cold.length);
  expect(advice.current.samples.cold.length).toBeGreaterThan(0);
  // No tracked file changed (cargo's own build writes Cargo.lock, untracked in this fixture).
  expect(git(workspace, 'status', '--porcelain', '--untracked-files=no')).toBe('');
  expect(git(workspace, 'worktree', 'list').split('\n')).toHaveLength(1);
});

test('advise is off by default: no section, an empty output', async () => {
  const workspace = smallWorkspace();
  gitInit(workspace);
  const main = await new Job({ workspace, event: 'push', inputs: { cache: 'false', comment: 'never' } }).main();
  expect(main.exitCode).toBe(0);
  expect(main.summary).not.toContain('Profile advice');
  expect(main.outputs.advice ?? '').toBe('');
});
