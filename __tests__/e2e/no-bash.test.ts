// End to end on a runner without bash and with BSD's /usr/bin/time (as on macOS, where bash is 3.2
// and time rejects -f; on Windows there is no shell at all): two jobs of the bundled action run in
// a mount namespace where /usr/bin is an overlay with bash removed and time replaced by one that
// behaves like BSD's. The first job builds the rustc wrapper with the runner's rustc and measures
// every crate; the second restores the cache and reuses the wrapper kept in target/.watchmaker.
// Needs root (unshare -m, overlay mounts), as CI has; skipped with a message elsewhere.
import { execFile, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from '../helpers/action-runner.js';
import { generateLockfile, smallWorkspace } from '../helpers/fixtures.js';
import type { RunRecord } from '../../src/record.js';

/** Whether this machine can hide bash: an overlay over /usr/bin inside a private mount namespace. */
function isolationProblem(): string | null {
  if (process.getuid?.() !== 0) return 'not root (unshare -m and overlay mounts need it)';
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'wm-nobash-probe-'));
  const probe = spawnSync(
    'unshare',
    [
      '-m',
      'sh',
      '-c',
      `mount -t tmpfs none ${scratch} && mkdir ${scratch}/u ${scratch}/w && mount -t overlay overlay -o lowerdir=/usr/bin,upperdir=${scratch}/u,workdir=${scratch}/w /usr/bin`,
    ],
    { encoding: 'utf8' },
  );
  if (probe.error) return `unshare could not run (${probe.error.message})`;
  return probe.status === 0 ? null : `no overlay mount over /usr/bin in a mount namespace (${probe.stderr.trim()})`;
}

/** Runs inside the namespace: hides bash, makes /usr/bin/time BSD-like, then runs two jobs of the action. */
const JOBS_SCRIPT = `
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Job } from ${JSON.stringify(path.join(repoRoot, 'scripts/lib/runner.mjs'))};
const [workspace, cacheDir, scratch, out] = process.argv.slice(2);
execFileSync('mount', ['-t', 'tmpfs', 'none', scratch]);
mkdirSync(scratch + '/upper');
mkdirSync(scratch + '/work');
execFileSync('mount', ['-t', 'overlay', 'overlay', '-o', 'lowerdir=/usr/bin,upperdir=' + scratch + '/upper,workdir=' + scratch + '/work', '/usr/bin']);
for (const name of ['bash', 'rbash']) rmSync('/usr/bin/' + name, { force: true });
// BSD time: no -f (GNU's format option).
writeFileSync('/usr/bin/time', '#!/bin/sh\\ncase "$1" in -f*|--format*) echo "time: illegal option -- f" >&2; echo "usage: time [-al] [-h | -p] [-o file] utility [argument ...]" >&2; exit 1;; esac\\nexec "$@"\\n', { mode: 0o755 });
const bashGone = spawnSync('bash', ['-c', 'true']).error?.code === 'ENOENT' && spawnSync('/bin/bash', ['-c', 'true']).error?.code === 'ENOENT';
const timeIsBsd = spawnSync('/usr/bin/time', ['-f', '%e', 'true']).status === 1;
const jobs = [];
for (let i = 0; i < 2; i++) {
  if (i) rmSync(workspace + '/target', { recursive: true, force: true });
  const job = new Job({ workspace, event: 'push', inputs: { 'cache-backend': 'local', 'cache-dir': cacheDir } });
  const main = await job.main();
  const post = await job.post();
  const record = main.outputs.report ? JSON.parse(readFileSync(main.outputs.report, 'utf8')) : null;
  jobs.push({ main: { exitCode: main.exitCode, output: main.output, outputs: main.outputs }, post: { exitCode: post.exitCode, output: post.output }, record });
}
writeFileSync(out, JSON.stringify({ bashGone, timeIsBsd, jobs }));
`;

interface JobResult {
  main: { exitCode: number; output: string; outputs: Record<string, string> };
  post: { exitCode: number; output: string };
  record: RunRecord | null;
}

const problem = isolationProblem();
if (problem) console.warn(`Skipping the no-bash end-to-end test: ${problem}.`);
const describeIsolated = problem ? describe.skip : describe;

describeIsolated(`two jobs with no bash and BSD time${problem ? ` (skipped: ${problem})` : ''}`, () => {
  let result: { bashGone: boolean; timeIsBsd: boolean; jobs: JobResult[] };

  beforeAll(async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'wm-nobash-'));
    const [script, scratch, out] = [
      path.join(dir, 'jobs.mjs'),
      path.join(dir, 'scratch'),
      path.join(dir, 'result.json'),
    ];
    writeFileSync(script, JOBS_SCRIPT);
    mkdirSync(scratch);
    const env: NodeJS.ProcessEnv = { ...process.env };
    for (const name of ['RUSTC_WRAPPER', 'RUSTFLAGS', 'CARGO_TARGET_DIR', 'RUNNER_TOOL_CACHE']) delete env[name];
    const workspace = smallWorkspace();
    generateLockfile(workspace, env);
    await promisify(execFile)(
      'unshare',
      [
        '-m',
        process.execPath,
        script,
        workspace,
        mkdtempSync(path.join(os.tmpdir(), 'wm-nobash-cache-')),
        scratch,
        out,
      ],
      {
        env,
        maxBuffer: 64 * 1024 * 1024,
      },
    );
    result = JSON.parse(readFileSync(out, 'utf8'));
  });

  test('inside, bash cannot be run and /usr/bin/time rejects -f', () => {
    expect(result.bashGone).toBe(true);
    expect(result.timeIsBsd).toBe(true);
  });

  test('the first job builds the wrapper, succeeds, and measures every crate with CPU time and memory', () => {
    const [first] = result.jobs;
    expect(first!.main.exitCode).toBe(0);
    expect(first!.main.output).toMatch(/Watchmaker: built the rustc wrapper in \d+\.\d s with the runner's rustc/);
    expect(first!.main.output).not.toMatch(/::warning::.*rustc wrapper/);
    const record = first!.record!;
    expect(record.success).toBe(true);
    expect(record.measurement.wrapper).toBe(true);
    const compiled = record.units.filter((u) => u.kind !== 'build-script-run');
    expect(compiled.map((u) => u.crate).sort()).toEqual(['core-lib', 'gen', 'gen', 'tool']);
    for (const u of compiled) {
      expect(u.cpuSeconds).not.toBeNull();
      expect(u.peakRssKiB).toBeGreaterThan(1000);
    }
    expect(first!.post.exitCode).toBe(0);
  });

  test('the second job restores the cache and uses the wrapper kept in target/.watchmaker, building nothing', () => {
    const second = result.jobs[1]!;
    expect(second.main.exitCode).toBe(0);
    expect(second.main.outputs['cache-hit']).toBe('exact');
    expect(second.main.output).toMatch(
      /using the rustc wrapper built before \(.*\/target\/\.watchmaker\/rustc-wrapper-[0-9a-f]{16}\)/,
    );
    expect(second.main.output).not.toMatch(/built the rustc wrapper in/);
    expect(second.record!.measurement.wrapper).toBe(true);
    expect(second.post.exitCode).toBe(0);
  });
});
