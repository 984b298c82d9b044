// Clean-by-use: the planner on synthetic listings, and three real builds with dependency
// churn through the local backend: the saved archive holds only what the last build used.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { hashesInPath, planTargetClean, type TargetEntry } from '../../src/cache/clean.js';
import { restoreCache, saveCache } from '../../src/cache/index.js';
import { parseConfig } from '../../src/config.js';
import { readRunContext } from '../../src/context.js';
import { runTimedBuild } from '../../src/timings/index.js';
import { prepareRun, withTarget } from '../../src/run.js';
import { parseRustcVersion } from '../../src/toolchain.js';
import { repoRoot } from '../helpers/action-runner.js';
import { captureStdout } from '../helpers/capture.js';
import { generateLockfile, writeTree } from '../helpers/fixtures.js';
import { startLocalRegistry, type LocalRegistry } from '../helpers/registry.js';

const H = (c: string) => c.repeat(16);
const entry = (p: string, over: Partial<TargetEntry> = {}): TargetEntry => ({
  path: p,
  isDir: !p.includes('.'),
  mtimeMs: 1000,
  bytes: 10,
  ino: Math.floor(Math.random() * 1e9),
  ...over,
});

describe('planTargetClean', () => {
  const entries = [
    entry('CACHEDIR.TAG'),
    entry('.rustc_info.json'),
    entry('cargo-timings'),
    entry('notes.txt', { isDir: false }),
    entry('my-data', { shape: 'other' }),
    entry('release', { shape: 'profile' }),
    entry('debug', { shape: 'profile' }),
    entry('debug/incremental'),
    entry('debug/tool', { isDir: false, ino: 42 }),
    entry('debug/tool.d'),
    entry('debug/deps'),
    entry('debug/build'),
    entry('debug/.fingerprint'),
    entry(`debug/deps/libmemchr-${H('a')}.rlib`),
    entry(`debug/deps/libmemchr-${H('b')}.rlib`),
    entry(`debug/deps/memchr-${H('b')}.d`),
    entry(`debug/.fingerprint/memchr-${H('b')}`),
    entry(`debug/deps/libcore_lib-${H('c')}.rlib`),
    entry(`debug/.fingerprint/core-lib-${H('c')}`),
    entry(`debug/deps/tool-${H('d')}`, { isDir: false, ino: 42 }),
    entry(`debug/deps/libnew-${H('e')}.rlib`, { mtimeMs: 5000 }),
    entry('debug/deps/stray.txt', { isDir: false }),
    entry('debug/build/memchr', { isDir: true }),
    entry('x86_64-unknown-linux-musl', { shape: 'triple' }),
    entry('x86_64-unknown-linux-musl/debug', { shape: 'profile' }),
    entry('x86_64-unknown-linux-musl/release', { shape: 'profile' }),
    entry('wasm32-unknown-unknown', { shape: 'triple' }),
  ];
  const plan = (over: Partial<Parameters<typeof planTargetClean>[0]> = {}) =>
    planTargetClean({
      entries,
      profileDirs: ['debug', 'x86_64-unknown-linux-musl/debug'],
      usedHashes: new Set([H('a'), H('c')]),
      usedInodes: new Set([42]),
      restoredAtMs: 2000,
      members: new Set(['core-lib', 'tool']),
      keepMembers: false,
      ...over,
    }).map((a) => a.path);

  test('drops other profiles and targets, incremental/, uplifted outputs, unused hashes and members; keeps what was used or written, and what cargo did not make', () => {
    expect(plan().sort()).toEqual(
      [
        'cargo-timings',
        'release',
        'x86_64-unknown-linux-musl/release',
        'wasm32-unknown-unknown',
        'debug/incremental',
        'debug/tool',
        'debug/tool.d',
        `debug/deps/libmemchr-${H('b')}.rlib`,
        `debug/deps/memchr-${H('b')}.d`,
        `debug/.fingerprint/memchr-${H('b')}`,
        `debug/deps/libcore_lib-${H('c')}.rlib`,
        `debug/.fingerprint/core-lib-${H('c')}`,
        `debug/deps/tool-${H('d')}`,
      ].sort(),
    );
  });

  test('cache-workspace-crates keeps the members that were used (the binary by its hard link)', () => {
    const removed = plan({ keepMembers: true });
    expect(removed).not.toContain(`debug/deps/libcore_lib-${H('c')}.rlib`);
    expect(removed).not.toContain(`debug/deps/tool-${H('d')}`);
  });

  test('without a build to judge by, restored units stay and only the rest is cleaned', () => {
    const removed = plan({ usedHashes: null });
    expect(removed).not.toContain(`debug/deps/libmemchr-${H('b')}.rlib`);
    expect(removed).toContain('debug/incremental');
  });

  test('a unit is kept whole: a fresh binary found by its hard link keeps its fingerprint and dep-info', () => {
    const unit = [`debug/deps/tool-${H('d')}`, `debug/deps/tool-${H('d')}.d`, `debug/.fingerprint/tool-${H('d')}`];
    const removed = planTargetClean({
      entries: [
        entry('debug', { shape: 'profile' }),
        entry('debug/deps'),
        entry('debug/.fingerprint'),
        entry(unit[0]!, { isDir: false, ino: 42 }),
        entry(unit[1]!),
        entry(unit[2]!),
      ],
      profileDirs: ['debug'],
      usedHashes: new Set(),
      usedInodes: new Set([42]),
      restoredAtMs: 2000,
      members: new Set(['tool']),
      keepMembers: true,
    }).map((a) => a.path);
    expect(removed).toEqual([]);
  });

  test('a unit with one file written after the restore keeps its older files too', () => {
    const removed = plan({
      usedHashes: new Set(),
      usedInodes: new Set(),
      entries: [...entries, entry(`debug/.fingerprint/new-${H('e')}`, { mtimeMs: 1000 })],
    });
    expect(removed).not.toContain(`debug/.fingerprint/new-${H('e')}`);
    expect(removed).not.toContain(`debug/deps/libnew-${H('e')}.rlib`);
    expect(removed).toContain(`debug/deps/libmemchr-${H('a')}.rlib`);
  });

  test('hashes are read from artifact paths', () => {
    expect(hashesInPath(`/t/debug/build/gen-${H('1')}/out`)).toEqual([H('1')]);
    expect(hashesInPath(`/t/debug/deps/libx-${H('2')}.rmeta`)).toEqual([H('2')]);
    expect(hashesInPath('/t/debug/tool')).toEqual([]);
  });
});

