// End to end, broken services: a GitHub API or a cache service that never answers or answers
// 500 costs one short deadline and one warning per step (never the build, never a hang), and
// is not called again in that step; fail-on-cache-error turns that into a failed step. Against
// the cache-service stand-in: re-runs of a commit look before they save (no "Unable to
// reserve" noise), cache-save: always replaces an exact entry, and a failed build is not saved.
// Deadlines are shortened through the environment; nothing here measures time.
import http from 'node:http';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { LocalCacheBackend } from '../../src/cache/local.js';
import { Job, type JobOptions, type StepResult } from '../helpers/action-runner.js';
import { serveCacheApi, startCacheService, type CacheServiceStandIn } from '../helpers/cache-service.js';
import { FakeGitHub } from '../helpers/fake-github.js';
import { smallWorkspace, workspaceWithRegistryDeps, type RegistryWorkspace } from '../helpers/fixtures.js';
import { startLocalRegistry, type LocalRegistry } from '../helpers/registry.js';

// ---------- servers that misbehave ----------

interface BrokenServer {
  url: string;
  /** TCP connections accepted so far. */
  connections: number;
  /** Requests received so far (for the silent server: the first line of each connection that sent one). */
  requests: string[];
  stop(): Promise<void>;
}

/**
 * Accepts connections and never writes a byte. A connection counts as a request once bytes
 * arrive on it: Node's fetch (undici) opens one more, empty connection after an aborted
 * request (nodejs/undici#5845) that never carries a request, so raw connections over-count.
 */
async function silentServer(): Promise<BrokenServer> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    state.connections++;
    sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
    socket.once('data', (d: Buffer) => state.requests.push(d.toString('latin1').split('\r\n')[0]!));
    socket.resume();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const state: BrokenServer = {
    url: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`,
    connections: 0,
    requests: [],
    stop: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return state;
}

/** Answers HTTP 500 to everything. */
async function failingServer(): Promise<BrokenServer> {
  const server = http.createServer((req, res) => {
    state.requests.push(`${req.method} ${req.url}`);
    req.resume();
    res.writeHead(500, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ code: 'internal', msg: 'the test server always fails' }));
  });
  server.on('connection', () => state.connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const state: BrokenServer = {
    url: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`,
    connections: 0,
    requests: [],
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return state;
}

const cacheEnv = (url: string) => ({
  ACTIONS_CACHE_SERVICE_V2: 'true',
  ACTIONS_RESULTS_URL: `${url}/`,
  ACTIONS_RUNTIME_TOKEN: 'x',
  WATCHMAKER_CACHE_LOOKUP_TIMEOUT_MS: '300',
  WATCHMAKER_CACHE_TRANSFER_TIMEOUT_MS: '2000',
  WATCHMAKER_API_TIMEOUT_MS: '300',
});

const warnings = (step: StepResult) => step.annotations.filter((a) => a.level === 'warning');
const errors = (step: StepResult) => step.annotations.filter((a) => a.level === 'error');
const tempDir = (prefix: string) => mkdtempSync(path.join(os.tmpdir(), prefix));

let silent: BrokenServer;
let failing: BrokenServer;
let service: CacheServiceStandIn;
const github = new FakeGitHub();
let apiUrl = '';
let registry: LocalRegistry;
let fixture: RegistryWorkspace;
// Path crates only, with a CARGO_HOME of its own: the broken-service jobs touch nothing else.
const plainWorkspace = smallWorkspace();
const plainCargoHome = tempDir('wm-network-cargo-home-');

beforeAll(async () => {
  silent = await silentServer();
  failing = await failingServer();
  registry = await startLocalRegistry();
  fixture = workspaceWithRegistryDeps(registry);
  service = await startCacheService();
  serveCacheApi(github, service);
  // Replacing an entry deletes it by key (DELETE /repos/{owner}/{repo}/actions/caches?key=&ref=).
  github.route('DELETE', '/repos/{owner}/{repo}/actions/caches', (req) => {
    const key = req.query.get('key');
    const ref = req.query.get('ref');
    const gone = service.entries().filter((e) => e.key === key && (!ref || e.ref === ref));
    if (gone.length === 0) return { status: 404, body: { message: 'Not Found' } };
    for (const e of gone) service.deleteEntry(e.id);
    return {
      body: {
        total_count: gone.length,
        actions_caches: gone.map((e) => ({
          id: e.id,
          key: e.key,
          ref: e.ref,
          version: e.version,
          size_in_bytes: e.sizeBytes,
        })),
      },
    };
  });
  apiUrl = await github.start();
});
afterAll(async () => {
  await silent.stop();
  await failing.stop();
  await service.stop();
  await github.stop();
  await registry.stop();
});

/** A job on the plain workspace (target/ kept between jobs: only the cache is under test). */
function plainJob(options: Partial<JobOptions> = {}): Job {
  return new Job({
    workspace: plainWorkspace,
    event: 'push',
    ...options,
    env: { CARGO_HOME: plainCargoHome, ...(options.env ?? {}) },
  });
}

