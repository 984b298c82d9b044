// End to end: dist/main.js and dist/post.js run as separate processes, as on a GitHub runner,
// on real cargo workspaces, with the local cache backend.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Job, type StepResult } from '../helpers/action-runner.js';
import { gitInit, smallWorkspace, workspaceWithRegistryDeps } from '../helpers/fixtures.js';
import { startLocalRegistry, type LocalRegistry } from '../helpers/registry.js';
import type { RunRecord } from '../../src/record.js';

const readRecord = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as RunRecord;
const compiledCrates = (r: RunRecord) =>
  r.crates
    .filter((c) => c.units > 0)
    .map((c) => c.crate)
    .sort();

describe('two jobs on the default branch of a workspace with a registry dependency', () => {
  // The dependency comes from a local registry; the jobs' CARGO_HOME points at it.
  let registry: LocalRegistry;
  const cacheDir = mkdtempSync(path.join(os.tmpdir(), 'wm-e2e-cache-'));
  const inputs = { 'cache-backend': 'local', 'cache-dir': cacheDir };
  let firstJob: Job;
  let first: StepResult;
  let firstPost: StepResult;
  let second: StepResult;
  let secondPost: StepResult;
  let recordAfterMain = '';

  beforeAll(async () => {
    registry = await startLocalRegistry();
    const { workspace, vars } = workspaceWithRegistryDeps(registry);
    const sha = gitInit(workspace);
    firstJob = new Job({ workspace, event: 'push', sha, inputs, env: vars });
    first = await firstJob.main();
    recordAfterMain = readFileSync(first.outputs.record!, 'utf8');
    firstPost = await firstJob.post();
    // A new job checks out the same commit into the same path, with an empty target/.
    rmSync(path.join(workspace, 'target'), { recursive: true, force: true });
    const secondJob = new Job({ workspace, event: 'push', sha, inputs, env: vars });
    second = await secondJob.main();
    secondPost = await secondJob.post();
  });
  afterAll(() => registry.stop());

  test('the cold run builds everything, writes the record and the timings report, and says there is no baseline yet', () => {
    expect(first.exitCode).toBe(0);
    expect(first.outputs['cache-hit']).toBe('miss');
    expect(first.outputs['cache-key']).toMatch(/^watchmaker-v1-/);
    expect(first.outputs['rustflags-hash']).toMatch(/^[0-9a-f]{16,}$/);
    expect(first.outputs.verdict).toBe('no-baseline');
    expect(Number(first.outputs['build-seconds'])).toBeGreaterThan(0);
    expect(existsSync(first.outputs['timings-html']!)).toBe(true);
    // `record` names the JSON run record; `report` is the same path, kept for compatibility.
    expect(first.outputs.record).toBe(first.outputs.report);
    const record = readRecord(first.outputs.record!);
    expect(record.success).toBe(true);
    // The bundle finds the wrapper's source beside it (the step's code runs from dist/chunks/).
    expect(record.measurement.wrapper).toBe(true);
    expect(first.stdout).not.toMatch(/could not build its rustc wrapper/);
    expect(record.profile).toBe('dev');
    expect(compiledCrates(record)).toEqual(['core-lib', 'gen', 'tool', 'wm-alpha']);
    expect(
      record.crates
        .filter((c) => c.workspaceMember)
        .map((c) => c.crate)
        .sort(),
    ).toEqual(['core-lib', 'gen', 'tool']);
    expect(first.summary).toMatch(/core-lib/);
  });

  test('the post step saves a cache archive and sets CARGO_INCREMENTAL=0 for later steps', () => {
    expect(firstPost.exitCode).toBe(0);
    // The record is main's, written once: post logs its own phases and leaves the file as it was.
    expect(readFileSync(first.outputs.record!, 'utf8')).toBe(recordAfterMain);
    expect(JSON.parse(recordAfterMain).phases).toHaveProperty('build');
    expect(firstPost.stdout).toMatch(/time by phase in the post step: .*cache save/);
    expect(first.exportedEnv.CARGO_INCREMENTAL).toBe('0');
    expect(readdirSync(cacheDir).some((f) => f.startsWith(first.outputs['cache-key']!))).toBe(true);
  });

  test('the second run restores the exact entry, keeps the same commit fresh and compares with the first', () => {
    expect(second.exitCode).toBe(0);
    expect(second.outputs['cache-hit']).toBe('exact');
    expect(second.outputs['cache-key']).toBe(first.outputs['cache-key']);
    expect(Number(second.outputs['cache-bytes'])).toBeGreaterThan(0);
    const record = readRecord(second.outputs.report!);
    // The same commit in a new checkout: keep-fresh proves every workspace file, so cargo compiles nothing.
    expect(compiledCrates(record)).toEqual([]);
    expect(record.totals.unitsFresh).toBeGreaterThan(0);
    // The same commit: every crate's inputs are the baseline's, so unchanged, exactly (no measured claim).
    expect(second.outputs.verdict).toBe('unchanged');
    expect(second.outputs['baseline-seconds']).not.toBe('');
    // The same report as the job summary, as a file for posting elsewhere.
    expect(readFileSync(second.outputs['report-markdown']!, 'utf8').trimEnd()).toBe(second.summary.trimEnd());
    expect(secondPost.exitCode).toBe(0);
  });
});

describe('a build that fails', () => {
  test('fails the step after still writing the record and the report', async () => {
    const workspace = smallWorkspace({ 'core-lib/src/lib.rs': 'pub fn answer() -> u64 {\n    "not a number"\n}\n' });
    const job = new Job({
      workspace,
      inputs: { 'cache-backend': 'local', 'cache-dir': mkdtempSync(path.join(os.tmpdir(), 'wm-e2e-cache-')) },
    });
    const main = await job.main();
    expect(main.exitCode).toBe(1);
    expect(main.stdout).toContain('mismatched types');
    const record = readRecord(main.outputs.report!);
    expect(record.success).toBe(false);
    expect(record.exitCode).not.toBe(0);
    expect(main.outputs.verdict).toBe('build-failed');
    expect(main.annotations.some((a) => a.level === 'error' && a.message.includes('failed with exit code'))).toBe(true);
    const post = await job.post();
    expect(post.exitCode).toBe(0);
  });
});

describe('inputs', () => {
  test('a bad input fails the step with a message that says what to write instead', async () => {
    const job = new Job({ workspace: smallWorkspace(), inputs: { guard: 'strict' } });
    const main = await job.main();
    expect(main.exitCode).toBe(1);
    expect(main.annotations).toEqual([
      expect.objectContaining({
        level: 'error',
        message: "Input 'guard' is 'strict'. Use one of: 'error', 'warn', 'off'.",
      }),
    ]);
    const post = await job.post();
    expect(post.exitCode).toBe(0);
    expect(post.annotations).toEqual([]);
  });

  test('build: false restores the cache and runs the guard but does not build', async () => {
    const workspace = smallWorkspace();
    const job = new Job({
      workspace,
      inputs: {
        build: 'false',
        'cache-backend': 'local',
        'cache-dir': mkdtempSync(path.join(os.tmpdir(), 'wm-e2e-cache-')),
      },
    });
    const main = await job.main();
    expect(main.exitCode).toBe(0);
    expect(main.outputs['cache-hit']).toBe('miss');
    expect(main.outputs.report).toBeUndefined();
    expect(existsSync(path.join(workspace, 'target/debug/tool'))).toBe(false);
  });
});
