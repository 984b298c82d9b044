// End to end, compile work: after the action's build, the object code cargo wrote for the
// workspace's crates is read (nothing is added to the build); the report shows the exact change
// in bytes of machine code against the baseline and names the generic function that grew.
// Identical builds give identical numbers; a crate that fails to compile leaves the others';
// `cargo check` compiles no code and says so, with cargo's own result.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { RECORD_SCHEMA_VERSION, type RunRecord } from '../../src/record.js';
import { Job } from '../helpers/action-runner.js';
import { generateLockfile, git, gitInit, workspaceWithRegistryDeps, writeTree } from '../helpers/fixtures.js';
import { FIXTURE_CRATES, startLocalRegistry, type FixtureCrate } from '../helpers/registry.js';

/** `app` calls `shapes::describe::<T>` for `n` types: one copy of the generic function each. */
const appSource = (n: number) =>
  [
    ...Array.from(
      { length: n },
      (_, i) => `#[derive(Debug, Default)] struct T${i} { a: u${[8, 16, 32, 64][i % 4]}, b: [u8; ${i + 1}] }`,
    ),
    'fn main() {',
    ...Array.from({ length: n }, (_, i) => `    println!("{}", shapes::describe(T${i}::default()));`),
    '}',
    '',
  ].join('\n');

const WORKSPACE = {
  'Cargo.toml': '[workspace]\nmembers = ["app", "shapes"]\nresolver = "2"\n',
  'app/Cargo.toml':
    '[package]\nname = "app"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\nshapes = { path = "../shapes" }\n',
  'app/src/main.rs': appSource(2),
  'shapes/Cargo.toml': '[package]\nname = "shapes"\nversion = "0.1.0"\nedition = "2021"\n',
  'shapes/src/lib.rs':
    'pub fn describe<T: std::fmt::Debug>(value: T) -> String {\n    let text = format!("{:?}", value);\n    format!("{} ({} bytes)", text, text.len())\n}\n',
  '.gitignore': '/target\n',
};

const readRecord = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as RunRecord;

/**
 * Jobs on new runners for commits of `origin`: each a new clone of one commit at the same path
 * (as on a hosted runner), then the action's main and post steps, sharing one local cache.
 */
function runnerJobs(origin: string) {
  const root = mkdtempSync(path.join(os.tmpdir(), 'wm-work-runner-'));
  const [checkout, cacheDir] = [path.join(root, 'checkout'), path.join(root, 'cache')];
  const inputs = { 'cache-backend': 'local', 'cache-dir': cacheDir, comment: 'never', baseline: 'cache' };
  return async (event: { event: 'push' | 'pull_request'; sha: string; baseSha?: string }) => {
    rmSync(checkout, { recursive: true, force: true });
    mkdirSync(checkout, { recursive: true });
    git(checkout, 'init', '-q');
    git(checkout, 'fetch', '-q', '--depth=1', origin, event.sha);
    git(checkout, 'checkout', '-q', '--detach', event.sha);
    const j = new Job({ workspace: checkout, ...event, inputs });
    const main = await j.main();
    expect(main.exitCode).toBe(0);
    expect((await j.post()).exitCode).toBe(0);
    return { main, record: readRecord(main.outputs.report!) };
  };
}

