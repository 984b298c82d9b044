// End to end: the post step's cleaner and the main step's restore touch only directories
// cargo owns. A target or build directory that is the workspace, the checkout or an ancestor
// is neither cached nor cleaned (one warning says why); a target directory shared with another
// project loses only this project's unused units; an ordinary target/ is still cleaned; outside
// CI nothing in target/ is deleted (the archive leaves out what cleaning would remove).
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Job, type Annotation, type StepResult } from '../helpers/action-runner.js';
import { gitInit, smallWorkspace, writeTree } from '../helpers/fixtures.js';

const tmp = (prefix: string) => mkdtempSync(path.join(os.tmpdir(), prefix));

/** The environment for running cargo directly, as a user's own step would (no flags from the test process). */
function cargoEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  for (const k of [
    'RUSTFLAGS',
    'CARGO_ENCODED_RUSTFLAGS',
    'CARGO_TARGET_DIR',
    'CARGO_BUILD_TARGET_DIR',
    'CARGO_BUILD_BUILD_DIR',
  ])
    if (!(k in extra)) delete env[k];
  return env;
}

function writeFiles(root: string, files: Record<string, string>): void {
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    writeFileSync(path.join(root, rel), text);
  }
}

function cargo(cwd: string, args: string[], extra: Record<string, string> = {}): void {
  execFileSync('cargo', args, { cwd, env: cargoEnv(extra), stdio: ['ignore', 'ignore', 'pipe'] });
}

