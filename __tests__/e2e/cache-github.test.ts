// End to end with the GitHub cache: dist/ main and post against the cache-service stand-in
// (real @actions/cache, Azurite blobs) and a local GitHub API for the entry clean-up.
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Job, type JobOptions } from '../helpers/action-runner.js';
import { serveCacheApi, startCacheService, type CacheServiceStandIn } from '../helpers/cache-service.js';
import { FakeGitHub } from '../helpers/fake-github.js';
import {
  generateLockfile,
  git,
  gitInit,
  workspaceWithRegistryDeps,
  type RegistryWorkspace,
} from '../helpers/fixtures.js';
import { startLocalRegistry, type LocalRegistry } from '../helpers/registry.js';
import type { RunRecord } from '../../src/record.js';
import { readFileSync } from 'node:fs';

let service: CacheServiceStandIn;
const github = new FakeGitHub();
let api: ReturnType<typeof serveCacheApi>;
let apiUrl = '';
// The registry dependencies come from a local registry; every job's CARGO_HOME points at it.
let registry: LocalRegistry;
let fixture: RegistryWorkspace;
let workspace = '';

beforeAll(async () => {
  registry = await startLocalRegistry();
  fixture = workspaceWithRegistryDeps(registry);
  workspace = fixture.workspace;
  service = await startCacheService();
  api = serveCacheApi(github, service);
  apiUrl = await github.start();
});
afterAll(async () => {
  await service.stop();
  await github.stop();
  await registry.stop();
});

/** A new job on a fresh runner: same checkout path, no target/. */
function job(options: Partial<JobOptions> = {}): Job {
  rmSync(path.join(workspace, 'target'), { recursive: true, force: true });
  return new Job({
    workspace,
    event: 'push',
    ...options,
    env: { ...fixture.vars, ...service.env, GITHUB_API_URL: apiUrl, ...(options.env ?? {}) },
  });
}
const compiled = (file: string) =>
  (JSON.parse(readFileSync(file, 'utf8')) as RunRecord).crates.map((c) => c.crate).sort();

test('cold run saves, warm run restores exactly and rebuilds only the workspace, flags and lockfile changes behave', async () => {
  // 1. Cold run on the default branch: miss, full build, the post step cleans and saves.
  const first = job();
  const cold = await first.main();
  expect(cold.exitCode).toBe(0);
  expect(cold.outputs['cache-hit']).toBe('miss');
  expect(compiled(cold.outputs.report!)).toEqual(['core-lib', 'gen', 'tool', 'wm-alpha']);
  const coldPost = await first.post();
  expect(coldPost.exitCode).toBe(0);
  expect(coldPost.stdout).toMatch(/target\/ [\d.]+ (KiB|MiB) → [\d.]+ (KiB|MiB) after cleaning/);
  expect(coldPost.stdout).toMatch(/removed \d+ × one of your crates/);
  expect(service.entries().filter((e) => e.key === cold.outputs['cache-key'])).toHaveLength(1);

  // 2. Same commit again: exact hit, only the workspace crates compile, nothing is saved.
  const second = job();
  const warm = await second.main();
  expect(warm.outputs['cache-hit']).toBe('exact');
  expect(Number(warm.outputs['cache-bytes'])).toBeGreaterThan(0);
  expect(compiled(warm.outputs.report!)).toEqual(['core-lib', 'gen', 'tool']);
  const warmPost = await second.post();
  expect(warmPost.stdout).toContain('not saving the cache: the exact key was restored');

  // 3. Other RUSTFLAGS: a different key and no fallback to the old flags' entry.
  const flagged = await job({ env: { RUSTFLAGS: '-C debuginfo=0' } }).main();
  expect(flagged.outputs['cache-hit']).toBe('miss');
  expect(flagged.outputs['cache-key']).not.toBe(cold.outputs['cache-key']);
  expect(compiled(flagged.outputs.report!)).toContain('wm-alpha');

  // 4. An unrelated variable does not change the key.
  const colored = await job({ env: { CARGO_TERM_COLOR: 'always' } }).main();
  expect(colored.outputs['cache-key']).toBe(cold.outputs['cache-key']);

  // 5. A lockfile change (a new dependency) restores the old entry as a partial hit; the post
  //    step saves the new entry and deletes the superseded one.
  const manifest = path.join(workspace, 'gen/Cargo.toml');
  writeFileSync(manifest, `${readFileSync(manifest, 'utf8')}\n[dependencies]\nwm-derive = "0.1"\n`);
  generateLockfile(workspace, fixture.env);
  const third = job();
  const partial = await third.main();
  expect(partial.outputs['cache-hit']).toBe('partial');
  expect(compiled(partial.outputs.report!)).toEqual(['core-lib', 'gen', 'tool', 'wm-derive']);
  const partialPost = await third.post();
  expect(partialPost.stdout).toMatch(/deleted 1 superseded entry/);
  const keys = service.entries().map((e) => e.key);
  expect(keys).toContain(partial.outputs['cache-key']);
  expect(keys).not.toContain(cold.outputs['cache-key']);
  expect(github.requestsTo('DELETE', '/repos/octo-org/octo-repo/actions/caches/')).toHaveLength(1);
});

