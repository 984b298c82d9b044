// The local backend keeps GitHub's cache rules: a run restores only its own ref's entries and
// the default branch's, a pull request files its entries under its own ref (also on
// pull_request_target, which runs with the base branch's ref), and a run deletes only what its
// own ref saved. A save stopped by SIGTERM leaves no temporary archive, and the temporary files
// of saves that died are swept by the next save.
import { spawn } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  truncateSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { LocalCacheBackend, pathsVersion } from '../../src/cache/local.js';
import { localRefScope } from '../../src/cache/select.js';
import { readRunContext } from '../../src/context.js';
import { repoRoot } from '../helpers/action-runner.js';
import { captureStdout } from '../helpers/capture.js';

const work = mkdtempSync(path.join(os.tmpdir(), 'wm-local-isolation-'));
afterAll(() => {
  // A tar left running by a failed signal test would read its 64 GiB for minutes: stop it.
  for (const p of processesMentioning(work)) process.kill(Number(p.split(':')[0]), 'SIGKILL');
  rmSync(work, { recursive: true, force: true });
});

let counter = 0;
function fresh(name: string): string {
  const dir = path.join(work, `${name}-${++counter}`);
  mkdirSync(dir, { recursive: true });
  return dir;
}

async function quietly<T>(run: () => Promise<T>): Promise<{ value: T; text: string }> {
  const out = captureStdout();
  try {
    return { value: await run(), text: out.text() };
  } finally {
    out.restore();
  }
}

const repo = { repository: { default_branch: 'main', full_name: 'o/r' } };
const prPayload = { ...repo, pull_request: { number: 7, base: { ref: 'main' }, head: {} } };
const contexts = {
  push: readRunContext({ GITHUB_ACTIONS: 'true', GITHUB_REF: 'refs/heads/main', GITHUB_EVENT_NAME: 'push' }, repo),
  branch: readRunContext({ GITHUB_ACTIONS: 'true', GITHUB_REF: 'refs/heads/feature', GITHUB_EVENT_NAME: 'push' }, repo),
  pr: readRunContext(
    { GITHUB_ACTIONS: 'true', GITHUB_REF: 'refs/pull/7/merge', GITHUB_EVENT_NAME: 'pull_request' },
    prPayload,
  ),
  // pull_request_target runs with the base branch's ref, but the code built is the pull request's.
  prTarget: readRunContext(
    { GITHUB_ACTIONS: 'true', GITHUB_REF: 'refs/heads/main', GITHUB_EVENT_NAME: 'pull_request_target' },
    prPayload,
  ),
  otherPr: readRunContext(
    { GITHUB_ACTIONS: 'true', GITHUB_REF: 'refs/pull/8/merge', GITHUB_EVENT_NAME: 'pull_request' },
    { ...repo, pull_request: { number: 8, base: { ref: 'main' }, head: {} } },
  ),
  local: readRunContext({}, null),
};
type Who = keyof typeof contexts;

/** One cache directory and a cached directory, as jobs of different refs see them. */
function setting() {
  const root = fresh('setting');
  const cacheDir = path.join(root, 'cache');
  const target = path.join(root, 'target');
  const as = (who: Who) => new LocalCacheBackend(cacheDir, localRefScope(contexts[who]));
  /** A job of `who` builds `content` into target/ and saves it under `key`. */
  const save = async (who: Who, key: string, content: string) => {
    rmSync(target, { recursive: true, force: true });
    mkdirSync(path.join(target, 'debug', 'deps'), { recursive: true });
    writeFileSync(path.join(target, 'debug', 'deps', 'app-0123456789abcdef'), content);
    return (await quietly(() => as(who).save([target], key))).value;
  };
  /** A job of `who` on a fresh runner restores: the key it matched and the content it got. */
  const restore = async (who: Who, key: string, restoreKeys: string[] = []) => {
    rmSync(target, { recursive: true, force: true });
    const hit = (await quietly(() => as(who).restore([target], key, restoreKeys))).value;
    const file = path.join(target, 'debug', 'deps', 'app-0123456789abcdef');
    return { key: hit?.matchedKey ?? null, content: existsSync(file) ? readFileSync(file, 'utf8') : null };
  };
  return { cacheDir, target, as, save, restore };
}