/**
 * A job on the registry workspace against the stand-in, on a fresh runner (no target/). `env`
 * (the caller's variables win) stays the job's environment object, so a test can change it
 * between the steps.
 */
function standInJob(options: Partial<JobOptions> = {}, env: Record<string, string | undefined> = {}): Job {
  rmSync(path.join(fixture.workspace, 'target'), { recursive: true, force: true });
  for (const [k, v] of Object.entries({ ...fixture.vars, ...service.env, GITHUB_API_URL: apiUrl }))
    if (!(k in env)) env[k] = v;
  return new Job({ workspace: fixture.workspace, event: 'push', ...options, env });
}

describe('a GitHub API that never answers', () => {
  test('the main step finishes with one warning about the comment, and the summary still has the report', async () => {
    const before = silent.requests.length;
    const main = await plainJob({
      event: 'pull_request',
      inputs: { cache: 'false', 'cache-backend': 'local', 'cache-dir': tempDir('wm-network-api-') },
      env: { GITHUB_API_URL: silent.url, WATCHMAKER_API_TIMEOUT_MS: '300' },
    }).main();
    expect(main.exitCode).toBe(0);
    expect(warnings(main)).toHaveLength(1);
    expect(warnings(main)[0]!.message).toMatch(
      /could not comment on #7: .*did not answer within 300 ms.*The report is in the job summary/,
    );
    expect(main.summary).toMatch(/^<!-- watchmaker-report job=build profile=dev /m);
    expect(main.summary).toContain('Watchmaker: dev build took');
    expect(main.outputs.verdict).toBe('no-baseline');
    // One request, then the API is not called again in the step.
    expect(silent.requests.slice(before)).toEqual([
      expect.stringMatching(/^GET \/repos\/octo-org\/octo-repo\/issues\/7\/comments/),
    ]);
  });
});

describe.each([
  ['never answers', () => silent],
  ['answers HTTP 500', () => failing],
])('a cache service that %s', (_label, server) => {
  test('main and post each finish with exactly one warning and at most one request to the service', async () => {
    const s = server();
    const job = plainJob({ env: cacheEnv(s.url) });

    let requests = s.requests.length;
    const main = await job.main();
    expect(main.exitCode).toBe(0);
    expect(main.outputs['cache-hit']).toBe('miss');
    expect(main.outputs['build-seconds']).toMatch(/^\d/);
    // One warning, though both the restore and the baseline lookup needed the service.
    expect(warnings(main).map((w) => w.message)).toEqual([
      expect.stringMatching(/could not restore the cache \(GitHub Actions cache\).*The build goes on without it/),
    ]);
    expect(errors(main)).toEqual([]);
    expect(main.stdout).toMatch(/did not load the baseline record: the cache service failed earlier in this step/);
    // Our probe, and nothing after it.
    expect(s.requests.slice(requests)).toEqual([
      expect.stringMatching(/^POST \/twirp\/.*CacheService\/GetCacheEntryDownloadURL/),
    ]);

    requests = s.requests.length;
    const post = await job.post();
    expect(post.exitCode).toBe(0);
    // One warning, though both the save and the baseline record needed the service.
    expect(warnings(post).map((w) => w.message)).toEqual([
      expect.stringMatching(/could not save the cache \(GitHub Actions cache\)/),
    ]);
    expect(errors(post)).toEqual([]);
    expect(post.stdout).toMatch(/did not store the baseline record: the cache service failed earlier in this step/);
    expect(s.requests.slice(requests)).toEqual([
      expect.stringMatching(/^POST \/twirp\/.*CacheService\/GetCacheEntryDownloadURL/),
    ]);
    // The library's own retries never started.
    expect(post.stdout).not.toMatch(/Failed to save|Unable to reserve|retrying/i);
  });
});

describe('fail-on-cache-error: true', () => {
  test('a failing service fails the main step with a message about the cache', async () => {
    const job = plainJob({ inputs: { 'fail-on-cache-error': 'true' }, env: cacheEnv(failing.url) });
    const main = await job.main();
    expect(main.exitCode).toBe(1);
    expect(errors(main).map((e) => e.message)).toEqual([
      expect.stringMatching(/^Watchmaker cache restore failed: the cache service .*HTTP 500/),
    ]);
    // Nothing was built, so the post step has nothing to save and adds no second failure.
    expect(main.outputs['build-seconds']).toBeUndefined();
    const post = await job.post();
    expect(post.exitCode).toBe(0);
    expect(post.stdout).toContain('nothing to save');
  });

  test('a service that fails after main restored fails the post step with a message about the cache', async () => {
    const env: Record<string, string | undefined> = {};
    const job = standInJob({ inputs: { 'fail-on-cache-error': 'true', 'cache-key': 'fail-on-error' } }, env);
    const main = await job.main();
    expect(main.exitCode).toBe(0);
    expect(main.outputs['cache-hit']).toBe('miss');
    // The service goes away between the steps.
    Object.assign(env, cacheEnv(silent.url));
    const post = await job.post();
    expect(post.exitCode).toBe(1);
    expect(errors(post).map((e) => e.message)).toEqual([
      expect.stringMatching(/^Watchmaker cache save failed: the cache service \(lookup\) did not answer within 300 ms/),
    ]);
    expect(service.entries().filter((e) => e.key === main.outputs['cache-key'])).toEqual([]);
  });
});