test("a pull request reads the default branch's cache but does not save its own", async () => {
  service.setRef('refs/pull/7/merge');
  try {
    const pr = job({ event: 'pull_request' });
    const main = await pr.main();
    expect(['exact', 'partial']).toContain(main.outputs['cache-hit']);
    const post = await pr.post();
    expect(post.stdout).toMatch(/not saving the cache: (the exact key was restored|not on the default branch)/);
  } finally {
    service.setRef('refs/heads/main');
  }
});

test("without 'actions: write' the old entries stay, with one warning, and the step passes", async () => {
  api.forbid(true);
  try {
    const manifest = path.join(workspace, 'tool/Cargo.toml');
    writeFileSync(
      manifest,
      readFileSync(manifest, 'utf8').replace('edition = "2021"', 'edition = "2021"\nrust-version = "1.70"'),
    );
    const run = job();
    const main = await run.main();
    expect(main.outputs['cache-hit']).toBe('partial');
    const post = await run.post();
    expect(post.exitCode).toBe(0);
    expect(post.annotations.filter((a) => a.level === 'warning' && a.message.includes('actions: write'))).toHaveLength(
      1,
    );
  } finally {
    api.forbid(false);
  }
});

test('a broken cache service is a warning and the build goes on', async () => {
  service.failNext(100);
  try {
    const run = job();
    const main = await run.main();
    expect(main.exitCode).toBe(0);
    expect(main.outputs['cache-hit']).toBe('miss');
    expect(main.annotations.some((a) => a.level === 'warning' || a.level === 'error')).toBe(true);
    const post = await run.post();
    expect(post.exitCode).toBe(0);
  } finally {
    service.failNext(0);
  }
});

test("on pull_request_target (the base branch's ref) a pull request saves nothing, whatever the inputs say, and says so", async () => {
  const before = service.entries().map((e) => e.id);
  const pr = job({
    event: 'pull_request',
    inputs: { 'cache-save': 'always', 'cache-save-scope': 'any', 'cache-key': 'pr-target' },
    env: {
      GITHUB_EVENT_NAME: 'pull_request_target',
      GITHUB_REF: 'refs/heads/main',
      GITHUB_REF_NAME: 'main',
      GITHUB_BASE_REF: '',
      GITHUB_HEAD_REF: '',
    },
  });
  const main = await pr.main();
  expect(main.exitCode).toBe(0);
  expect(main.outputs['cache-hit']).toBe('miss');
  const calls = service.calls.length;
  const post = await pr.post();
  expect(post.exitCode).toBe(0);
  expect(post.stdout).toMatch(
    /not saving the cache: this pull request's job runs on pull_request_target with the ref refs\/heads\/main, so GitHub would file the entry under that branch, .*a pull request never saves to the GitHub cache there, whatever cache-save: 'always' says/,
  );
  expect(service.calls.slice(calls)).not.toContain('CreateCacheEntry');
  expect(service.entries().map((e) => e.id)).toEqual(before);
});

