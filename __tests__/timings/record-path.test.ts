// Where the timed build puts its files, and the build command's own arguments: record-path may
// name a place in the user's checkout, so only the record and its timings copy go there (the side
// files go to the action's own directory under RUNNER_TEMP, and nothing of the user's is touched);
// a `--` in build-command keeps what follows for rustc, the action's flags go before it.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { runTimedBuild } from '../../src/timings/index.js';
import { repoRoot } from '../helpers/action-runner.js';
import { smallWorkspace } from '../helpers/fixtures.js';
import { targetedRun } from '../helpers/run.js';

const baseEnv = { ...process.env };
delete baseEnv.RUSTC_WRAPPER;
delete baseEnv.RUSTFLAGS;
// The measuring wrapper as the main step finds it (a missing one costs a warning, not the build).
const wrapperPath = ['tools/rustc-wrapper/main.rs', 'src/timings/rustc-wrapper.sh']
  .map((p) => path.join(repoRoot, p))
  .find((p) => existsSync(p))!;

test("build-command 'cargo rustc … -- <rustc args>': the action's flags go before the '--', so the build works and rustc gets the args", async () => {
  const workspace = smallWorkspace();
  const run = await targetedRun(
    workspace,
    baseEnv,
    { 'build-command': 'cargo rustc -p core-lib --lib -- --cfg wm_extra' },
    { RUNNER_TEMP: path.join(workspace, 'runner-temp') },
  );
  const result = await runTimedBuild(run, { wrapperPath, log: () => {} });
  expect(result.exitCode).toBe(0);
  expect(result.record.command).toEqual([
    'cargo',
    'rustc',
    '-p',
    'core-lib',
    '--lib',
    '--profile',
    'dev',
    '--timings',
    '--message-format=json-render-diagnostics',
    '--',
    '--cfg',
    'wm_extra',
  ]);
  expect(result.record.crates.map((c) => c.crate)).toEqual(['core-lib']);
});

test("record-path in the checkout: only the record and its timings copy land there; side files go to the action's own directory, and nothing of the user's is deleted", async () => {
  const workspace = smallWorkspace({
    'out/record.json.ir/keep.txt': 'mine',
    'out/record.json.units.jsonl': 'mine too',
    'out/artifacts-record.json': 'and this',
  });
  const runnerTemp = path.join(workspace, '..', `${path.basename(workspace)}-runner-temp`);
  const run = await targetedRun(
    workspace,
    baseEnv,
    { 'record-path': 'out/record.json' },
    { GITHUB_WORKSPACE: workspace, RUNNER_TEMP: runnerTemp },
  );
  const result = await runTimedBuild(run, { wrapperPath, log: () => {} });
  expect(result.exitCode).toBe(0);
  expect(result.recordPath).toBe(path.join(workspace, 'out/record.json'));
  // The record itself is written once, by the main step when it ends (e2e/action.test.ts).
  expect(readdirSync(path.join(workspace, 'out')).sort()).toEqual([
    'artifacts-record.json',
    'cargo-timing-dev.html',
    'record.json.ir',
    'record.json.units.jsonl',
  ]);
  expect(readFileSync(path.join(workspace, 'out/record.json.ir/keep.txt'), 'utf8')).toBe('mine');
  expect(readFileSync(path.join(workspace, 'out/record.json.units.jsonl'), 'utf8')).toBe('mine too');
  expect(result.scratchDir.startsWith(path.join(runnerTemp, 'watchmaker', 'scratch-'))).toBe(true);
  // The IR directory was there, and is gone again.
  expect(readdirSync(result.scratchDir).filter((f) => f.endsWith('.ir'))).toEqual([]);
});