describe('which entries a run sees and writes', () => {
  test("a pull_request_target job saving the default branch's key never reaches the default branch", async () => {
    const s = setting();
    await s.save('push', 'k-app', 'built by main');
    // The pull request's build script planted its own file; cache-save: always saves it.
    expect(await s.save('prTarget', 'k-app', 'planted by the pull request')).toMatchObject({ saved: true });
    expect(await s.restore('push', 'k-app')).toEqual({ key: 'k-app', content: 'built by main' });
    // A later job of the same pull request gets its own entry back.
    expect(await s.restore('pr', 'k-app')).toEqual({ key: 'k-app', content: 'planted by the pull request' });
    expect(await s.restore('otherPr', 'k-app')).toEqual({ key: 'k-app', content: 'built by main' });
  });

  test('a pull request or branch reads the default branch and its own entries, never another ref', async () => {
    const s = setting();
    await s.save('push', 'k-main-1', 'main');
    await s.save('branch', 'k-feature-1', 'feature');
    await s.save('pr', 'k-pr-1', 'pr 7');
    expect(await s.restore('otherPr', 'k-x', ['k-'])).toEqual({ key: 'k-main-1', content: 'main' });
    expect(await s.restore('pr', 'k-x', ['k-'])).toEqual({ key: 'k-pr-1', content: 'pr 7' });
    expect(await s.restore('branch', 'k-x', ['k-'])).toEqual({ key: 'k-feature-1', content: 'feature' });
    expect(await s.restore('push', 'k-x', ['k-'])).toEqual({ key: 'k-main-1', content: 'main' });
    expect(await s.as('push').exists([s.target], 'k-pr-1')).toBe(false);
    expect(await s.as('pr').lookup([s.target], 'k-x', ['k-main-'])).toBe('k-main-1');
  });

  test("its own entries come first (GitHub searches the run's ref, then the default branch)", async () => {
    const s = setting();
    await s.save('pr', 'k-1', 'pr, older');
    await s.save('push', 'k-2', 'main, newer');
    expect(await s.restore('pr', 'k-x', ['k-'])).toEqual({ key: 'k-1', content: 'pr, older' });
  });

  test("prune and remove delete only the run's own entries", async () => {
    const s = setting();
    await s.save('push', 'k-a-1', 'main');
    await s.save('prTarget', 'k-a-2', 'pr');
    const pruned = await s.as('prTarget').prune({ prefix: 'k-a-', keepKey: 'k-a-2' });
    expect(pruned.deleted).toBe(0);
    await s.as('pr').remove('k-a-1');
    expect(
      s
        .as('push')
        .entries()
        .map((e) => e.key)
        .sort(),
    ).toEqual(['k-a-1', 'k-a-2']);
    // The default branch prunes its own superseded entry, not the pull request's.
    await s.save('push', 'k-a-3', 'main again');
    expect((await s.as('push').prune({ prefix: 'k-a-', keepKey: 'k-a-3' })).deleted).toBe(1);
    expect(
      s
        .as('push')
        .entries()
        .map((e) => e.key)
        .sort(),
    ).toEqual(['k-a-2', 'k-a-3']);
  });

  test("entries saved before scopes existed count as the default branch's", async () => {
    const s = setting();
    await s.save('push', 'k-old', 'old');
    // What an older version of the action wrote: no scope in the metadata.
    const meta = readdirSync(s.cacheDir).find((f) => f.endsWith('.meta.json'))!;
    const entry = JSON.parse(readFileSync(path.join(s.cacheDir, meta), 'utf8')) as Record<string, unknown>;
    delete entry.scope;
    writeFileSync(path.join(s.cacheDir, meta), JSON.stringify(entry));
    for (const who of ['push', 'pr', 'branch', 'local'] as const)
      expect(await s.restore(who, 'k-old')).toEqual({ key: 'k-old', content: 'old' });
    expect((await s.as('pr').prune({ prefix: 'k-', keepKey: 'k-new' })).deleted).toBe(0);
    expect((await s.as('push').prune({ prefix: 'k-', keepKey: 'k-new' })).deleted).toBe(1);
  });

  test('runs outside GitHub share one scope', async () => {
    const s = setting();
    await s.save('local', 'k-local', 'local');
    expect(await s.restore('local', 'k-local')).toEqual({ key: 'k-local', content: 'local' });
    expect(s.as('local').entries()[0]).toMatchObject({ scope: 'local', version: pathsVersion([s.target]) });
    // A GitHub job's default branch is another scope.
    expect(await s.restore('push', 'k-local')).toEqual({ key: null, content: null });
  });
});

