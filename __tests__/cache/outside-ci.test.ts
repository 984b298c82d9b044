// Outside CI the user's target/ is theirs: the cleaner deletes nothing there, and the archive
// leaves out what it would have removed (the plan becomes the local backend's exclusion list).
// In CI the same job still cleans. Real cargo builds through the local backend.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { trimRegistryCache } from '../../src/cache/clean.js';
import { LocalCacheBackend } from '../../src/cache/local.js';
import { captureStdout } from '../helpers/capture.js';
import { writeTree } from '../helpers/fixtures.js';
import { cacheJob, configFor } from '../helpers/run.js';

/** Every file and directory under `root`, relative. */
function tree(root: string): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const e of readdirSync(path.join(root, rel), { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      out.push(r);
      if (e.isDirectory()) walk(r);
    }
  };
  walk('');
  return out;
}

/** The members of the local backend's one archive. */
function archiveMembers(cacheDir: string): string[] {
  const index = JSON.parse(readFileSync(path.join(cacheDir, 'index.json'), 'utf8')) as {
    entries: Array<{ file: string }>;
  };
  expect(index.entries).toHaveLength(1);
  const file = path.join(cacheDir, index.entries[0]!.file);
  return execFileSync('tar', ['-tf', file, file.endsWith('.zst') ? '--zstd' : '-z'], { encoding: 'utf8' }).split('\n');
}

/**
 * A workspace the user has built in dev (with incremental data) and release: a binary member,
 * a library member and a path dependency outside the workspace (the one thing the cache keeps).
 */
function userWorkspace(env: NodeJS.ProcessEnv): { workspace: string; target: string } {
  const root = writeTree({
    'util/Cargo.toml': '[package]\nname = "util"\nversion = "0.1.0"\nedition = "2021"\n',
    'util/src/lib.rs': 'pub fn twice(x: u32) -> u32 { x * 2 }\n',
    'ws/Cargo.toml': '[workspace]\nmembers = ["app", "core_lib"]\nresolver = "2"\n',
    'ws/app/Cargo.toml':
      '[package]\nname = "app"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\ncore_lib = { path = "../core_lib" }\nutil = { path = "../../util" }\n',
    'ws/app/src/main.rs': 'fn main() { println!("{}", util::twice(core_lib::f())); }\n',
    'ws/core_lib/Cargo.toml': '[package]\nname = "core_lib"\nversion = "0.1.0"\nedition = "2021"\n',
    'ws/core_lib/src/lib.rs': 'pub fn f() -> u32 { 21 }\n',
  });
  const workspace = path.join(root, 'ws');
  for (const args of [['build', '--release'], ['build']])
    execFileSync('cargo', [...args, '--offline'], {
      cwd: workspace,
      env: { ...env, CARGO_INCREMENTAL: '1' },
      stdio: 'ignore',
    });
  return { workspace, target: path.join(workspace, 'target') };
}

function cargoEnv(workspace?: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...(workspace ? { GITHUB_WORKSPACE: workspace } : {}) };
  for (const name of [
    'RUSTFLAGS',
    'CARGO_ENCODED_RUSTFLAGS',
    'CARGO_TARGET_DIR',
    'CARGO_BUILD_TARGET_DIR',
    'CARGO_BUILD_BUILD_DIR',
    'CARGO_INCREMENTAL',
    'CI',
    'GITHUB_ACTIONS',
  ])
    delete env[name];
  return env;
}