describe('compile work against the base branch', () => {
  const workspace = writeTree(WORKSPACE);
  const baseSha = gitInit(workspace);
  const cacheDir = mkdtempSync(path.join(os.tmpdir(), 'wm-work-cache-'));
  // Time is not what these tests are about: the cached baseline alone, and every member compiled.
  const inputs = {
    'cache-backend': 'local',
    'cache-dir': cacheDir,
    comment: 'never',
    baseline: 'cache',
    'keep-fresh': 'false',
  };
  let pushRecord: RunRecord;

  beforeAll(async () => {
    const push = new Job({ workspace, event: 'push', sha: baseSha, inputs });
    const main = await push.main();
    expect(main.exitCode).toBe(0);
    expect((await push.post()).exitCode).toBe(0);
    pushRecord = readRecord(main.outputs.report!);
  });

  test("the record carries the machine code of each workspace crate (a binary's own, not std's); nothing was added to the build or left in target/", () => {
    const app = pushRecord.crates.find((c) => c.crate === 'app')!;
    expect(app.work!.bytes).toBeGreaterThan(0);
    const shapes = pushRecord.crates.find((c) => c.crate === 'shapes');
    // A generic function is compiled where it is used: in app, not in shapes.
    expect(app.work!.groups.find((g) => g.name.startsWith('shapes::describe'))!.copies).toBe(2);
    expect(app.work!.groups.some((g) => g.name.startsWith('std::rt::lang_start_internal'))).toBe(false);
    expect(shapes?.work?.groups.some((g) => g.name.startsWith('shapes::describe')) ?? false).toBe(false);
    expect(pushRecord.measurement.compileWork).toBe('machine-code');
    expect(pushRecord.version).toBe(RECORD_SCHEMA_VERSION);
    const leftovers = (dir: string): string[] =>
      existsSync(dir)
        ? readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
            e.isDirectory() ? leftovers(path.join(dir, e.name)) : /\.(ll|bc)$/.test(e.name) ? [e.name] : [],
          )
        : [];
    expect(leftovers(path.join(workspace, 'target'))).toEqual([]);
  });

  test('the same code again: exactly zero change', async () => {
    const job = new Job({ workspace, event: 'pull_request', sha: baseSha, baseSha, inputs });
    const main = await job.main();
    expect(main.exitCode).toBe(0);
    expect(main.outputs['work-change-percent']).toBe('0.00');
    expect(main.summary).toMatch(/#### Compile work \(bytes of machine code, exact\)/);
  });

  test('a generic function instantiated for more types: the exact growth, the function named, and fail-on-work-growth fails the step', async () => {
    writeFileSync(path.join(workspace, 'app/src/main.rs'), appSource(8));
    git(workspace, 'commit', '-qam', 'describe six more types');
    const headSha = git(workspace, 'rev-parse', 'HEAD');
    const job = new Job({
      workspace,
      event: 'pull_request',
      sha: headSha,
      baseSha,
      inputs: { ...inputs, 'fail-on-work-growth': '5' },
    });
    const main = await job.main();
    const growth = Number(main.outputs['work-change-percent']);
    expect(growth).toBeGreaterThan(5);
    // v0 symbols carry the generic arguments (`describe::<T>`), legacy ones only a hash (`describe`).
    expect(main.summary).toMatch(/`shapes::describe(::<T>)?`: 2 → 8 copies, \+[\d,]+ bytes \(app\)/);
    expect(main.summary).toMatch(/compile work grew by [\d,]+ bytes of machine code \(\+\d+\.\d%\)/);
    // Its cost: the binary, and the libraries (the toolchain's, the build's) that tell its own code from theirs.
    expect(main.stdout).toMatch(
      /Watchmaker: compile work of \d+ crates?: [\d,]+ bytes of machine code, read from \d+ files? and \d+ libraries they link \([\d.]+ MB\) in [\d.]+ s after the build \([\d.]+% of it\)/,
    );
    expect(main.exitCode).toBe(1);
    expect(
      main.annotations.some(
        (a) =>
          a.level === 'error' &&
          /Compile work \([^)]*\) grew by [\d.]+%.*fail-on-work-growth \(5\.00%\)/.test(a.message),
      ),
    ).toBe(true);
    git(workspace, 'checkout', '-q', baseSha);
  });
});