describe('re-running a job on the same commit (the cache-service stand-in)', () => {
  const noReserveNoise = (step: StepResult) => {
    expect(step.stdout).not.toMatch(/Unable to reserve/i);
    expect(step.stdout).not.toMatch(/another job may be creating/i);
    expect(warnings(step)).toEqual([]);
  };

  test('two runs that both missed: the second post step finds the entry and the baseline record and saves neither', async () => {
    const first = standInJob();
    const second = standInJob();
    const firstMain = await first.main();
    rmSync(path.join(fixture.workspace, 'target'), { recursive: true, force: true });
    const secondMain = await second.main();
    expect([firstMain.outputs['cache-hit'], secondMain.outputs['cache-hit']]).toEqual(['miss', 'miss']);
    const key = firstMain.outputs['cache-key']!;

    const firstPost = await first.post();
    expect(firstPost.exitCode).toBe(0);
    expect(firstPost.stdout).toContain(`Saved ${key}`);
    expect(firstPost.stdout).toMatch(/Stored the run record as the baseline for later runs \(.*-record-.*\)/);
    noReserveNoise(firstPost);

    const calls = service.calls.length;
    const secondPost = await second.post();
    expect(secondPost.exitCode).toBe(0);
    expect(secondPost.stdout).toContain(`The cache entry ${key} exists already`);
    expect(secondPost.stdout).toMatch(/The baseline record .*-record-.* exists already/);
    noReserveNoise(secondPost);
    // It looked and did not try to create anything.
    expect(service.calls.slice(calls)).not.toContain('CreateCacheEntry');
    expect(service.entries().filter((e) => e.key === key)).toHaveLength(1);
  });

  test('a re-run that restored the exact entry saves nothing and says so, without warnings', async () => {
    const job = standInJob();
    const main = await job.main();
    expect(main.outputs['cache-hit']).toBe('exact');
    const post = await job.post();
    expect(post.exitCode).toBe(0);
    expect(post.stdout).toContain('not saving the cache: the exact key was restored');
    expect(post.stdout).toMatch(/The baseline record .* exists already/);
    noReserveNoise(post);
  });

  test('cache-save: always after an exact hit replaces the entry', async () => {
    const job = standInJob({ inputs: { 'cache-save': 'always' } });
    const main = await job.main();
    expect(main.outputs['cache-hit']).toBe('exact');
    const key = main.outputs['cache-key']!;
    const before = service.entries().filter((e) => e.key === key);
    expect(before).toHaveLength(1);
    const post = await job.post();
    expect(post.exitCode).toBe(0);
    expect(post.stdout).toContain(`Replacing the cache entry ${key}`);
    expect(post.stdout).toContain(`Saved ${key}`);
    noReserveNoise(post);
    // A new generation of the key replaces the entry; the old one is pruned.
    const after = service.entries().filter((e) => e.key.startsWith(key));
    expect(after.map((e) => e.key)).toEqual([`${key}-g2`]);
  });
});

describe('a build that fails in a dependency build script on the default branch', () => {
  const failingWorkspace = smallWorkspace({
    'gen/build.rs': 'fn main() {\n    panic!("the build script fails on purpose");\n}\n',
  });
  const cargoHome = tempDir('wm-network-fail-cargo-home-');

  test('is not saved by default, and is saved with cache-on-failure: true', async () => {
    const cacheDir = tempDir('wm-network-fail-');
    const job = new Job({
      workspace: failingWorkspace,
      event: 'push',
      inputs: { 'cache-backend': 'local', 'cache-dir': cacheDir },
      env: { CARGO_HOME: cargoHome },
    });
    const main = await job.main();
    expect(main.exitCode).toBe(1);
    expect(main.stdout).toContain('the build script fails on purpose');
    expect(main.outputs.verdict).toBe('build-failed');
    const post = await job.post();
    expect(post.exitCode).toBe(0);
    expect(post.stdout).toContain('not saving the cache: the build failed (set cache-on-failure: true to save anyway)');
    expect(new LocalCacheBackend(cacheDir).entries()).toEqual([]);

    const keepDir = tempDir('wm-network-fail-keep-');
    const keep = new Job({
      workspace: failingWorkspace,
      event: 'push',
      inputs: { 'cache-backend': 'local', 'cache-dir': keepDir, 'cache-on-failure': 'true' },
      env: { CARGO_HOME: cargoHome },
    });
    const keepMain = await keep.main();
    expect(keepMain.exitCode).toBe(1);
    const keepPost = await keep.post();
    expect(keepPost.exitCode).toBe(0);
    expect(keepPost.stdout).toContain(`Saved ${keepMain.outputs['cache-key']}`);
    // The target archive only: a failed build stores no baseline record.
    expect(new LocalCacheBackend(keepDir).entries().map((e) => e.key)).toEqual([keepMain.outputs['cache-key']]);
    expect(readFileSync(keepMain.outputs.report!, 'utf8')).toContain('"success": false');
  });
});
