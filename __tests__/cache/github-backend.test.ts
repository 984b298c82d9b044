// The real @actions/cache against the local cache-service stand-in (Azurite + Twirp), and the
// REST clean-up of superseded entries through the real Octokit against a local GitHub API.
// Failures on this runner's disk (where the library writes its archive) are told apart from
// failures of the service.
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { deleteSupersededEntries, GitHubCacheBackend } from '../../src/cache/github.js';
import { gates, LocalFailure, resetGates } from '../../src/net/deadline.js';
import { serveCacheApi, startCacheService, type CacheServiceStandIn } from '../helpers/cache-service.js';
import { FakeGitHub } from '../helpers/fake-github.js';
import { captureStdout } from '../helpers/capture.js';

let service: CacheServiceStandIn;
const github = new FakeGitHub();
let apiUrl = '';
const work = mkdtempSync(path.join(os.tmpdir(), 'wm-gh-cache-'));

beforeEach(() => resetGates());

beforeAll(async () => {
  service = await startCacheService();
  Object.assign(process.env, service.env, { RUNNER_TEMP: path.join(work, 'tmp'), GITHUB_WORKSPACE: work });
  delete process.env.GITHUB_SERVER_URL;
  mkdirSync(path.join(work, 'tmp'), { recursive: true });
  serveCacheApi(github, service);
  apiUrl = await github.start();
});
afterAll(async () => {
  await service.stop();
  await github.stop();
});

