// The profile advisor with advise-run, on real builds: a release profile whose goal is the
// command's runtime (each candidate's settings reach the command as CARGO_PROFILE_* variables),
// and a dev profile of a workspace with a registry dependency (from the tests' local registry),
// where optimised dependencies are a candidate whose settings no variable can carry, so its
// runtime is not measured and the advice says why. One round each keeps the test short: the
// plumbing is what is tested here, the judgement is judge.test.ts's.
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { adviseIfAsked } from '../../src/advise/index.js';
import { PhaseClock } from '../../src/phases.js';
import { runTimedBuild } from '../../src/timings/index.js';
import { exampleWorkspace, git, gitInit, workspaceWithRegistryDeps } from '../helpers/fixtures.js';
import { repoRoot } from '../helpers/action-runner.js';
import { startLocalRegistry, type LocalRegistry } from '../helpers/registry.js';
import { targetedRun } from '../helpers/run.js';

const wrapperPath = path.join(repoRoot, 'tools/rustc-wrapper/main.rs');
const tools = mkdtempSync(path.join(os.tmpdir(), 'wm-tools-'));

function clean(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = { ...env, RUNNER_TOOL_CACHE: tools };
  for (const name of ['RUSTC_WRAPPER', 'RUSTFLAGS', 'CARGO_INCREMENTAL', 'CARGO_TARGET_DIR', 'GITHUB_STEP_SUMMARY'])
    delete out[name];
  return out;
}

async function advise(workspace: string, env: NodeJS.ProcessEnv, inputs: Record<string, string>) {
  writeFileSync(path.join(workspace, '.gitignore'), '/target\n');
  gitInit(workspace);
  const runnerTemp = mkdtempSync(path.join(os.tmpdir(), 'wm-advise-temp-'));
  const run = await targetedRun(workspace, env, { advise: 'profiles', ...inputs }, { RUNNER_TEMP: runnerTemp });
  const build = await runTimedBuild(run, { wrapperPath, log: () => {} });
  const outcome = await adviseIfAsked({
    run,
    build,
    wrapperPath,
    rustflags: [],
    phases: new PhaseClock(),
    maxRounds: 1,
  });
  expect(git(workspace, 'status', '--porcelain')).toBe('');
  return outcome!;
}

test('release with advise-run: the runtime is the goal, measured for every candidate', async () => {
  const { advice, markdown } = await advise(exampleWorkspace(), clean(process.env), {
    profile: 'release',
    'advise-run': 'cargo run --release --offline --quiet --bin app',
  });
  expect(advice.goals).toEqual(['runtime']);
  expect(advice.candidates.map((c) => c.id)).toEqual(['lto-thin', 'lto-fat', 'codegen-units-1', 'strip-true']);
  for (const samples of [advice.current.samples, ...advice.candidates.map((c) => c.samples)])
    expect(samples.runtime).toHaveLength(1);
  // One round: nothing can be claimed, and the table says so instead of a change.
  expect(advice.candidates.map((c) => c.metrics.runtime.effect)).toEqual(Array(4).fill('inconclusive'));
  expect(markdown).toContain('The goal of a release profile: runtime.');
}, 120_000);

describe('a registry dependency', () => {
  let registry: LocalRegistry;
  beforeAll(async () => {
    registry = await startLocalRegistry();
  });
  afterAll(async () => {
    await registry.stop();
  });

  test('dev: optimised dependencies are measured, but not with advise-run, and the advice says why', async () => {
    const { workspace, env } = workspaceWithRegistryDeps(registry);
    const { advice } = await advise(workspace, clean(env), { 'advise-run': 'cargo run --offline --quiet --bin tool' });
    const deps = advice.candidates.find((c) => c.id === 'dependencies-opt-level-1')!;
    expect(deps.samples.cold).toHaveLength(1);
    expect(deps.samples.runtime).toEqual([]);
    expect(deps.metrics.runtime.effect).toBe('not-measured');
    expect(advice.notes).toContainEqual(
      expect.stringContaining('[profile.dev.package."*"] opt-level = 1: runtime not measured'),
    );
    expect(advice.candidates.filter((c) => c.samples.runtime.length === 1).map((c) => c.id)).toEqual([
      'debug-line-tables-only',
      'debug-0',
      'split-debuginfo-unpacked',
      'codegen-units-16',
      'incremental-false',
    ]);
    expect(advice.edit).toEqual({ crate: 'tool', file: path.join('tool', 'src', 'main.rs') });
  }, 120_000);
});