// The registry dependencies come from a local registry of fixture crates (several versions of
// wm-alpha among them), each suite with its own CARGO_HOME.
let registry: LocalRegistry;
beforeAll(async () => {
  registry = await startLocalRegistry();
});
afterAll(() => registry.stop());

describe('three builds with dependency churn, saved through the local backend', () => {
  const rustc = parseRustcVersion(execFileSync('rustc', ['-vV'], { encoding: 'utf8' }));
  const root = writeTree({});
  const workspace = path.join(root, 'ws');
  const cacheDir = mkdtempSync(path.join(os.tmpdir(), 'wm-clean-cache-'));
  const cargoHome = path.join(root, 'cargo-home');

  // A dependency outside the workspace whose version moves on each commit, a registry
  // dependency that moves through the registry's versions (1.0.0, 1.1.0, then the next major),
  // and a registry dependency that is dropped by the third commit.
  function commit(utilVersion: string, alphaReq: string, withFeatures: boolean) {
    writeFileSync(
      path.join(root, 'util/Cargo.toml'),
      `[package]\nname = "util"\nversion = "${utilVersion}"\nedition = "2021"\n`,
    );
    writeFileSync(
      path.join(workspace, 'app/Cargo.toml'),
      `[package]\nname = "app"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\nutil = { path = "../../util" }\nwm-alpha = "${alphaReq}"\n${withFeatures ? 'wm-features = "0.2"\n' : ''}`,
    );
    generateLockfile(workspace, registry.env(cargoHome));
  }

  beforeAll(() => {
    registry.cargoHome(cargoHome);
    for (const [rel, text] of Object.entries({
      'util/src/lib.rs': 'pub fn twice(x: u32) -> u32 { x * 2 }\n',
      'ws/Cargo.toml': '[workspace]\nmembers = ["app"]\nresolver = "2"\n',
      'ws/app/src/main.rs': 'fn main() { println!("{} {}", util::twice(21), wm_alpha::VERSION); }\n',
    })) {
      execFileSync('mkdir', ['-p', path.dirname(path.join(root, rel))]);
      writeFileSync(path.join(root, rel), text);
    }
  });

  test('the last archive holds only the current version of each dependency', async () => {
    const env: NodeJS.ProcessEnv = { ...registry.env(cargoHome), GITHUB_WORKSPACE: workspace };
    delete env.RUSTFLAGS;
    delete env.CARGO_TARGET_DIR;
    const config = parseConfig(
      (n) => ({ 'cache-backend': 'local', 'cache-dir': cacheDir })[n] ?? '',
      { RUNNER_TEMP: path.join(root, 'tmp'), CI: 'true' },
      workspace,
    );
    const context = readRunContext({}, null);
    const out = captureStdout();
    try {
      for (const [version, alphaReq, withFeatures] of [
        ['0.1.0', '=1.0.0', true],
        ['0.2.0', '=1.1.0', true],
        ['0.3.0', '2', false],
      ] as const) {
        commit(version, alphaReq, withFeatures);
        rmSync(path.join(workspace, 'target'), { recursive: true, force: true }); // a fresh runner
        const run = withTarget(await prepareRun({ config, context, env, rustc }), {
          triple: rustc.host,
          flagsHash: 'f'.repeat(64),
        });
        const state = await restoreCache(run);
        const build = await runTimedBuild(run, {
          wrapperPath: path.join(repoRoot, 'tools/rustc-wrapper/main.rs'),
          log: () => {},
        });
        expect(build.exitCode).toBe(0);
        const saved = await saveCache(run, { state, artifacts: build.artifacts });
        expect(saved.saved).toBe(true);
        expect(saved.bytesAfter!).toBeLessThan(saved.bytesBefore!);
      }
    } finally {
      out.restore();
    }
    const index = JSON.parse(execFileSync('cat', [path.join(cacheDir, 'index.json')], { encoding: 'utf8' })) as {
      entries: Array<{ file: string }>;
    };
    // Older entries of the same toolchain, profile and flags were superseded and deleted.
    expect(index.entries).toHaveLength(1);
    const members = execFileSync('tar', ['-tf', path.join(cacheDir, index.entries[0]!.file), '--zstd'], {
      encoding: 'utf8',
    }).split('\n');
    const units = (name: string) =>
      new Set(members.filter((m) => new RegExp(`/\\.fingerprint/${name}-[0-9a-f]{16}/$`).test(m)));
    // util, a path dependency, is one of your crates (not cached without keep-fresh); wm-alpha is the registry's.
    expect(units('util').size).toBe(0);
    expect(units('wm-alpha').size).toBe(1);
    expect(units('wm-features').size).toBe(0);
    expect(members.some((m) => /\/deps\/libutil-[0-9a-f]{16}\.rlib$/.test(m))).toBe(false);
    expect(members.filter((m) => /\/deps\/libwm_alpha-[0-9a-f]{16}\.rlib$/.test(m))).toHaveLength(1);
    // Workspace members, incremental data and the timings report are not cached.
    expect(members.some((m) => /\/\.fingerprint\/app-/.test(m))).toBe(false);
    expect(members.some((m) => m.includes('/incremental/') || m.includes('/cargo-timings/'))).toBe(false);
    // The registry download of the dropped crate is gone too, and of wm-alpha only the current
    // version's is left (the archive holds cargo's real registry/cache of the local registry).
    const downloads = members
      .filter((m) => /registry\/cache\/[^/]+\/[^/]+\.crate$/.test(m))
      .map((m) => path.basename(m));
    expect(downloads.some((f) => f.startsWith('wm-features-'))).toBe(false);
    expect(downloads.filter((f) => f.startsWith('wm-alpha-'))).toEqual(['wm-alpha-2.0.0.crate']);
    expect(members.some((m) => /registry\/index\/127\.0\.0\.1-[0-9a-f]+\/\.cache\//.test(m))).toBe(true);
  });
});

describe('a separate build directory (build.build-dir)', () => {
  const rustc = parseRustcVersion(execFileSync('rustc', ['-vV'], { encoding: 'utf8' }));
  const root = writeTree({
    'ws/Cargo.toml': '[workspace]\nmembers = ["app"]\nresolver = "2"\n',
    'ws/app/Cargo.toml':
      '[package]\nname = "app"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\nwm-alpha = "1"\n',
    'ws/app/src/main.rs': 'fn main() { println!("{}", wm_alpha::mul(6, 7)); }\n',
    // Intermediate artifacts go to a directory beside target/, as build.build-dir allows.
    'ws/.cargo/config.toml': '[build]\nbuild-dir = "build-area"\n',
  });
  const workspace = path.join(root, 'ws');
  const cacheDir = mkdtempSync(path.join(os.tmpdir(), 'wm-builddir-cache-'));

  test('units in the build directory are cached and restored, so dependencies stay fresh', async () => {
    const env: NodeJS.ProcessEnv = {
      ...registry.env(registry.cargoHome(path.join(root, 'cargo-home'))),
      GITHUB_WORKSPACE: workspace,
    };
    delete env.RUSTFLAGS;
    delete env.CARGO_TARGET_DIR;
    delete env.CARGO_BUILD_BUILD_DIR;
    const config = parseConfig(
      (n) => ({ 'cache-backend': 'local', 'cache-dir': cacheDir })[n] ?? '',
      { RUNNER_TEMP: path.join(root, 'tmp'), CI: 'true' },
      workspace,
    );
    const context = readRunContext({}, null);
    const wrapperPath = path.join(repoRoot, 'tools/rustc-wrapper/main.rs');
    generateLockfile(workspace, env);
    const out = captureStdout();
    const runs = [];
    try {
      for (let i = 0; i < 2; i++) {
        // A fresh runner: neither directory exists.
        for (const dir of ['target', 'build-area']) rmSync(path.join(workspace, dir), { recursive: true, force: true });
        const run = withTarget(await prepareRun({ config, context, env, rustc }), {
          triple: rustc.host,
          flagsHash: 'f'.repeat(64),
        });
        const state = await restoreCache(run);
        const build = await runTimedBuild(run, { wrapperPath, log: () => {} });
        expect(build.exitCode).toBe(0);
        const saved = await saveCache(run, { state, artifacts: build.artifacts });
        runs.push({ state, build, saved });
      }
    } finally {
      out.restore();
    }
    const [cold, warm] = runs as [(typeof runs)[0], (typeof runs)[0]];
    expect(cold.state.paths).toContain(path.join(workspace, 'build-area'));
    expect(cold.state.hit).toBe('miss');
    expect(cold.saved.saved).toBe(true);
    expect(warm.state.hit).toBe('exact');
    // wm-alpha came from the cache: only the workspace's own crate was compiled.
    expect(cold.build.record.crates.map((c) => c.crate).sort()).toEqual(['app', 'wm-alpha']);
    expect(warm.build.record.crates.map((c) => c.crate)).toEqual(['app']);
    const index = JSON.parse(execFileSync('cat', [path.join(cacheDir, 'index.json')], { encoding: 'utf8' })) as {
      entries: Array<{ file: string }>;
    };
    const members = execFileSync('tar', ['-tf', path.join(cacheDir, index.entries[0]!.file), '--zstd'], {
      encoding: 'utf8',
    }).split('\n');
    expect(members.some((m) => /build-area\/debug\/deps\/libwm_alpha-[0-9a-f]{16}\.rlib$/.test(m))).toBe(true);
    expect(members.some((m) => m.includes('build-area/debug/incremental/'))).toBe(false);
  });
});
