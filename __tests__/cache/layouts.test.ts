// Both build-dir layouts: the planner on real samples of what cargo writes
// (__tests__/fixtures/build-dir-layout), and real builds over the toolchains on this machine —
// the stable cargo in its default (old) layout, the same cargo in the new layout
// (RUSTC_BOOTSTRAP=1 with -Zbuild-dir-new-layout, what cargo 1.100 does by default), and a
// nightly toolchain when one is installed.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { planTargetClean, type TargetEntry } from '../../src/cache/clean.js';
import { hashesInPath, layoutOfArtifacts } from '../../src/cargo-layout.js';
import { parseConfig } from '../../src/config.js';
import { repoRoot } from '../helpers/action-runner.js';
import { captureStdout } from '../helpers/capture.js';
import { generateLockfile, writeTree } from '../helpers/fixtures.js';
import { cacheJob } from '../helpers/run.js';
import { LAYOUTS } from '../helpers/layouts.js';
import { startLocalRegistry, type LocalRegistry } from '../helpers/registry.js';

const SAMPLES = path.join(repoRoot, '__tests__/fixtures/build-dir-layout');
const sample = (name: string) => readFileSync(path.join(SAMPLES, name), 'utf8');
const artifactsOfSample = (name: string) =>
  sample(`${name}.jsonl`)
    .split('\n')
    .filter(Boolean)
    .flatMap((line) => {
      const m = JSON.parse(line) as { filenames?: string[]; executable?: string | null; out_dir?: string };
      return [...(m.filenames ?? []), ...(m.executable ? [m.executable] : []), ...(m.out_dir ? [m.out_dir] : [])];
    });
