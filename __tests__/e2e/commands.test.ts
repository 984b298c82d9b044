// End to end, every build command through the action (`build-command`, `cargo-args`), on a
// workspace with a registry dependency, with --workspace, --all-targets, --all-features and a
// --target: the step succeeds exactly when plain cargo does, a later plain step finds everything
// fresh, the report says in one line when the command gives a capability nothing to use (no code
// to measure), and the next job restores a cache that serves the same command (nothing compiled).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { RunRecord } from '../../src/record.js';
import { Job } from '../helpers/action-runner.js';
import { hostTriple, LAYOUT_FIXTURES, layOut, plainCargo, plainEnv, rebuilt } from '../helpers/cargo-layouts.js';
import { startLocalRegistry, type LocalRegistry } from '../helpers/registry.js';

let reg: LocalRegistry;
let cargoHome: string;
beforeAll(async () => {
  reg = await startLocalRegistry();
  cargoHome = reg.cargoHome();
});
afterAll(async () => reg.stop());

const ALL = `--workspace --all-targets --all-features --target ${hostTriple}`;
// cargo doc has no --all-targets (cargo rejects it, with or without the action).
const DOC = `--workspace --all-features --target ${hostTriple}`;

interface CommandCase {
  command: string;
  args: string;
  /** The one line the report adds, or null. */
  note: RegExp | null;
}

const COMMANDS: CommandCase[] = [
  { command: 'cargo build', args: ALL, note: null },
  { command: 'cargo check', args: ALL, note: /'cargo check' checks and compiles no code: the times are its own\./ },
  { command: 'cargo clippy', args: ALL, note: /'cargo clippy' lints and compiles no code/ },
  { command: 'cargo clippy -- -D warnings', args: ALL, note: /'cargo clippy' lints and compiles no code/ },
  { command: 'cargo test --no-run', args: ALL, note: null },
  { command: 'cargo doc', args: DOC, note: /'cargo doc' documents and compiles no code/ },
];

const readRecord = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as RunRecord;

/** A job (main, a later plain step of the same command, post) on `tree` with the shared cache directory. */
async function job(c: CommandCase, tree: string, cacheDir: string) {
  const j = new Job({
    workspace: tree,
    env: reg.vars(cargoHome),
    inputs: {
      'build-command': c.command,
      'cargo-args': c.args,
      'cache-backend': 'local',
      'cache-dir': cacheDir,
      comment: 'never',
    },
  });
  const main = await j.main();
  const later = plainCargo(
    c.command.split(' '),
    ['--profile', 'dev'],
    c.args.split(' '),
    tree,
    plainEnv(reg, cargoHome, main.exportedEnv),
  );
  const post = await j.post();
  expect(post.exitCode).toBe(0);
  return { main, later, record: main.outputs.report ? readRecord(main.outputs.report) : null };
}

describe.each(COMMANDS)('$command $args', (c) => {
  test('works through the action: cargo’s result, a later plain step finds it fresh, the next job compiles nothing', async () => {
    const { tree } = layOut(LAYOUT_FIXTURES.virtual, reg.env(cargoHome));
    const cacheDir = mkdtempSync(path.join(os.tmpdir(), 'wm-commands-cache-'));
    const first = await job(c, tree, cacheDir);
    expect(first.main.exitCode).toBe(0);
    expect(first.main.annotations.filter((a) => a.level !== 'notice')).toEqual([]);
    expect(first.later.code).toBe(0);
    expect(rebuilt(first.later.stderr)).toEqual([]);
    expect(first.main.stdout).toContain(
      'Watchmaker: your crates in this build (local path packages): core-lib, gen, tool.',
    );
    // Every workspace crate has its time in the record, rustdoc's included.
    expect(
      first
        .record!.crates.filter((x) => x.workspaceMember && x.units > 0)
        .map((x) => x.crate)
        .sort(),
    ).toEqual(['core-lib', 'gen', 'tool']);
    if (c.note) {
      expect(first.main.summary).toMatch(c.note);
      expect(first.record!.measurement.compileWork).toBe(false);
    } else expect(first.main.summary).not.toMatch(/compiles no code/);

    const second = await job(c, tree, cacheDir);
    expect(second.main.outputs['cache-hit']).toBe('exact');
    expect(second.main.exitCode).toBe(0);
    expect(second.main.annotations.filter((a) => a.level !== 'notice')).toEqual([]);
    expect(second.record!.totals.unitsCompiled).toBe(0);
  });
});

test('a command cargo rejects before building: the step fails as cargo does, and the restored cache is not emptied', async () => {
  const { tree } = layOut(LAYOUT_FIXTURES.virtual, reg.env(cargoHome));
  const cacheDir = mkdtempSync(path.join(os.tmpdir(), 'wm-commands-cache-'));
  const first = await job({ command: 'cargo build', args: '--workspace', note: null }, tree, cacheDir);
  expect(first.main.exitCode).toBe(0);
  // cache-on-failure saves what the failed job leaves: with no artifacts reported, no unit is judged unused.
  const j = new Job({
    workspace: tree,
    env: reg.vars(cargoHome),
    inputs: {
      'cargo-args': '--workspace --no-such-flag',
      'cache-backend': 'local',
      'cache-dir': cacheDir,
      comment: 'never',
      'cache-on-failure': 'true',
      'cache-save': 'always',
    },
  });
  const main = await j.main();
  expect(main.exitCode).toBe(1);
  expect(main.output).toMatch(/unexpected argument '--no-such-flag'/);
  const post = await j.post();
  expect(post.exitCode).toBe(0);
  expect(post.output).toMatch(/units are not judged by use/);
  const deps = readdirSync(path.join(tree, 'target/debug/deps'));
  expect(deps.filter((f) => /^libwm_alpha-[0-9a-f]+\.rlib$/.test(f))).toHaveLength(1);
});

const nextest = spawnSync('cargo', ['nextest', '--version'], { encoding: 'utf8' }).status === 0;

(nextest ? test : test.skip)(
  nextest
    ? 'cargo nextest archive: builds through the action, with the profile as --cargo-profile'
    : 'cargo nextest archive (skipped: cargo-nextest is not installed here)',
  async () => {
    const { tree } = layOut(LAYOUT_FIXTURES.virtual, reg.env(cargoHome));
    const archive = path.join(mkdtempSync(path.join(os.tmpdir(), 'wm-nextest-')), 'tests.tar.zst');
    const c: CommandCase = {
      command: `cargo nextest archive --archive-file ${archive}`,
      args: ALL,
      note: /'cargo nextest archive' keeps cargo's messages to itself/,
    };
    const j = new Job({
      workspace: tree,
      env: reg.vars(cargoHome),
      inputs: { 'build-command': c.command, 'cargo-args': c.args, 'cache-backend': 'local', comment: 'never' },
    });
    const main = await j.main();
    expect(main.exitCode).toBe(0);
    expect(main.summary).toMatch(c.note!);
    expect((await j.post()).exitCode).toBe(0);
  },
);
