// End to end: what `cargo rustc` passes to rustc after its `--` is checked like RUSTFLAGS and is
// part of the flags hash (the cache key), from build-command or cargo-args; a `--` in
// build-command keeps the action's own flags before it, so the build runs; --config in
// build-command, which the guard would not read there, is refused.
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Job, type StepResult } from '../helpers/action-runner.js';
import { writeTree } from '../helpers/fixtures.js';

const tmp = (prefix: string) => mkdtempSync(path.join(os.tmpdir(), prefix));

const tinyWorkspace = () =>
  writeTree({
    'Cargo.toml': '[package]\nname = "tiny"\nversion = "0.1.0"\nedition = "2021"\n',
    'src/main.rs': 'fn main() {\n    println!("tiny");\n}\n',
  });

const job = (workspace: string, inputs: Record<string, string>) =>
  new Job({
    workspace,
    inputs: { cache: 'false', comment: 'never', ...inputs },
    env: { CARGO_HOME: tmp('wm-guard-rustc-home-') },
  });

const errorsOf = (r: StepResult) => r.annotations.filter((a) => a.level === 'error').map((a) => a.message);

test.each([
  ['build-command', { 'build-command': 'cargo rustc -- -C target-cpu=native' }, '-C target-cpu=native'],
  [
    'cargo-args',
    { 'build-command': 'cargo rustc', 'cargo-args': '--bin tiny -- -Ctarget-cpu=native' },
    '-Ctarget-cpu=native',
  ],
])('native after the -- of cargo rustc in %s fails the step in CI before building', async (input, inputs, written) => {
  const main = await job(tinyWorkspace(), inputs).main();
  expect(main.exitCode).toBe(1);
  expect(errorsOf(main)).toEqual([
    expect.stringContaining(
      `\`${written}\` (from '${input}' (after the -- of cargo rustc)) compiles for this runner's CPU`,
    ),
    expect.stringMatching(
      /^Watchmaker guard: 1 non-portable flag setting would make this CI build depend on the runner's CPU/,
    ),
  ]);
  expect(main.stdout).not.toContain('Compiling tiny');
});

test('with guard: warn the rustc arguments reach rustc (the build runs) and change the rustflags-hash', async () => {
  const workspace = tinyWorkspace();
  const plain = await job(workspace, { 'build-command': 'cargo rustc' }).main();
  const native = await job(workspace, { 'build-command': 'cargo rustc -- -C target-cpu=native', guard: 'warn' }).main();
  expect(plain.exitCode).toBe(0);
  expect(native.exitCode).toBe(0);
  expect(native.annotations.filter((a) => a.level === 'warning').map((a) => a.message)).toContainEqual(
    expect.stringContaining('`-C target-cpu=native`'),
  );
  expect(native.outputs['rustflags-hash']).toMatch(/^[0-9a-f]{64}$/);
  expect(native.outputs['rustflags-hash']).not.toBe(plain.outputs['rustflags-hash']);
});

test('--config in build-command is refused, naming the input and where to put it', async () => {
  const main = await job(tinyWorkspace(), {
    'build-command': `cargo build --config 'build.rustflags=["-Ctarget-cpu=native"]'`,
  }).main();
  expect(main.exitCode).toBe(1);
  expect(errorsOf(main)).toEqual([
    expect.stringContaining("Input 'build-command' contains '--config', which the action reads from 'cargo-args' only"),
  ]);
});