describe('a stale entry the token may not delete', () => {
  test('is superseded by a new generation: the next job restores it and compiles nothing', async () => {
    // keep-fresh needs a git working tree: this workspace is one.
    const fx = workspaceWithRegistryDeps(registry, { '.gitignore': '/target\n' });
    gitInit(fx.workspace);
    const stale = (n: number) => {
      rmSync(path.join(fx.workspace, 'target'), { recursive: true, force: true });
      return new Job({
        workspace: fx.workspace,
        event: 'push',
        sha: String(n).repeat(40),
        inputs: { 'cache-key': 'generations' },
        env: { ...fx.vars, ...service.env, GITHUB_API_URL: apiUrl },
      });
    };
    api.forbid(true);
    try {
      const first = stale(1);
      const cold = await first.main();
      expect(cold.outputs['cache-hit']).toBe('miss');
      const key = cold.outputs['cache-key']!;
      expect((await first.post()).stdout).toContain(`Saved ${key}`);

      // A commit changes the binary crate: same key, but the cached unit of tool is stale.
      const main = path.join(fx.workspace, 'tool/src/main.rs');
      writeFileSync(main, `${readFileSync(main, 'utf8')}// changed\n`);
      git(fx.workspace, 'commit', '-qam', 'change tool');
      const second = stale(2);
      const warm = await second.main();
      expect(warm.outputs['cache-hit']).toBe('exact');
      expect(compiled(warm.outputs.report!)).toEqual(['tool']);
      const post = await second.post();
      expect(post.exitCode).toBe(0);
      expect(post.stdout).toContain(`Replacing the cache entry ${key}: `);
      expect(post.stdout).toContain(`Saved ${key}-g2`);
      // The old generation stays (no permission to delete it): one warning says so.
      expect(post.annotations.filter((a) => a.level === 'warning').map((a) => a.message)).toEqual([
        expect.stringMatching(/actions: write/),
      ]);
      expect(
        service
          .entries()
          .map((e) => e.key)
          .filter((k) => k.startsWith(key)),
      ).toEqual([key, `${key}-g2`]);

      const third = stale(3);
      const fresh = await third.main();
      expect(fresh.outputs['cache-hit']).toBe('exact');
      expect(fresh.outputs['cache-key']).toBe(key);
      expect(fresh.stdout).toContain(`Cache exact hit: restored ${key}-g2`);
      expect(compiled(fresh.outputs.report!)).toEqual([]);
      expect((await third.post()).stdout).toContain('not saving the cache: the exact key was restored');
    } finally {
      api.forbid(false);
    }
  });
});

test("a full disk in the post step is named as the runner's, not the service's, and the baseline record is still stored", async () => {
  // tar fails once as GNU tar does on a full disk, from the moment the test arms it.
  const bin = mkdtempSync(path.join(os.tmpdir(), 'wm-full-disk-'));
  const armed = path.join(bin, 'armed');
  const realTar = execFileSync('sh', ['-c', 'command -v tar'], { encoding: 'utf8' }).trim();
  writeFileSync(
    path.join(bin, 'tar'),
    [
      '#!/bin/sh',
      `if [ "$1" != "--version" ] && [ -e '${armed}' ]; then`,
      `  rm -f '${armed}'`,
      '  echo "tar: cache.tzst: Cannot write: No space left on device" >&2',
      '  exit 2',
      'fi',
      `exec ${realTar} "$@"`,
      '',
    ].join('\n'),
  );
  chmodSync(path.join(bin, 'tar'), 0o755);
  const run = job({
    inputs: { 'cache-key': 'full-disk' },
    env: { PATH: `${bin}${path.delimiter}${process.env.PATH}` },
  });
  const main = await run.main();
  expect(main.outputs['cache-hit']).toBe('miss');
  writeFileSync(armed, '');
  const post = await run.post();
  expect(post.exitCode).toBe(0);
  const warnings = post.annotations.filter((a) => a.level === 'warning').map((a) => a.message);
  expect(warnings).toContainEqual(
    expect.stringMatching(
      /^Watchmaker could not save the cache \(GitHub Actions cache\): the cache archive could not be written on this runner: the disk is full: .*No space left on device \(RUNNER_TEMP .* has .* free\)\. This is not a cache service failure/,
    ),
  );
  expect(warnings.join('\n')).not.toMatch(/cache service did not store|failed earlier in this step/);
  expect(post.stdout).toMatch(/Stored the run record as the baseline for later runs \(.*-record-.*\)/);
  expect(service.entries().filter((e) => e.key === main.outputs['cache-key'])).toEqual([]);
});
