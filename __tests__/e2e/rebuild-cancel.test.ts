// End to end, a job cancelled while baseline: rebuild builds the base commit: the runner sends
// SIGINT to the main step while the base's build script runs. The rebuild stops at once (no
// further sample starts), cargo and its build script are stopped, the worktree is removed, and
// the step fails saying it was cancelled; the post step saves nothing.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Job, type StepResult } from '../helpers/action-runner.js';
import { git, gitInit, smallWorkspace } from '../helpers/fixtures.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** False once the process is gone (a zombie not yet reaped counts as gone). */
function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

async function eventually(check: () => boolean, what: string, attempts = 200): Promise<void> {
  for (let i = 0; i < attempts; i++) {
    if (check()) return;
    await sleep(50);
  }
  throw new Error(`still not true after waiting: ${what}`);
}

test('SIGINT during the rebuild of the base stops it at once and fails the step; nothing is saved', async () => {
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'wm-rebuild-cancel-'));
  const pidFile = path.join(scratch, 'base-build-script.pid');
  // The base commit's build script says who it is, then takes up to 30 seconds (each time it runs).
  const workspace = smallWorkspace({
    'gen/build.rs': [
      'use std::{fs, process, thread, time::Duration};',
      'fn main() {',
      `    let pid_file = ${JSON.stringify(pidFile)};`,
      '    let tmp = format!("{}.tmp", pid_file);',
      '    fs::write(&tmp, process::id().to_string()).unwrap();',
      '    fs::rename(&tmp, pid_file).unwrap();',
      '    for _ in 0..300 {',
      '        thread::sleep(Duration::from_millis(100));',
      '    }',
      '    println!("cargo:rustc-env=GEN_STAMP=slow");',
      '}',
      '',
    ].join('\n'),
  });
  const baseSha = gitInit(workspace);
  // The head commit (the job's own build) has a quick one.
  writeFileSync(
    path.join(workspace, 'gen/build.rs'),
    'fn main() {\n    println!("cargo:rustc-env=GEN_STAMP=fast");\n}\n',
  );
  git(workspace, 'commit', '-qam', 'quick build script');
  const cacheDir = path.join(scratch, 'cache');
  const job = new Job({
    workspace,
    event: 'pull_request',
    baseSha,
    inputs: {
      baseline: 'rebuild',
      'baseline-samples': '3',
      comment: 'never',
      'cache-backend': 'local',
      'cache-dir': cacheDir,
      'cache-save': 'always',
    },
    env: { CARGO_HOME: path.join(scratch, 'cargo-home') },
  });

  const { child, result } = job.startMain();
  let ended: StepResult | null = null;
  void result.then((r) => (ended = r));
  await eventually(() => existsSync(pidFile) || ended !== null, "the base's build script started", 20 * 60 * 4);
  if (!existsSync(pidFile))
    throw new Error(`main ended before the base was rebuilt:\n${ended!.stdout}\n${ended!.stderr}`);
  const buildScript = Number(readFileSync(pidFile, 'utf8'));
  child.kill('SIGINT');
  const main = await result;

  expect(main.exitCode).toBe(1);
  expect(main.stdout).toContain('Watchmaker: received SIGINT; stopping the build (cargo and everything it started).');
  // No sample starts after the signal: the warm-up was the last build.
  expect(main.stdout).toContain('(warm-up)');
  expect(main.stdout).not.toMatch(/Watchmaker: (base|head) sample 1/);
  expect(main.annotations.filter((a) => a.level === 'error').map((a) => a.message)).toEqual([
    expect.stringMatching(
      /The job was cancelled \(SIGINT\) while the base commit was being rebuilt: the samples were stopped/,
    ),
  ]);
  expect(main.annotations.filter((a) => a.level === 'warning')).toEqual([]);
  expect(main.state.watchmaker).toContain('"interrupted":true');
  await eventually(() => !running(buildScript), `the base's build script (pid ${buildScript}) is gone`);
  expect(git(workspace, 'worktree', 'list').split('\n')).toHaveLength(1);

  const post = await job.post();
  expect(post.exitCode).toBe(0);
  expect(post.stdout).toContain('not saving the cache: the main step was interrupted');
});
