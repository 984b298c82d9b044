// End to end with the local backend (a self-hosted runner's cache-dir): a pull request never
// writes what the default branch restores, workspaces and repositories sharing one cache
// directory never delete each other's entries, and a target directory removed after the build
// (`cargo clean`) is left out of the save instead of breaking the cache for good.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Job, type JobOptions, type StepResult } from '../helpers/action-runner.js';
import { generateLockfile, gitInit, smallWorkspace } from '../helpers/fixtures.js';

const tempDir = (prefix: string) => mkdtempSync(path.join(os.tmpdir(), prefix));
/** A workspace of path crates with its Cargo.lock (so the first job's key is every later job's). */
function locked(dir: string): string {
  generateLockfile(dir, { ...process.env, CARGO_NET_OFFLINE: 'true' });
  return dir;
}
const warnings = (step: StepResult) => step.annotations.filter((a) => a.level !== 'notice').map((a) => a.message);

/** A job on a fresh runner (no target/) of a workspace, with the local backend in `cacheDir`. */
function runner(workspace: string, cacheDir: string, cargoHome: string) {
  return (options: Partial<JobOptions> = {}, targetDir = path.join(workspace, 'target')) => {
    rmSync(targetDir, { recursive: true, force: true });
    return new Job({
      workspace,
      event: 'push',
      ...options,
      inputs: { 'cache-backend': 'local', 'cache-dir': cacheDir, comment: 'never', ...options.inputs },
      env: { CARGO_HOME: cargoHome, ...options.env },
    });
  };
}

async function both(job: Job): Promise<{ main: StepResult; post: StepResult }> {
  const main = await job.main();
  expect(main.exitCode).toBe(0);
  const post = await job.post();
  expect(post.exitCode).toBe(0);
  return { main, post };
}

describe('a pull request on the local backend', () => {
  const workspace = locked(smallWorkspace());
  const job = runner(workspace, tempDir('wm-iso-pr-cache-'), tempDir('wm-iso-pr-home-'));
  const planted = path.join(workspace, 'target', 'debug', 'deps', 'planted-by-the-pull-request.txt');
  const buildScript = path.join(workspace, 'gen', 'build.rs');
  const original = readFileSync(buildScript, 'utf8');
  /** pull_request_target: the pull request's code, run with the base branch's ref. */
  const prTarget: Partial<JobOptions> = {
    event: 'pull_request',
    inputs: { 'cache-save': 'always', 'cache-save-scope': 'any' },
    env: { GITHUB_EVENT_NAME: 'pull_request_target', GITHUB_REF: 'refs/heads/main', GITHUB_REF_NAME: 'main' },
  };

  test('whatever its inputs say, never writes what the default branch restores; it keeps its own entries', async () => {
    const first = await both(job());
    expect(first.main.outputs['cache-hit']).toBe('miss');
    const key = first.main.outputs['cache-key']!;

    // The pull request's build script plants a file in target/; the job asks to save always.
    writeFileSync(
      buildScript,
      original.replace(
        'fn main() {',
        'fn main() {\n    let out = std::path::PathBuf::from(std::env::var("OUT_DIR").unwrap());\n    std::fs::write(out.join("../../../deps/planted-by-the-pull-request.txt"), "planted").unwrap();',
      ),
    );
    const pr = await both(job(prTarget));
    expect(pr.main.outputs['cache-hit']).toBe('exact');
    expect(existsSync(planted)).toBe(true);
    expect(pr.post.stdout).toContain(`Saved ${key}`);
    writeFileSync(buildScript, original);

    // The default branch's next job restores its own entry: nothing of the pull request's.
    const push = job();
    const main = await push.main();
    expect(main.outputs['cache-hit']).toBe('exact');
    expect(main.stdout).toContain(`Cache exact hit: restored ${key} `);
    expect(existsSync(planted)).toBe(false);
    await push.post();

    // The pull request's own next job gets its entry back (so it was saved, with the planted file).
    const again = job({ event: 'pull_request', inputs: { 'cache-save': 'never' } });
    const prMain = await again.main();
    expect(prMain.stdout).toContain(`Cache exact hit: restored ${key}-g2 `);
    expect(readFileSync(planted, 'utf8')).toBe('planted');
  });
});