function writeDir(name: string, content: string): string {
  const dir = path.join(work, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(path.join(dir, 'sub'), { recursive: true });
  writeFileSync(path.join(dir, 'sub', 'file.txt'), content);
  return dir;
}

/** Runs `run` with `vars` set in process.env (which the library reads), then puts back what was there. */
async function withEnv<T>(vars: Record<string, string>, run: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  Object.assign(process.env, vars);
  try {
    return await run();
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

test('save then restore round-trips a directory through the real library', async () => {
  const backend = new GitHubCacheBackend(process.env, null);
  const dir = writeDir('roundtrip', 'hello');
  const out = captureStdout();
  try {
    expect(await backend.save([dir], 'k-roundtrip-1')).toEqual({ saved: true, archiveBytes: null });
    rmSync(dir, { recursive: true });
    expect(await backend.restore([dir], 'k-roundtrip-1', [])).toEqual({
      matchedKey: 'k-roundtrip-1',
      archiveBytes: null,
    });
  } finally {
    out.restore();
  }
  expect(readFileSync(path.join(dir, 'sub', 'file.txt'), 'utf8')).toBe('hello');
});

test("GitHub's matching: exact key, else the newest entry matching a restore prefix; other paths never match", async () => {
  const backend = new GitHubCacheBackend(process.env, null);
  const dir = writeDir('matching', 'old');
  const out = captureStdout();
  try {
    await backend.save([dir], 'k-match-aaa');
    writeDir('matching', 'new');
    await backend.save([dir], 'k-match-bbb');
    expect((await backend.restore([dir], 'k-match-zzz', ['k-match-']))?.matchedKey).toBe('k-match-bbb');
    expect(readFileSync(path.join(dir, 'sub', 'file.txt'), 'utf8')).toBe('new');
    expect((await backend.restore([dir], 'k-match-aaa', ['k-match-']))?.matchedKey).toBe('k-match-aaa');
    expect(await backend.restore([path.join(work, 'elsewhere')], 'k-match-aaa', [])).toBeUndefined();
  } finally {
    out.restore();
  }
});

test('a second save of the same key is reported as not saved, not as an error', async () => {
  const backend = new GitHubCacheBackend(process.env, null);
  const dir = writeDir('dup', 'x');
  const out = captureStdout();
  try {
    await backend.save([dir], 'k-dup');
    const again = await backend.save([dir], 'k-dup');
    expect(again.saved).toBe(false);
    expect(again.reason).toMatch(/already exists|did not store|saved this key first/);
  } finally {
    out.restore();
  }
});

test('a failing service is an error the caller sees (the library would have called it a miss), and is not called again in the step', async () => {
  const backend = new GitHubCacheBackend(process.env, null);
  const dir = writeDir('failing', 'x');
  const out = captureStdout();
  try {
    service.failNext(1);
    await expect(backend.restore([dir], 'k-any', [])).rejects.toThrow(/HTTP 400|cache service/);
    const callsBefore = service.calls.length;
    await expect(backend.save([dir], 'k-fail')).rejects.toThrow(/HTTP 400|failed earlier in this step/);
    expect(service.calls.length).toBe(callsBefore);
  } finally {
    out.restore();
  }
});

test('on GHES the library speaks cache service v1 and so does the pre-flight probe: no v2 endpoint is called', async () => {
  const backend = new GitHubCacheBackend(process.env, null);
  const dir = writeDir('ghes', 'x');
  const before = service.calls.length;
  const out = captureStdout();
  try {
    // A server that is not github.com (nor *.ghe.com): the library refuses v2 there, whatever the runner asks.
    const restored = await withEnv({ GITHUB_SERVER_URL: 'https://github.corp.test' }, () =>
      backend.restore([dir], 'k-ghes', []),
    );
    expect(restored).toBeUndefined();
  } finally {
    out.restore();
  }
  // The probe, then the library's own lookup: both v1, none of the Twirp methods.
  const calls = service.calls.slice(before);
  expect(calls).toHaveLength(2);
  for (const call of calls) expect(call).toMatch(/^\/_apis\/artifactcache\/cache\?keys=/);
  expect(gates.cache.down).toBeNull();
});

describe('a failure on this runner is not a service failure', () => {
  const realTar = execFileSync('sh', ['-c', 'command -v tar'], { encoding: 'utf8' }).trim();
  /** PATH with a tar that fails as GNU tar does on a full disk (it answers --version normally). */
  function fullDiskTar(): string {
    const bin = path.join(work, 'full-disk-bin');
    mkdirSync(bin, { recursive: true });
    const script = [
      '#!/bin/sh',
      `if [ "$1" = "--version" ]; then exec ${realTar} "$@"; fi`,
      'echo "tar: cache.tzst: Cannot write: No space left on device" >&2',
      'exit 2',
      '',
    ].join('\n');
    writeFileSync(path.join(bin, 'tar'), script);
    chmodSync(path.join(bin, 'tar'), 0o755);
    return `${bin}${path.delimiter}${process.env.PATH}`;
  }

  test('tar failing on a full disk: the error names the disk and RUNNER_TEMP, and the service stays usable', async () => {
    const backend = new GitHubCacheBackend(process.env, null);
    const dir = writeDir('full-disk', 'x');
    const out = captureStdout();
    try {
      const failed = await withEnv({ PATH: fullDiskTar() }, () =>
        backend.save([dir], 'k-full-disk').catch((e: unknown) => e),
      );
      expect(failed).toBeInstanceOf(LocalFailure);
      expect((failed as Error).message).toMatch(
        /^the cache archive could not be written on this runner: the disk is full: tar: cache\.tzst: Cannot write: No space left on device \(RUNNER_TEMP .*\/tmp has [\d.]+ [KMGT]?i?B free\)\. This is not a cache service failure/,
      );
      expect(gates.cache.down).toBeNull();
      // Later calls in the step (the baseline record) still reach the service.
      expect(await backend.save([dir], 'k-full-disk')).toEqual({ saved: true, archiveBytes: null });
    } finally {
      out.restore();
    }
  });

  test('a RUNNER_TEMP that cannot hold the archive: named, and the service stays usable', async () => {
    const notADir = path.join(work, 'temp-is-a-file');
    writeFileSync(notADir, '');
    const backend = new GitHubCacheBackend(process.env, null);
    const dir = writeDir('bad-temp', 'y');
    const out = captureStdout();
    try {
      const failed = await withEnv({ RUNNER_TEMP: notADir }, () =>
        backend.save([dir], 'k-bad-temp').catch((e: unknown) => e),
      );
      expect(failed).toBeInstanceOf(LocalFailure);
      expect((failed as Error).message).toMatch(
        /^the cache archive could not be written on this runner: a path there is not a directory: ENOTDIR: not a directory, mkdir '.*temp-is-a-file\/[0-9a-f-]+' \(RUNNER_TEMP .*temp-is-a-file has .* free\)\. This is not a cache service failure/,
      );
      expect(gates.cache.down).toBeNull();
      expect(await backend.save([dir], 'k-bad-temp')).toEqual({ saved: true, archiveBytes: null });
    } finally {
      out.restore();
    }
  });

  test('a restore whose archive cannot be unpacked here is a local failure, not a broken service', async () => {
    const backend = new GitHubCacheBackend(process.env, null);
    const dir = writeDir('unpack', 'z');
    const out = captureStdout();
    try {
      await backend.save([dir], 'k-unpack');
      const failed = await withEnv({ PATH: fullDiskTar() }, () =>
        backend.restore([dir], 'k-unpack', []).catch((e: unknown) => e),
      );
      expect(failed).toBeInstanceOf(LocalFailure);
      expect((failed as Error).message).toMatch(
        /^the cache entry k-unpack could not be unpacked on this runner: the disk is full: .*No space left on device/,
      );
      expect(gates.cache.down).toBeNull();
      expect((await backend.restore([dir], 'k-unpack', []))?.matchedKey).toBe('k-unpack');
    } finally {
      out.restore();
    }
  });
});

test('a key another job is still uploading is not saved, and the service is not written off', async () => {
  const backend = new GitHubCacheBackend(process.env, null);
  const dir = writeDir('racing', 'x');
  const out = captureStdout();
  try {
    // The version the library uses for these paths, from an entry it saved; then another job
    // reserves the key and is still uploading.
    await backend.save([dir], 'k-racing-probe');
    const version = service.entries().find((e) => e.key === 'k-racing-probe')!.version;
    const reserved = await fetch(
      new URL('twirp/github.actions.results.api.v1.CacheService/CreateCacheEntry', process.env.ACTIONS_RESULTS_URL),
      {
        method: 'POST',
        headers: { authorization: 'Bearer other-job', 'content-type': 'application/json' },
        body: JSON.stringify({ key: 'k-racing', version }),
      },
    );
    expect(reserved.status).toBe(200);
    expect(await backend.save([dir], 'k-racing')).toEqual({
      saved: false,
      archiveBytes: null,
      reason: 'another job is saving this key right now',
    });
    expect(gates.cache.down).toBeNull();
  } finally {
    out.restore();
  }
});

describe('deleting superseded entries', () => {
  const opts = () => ({ token: 'ghs_test', apiUrl, owner: 'o', repo: 'r', ref: 'refs/heads/main' });

  test('deletes older entries with the prefix on the same ref and keeps the new one', async () => {
    const backend = new GitHubCacheBackend(process.env, null);
    const dir = writeDir('superseded', 'x');
    const out = captureStdout();
    try {
      await backend.save([dir], 'k-sup-1');
      await backend.save([dir], 'k-sup-2');
      service.setRef('refs/heads/other');
      await backend.save([dir], 'k-sup-3');
      service.setRef('refs/heads/main');
      const result = await deleteSupersededEntries({ ...opts(), prefix: 'k-sup-', keepKey: 'k-sup-2' });
      expect(result.deleted.map((d) => d.key)).toEqual(['k-sup-1']);
      expect(result.savedEntryBytes).toBeGreaterThan(0);
      expect(result.problem).toBeNull();
    } finally {
      out.restore();
    }
    expect(
      service
        .entries()
        .map((e) => e.key)
        .filter((k) => k.startsWith('k-sup-'))
        .sort(),
    ).toEqual(['k-sup-2', 'k-sup-3']);
  });
});