describe('temporary archives', () => {
  test('a save stopped by SIGTERM removes its temporary archive and stops tar', async () => {
    const script = path.join(fresh('bundle'), 'save.mjs');
    await build({
      stdin: {
        contents: [
          `import { LocalCacheBackend } from ${JSON.stringify(path.join(repoRoot, 'src/cache/local.ts'))};`,
          'const [dir, data] = process.argv.slice(2);',
          "await new LocalCacheBackend(dir).save([data], 'k-big');",
          "process.stderr.write('finished');",
        ].join('\n'),
        resolveDir: repoRoot,
        loader: 'ts',
      },
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      outfile: script,
      logLevel: 'silent',
      banner: {
        js: "import { createRequire as __wmCreateRequire } from 'node:module'; const require = __wmCreateRequire(import.meta.url);",
      },
    });
    const root = fresh('stopped');
    const cacheDir = path.join(root, 'cache');
    const data = path.join(root, 'target');
    mkdirSync(data);
    // A large target/ without using the disk: tar reads 64 GiB of holes for many seconds.
    writeFileSync(path.join(data, 'big.bin'), '');
    truncateSync(path.join(data, 'big.bin'), 64 * 1024 ** 3);

    const child = spawn(process.execPath, [script, cacheDir, data], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.on('exit', (code, signal) => resolve({ code, signal })),
    );
    const temporary = () => (existsSync(cacheDir) ? readdirSync(cacheDir).filter((f) => f.endsWith('.tmp')) : []);
    const until = Date.now() + 30_000;
    while (temporary().length === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    expect(temporary()).toHaveLength(1);
    child.kill('SIGTERM');
    expect(await ended).toEqual({ code: null, signal: 'SIGTERM' });
    expect(stderr).not.toContain('finished');
    expect(temporary()).toEqual([]);
    // tar and its compressor are gone too: nothing writes there any more.
    await new Promise((r) => setTimeout(r, 500));
    expect(readdirSync(cacheDir)).toEqual([]);
    expect(processesMentioning(cacheDir)).toEqual([]);
  }, 60_000);

  test('the next save removes temporary files of saves that died more than an hour ago, and keeps a running one', async () => {
    const root = fresh('sweep');
    const cacheDir = path.join(root, 'cache');
    mkdirSync(cacheDir);
    const old = [
      '.k-dead.tar.zst.4242.tmp',
      '.k-dead.tar.zst.4242.tmp.meta.json',
      '.k-dead.tar.zst.4242.tmp.exclude',
      'index.json.4242.tmp',
    ];
    const running = '.k-running.tar.zst.4343.tmp';
    const twoHoursAgo = new Date(Date.now() - 2 * 3600_000);
    for (const f of old) {
      writeFileSync(path.join(cacheDir, f), 'x'.repeat(1000));
      utimesSync(path.join(cacheDir, f), twoHoursAgo, twoHoursAgo);
    }
    writeFileSync(path.join(cacheDir, running), 'still being written');
    const data = fresh('sweep-data');
    writeFileSync(path.join(data, 'a.txt'), 'a');
    const { value, text } = await quietly(() => new LocalCacheBackend(cacheDir).save([data], 'k-next'));
    expect(value.saved).toBe(true);
    for (const f of old) expect(existsSync(path.join(cacheDir, f))).toBe(false);
    expect(existsSync(path.join(cacheDir, running))).toBe(true);
    expect(text).toContain('.k-dead.tar.zst.4242.tmp, left by a save of the cache that stopped more than an hour ago');
  });
});

/** Processes whose command line names `dir` (tar and zstd of a save into it). */
function processesMentioning(dir: string): string[] {
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
      if (cmd.includes(dir)) found.push(`${pid}: ${cmd}`);
    } catch {
      // gone meanwhile
    }
  }
  return found;
}
