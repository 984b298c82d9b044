// End to end, a cancelled job: the runner sends SIGTERM to the main step while cargo runs a
// build script. The step forwards it to cargo's whole process group, waits for the build to
// stop, fails with a message naming the signal, and the post step saves nothing from the
// half-written target/.
import { existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LocalCacheBackend } from '../../src/cache/local.js';
import { Job, type StepResult } from '../helpers/action-runner.js';
import { smallWorkspace } from '../helpers/fixtures.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** False once the process is gone. A zombie (exited, not yet reaped by PID 1 of a container) counts as gone. */
function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

/** Live processes whose working directory is inside `dir` (cargo, rustc and build scripts run there). */
function processesIn(dir: string): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const cwd = readlinkSync(`/proc/${name}/cwd`);
      if ((cwd === dir || cwd.startsWith(`${dir}/`)) && running(Number(name))) out.push(Number(name));
    } catch {
      // Gone meanwhile, or not ours to read.
    }
  }
  return out;
}

async function eventually(check: () => boolean, what: string, attempts = 200): Promise<void> {
  for (let i = 0; i < attempts; i++) {
    if (check()) return;
    await sleep(50);
  }
  throw new Error(`still not true after waiting: ${what}`);
}

test('SIGTERM during the build stops cargo and its build script, fails the step, and the post step saves nothing', async () => {
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'wm-signal-'));
  const pidFile = path.join(scratch, 'build-script.pid');
  // A build script that says who it is, then takes up to a minute.
  const workspace = smallWorkspace({
    'gen/build.rs': [
      'use std::{fs, process, thread, time::Duration};',
      '',
      'fn main() {',
      `    let pid_file = ${JSON.stringify(pidFile)};`,
      '    let tmp = format!("{}.tmp", pid_file);',
      '    fs::write(&tmp, process::id().to_string()).unwrap();',
      '    fs::rename(&tmp, pid_file).unwrap();',
      '    for _ in 0..600 {',
      '        thread::sleep(Duration::from_millis(100));',
      '    }',
      '    println!("cargo:rustc-env=GEN_STAMP=slow");',
      '}',
      '',
    ].join('\n'),
  });
  const cacheDir = path.join(scratch, 'cache');
  const job = new Job({
    workspace,
    event: 'push', // the default branch: a finished build would be saved
    inputs: { 'cache-backend': 'local', 'cache-dir': cacheDir },
    env: { CARGO_HOME: path.join(scratch, 'cargo-home') },
  });

  const { child, result } = job.startMain();
  let ended: StepResult | null = null;
  void result.then((r) => (ended = r));
  await eventually(() => existsSync(pidFile) || ended !== null, 'the build script started', 20 * 60 * 4);
  if (!existsSync(pidFile))
    throw new Error(`main ended before the build script ran:\n${ended!.stdout}\n${ended!.stderr}`);
  const buildScript = Number(readFileSync(pidFile, 'utf8'));
  expect(running(buildScript)).toBe(true);

  child.kill('SIGTERM');
  const main = await result;

  // The step ends, failed, saying why.
  expect(main.exitCode).toBe(1);
  expect(main.stdout).toContain('Watchmaker: received SIGTERM; stopping the build (cargo and everything it started).');
  expect(main.annotations.filter((a) => a.level === 'error').map((a) => a.message)).toEqual([
    expect.stringMatching(/The build was stopped by SIGTERM .*Nothing is cached from this run/),
  ]);
  expect(main.state.watchmaker).toContain('"interrupted":true');
  // Nothing of the build is left: not the build script, nor cargo or rustc in the workspace.
  // (Killed at once; once reaped, process.kill(pid, 0) throws ESRCH.)
  await eventually(() => {
    try {
      process.kill(buildScript, 0);
      return false;
    } catch (e) {
      return (e as NodeJS.ErrnoException).code === 'ESRCH';
    }
  }, `the build script (pid ${buildScript}) is gone`);
  await eventually(() => processesIn(workspace).length === 0, 'no process runs in the workspace');

  // The post step (the runner runs it after a cancelled main) saves nothing.
  const post = await job.post();
  expect(post.exitCode).toBe(0);
  expect(post.stdout).toContain('not saving the cache: the main step was interrupted, so target/ may be half-written');
  expect(post.stdout).not.toContain('Stored the run record');
  expect(new LocalCacheBackend(cacheDir).entries()).toEqual([]);
  expect(existsSync(cacheDir) ? readdirSync(cacheDir).filter((f) => !f.startsWith('.')) : []).toEqual([]);
});