/** The sample tree as the listing would give it (every path; directories are those with children). */
function entriesOfSample(name: string, mtimeMs = 1000): TargetEntry[] {
  const paths = sample(`${name}.tree.txt`)
    .split('\n')
    .filter(Boolean)
    .map((p) => p.replace(/^\.\//, ''));
  const dirs = new Set(paths.map((p) => p.split('/').slice(0, -1).join('/')));
  return paths.map((p, i) => ({ path: p, isDir: dirs.has(p), mtimeMs, bytes: 10, ino: i + 1 }));
}
const MEMBERS = new Set(['app-bin', 'core_lib', 'my-macro']);

describe('the layouts, as cargo wrote them', () => {
  test.each(['dev', 'ci', 'dev-target', 'ci-target'])('cargo’s messages tell the layout (%s)', (variant) => {
    expect(layoutOfArtifacts(artifactsOfSample(`old-${variant}`))).toBe('old');
    expect(layoutOfArtifacts(artifactsOfSample(`new-${variant}`))).toBe('new');
  });

  test('unit hashes are read from new-layout directories and old-layout names alike', () => {
    expect(hashesInPath('/WS/target/debug/build/dep-util/1b64f15867e751e2/out')).toEqual(['1b64f15867e751e2']);
    expect(
      hashesInPath('/WS/target/debug/build/dep-util/1b64f15867e751e2/out/libdep_util-1b64f15867e751e2.rlib'),
    ).toEqual(['1b64f15867e751e2']);
    expect(hashesInPath('/WS/target/debug/deps/libdep_util-1b64f15867e751e2.rlib')).toEqual(['1b64f15867e751e2']);
    expect(hashesInPath('/WS/target/debug/libmy_macro.so')).toEqual([]);
  });

  describe.each(['old', 'new'] as const)('the %s layout', (layout) => {
    test.each([
      ['dev', ['debug']],
      ['ci-target', ['ci', 'x86_64-unknown-linux-gnu/ci']],
    ] as const)('%s: members go, the dependency stays, nothing of it is judged unused', (variant, profileDirs) => {
      const name = `${layout}-${variant}`;
      const artifacts = artifactsOfSample(name);
      const removed = planTargetClean({
        entries: entriesOfSample(name),
        profileDirs: [...profileDirs],
        usedHashes: new Set(artifacts.flatMap(hashesInPath)),
        usedInodes: new Set(),
        restoredAtMs: 5000,
        members: MEMBERS,
        keepMembers: false,
        buildLayout: layout,
      });
      const paths = removed.map((r) => r.path);
      // Every unit of the outside dependency (dep-util: lib, build script, its run) survives.
      expect(paths.filter((p) => /dep[-_]util/.test(p))).toEqual([]);
      // Every member unit goes, whichever name form (hyphen or underscore) cargo used.
      const kept = entriesOfSample(name).filter((e) => !paths.some((p) => e.path === p || e.path.startsWith(`${p}/`)));
      const memberUnits = kept.filter((e) =>
        /\/(build|deps|\.fingerprint)\/(app[-_]bin|core_lib|my[-_]macro|libcore_lib|libmy_macro|build_script_build)[-/]/.test(
          e.path,
        ),
      );
      expect(memberUnits.map((e) => e.path)).toEqual([]);
      // Locks and incremental data are not cached.
      expect(kept.some((e) => /\.cargo-lock$|\/incremental(\/|$)/.test(e.path))).toBe(false);
    });
  });

  test('an old-layout cache restored under a new-layout cargo: the old leftovers go', () => {
    const old = entriesOfSample('old-dev');
    const removed = planTargetClean({
      entries: [...old, ...entriesOfSample('new-dev', 9000).filter((e) => !old.some((o) => o.path === e.path))],
      profileDirs: ['debug'],
      usedHashes: new Set(artifactsOfSample('new-dev').flatMap(hashesInPath)),
      usedInodes: new Set(),
      restoredAtMs: 5000,
      members: new Set(),
      keepMembers: true,
      buildLayout: 'new',
    }).map((r) => r.path);
    expect(removed).toEqual(expect.arrayContaining(['debug/deps', 'debug/.fingerprint']));
    expect(removed.filter((p) => /^debug\/build\/[^/]+-[0-9a-f]{16}$/.test(p)).length).toBeGreaterThan(0);
    expect(removed.filter((p) => /^debug\/build\/[^/]+\/[0-9a-f]{16}$/.test(p))).toEqual([]);
  });
});

let registry: LocalRegistry;
beforeAll(async () => {
  registry = await startLocalRegistry();
});
afterAll(() => registry.stop());

/** The local backend's one archive, listed. */
function archiveMembers(cacheDir: string): string[] {
  const index = JSON.parse(readFileSync(path.join(cacheDir, 'index.json'), 'utf8')) as {
    entries: Array<{ file: string }>;
  };
  expect(index.entries).toHaveLength(1);
  return execFileSync('tar', ['-tf', path.join(cacheDir, index.entries[0]!.file), '--zstd'], {
    encoding: 'utf8',
  }).split('\n');
}

/** The config of a CI job (the cleaner deletes) that caches in a local directory. */
const configIn = (workspace: string, cacheDir: string, inputs: Record<string, string> = {}) =>
  parseConfig(
    (n) => ({ 'cache-backend': 'local', 'cache-dir': cacheDir, ...inputs })[n] ?? '',
    { RUNNER_TEMP: path.join(workspace, '..', 'tmp'), CI: 'true' },
    workspace,
  );

/** A unit of `pkg` in an archive listing, in either layout. */
const unitsIn = (members: string[], pkg: string, layout: 'old' | 'new') =>
  new Set(
    members.filter((m) =>
      (layout === 'old'
        ? new RegExp(`/\\.fingerprint/${pkg}-[0-9a-f]{16}/$`)
        : new RegExp(`/build/${pkg}/[0-9a-f]{16}/$`)
      ).test(m),
    ),
  );

describe.each(LAYOUTS)('$name', ({ layout, env: layoutEnv }) => {
  const root = writeTree({
    'util/src/lib.rs': 'pub fn twice(x: u32) -> u32 { x * 2 }\n',
    'util/build.rs': 'fn main() { println!("cargo:rerun-if-changed=build.rs"); }\n',
    'ws/Cargo.toml':
      '[workspace]\nmembers = ["app-bin", "core_lib", "my-macro"]\nresolver = "2"\n\n[profile.ci]\ninherits = "dev"\nopt-level = 1\n',
    'ws/app-bin/build.rs': 'fn main() { println!("cargo:rustc-env=STAMP=1"); }\n',
    'ws/app-bin/src/main.rs':
      'my_macro::hello!();\nfn main() { println!("{} {} {} {}", core_lib::f(), util::twice(21), wm_alpha::VERSION, hello()); }\n',
    'ws/core_lib/Cargo.toml': '[package]\nname = "core_lib"\nversion = "0.1.0"\nedition = "2021"\n',
    'ws/core_lib/src/lib.rs': 'pub fn f() -> u32 { 1 }\n',
    'ws/my-macro/Cargo.toml':
      '[package]\nname = "my-macro"\nversion = "0.1.0"\nedition = "2021"\n\n[lib]\nproc-macro = true\n',
    'ws/my-macro/src/lib.rs':
      'use proc_macro::TokenStream;\n#[proc_macro]\npub fn hello(_: TokenStream) -> TokenStream { "fn hello() -> u32 { 7 }".parse().unwrap() }\n',
  });
  const workspace = path.join(root, 'ws');
  const cacheDir = mkdtempSync(path.join(os.tmpdir(), 'wm-layout-cache-'));
  let env: NodeJS.ProcessEnv;

  // The outside dependency `util` (with a build script) and the registry's wm-alpha move on each commit.
  function commit(utilVersion: string, alphaReq: string) {
    writeFileSync(
      path.join(root, 'util/Cargo.toml'),
      `[package]\nname = "util"\nversion = "${utilVersion}"\nedition = "2021"\nbuild = "build.rs"\n`,
    );
    writeFileSync(
      path.join(workspace, 'app-bin/Cargo.toml'),
      `[package]\nname = "app-bin"\nversion = "0.1.0"\nedition = "2021"\nbuild = "build.rs"\n\n[dependencies]\ncore_lib = { path = "../core_lib" }\nmy-macro = { path = "../my-macro" }\nutil = { path = "../../util" }\nwm-alpha = "${alphaReq}"\n`,
    );
    generateLockfile(workspace, env);
  }

  async function job(inputs: Record<string, string>) {
    const result = await cacheJob(configIn(workspace, cacheDir, inputs), env);
    expect(result.build.exitCode).toBe(0);
    return result;
  }

  beforeAll(() => {
    env = {
      ...registry.env(registry.cargoHome(path.join(root, 'cargo-home'))),
      ...layoutEnv,
      GITHUB_WORKSPACE: workspace,
    };
    for (const name of ['RUSTFLAGS', 'CARGO_TARGET_DIR', 'CARGO_BUILD_BUILD_DIR', 'CARGO_INCREMENTAL'])
      delete env[name];
  });

  test('three commits of dependency churn: the archive holds one unit per dependency and no member', async () => {
    const out = captureStdout();
    try {
      for (const [version, alpha] of [
        ['0.1.0', '=1.0.0'],
        ['0.2.0', '=1.1.0'],
        ['0.3.0', '2'],
      ] as const) {
        commit(version, alpha);
        rmSync(path.join(workspace, 'target'), { recursive: true, force: true }); // a fresh runner
        const { build, saved } = await job({});
        expect(build.record.measurement.buildDirLayout).toBe(layout);
        expect(saved.saved).toBe(true);
        expect(saved.bytesAfter!).toBeLessThan(saved.bytesBefore!);
      }
    } finally {
      out.restore();
    }
    const members = archiveMembers(cacheDir);
    // The registry's wm-alpha: one unit of one version. util, a path dependency outside the
    // workspace, is one of your crates (local path packages): left out like the members.
    expect(unitsIn(members, 'wm-alpha', layout).size).toBe(1);
    for (const member of ['app-bin', 'core_lib', 'my-macro', 'util'])
      expect(unitsIn(members, member, layout).size).toBe(0);
    expect(members.some((m) => m.includes('/incremental/') || /\.cargo-(build-|artifact-)?lock$/.test(m))).toBe(false);
    expect(unitsIn(members, 'util', layout === 'old' ? 'new' : 'old').size).toBe(0);
  });

  test('an exact hit compiles only your crates (the members and the path dependency)', async () => {
    const out = captureStdout();
    try {
      rmSync(path.join(workspace, 'target'), { recursive: true, force: true });
      const warm = await job({});
      expect(warm.state.hit).toBe('exact');
      expect(warm.build.record.crates.filter((c) => !c.workspaceMember)).toEqual([]);
      expect(warm.build.record.crates.map((c) => c.crate).sort()).toEqual(['app-bin', 'core_lib', 'my-macro', 'util']);
    } finally {
      out.restore();
    }
  });

  test('with --target, a custom profile and cache-workspace-crates, a second job compiles nothing', async () => {
    const inputs = {
      profile: 'ci',
      'cargo-args': `--target ${spawnSync('rustc', ['-vV'], { encoding: 'utf8', env }).stdout.match(/^host: (.+)$/m)![1]}`,
      'cache-workspace-crates': 'true',
    };
    const out = captureStdout();
    try {
      rmSync(path.join(workspace, 'target'), { recursive: true, force: true });
      await job(inputs);
      rmSync(path.join(workspace, 'target'), { recursive: true, force: true });
      const second = await job(inputs);
      expect(second.state.hit).toBe('exact');
      // Build scripts and proc macros (host units), the bin and the libs were all kept.
      expect(second.build.record.crates).toEqual([]);
      expect(second.build.record.measurement.buildDirLayout).toBe(layout);
    } finally {
      out.restore();
    }
  });
});

describe('an old-layout cache restored under a new-layout cargo (cargo upgraded to 1.100)', () => {
  const root = writeTree({
    'ws/Cargo.toml': '[workspace]\nmembers = ["app"]\nresolver = "2"\n',
    'ws/app/Cargo.toml':
      '[package]\nname = "app"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\nwm-alpha = "1"\n',
    'ws/app/src/main.rs': 'fn main() { println!("{}", wm_alpha::VERSION); }\n',
  });
  const workspace = path.join(root, 'ws');
  const cacheDir = mkdtempSync(path.join(os.tmpdir(), 'wm-layout-mix-'));

  test('the stale entry is replaced, and the old layout leaves nothing in it', async () => {
    const base: NodeJS.ProcessEnv = {
      ...registry.env(registry.cargoHome(path.join(root, 'cargo-home'))),
      GITHUB_WORKSPACE: workspace,
    };
    for (const name of ['RUSTFLAGS', 'CARGO_TARGET_DIR', 'CARGO_INCREMENTAL']) delete base[name];
    generateLockfile(workspace, base);
    const config = configIn(workspace, cacheDir);
    const out = captureStdout();
    const jobs = [];
    try {
      for (const env of [base, { ...base, RUSTC_BOOTSTRAP: '1', CARGO_UNSTABLE_BUILD_DIR_NEW_LAYOUT: 'true' }]) {
        rmSync(path.join(workspace, 'target'), { recursive: true, force: true });
        // As the main step hands it over: dependencies compiled despite an exact hit make the entry stale.
        jobs.push(await cacheJob(config, env));
      }
    } finally {
      out.restore();
    }
    const [, upgraded] = jobs as [(typeof jobs)[0], (typeof jobs)[0]];
    expect(upgraded.state.hit).toBe('exact');
    expect(upgraded.rebuiltDependencies).toBe(1);
    expect(upgraded.saved.saved).toBe(true);
    expect(out.text()).toMatch(/removed \d+ × left by the old build-dir layout/);
    const members = archiveMembers(cacheDir);
    expect(unitsIn(members, 'wm-alpha', 'new').size).toBe(1);
    expect(members.some((m) => /\/debug\/(deps|\.fingerprint)\//.test(m))).toBe(false);
  });
});

describe.each(LAYOUTS)('a separate build directory (build.build-dir), $name', ({ layout, env: layoutEnv }) => {
  const root = writeTree({
    'ws/Cargo.toml': '[workspace]\nmembers = ["app"]\nresolver = "2"\n',
    'ws/app/Cargo.toml':
      '[package]\nname = "app"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\nwm-alpha = "1"\n',
    'ws/app/src/main.rs': 'fn main() { println!("{}", wm_alpha::VERSION); }\n',
    'ws/.cargo/config.toml': '[build]\nbuild-dir = "build-area"\n',
  });
  const workspace = path.join(root, 'ws');
  const cacheDir = mkdtempSync(path.join(os.tmpdir(), 'wm-layout-builddir-'));

  test('units there are cached in their layout and restored fresh', async () => {
    const env: NodeJS.ProcessEnv = {
      ...registry.env(registry.cargoHome(path.join(root, 'cargo-home'))),
      ...layoutEnv,
      GITHUB_WORKSPACE: workspace,
    };
    for (const name of ['RUSTFLAGS', 'CARGO_TARGET_DIR', 'CARGO_BUILD_BUILD_DIR', 'CARGO_INCREMENTAL'])
      delete env[name];
    generateLockfile(workspace, env);
    const config = configIn(workspace, cacheDir);
    const out = captureStdout();
    const builds = [];
    try {
      for (let i = 0; i < 2; i++) {
        for (const dir of ['target', 'build-area']) rmSync(path.join(workspace, dir), { recursive: true, force: true });
        builds.push(await cacheJob(config, env));
      }
    } finally {
      out.restore();
    }
    expect(builds[0]!.state.buildDir).toBe(path.join(workspace, 'build-area'));
    expect(builds[1]!.state.hit).toBe('exact');
    expect(builds[1]!.build.record.crates.map((c) => c.crate)).toEqual(['app']);
    const members = archiveMembers(cacheDir);
    expect([...unitsIn(members, 'wm-alpha', layout)].every((m) => m.includes('/build-area/'))).toBe(true);
    expect(unitsIn(members, 'wm-alpha', layout).size).toBe(1);
  });
});