test('a crate that fails to compile: the others still have their compile work, and the report is written', async () => {
  const workspace = writeTree({
    ...WORKSPACE,
    'Cargo.toml': '[workspace]\nmembers = ["app", "shapes", "broken"]\nresolver = "2"\n',
    'broken/Cargo.toml': '[package]\nname = "broken"\nversion = "0.1.0"\nedition = "2021"\n',
    'broken/src/lib.rs': 'pub fn broken() -> u32 { "not a number" }\n',
  });
  const job = new Job({ workspace, inputs: { cache: 'false', 'cargo-args': '--keep-going' } });
  const main = await job.main();
  expect(main.exitCode).toBe(1);
  expect(main.outputs.verdict).toBe('build-failed');
  const record = readRecord(main.outputs.report!);
  expect(record.crates.find((c) => c.crate === 'app')?.work?.bytes).toBeGreaterThan(0);
  expect(record.crates.find((c) => c.crate === 'broken')?.work ?? null).toBeNull();
  expect(record.crates.find((c) => c.crate === 'broken')?.workMissing).toBe('failed');
  // The report says why the build failed: cargo's first error and its crate.
  expect(record.firstError?.crate).toBe('broken');
  expect(main.summary).toMatch(/Cargo's first error, in `broken`:\n\n```\nerror\[E0308\]: mismatched types/);
});

test('with keep-fresh (the default), crates fresh from the cache carry their work forward, so a pull request compares every crate', async () => {
  // `other` changes on the default branch; the pull request then changes only `app`.
  const origin = writeTree({
    ...WORKSPACE,
    'Cargo.toml': '[workspace]\nmembers = ["app", "shapes", "other"]\nresolver = "2"\n',
    'other/Cargo.toml': '[package]\nname = "other"\nversion = "0.1.0"\nedition = "2021"\n',
    'other/src/lib.rs': 'pub fn other() -> u32 { 1 }\n',
  });
  const first = gitInit(origin);
  const job = runnerJobs(origin);
  const commit = (rel: string, text: string) => {
    writeFileSync(path.join(origin, rel), text);
    git(origin, 'commit', '-qam', `change ${rel}`);
    return git(origin, 'rev-parse', 'HEAD');
  };

  await job({ event: 'push', sha: first });
  const second = await job({ event: 'push', sha: commit('other/src/lib.rs', 'pub fn other() -> u32 { 2 }\n') });
  // Only `other` was compiled; `app` and `shapes` were fresh, their work carried from the first push.
  expect(second.record.crates.filter((c) => c.workspaceMember).map((c) => c.crate)).toEqual(['other']);
  expect(second.record.freshCrates!.map((f) => [f.crate, f.work !== null, f.workFrom])).toEqual([
    ['app', true, first],
    ['shapes', true, first],
  ]);

  const headSha = commit('app/src/main.rs', appSource(8));
  const pr = await job({ event: 'pull_request', sha: headSha, baseSha: git(origin, 'rev-parse', 'HEAD~1') });
  expect(pr.record.crates.filter((c) => c.workspaceMember).map((c) => c.crate)).toEqual(['app']);
  expect(pr.main.summary).toMatch(
    /The 3 workspace crates measured on both sides \(all of them fresh from the cache on a side, with the work measured when the same inputs were compiled\)/,
  );
  expect(pr.main.summary).toMatch(/`shapes::describe(::<T>)?`: 2 → 8 copies, \+[\d,]+ bytes \(app\)/);
  expect(Number(pr.main.outputs['work-change-percent'])).toBeGreaterThan(0);
});

test('a crate whose library came fresh from the cache while its binary was compiled is compared target by target, never read as a shrink', async () => {
  // `tool` is a library and a binary; the pull request changes only the binary's main.rs.
  const origin = writeTree({
    'Cargo.toml': '[workspace]\nmembers = ["tool"]\nresolver = "2"\n',
    'tool/Cargo.toml': '[package]\nname = "tool"\nversion = "0.1.0"\nedition = "2021"\n',
    'tool/src/lib.rs':
      'pub fn describe<T: std::fmt::Debug>(value: T) -> String {\n    format!("{:?}", value)\n}\npub fn table() -> Vec<String> {\n    (0..10u32).map(describe).collect()\n}\n',
    'tool/src/main.rs': 'fn main() {\n    println!("{}", tool::table().len());\n}\n',
    '.gitignore': '/target\n',
  });
  const base = gitInit(origin);
  const job = runnerJobs(origin);
  const push = await job({ event: 'push', sha: base });
  // The push compiled both targets: the package's work, and each target apart.
  expect(push.record.crates.find((c) => c.crate === 'tool')!.work!.targets!.map((t) => t.target)).toEqual([
    'bin tool',
    'lib tool',
  ]);
  writeFileSync(
    path.join(origin, 'tool/src/main.rs'),
    'fn main() {\n    println!("{} {} {}", tool::table().len(), tool::describe(1u8), tool::describe("x"));\n}\n',
  );
  git(origin, 'commit', '-qam', 'describe two values');
  const pr = await job({ event: 'pull_request', sha: git(origin, 'rev-parse', 'HEAD'), baseSha: base });
  const tool = pr.record.crates.find((c) => c.crate === 'tool')!;
  expect(tool.work ?? null).toBeNull();
  expect(tool.workMissing).toBe('partly-fresh');
  expect(tool.partialWork!.targets!.map((t) => t.target)).toEqual(['bin tool']);
  expect(pr.main.stdout).toMatch(
    /tool 0\.1\.0: some targets fresh from the cache, so compile work is compared target by target/,
  );
  // The binary's own code on both sides: the two new copies of describe are in it.
  expect(pr.main.summary).toMatch(/\| tool \\\(bin tool\\\) \| [\d,]+ \| [\d,]+ \| \+/);
  expect(pr.main.summary).toMatch(/`tool::describe(::<T>)?`: 0 → 2 copies, \+[\d,]+ bytes \(tool \\\(bin tool\\\)\)/);
  expect(pr.main.summary).not.toMatch(/Not compared/);
  expect(pr.main.summary).not.toMatch(/compile work shrank/);
});

test('compile-work: all measures the dependencies compiled too; a dependency fresh from the cache carries its work', async () => {
  const registry = await startLocalRegistry();
  try {
    const fixture = workspaceWithRegistryDeps(registry);
    gitInit(fixture.workspace);
    const cacheDir = mkdtempSync(path.join(os.tmpdir(), 'wm-work-all-'));
    const inputs = {
      'cache-backend': 'local',
      'cache-dir': cacheDir,
      comment: 'never',
      baseline: 'cache',
      'compile-work': 'all',
    };
    const push = new Job({ workspace: fixture.workspace, event: 'push', env: fixture.vars, inputs });
    const main = await push.main();
    expect(main.exitCode).toBe(0);
    expect((await push.post()).exitCode).toBe(0);
    const first = readRecord(main.outputs.report!);
    const alpha = first.crates.find((c) => c.crate === 'wm-alpha')!;
    expect(alpha.workspaceMember).toBe(false);
    expect(alpha.work!.bytes).toBeGreaterThan(0);
    expect(first.measurement.compileWorkScope).toBe('all');

    // The same commit again, from the cache: the dependency is fresh, its work carried.
    const again = new Job({
      workspace: fixture.workspace,
      event: 'pull_request',
      sha: first.git.commit ?? undefined,
      baseSha: first.git.commit ?? undefined,
      env: fixture.vars,
      inputs,
    });
    const pr = await again.main();
    expect(pr.exitCode).toBe(0);
    const record = readRecord(pr.outputs.report!);
    expect(record.crates.some((c) => c.crate === 'wm-alpha')).toBe(false);
    expect(record.freshCrates!.find((f) => f.crate === 'wm-alpha')).toMatchObject({
      workspaceMember: false,
      work: alpha.work,
    });
    expect(pr.summary).toMatch(/workspace crates? and 1 dependency measured on both sides/);
    expect(pr.outputs['work-change-percent']).toBe('0.00');
  } finally {
    await registry.stop();
  }
});

test('compile-work: an unknown value is refused with what to write', async () => {
  const job = new Job({ workspace: writeTree(WORKSPACE), inputs: { cache: 'false', 'compile-work': 'deps' } });
  const main = await job.main();
  expect(main.exitCode).toBe(1);
  expect(main.stdout).toMatch(
    /Input 'compile-work' is 'deps'\. Use 'true' \(the workspace crates\), 'all' \(and the dependencies that are compiled\) or 'false'\./,
  );
});

/** A registry crate with a generic and an inline function: code its callers compile, which `cargo check` with emitted IR could not check. */
const GENERIC_CRATE: FixtureCrate = {
  name: 'wm-generic',
  version: '1.0.0',
  description: 'A generic and an inline function, compiled where they are called.',
  files: {
    'src/lib.rs':
      'pub fn describe<T: std::fmt::Debug>(value: T) -> String {\n    format!("{:?}", value)\n}\n\n#[inline]\npub fn twice(x: u64) -> u64 {\n    x * 2\n}\n',
  },
};

test("build-command: cargo check with compile work on (the default): cargo's own result, and compile work says in one line that it is not measured", async () => {
  const registry = await startLocalRegistry({ crates: [...FIXTURE_CRATES, GENERIC_CRATE] });
  try {
    const cargoHome = registry.cargoHome();
    const workspace = writeTree({
      'Cargo.toml': '[workspace]\nmembers = ["app"]\nresolver = "2"\n',
      'app/Cargo.toml':
        '[package]\nname = "app"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\nwm-generic = "1"\n',
      'app/src/main.rs':
        'fn main() {\n    println!("{} {}", wm_generic::describe((1u8, "x")), wm_generic::twice(21));\n}\n',
      '.gitignore': '/target\n',
    });
    generateLockfile(workspace, registry.env(cargoHome));
    const job = new Job({
      workspace,
      env: registry.vars(cargoHome),
      inputs: { 'build-command': 'cargo check', cache: 'false', comment: 'never' },
    });
    const main = await job.main();
    expect(main.exitCode).toBe(0);
    expect(main.annotations.filter((a) => a.level === 'error' || a.level === 'warning')).toEqual([]);
    const record = readRecord(main.outputs.report!);
    expect(record.success).toBe(true);
    expect(record.measurement.compileWork).toBe(false);
    expect(record.measurement.compileWorkNote).toBe('not measured: check builds produce no code');
    expect(main.summary.match(/Compile work: not measured: check builds produce no code\./g)).toHaveLength(1);
    // Plain cargo agrees, in a copy of the workspace without the action's target/.
    const plain = spawnSync('cargo', ['check'], {
      cwd: path.join(workspace, 'app'),
      env: {
        ...process.env,
        ...registry.env(cargoHome),
        CARGO_TARGET_DIR: mkdtempSync(path.join(os.tmpdir(), 'wm-plain-')),
      },
    });
    expect(plain.status).toBe(0);
  } finally {
    await registry.stop();
  }
});