/** Every file under `root` (relative path → sha256), skipping `.git`. */
function snapshot(root: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (rel: string) => {
    for (const e of readdirSync(path.join(root, rel), { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (r === '.git') continue;
      if (e.isDirectory()) walk(r);
      else if (e.isFile())
        out.set(
          r,
          createHash('sha256')
            .update(readFileSync(path.join(root, r)))
            .digest('hex'),
        );
    }
  };
  walk('');
  return out;
}

/** Files of `before` that are gone or changed in `root` now. */
function damaged(root: string, before: Map<string, string>): string[] {
  const now = snapshot(root);
  return [...before].filter(([rel, hash]) => now.get(rel) !== hash).map(([rel]) => rel);
}

const warnings = (...steps: StepResult[]): Annotation[] =>
  steps.flatMap((s) => s.annotations.filter((a) => a.level === 'warning'));
const errors = (...steps: StepResult[]): Annotation[] =>
  steps.flatMap((s) => s.annotations.filter((a) => a.level === 'error'));

const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

/** A one-package workspace with a library, a binary, a lockfile and a few files a user keeps next to them. */
function singlePackage(root: string, rel = '.'): string {
  const dir = path.join(root, rel);
  const files: Record<string, string> = {
    'Cargo.toml': '[package]\nname = "calc"\nversion = "0.1.0"\nedition = "2021"\n',
    'src/lib.rs': 'pub fn answer() -> u64 {\n    (1..=10u64).sum()\n}\n',
    'src/main.rs': 'fn main() {\n    println!("{}", calc::answer());\n}\n',
    // Untracked notes, and a directory whose layout looks like a cargo profile dir (it has a
    // build/ child): a cleaner working in the workspace would take it for another profile.
    'notes.txt': 'Release checklist: bump the version, tag, publish.\n',
    'scripts/build/release.sh': '#!/bin/sh\ncargo build --release\n',
  };
  writeFiles(dir, files);
  cargo(dir, ['generate-lockfile', '--offline']);
  return dir;
}

/** The protections under test ask only for the local cache backend and a fresh CARGO_HOME. */
function jobSetup() {
  return { cacheDir: tmp('wm-safety-cache-'), cargoHome: tmp('wm-safety-cargo-home-') };
}

describe('a target directory that is the workspace: cargo-args --target-dir .', () => {
  let workspace: string;
  let before: Map<string, string>;
  let main: StepResult;
  let post: StepResult;
  let second: StepResult;
  let damagedByTheJob: string[];
  const newLib = 'pub fn answer() -> u64 {\n    (1..=20u64).sum()\n}\n';

  beforeAll(async () => {
    workspace = singlePackage(tmp('wm-safety-dot-'));
    before = snapshot(workspace);
    const { cacheDir, cargoHome } = jobSetup();
    const inputs = { 'cargo-args': '--target-dir .', 'cache-backend': 'local', 'cache-dir': cacheDir };
    const job = new Job({ workspace, inputs, env: { CARGO_HOME: cargoHome } });
    main = await job.main();
    post = await job.post();
    damagedByTheJob = damaged(workspace, before);
    // The next commit changes a source file (the cache key does not depend on sources), and the
    // next job restores from the same cache: nothing of the workspace may come back from it.
    mkdirSync(path.join(workspace, 'src'), { recursive: true });
    writeFileSync(path.join(workspace, 'src/lib.rs'), newLib);
    before.set('src/lib.rs', createHash('sha256').update(newLib).digest('hex'));
    second = await new Job({ workspace, inputs, env: { CARGO_HOME: cargoHome } }).main();
  });

  test('the build still runs there, and nothing of it is cleaned', () => {
    expect(main.exitCode).toBe(0);
    expect(existsSync(path.join(workspace, 'debug', '.fingerprint'))).toBe(true);
    expect(existsSync(path.join(workspace, 'debug', 'calc'))).toBe(true);
  });

  test('the sources, the lockfile and the untracked files survive with the same content', () => {
    expect(damagedByTheJob).toEqual([]);
    expect(readFileSync(path.join(workspace, 'notes.txt'), 'utf8')).toBe(
      'Release checklist: bump the version, tag, publish.\n',
    );
    expect(statSync(path.join(workspace, 'src')).isDirectory()).toBe(true);
    expect(existsSync(path.join(workspace, 'Cargo.lock'))).toBe(true);
    expect(existsSync(path.join(workspace, 'scripts', 'build', 'release.sh'))).toBe(true);
  });

  test('one warning says why the directory is neither cached nor cleaned, and the post step still succeeds', () => {
    const about = warnings(main, post).filter((w) => w.message.includes(workspace));
    expect(about).toHaveLength(1);
    expect(about[0]!.message).toMatch(/does not cache/);
    expect(about[0]!.message).toContain('it is the cargo workspace');
    expect(errors(main, post)).toEqual([]);
    expect(post.exitCode).toBe(0);
    expect(post.stdout).not.toMatch(/removed \d+ ×/);
  });

  test("a later job's restore brings back nothing of the workspace: the new commit's source stays", () => {
    expect(second.exitCode).toBe(0);
    expect(readFileSync(path.join(workspace, 'src/lib.rs'), 'utf8')).toBe(newLib);
    expect(damaged(workspace, before)).toEqual([]);
  });
});

describe('target and build directories that hold a git checkout', () => {
  /** A checkout with the cargo workspace in rust/ (working-directory: rust), committed. */
  function checkout(extra: Record<string, string> = {}) {
    // tools/ has a build/ child, like a cargo profile dir: a cleaner working in the checkout would take it for one.
    const root = writeTree(
      {
        'README.md': '# octo-repo\n',
        'docs/guide.md': 'How to build.\n',
        'tools/build/ci.sh': '#!/bin/sh\nexit 0\n',
        ...extra,
      },
      'wm-safety-checkout-',
    );
    singlePackage(root, 'rust');
    const sha = gitInit(root);
    return { root, workspace: path.join(root, 'rust'), sha, before: snapshot(root) };
  }

  async function runJob(root: string, env: Record<string, string> = {}) {
    const { cacheDir, cargoHome } = jobSetup();
    const job = new Job({
      workspace: root,
      inputs: { 'working-directory': 'rust', 'cache-backend': 'local', 'cache-dir': cacheDir },
      env: { CARGO_HOME: cargoHome, ...env },
    });
    const main = await job.main();
    const post = await job.post();
    return { main, post };
  }

  function expectCheckoutIntact(c: ReturnType<typeof checkout>) {
    expect(existsSync(path.join(c.root, '.git', 'HEAD'))).toBe(true);
    // git still works, HEAD is the same commit, and no tracked file is changed or deleted.
    expect(git(c.root, 'rev-parse', 'HEAD').trim()).toBe(c.sha);
    const status = git(c.root, 'status', '--porcelain');
    expect(status.split('\n').filter((l) => l && !l.startsWith('??'))).toEqual([]);
    expect(() => git(c.root, 'diff', '--quiet', 'HEAD')).not.toThrow();
    expect(() => git(c.root, 'fsck', '--no-progress')).not.toThrow();
    expect(damaged(c.root, c.before)).toEqual([]);
  }

  /** Exactly one warning about a directory left out, naming `dir` (as cargo spells it: `rust/..` is fine) and the reason. */
  function expectOneWarning(steps: StepResult[], dir: string, reason: RegExp) {
    const about = warnings(...steps).filter((w) => /does not cache|did not clean/.test(w.message));
    expect(about).toHaveLength(1);
    const named = /does not cache (.+?): /.exec(about[0]!.message)?.[1];
    expect(named && path.resolve(named)).toBe(dir);
    expect(about[0]!.message).toMatch(reason);
  }

  test('build.target-dir = ".." in .cargo/config.toml (the checkout): the whole checkout, .git included, survives', async () => {
    const c = checkout({ 'rust/.cargo/config.toml': '[build]\ntarget-dir = ".."\n' });
    const { main, post } = await runJob(c.root);
    expect(main.exitCode).toBe(0);
    expect(post.exitCode).toBe(0);
    expectCheckoutIntact(c);
    expectOneWarning([main, post], c.root, /it contains the cargo workspace/);
    expect(errors(main, post)).toEqual([]);
    // Cargo really built into the checkout, and the post step cleaned nothing there.
    expect(existsSync(path.join(c.root, 'debug', 'calc'))).toBe(true);
  });

  test('CARGO_TARGET_DIR set to the workspace root', async () => {
    const c = checkout();
    const { main, post } = await runJob(c.root, { CARGO_TARGET_DIR: c.workspace });
    expect(main.exitCode).toBe(0);
    expect(post.exitCode).toBe(0);
    expectCheckoutIntact(c);
    expectOneWarning([main, post], c.workspace, /it is the cargo workspace/);
    expect(existsSync(path.join(c.workspace, 'debug', 'calc'))).toBe(true);
  });

  test('CARGO_BUILD_TARGET_DIR set to the parent of the workspace', async () => {
    const c = checkout();
    const { main, post } = await runJob(c.root, { CARGO_BUILD_TARGET_DIR: c.root });
    expect(main.exitCode).toBe(0);
    expect(post.exitCode).toBe(0);
    expectCheckoutIntact(c);
    expectOneWarning([main, post], c.root, /it contains the cargo workspace/);
    expect(existsSync(path.join(c.root, 'debug', 'calc'))).toBe(true);
  });

  test('build.build-dir = "." in a config file: the build dir is left alone, target/ is still cached and cleaned', async () => {
    const c = checkout({ 'rust/.cargo/config.toml': '[build]\nbuild-dir = "."\n' });
    const { main, post } = await runJob(c.root);
    expect(main.exitCode).toBe(0);
    // The intermediate artifacts went into the workspace itself.
    expect(readdirSync(c.workspace)).toContain('debug');
    expect(post.exitCode).toBe(0);
    expectCheckoutIntact(c);
    expectOneWarning([main, post], c.workspace, /it is the cargo workspace/);
    // target/ is cargo's own: cached and cleaned as usual.
    expect(warnings(main, post).filter((w) => w.message.includes(path.join(c.workspace, 'target')))).toEqual([]);
    expect(existsSync(path.join(c.workspace, 'target', 'CACHEDIR.TAG'))).toBe(true);
  });
});

describe('a target directory outside the workspace, shared by two projects', () => {
  let shared: string;
  let bravoUnits: string[];
  let alphaOldHelper: string[];
  let main: StepResult;
  let post: StepResult;
  const unitDirs = ['debug/.fingerprint', 'debug/deps', 'debug/build'];
  const listUnits = (filter: (name: string) => boolean) =>
    unitDirs.flatMap((d) =>
      existsSync(path.join(shared, d))
        ? readdirSync(path.join(shared, d))
            .filter(filter)
            .map((n) => `${d}/${n}`)
        : [],
    );

  beforeAll(async () => {
    const root = tmp('wm-safety-shared-');
    shared = path.join(root, 'shared-target');
    const cargoHome = tmp('wm-safety-cargo-home-');
    // Project B: a binary with a build script and a path dependency. Built first, by plain cargo.
    const bravo = path.join(root, 'bravo');
    writeFiles(bravo, {
      'Cargo.toml':
        '[package]\nname = "bravo"\nversion = "0.1.0"\nedition = "2021"\nbuild = "build.rs"\n\n[dependencies]\nbravo-util = { path = "util" }\n',
      'build.rs': 'fn main() {\n    println!("cargo:rustc-env=BRAVO_STAMP=b");\n}\n',
      'src/main.rs': 'fn main() {\n    println!("{} {}", env!("BRAVO_STAMP"), bravo_util::twice(21));\n}\n',
      'util/Cargo.toml': '[package]\nname = "bravo-util"\nversion = "0.1.0"\nedition = "2021"\n',
      'util/src/lib.rs': 'pub fn twice(x: u32) -> u32 {\n    x * 2\n}\n',
    });
    // Project A (the one the action runs on) depends on a helper outside its workspace; its
    // feature `fast` changes the helper's features, so the helper's unit hash.
    const alpha = path.join(root, 'alpha');
    writeFiles(root, {
      'alpha/Cargo.toml':
        '[package]\nname = "alpha-app"\nversion = "0.1.0"\nedition = "2021"\n\n[features]\nfast = ["helper/fast"]\n\n[dependencies]\nhelper = { path = "../vendor/helper" }\n',
      'alpha/src/main.rs': 'fn main() {\n    println!("{}", helper::mode());\n}\n',
      'vendor/helper/Cargo.toml':
        '[package]\nname = "helper"\nversion = "0.1.0"\nedition = "2021"\n\n[features]\nfast = []\n',
      'vendor/helper/src/lib.rs':
        'pub fn mode() -> &\'static str {\n    if cfg!(feature = "fast") { "fast" } else { "plain" }\n}\n',
    });
    const env = { CARGO_TARGET_DIR: shared, CARGO_HOME: cargoHome };
    cargo(bravo, ['build', '--offline'], env);
    bravoUnits = listUnits((n) => n.startsWith('bravo') || n.startsWith('libbravo'));
    // A was built before (without the feature): its helper units of then are unused now.
    cargo(alpha, ['build', '--offline'], env);
    alphaOldHelper = listUnits((n) => n.startsWith('helper-') || n.startsWith('libhelper-'));

    const job = new Job({
      workspace: alpha,
      inputs: { 'cargo-args': '--features fast', 'cache-backend': 'local', 'cache-dir': tmp('wm-safety-cache-') },
      env,
    });
    main = await job.main();
    post = await job.post();
  });

  test('the fixture is what the test needs: B has units there, and A has old helper units', () => {
    expect(bravoUnits.some((u) => /^debug\/\.fingerprint\/bravo-[0-9a-f]{16}$/.test(u))).toBe(true);
    expect(bravoUnits.some((u) => /^debug\/\.fingerprint\/bravo-util-[0-9a-f]{16}$/.test(u))).toBe(true);
    expect(bravoUnits.some((u) => u.startsWith('debug/build/bravo-'))).toBe(true);
    expect(alphaOldHelper.length).toBeGreaterThan(0);
    expect(main.exitCode).toBe(0);
    expect(post.exitCode).toBe(0);
  });

  test("the other project's units survive A's cleaning", () => {
    const missing = bravoUnits.filter((u) => !existsSync(path.join(shared, u)));
    expect(missing).toEqual([]);
    // B still builds without compiling anything.
    const again = spawnSync('cargo', ['build', '--offline', '-v'], {
      cwd: path.join(path.dirname(shared), 'bravo'),
      env: cargoEnv({ CARGO_TARGET_DIR: shared }),
      encoding: 'utf8',
    });
    expect(again.status).toBe(0);
    expect(again.stderr).toMatch(/Fresh bravo/);
    expect(again.stderr).not.toMatch(/Compiling/);
  });

  test("A's own units are still removed", () => {
    expect(alphaOldHelper.filter((u) => existsSync(path.join(shared, u)))).toEqual([]);
    // The helper is a local path package, one of A's crates: not cached (no keep-fresh outside git), so none stays.
    const current = listUnits((n) => n.startsWith('helper-') || n.startsWith('libhelper-'));
    expect(current).toEqual([]);
    expect(post.stdout).toMatch(/removed \d+ × one of your crates/);
    expect(warnings(main, post)).toEqual([]);
  });
});

test('an ordinary target/ is still cleaned', async () => {
  const workspace = smallWorkspace();
  const { cacheDir, cargoHome } = jobSetup();
  const job = new Job({
    workspace,
    inputs: { 'cache-backend': 'local', 'cache-dir': cacheDir },
    env: { CARGO_HOME: cargoHome },
  });
  const main = await job.main();
  expect(main.exitCode).toBe(0);
  const post = await job.post();
  expect(post.exitCode).toBe(0);
  expect(post.stdout).toMatch(/^ {2}removed \d+ × one of your crates/m);
  expect(warnings(main, post)).toEqual([]);
  expect(existsSync(path.join(workspace, 'target', 'CACHEDIR.TAG'))).toBe(true);
  // The member units went; the workspace's own files did not.
  expect(
    readdirSync(path.join(workspace, 'target', 'debug', '.fingerprint')).filter((n) => /^(tool|core-lib|gen)-/.test(n)),
  ).toEqual([]);
  expect(existsSync(path.join(workspace, 'tool', 'src', 'main.rs'))).toBe(true);
});

describe('outside CI (a local run), the user’s target/ is theirs', () => {
  /** A workspace the user built in release and in dev with incremental data, and a job run on it as scripts/local-run.mjs runs one. */
  async function localJob(ci: Record<string, string | undefined>) {
    const workspace = smallWorkspace();
    const { cacheDir, cargoHome } = jobSetup();
    cargo(workspace, ['build', '--release', '--offline'], { CARGO_HOME: cargoHome });
    cargo(workspace, ['build', '--offline'], { CARGO_HOME: cargoHome, CARGO_INCREMENTAL: '1' });
    const target = path.join(workspace, 'target');
    const before = snapshot(target);
    const job = new Job({
      workspace,
      github: false,
      inputs: { 'cache-backend': 'local', 'cache-dir': cacheDir },
      env: { CARGO_HOME: cargoHome, ...ci },
    });
    const main = await job.main();
    const post = await job.post();
    // The cache entry (the baseline record is saved beside it).
    const index = JSON.parse(readFileSync(path.join(cacheDir, 'index.json'), 'utf8')) as {
      entries: Array<{ key: string; file: string }>;
    };
    const entry = index.entries.find((e) => !e.key.includes('-record-'))!;
    const archive = execFileSync('tar', ['-tf', path.join(cacheDir, entry.file), '--zstd'], { encoding: 'utf8' }).split(
      '\n',
    );
    return { target, before, main, post, archive };
  }

  test('CI unset: every file stays, the archive leaves out what cleaning would remove, and the log says so', async () => {
    const { target, before, main, post, archive } = await localJob({ CI: undefined, GITHUB_ACTIONS: undefined });
    expect(main.exitCode).toBe(0);
    expect(post.exitCode).toBe(0);
    expect(
      [...before.keys()].filter((rel) => rel.startsWith('release/tool') || rel.startsWith('debug/incremental/')).length,
    ).toBeGreaterThan(1);
    expect([...before.keys()].filter((rel) => !existsSync(path.join(target, rel)))).toEqual([]);
    expect(post.stdout).toMatch(/not in CI, so nothing is deleted/);
    expect(post.stdout).toMatch(/^ {2}left out \d+ × another profile/m);
    expect(post.stdout).not.toMatch(/^ {2}removed \d+ ×/m);
    expect(archive.some((m) => m.includes('/target/release/') || m.includes('/target/debug/incremental/'))).toBe(false);
    expect(archive.some((m) => m.includes('/target/debug/'))).toBe(true);
  });

  test('CI=true: the same job cleans', async () => {
    const { target, main, post, archive } = await localJob({ CI: 'true', GITHUB_ACTIONS: undefined });
    expect(main.exitCode).toBe(0);
    expect(post.exitCode).toBe(0);
    expect(existsSync(path.join(target, 'release'))).toBe(false);
    expect(existsSync(path.join(target, 'debug', 'incremental'))).toBe(false);
    expect(post.stdout).toMatch(/^ {2}removed \d+ × another profile/m);
    expect(archive.some((m) => m.includes('/target/release/'))).toBe(false);
  });
});
