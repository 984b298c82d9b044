// End to end: the portable-flags guard sees flags from `--config` in cargo-args (values and
// files) like cargo does, and the job summary counts findings as they were reported: a
// finding shown as a warning is a warning there too.
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Job, type StepResult } from '../helpers/action-runner.js';
import { writeTree } from '../helpers/fixtures.js';

const tmp = (prefix: string) => mkdtempSync(path.join(os.tmpdir(), prefix));

/** One small package: the guard's behaviour does not depend on the workspace's size. */
const tinyWorkspace = (extra: Record<string, string> = {}) =>
  writeTree({
    'Cargo.toml': '[package]\nname = "tiny"\nversion = "0.1.0"\nedition = "2021"\n',
    'src/main.rs': 'fn main() {\n    println!("tiny");\n}\n',
    ...extra,
  });

function job(workspace: string, inputs: Record<string, string>, env: Record<string, string | undefined> = {}): Job {
  return new Job({
    workspace,
    inputs: { cache: 'false', 'cache-backend': 'local', 'cache-dir': tmp('wm-guard-cache-'), ...inputs },
    env: { CARGO_HOME: tmp('wm-guard-cargo-home-'), ...env },
  });
}

const errorsOf = (r: StepResult) => r.annotations.filter((a) => a.level === 'error');
const warningsOf = (r: StepResult) => r.annotations.filter((a) => a.level === 'warning');

describe('--config in cargo-args', () => {
  const nativeValue = `--config 'build.rustflags=["-Ctarget-cpu=native"]'`;

  test('a KEY=VALUE with target-cpu=native fails the step in CI with the guard error', async () => {
    const workspace = tinyWorkspace();
    const main = await job(workspace, { 'cargo-args': nativeValue }).main();
    expect(main.exitCode).toBe(1);
    const guardErrors = errorsOf(main).filter((a) => a.message.includes('-Ctarget-cpu=native'));
    expect(guardErrors).toHaveLength(1);
    expect(guardErrors[0]!.message).toMatch(/--config in cargo-args/);
    expect(guardErrors[0]!.properties.title).toBe('Non-portable RUSTFLAGS');
    expect(errorsOf(main).some((a) => /Watchmaker guard: 1 non-portable flag setting/.test(a.message))).toBe(true);
    // Nothing was built.
    expect(main.outputs.report).toBeUndefined();
  });

  test('the flag from --config changes the rustflags-hash output', async () => {
    const workspace = tinyWorkspace();
    const plain = await job(workspace, { build: 'false' }).main();
    const withFlag = await job(workspace, { build: 'false', guard: 'warn', 'cargo-args': nativeValue }).main();
    const withOtherValue = await job(workspace, {
      build: 'false',
      'cargo-args': `--config 'build.rustflags=["-Cdebug-assertions=on"]'`,
    }).main();
    for (const r of [plain, withFlag, withOtherValue]) {
      expect(r.exitCode).toBe(0);
      expect(r.outputs['rustflags-hash']).toMatch(/^[0-9a-f]{16,}$/);
    }
    expect(withFlag.outputs['rustflags-hash']).not.toBe(plain.outputs['rustflags-hash']);
    expect(withOtherValue.outputs['rustflags-hash']).not.toBe(plain.outputs['rustflags-hash']);
    expect(withOtherValue.outputs['rustflags-hash']).not.toBe(withFlag.outputs['rustflags-hash']);
    // With guard: warn the same finding is a warning.
    expect(warningsOf(withFlag).filter((a) => a.message.includes('-Ctarget-cpu=native'))).toHaveLength(1);
    expect(errorsOf(withFlag)).toEqual([]);
  });

  test('a config file named by --config is annotated at its file and line', async () => {
    const workspace = tinyWorkspace({
      'extra.toml': '# Flags for local benchmarking.\n[build]\nrustflags = ["-C", "target-cpu=native"]\n',
    });
    const main = await job(workspace, { 'cargo-args': '--config extra.toml' }).main();
    expect(main.exitCode).toBe(1);
    const error = errorsOf(main).find((a) => a.properties.file === 'extra.toml');
    expect(error).toBeDefined();
    expect(error!.properties.line).toBe('3');
    expect(error!.message).toMatch(/target-cpu=native/);
    expect(error!.message).toContain('extra.toml');
  });
});

describe('the job summary counts findings as they were reported', () => {
  const nativeEnv = { RUSTFLAGS: '-Ctarget-cpu=native' };

  test('outside CI with guard: warn: 0 errors, 1 warning', async () => {
    const workspace = tinyWorkspace();
    // A local run: neither CI nor GITHUB_ACTIONS is set.
    const j = job(workspace, { guard: 'warn' }, { ...nativeEnv, CI: undefined, GITHUB_ACTIONS: undefined });
    const main = await j.main();
    expect(main.exitCode).toBe(0);
    expect(errorsOf(main)).toEqual([]);
    expect(warningsOf(main).filter((a) => a.message.includes('target-cpu=native'))).toHaveLength(1);
    expect(j.summary).toContain(
      'Guard: 0 errors, 1 warning (effective RUSTFLAGS from RUSTFLAGS: -Ctarget-cpu=native).',
    );
    expect(j.summary).not.toMatch(/Guard: 1 error/);
  });

  test('outside CI with the default guard (warn there): the same', async () => {
    const workspace = tinyWorkspace();
    const j = job(workspace, {}, { ...nativeEnv, CI: undefined, GITHUB_ACTIONS: undefined });
    const main = await j.main();
    expect(main.exitCode).toBe(0);
    expect(j.summary).toContain('Guard: 0 errors, 1 warning');
  });

  test('in CI with guard: warn: the same', async () => {
    const workspace = tinyWorkspace();
    const j = job(workspace, { guard: 'warn' }, nativeEnv);
    const main = await j.main();
    expect(main.exitCode).toBe(0);
    expect(errorsOf(main)).toEqual([]);
    expect(j.summary).toContain('Guard: 0 errors, 1 warning');
  });
});