describe('one cache directory shared by workspaces and repositories', () => {
  const cacheDir = tempDir('wm-iso-shared-cache-');
  const cargoHome = tempDir('wm-iso-shared-home-');
  // A crate and its fuzz/ workspace in one checkout (fuzz is a workspace of its own).
  const checkout = locked(
    smallWorkspace({
      'Cargo.toml': '[workspace]\nmembers = ["tool", "core-lib", "gen"]\nexclude = ["fuzz"]\nresolver = "2"\n',
      'fuzz/Cargo.toml':
        '[package]\nname = "fuzz-app"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\ncore-lib = { path = "../core-lib" }\n\n[workspace]\n',
      'fuzz/src/main.rs': 'fn main() {\n    println!("{}", core_lib::answer());\n}\n',
    }),
  );
  locked(path.join(checkout, 'fuzz'));
  const crate = runner(checkout, cacheDir, cargoHome);
  const fuzz = (options: Partial<JobOptions> = {}) =>
    crate(
      { ...options, inputs: { 'working-directory': 'fuzz', ...options.inputs } },
      path.join(checkout, 'fuzz', 'target'),
    );
  // Another repository on the same self-hosted runner: its own checkout, slightly other manifests.
  const other = locked(
    smallWorkspace({
      'core-lib/Cargo.toml':
        '[package]\nname = "core-lib"\nversion = "0.1.0"\nedition = "2021"\n\n[features]\nextra = []\n',
    }),
  );
  const otherRepo = runner(other, cacheDir, cargoHome);

  test('each keeps its entry: no save deletes another workspace or repository’s entry, and every second job is warm', async () => {
    const crateFirst = await both(crate());
    expect(crateFirst.post.stdout).toMatch(/Saved \S+ .*deleted 0 superseded entries/);
    const fuzzFirst = await both(fuzz());
    expect(fuzzFirst.main.outputs['cache-key']).not.toBe(crateFirst.main.outputs['cache-key']);
    expect(fuzzFirst.post.stdout).toMatch(/deleted 0 superseded entries/);
    const otherFirst = await both(otherRepo({ repository: 'octo-org/other-repo' }));
    expect(otherFirst.post.stdout).toMatch(/deleted 0 superseded entries/);

    for (const [name, run] of [
      ['crate', () => crate()],
      ['fuzz', () => fuzz()],
      ['other repository', () => otherRepo({ repository: 'octo-org/other-repo' })],
    ] as const) {
      const { main, post } = await both(run());
      expect([name, main.outputs['cache-hit']]).toEqual([name, 'exact']);
      expect(post.stdout).toContain('not saving the cache: the exact key was restored');
    }
  });
});

describe('a target directory removed after the build', () => {
  const workspace = smallWorkspace({ '.gitignore': '/target\n' });
  gitInit(workspace);
  const job = runner(workspace, tempDir('wm-iso-clean-cache-'), tempDir('wm-iso-clean-home-'));
  const target = path.join(workspace, 'target');

  test('is left out of the save with one info line, nothing is created, and the next jobs cache and clean as usual', async () => {
    const first = job();
    const main = await first.main();
    expect(main.outputs['cache-hit']).toBe('miss');
    // A later step of the job: `cargo clean`.
    rmSync(target, { recursive: true, force: true });
    const post = await first.post();
    expect(post.exitCode).toBe(0);
    expect(warnings(post)).toEqual([]);
    expect(post.stdout).toContain(`Not saving ${target} (it is gone): cargo does not own it now`);
    expect(existsSync(target)).toBe(false);

    // The next job builds a tagged target/ of cargo's own, cleans it and saves it.
    const second = await both(job());
    expect(warnings(second.post)).toEqual([]);
    expect(second.post.stdout).toMatch(/target\/ [\d.]+ \w+ → [\d.]+ \w+ after cleaning/);
    expect(second.post.stdout).toContain(`Saved ${second.main.outputs['cache-key']}`);
    const third = await both(job());
    expect(third.main.outputs['cache-hit']).toBe('exact');
    expect(warnings(third.main)).toEqual([]);
    expect(readFileSync(path.join(target, 'CACHEDIR.TAG'), 'utf8')).toMatch(
      /^Signature: 8a477f597d28d172789f06886806bc55/,
    );
  });
});