describe.each([
  ['CI unset', {}],
  ['CI=true', { CI: 'true' }],
] as const)('a job on a workspace with a release build and incremental data, %s', (_name, ciEnv) => {
  const inCI = 'CI' in ciEnv;
  let files: { before: string[]; after: string[] };
  let members: string[];
  let log: string;
  let target: string;

  beforeAll(async () => {
    const made = userWorkspace(cargoEnv());
    target = made.target;
    const before = tree(target);
    const cacheDir = mkdtempSync(path.join(os.tmpdir(), 'wm-outside-ci-cache-'));
    const config = configFor(
      made.workspace,
      { 'cache-backend': 'local', 'cache-dir': cacheDir },
      { RUNNER_TEMP: path.join(made.workspace, '..', 'tmp'), ...ciEnv },
    );
    const out = captureStdout();
    try {
      const job = await cacheJob(config, cargoEnv(made.workspace));
      expect(job.build.exitCode).toBe(0);
      expect(job.saved.saved).toBe(true);
      expect(job.saved.bytesAfter!).toBeLessThan(job.saved.bytesBefore!);
    } finally {
      out.restore();
    }
    files = { before, after: tree(target) };
    members = archiveMembers(cacheDir);
    log = out.text();
  });

  test('the fixture has what the user would lose: a release binary, a dev binary, incremental data', () => {
    expect(files.before).toEqual(expect.arrayContaining(['release/app', 'debug/app', 'debug/incremental']));
    expect(files.before.filter((f) => f.startsWith('debug/incremental/')).length).toBeGreaterThan(0);
  });

  test('the archive lacks what cleaning removes, your path dependency included', () => {
    expect(members.some((m) => m.includes('/target/release/'))).toBe(false);
    expect(members.some((m) => m.includes('/target/debug/incremental/'))).toBe(false);
    expect(members.some((m) => /\/target\/debug\/\.fingerprint\/(app|core_lib)-/.test(m))).toBe(false);
    expect(members.some((m) => /\/target\/debug\/app$/.test(m))).toBe(false);
    // util, a path dependency outside the workspace, is one of your crates: left out like the members.
    expect(members.some((m) => /\/target\/debug\/\.fingerprint\/util-[0-9a-f]{16}\/$/.test(m))).toBe(false);
    expect(members.some((m) => /\/target\/debug\/deps\/libutil-[0-9a-f]{16}\.rlib$/.test(m))).toBe(false);
  });

  if (!inCI) {
    test('every file of target/ is still there, and the log says nothing was deleted', () => {
      expect(files.before.filter((f) => !files.after.includes(f))).toEqual([]);
      expect(execFileSync(path.join(target, 'release/app'), { encoding: 'utf8' })).toBe('42\n');
      expect(log).toMatch(/^target\/ [\d.]+ \w+, of which [\d.]+ \w+ is cached: not in CI, so nothing is deleted/m);
      expect(log).toMatch(/^ {2}left out \d+ × another profile \(not this cache key\)/m);
      expect(log).toMatch(/^ {2}left out \d+ × incremental compilation data/m);
      expect(log).not.toMatch(/^ {2}removed \d+ ×/m);
    });
  } else {
    test('target/ is cleaned: the release build and the incremental data are gone, and the log says so', () => {
      expect(existsSync(path.join(target, 'release'))).toBe(false);
      expect(existsSync(path.join(target, 'debug/incremental'))).toBe(false);
      expect(existsSync(path.join(target, 'debug/deps'))).toBe(true);
      expect(log).toMatch(/^target\/ [\d.]+ \w+ → [\d.]+ \w+ after cleaning:/m);
      expect(log).toMatch(/^ {2}removed \d+ × another profile \(not this cache key\)/m);
      expect(log).not.toMatch(/left out/);
    });
  }
});

describe('what the archive leaves out', () => {
  test('the local backend leaves out exactly the listed paths, taken literally', async () => {
    const root = writeTree({ 'a/b/f': '1', 'ab/h': '2', 'c/g': '3', 'c/we*rd[1]': '4', 'c/weXrd1': '5' });
    const cacheDir = mkdtempSync(path.join(os.tmpdir(), 'wm-exclude-cache-'));
    const backend = new LocalCacheBackend(cacheDir);
    const saved = await backend.save([root], 'k-1', { exclude: [path.join(root, 'a'), path.join(root, 'c/we*rd[1]')] });
    expect(saved.saved).toBe(true);
    const names = archiveMembers(cacheDir)
      .filter(Boolean)
      .map((m) => path.relative(root, m));
    expect(names.sort()).toEqual(['', 'ab', 'ab/h', 'c', 'c/g', 'c/weXrd1'].sort());
    expect(readdirSync(cacheDir).filter((n) => n.includes('.exclude'))).toEqual([]);
  });

  test('registry downloads Cargo.lock no longer names: listed and kept outside CI, deleted in CI', () => {
    const cache = mkdtempSync(path.join(os.tmpdir(), 'wm-registry-cache-'));
    mkdirSync(path.join(cache, 'index-1'));
    for (const f of ['old-1.0.0.crate', 'kept-2.0.0.crate']) writeFileSync(path.join(cache, 'index-1', f), 'x');
    const locked = new Set(['kept-2.0.0']);
    const listed = trimRegistryCache(cache, locked, false);
    expect(listed.files).toEqual([path.join(cache, 'index-1', 'old-1.0.0.crate')]);
    expect(readdirSync(path.join(cache, 'index-1')).sort()).toEqual(['kept-2.0.0.crate', 'old-1.0.0.crate']);
    expect(trimRegistryCache(cache, locked).removed).toBe(1);
    expect(readdirSync(path.join(cache, 'index-1'))).toEqual(['kept-2.0.0.crate']);
  });
});
