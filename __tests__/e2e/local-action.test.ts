// End to end under GitHub's own local runner, @github/local-action (a devDependency), run by its
// CLI from node_modules, offline: it imports each step's entry point and calls its exported
// run() in one process, with stand-ins for @actions/core and @actions/cache when it runs src/.
// The steps must run once each (importing an entry point must not start the step), and a
// stand-in cache library without the ValidationError class must not fail the post step.
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { distDir, repoRoot } from '../helpers/action-runner.js';
import { writeTree } from '../helpers/fixtures.js';

const CLI = path.join(repoRoot, 'node_modules/@github/local-action/bin/local-action.js');

/** A one-crate workspace without dependencies: cargo never needs the network. */
function tinyWorkspace(): string {
  return writeTree(
    {
      'Cargo.toml': '[package]\nname = "tiny"\nversion = "0.1.0"\nedition = "2021"\n',
      'src/lib.rs': 'pub fn one() -> u32 {\n    1\n}\n',
    },
    'wm-local-action-',
  );
}

/** The machine's environment without any GitHub context a CI job would leak into the run. */
function offlineEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!/^(GITHUB_|INPUT_|STATE_|ACTIONS_|RUNNER_|JEST_|LOCAL_ACTION_)/.test(k) && k !== 'CI' && k !== 'NODE_OPTIONS')
      env[k] = v;
  }
  // npm (which local-action calls for tsx and `npm ls`) must find everything locally.
  return { ...env, npm_config_offline: 'true', npm_config_update_notifier: 'false', NO_COLOR: '1' };
}

interface LocalRun {
  exitCode: number | null;
  output: string;
  runnerTemp: string;
}

/** `local-action run <action> <main> <.env> --post <post>`, from the repository (where npm finds tsx). */
async function localAction(
  actionDir: string,
  main: string,
  post: string,
  inputs: Record<string, string>,
): Promise<LocalRun> {
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'wm-local-action-run-'));
  const runnerTemp = path.join(scratch, 'runner-temp');
  mkdirSync(runnerTemp);
  const vars: Record<string, string> = {
    ...Object.fromEntries(Object.entries(inputs).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v])),
    RUNNER_TEMP: runnerTemp,
    GITHUB_STEP_SUMMARY: path.join(scratch, 'summary.md'),
    LOCAL_ACTION_WORKSPACE: inputs['working-directory'],
    LOCAL_ACTION_CACHE_PATH: path.join(scratch, 'cache'),
  };
  mkdirSync(vars.LOCAL_ACTION_CACHE_PATH);
  const dotenv = path.join(scratch, '.env');
  writeFileSync(
    dotenv,
    Object.entries(vars)
      .map(([k, v]) => `${k}=${JSON.stringify(v)}\n`)
      .join(''),
  );
  // Absolute entry points: local-action resolves --post before it knows the action's directory.
  const [mainFile, postFile] = [main, post].map((f) => path.join(actionDir, f));
  const child = spawn(process.execPath, [CLI, 'run', actionDir, mainFile, dotenv, '--post', postFile], {
    cwd: repoRoot,
    env: offlineEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const chunks: Buffer[] = [];
  child.stdout.on('data', (d: Buffer) => chunks.push(d));
  child.stderr.on('data', (d: Buffer) => chunks.push(d));
  const exitCode = await new Promise<number | null>((resolve) => child.on('close', resolve));
  return { exitCode, output: Buffer.concat(chunks).toString('utf8'), runnerTemp };
}

/** What every run under local-action must show: one main step, one post step, no failure. */
function expectRanOnce(run: LocalRun): void {
  expect(run.output).not.toMatch(/does not export a run\(\) function/);
  expect(run.exitCode).toBe(0);
  // The main step's first line, once: importing the entry point did not start a second run.
  expect(run.output.match(/Watchmaker: rustc \S+ on \S+, profile 'dev'/g)).toHaveLength(1);
  expect(run.output).toMatch(/Running Post Step/);
  expect(run.output).not.toMatch(/^::error::/m);
  expect(run.output).not.toMatch(/Right-hand side of 'instanceof'/);
  const record = JSON.parse(readFileSync(path.join(run.runnerTemp, 'watchmaker/record-dev.json'), 'utf8')) as {
    success: boolean;
  };
  expect(record.success).toBe(true);
}

describe('under GitHub local-action', () => {
  test('src/main.ts and src/post.ts run once each; the stand-in cache library (no ValidationError) leaves a warning, not a failed post step', async () => {
    const workspace = tinyWorkspace();
    // No cache service here: restore and save fail, which must stay warnings (fail-on-cache-error is false).
    const run = await localAction(repoRoot, 'src/main.ts', 'src/post.ts', {
      'working-directory': workspace,
      'cache-backend': 'github',
      'cache-save-scope': 'any',
      comment: 'never',
    });
    expectRanOnce(run);
    expect(run.output).toMatch(
      /^::warning::Watchmaker could not save the cache \(GitHub Actions cache\): .*no cache service/m,
    );
    expect(run.output).not.toMatch(/cache save failed/);
    expect(existsSync(path.join(workspace, 'target'))).toBe(true);
  });

  test('the bundle (dist/main.js, dist/post.js) exports run() and runs once each', async () => {
    // An action directory as users check it out: action.yml, package.json and dist/ (this test's bundle).
    const action = mkdtempSync(path.join(os.tmpdir(), 'wm-local-action-dist-'));
    cpSync(path.join(repoRoot, 'action.yml'), path.join(action, 'action.yml'));
    cpSync(path.join(repoRoot, 'package.json'), path.join(action, 'package.json'));
    cpSync(distDir, path.join(action, 'dist'), { recursive: true });
    const workspace = tinyWorkspace();
    const run = await localAction(action, 'dist/main.js', 'dist/post.js', {
      'working-directory': workspace,
      'cache-backend': 'local',
      comment: 'never',
    });
    expectRanOnce(run);
    expect(run.output).toMatch(/Watchmaker: dev build took/);
  });
});
