// The local cache backend on hostile and broken input: archives whose members would land
// outside the cached paths are refused whole (nothing extracted, a warning, a miss), concurrent
// saves never lose an entry from the index, and a damaged index.json is rebuilt.
import { spawn } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { LocalCacheBackend, pathsVersion } from '../../src/cache/local.js';
import { repoRoot } from '../helpers/action-runner.js';
import { captureStdout } from '../helpers/capture.js';

const work = mkdtempSync(path.join(os.tmpdir(), 'wm-local-safety-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

let counter = 0;
/** A fresh directory under the test's temp root. */
function fresh(name: string): string {
  const dir = path.join(work, `${name}-${++counter}`);
  mkdirSync(dir, { recursive: true });
  return dir;
}

// ---------- a tar writer for crafted archives (what a tampered cache directory could hold) ----------

interface Member {
  name: string;
  type: 'file' | 'dir' | 'symlink' | 'hardlink';
  content?: string;
  linkname?: string;
}

const TYPEFLAG: Record<Member['type'], string> = { file: '0', dir: '5', symlink: '2', hardlink: '1' };

function octal(value: number, width: number): string {
  return `${value.toString(8).padStart(width - 1, '0')}\0`;
}

/** One ustar header block; long names go in the prefix field like tar does. */
function header(m: Member, size: number): Buffer {
  const block = Buffer.alloc(512, 0);
  let name = m.name;
  let prefix = '';
  if (Buffer.byteLength(name) > 100) {
    const cut = name.lastIndexOf('/', name.length - 2 > 155 ? 155 : name.length - 2);
    prefix = name.slice(0, cut);
    name = name.slice(cut + 1);
  }
  if (Buffer.byteLength(name) > 100 || Buffer.byteLength(prefix) > 155)
    throw new Error(`member name too long for the test's tar writer: ${m.name}`);
  block.write(name, 0, 100, 'utf8');
  block.write(octal(m.type === 'dir' ? 0o755 : 0o644, 8), 100, 'ascii');
  block.write(octal(0, 8), 108, 'ascii');
  block.write(octal(0, 8), 116, 'ascii');
  block.write(octal(size, 12), 124, 'ascii');
  block.write(octal(Math.floor(Date.now() / 1000), 12), 136, 'ascii');
  block.write('        ', 148, 'ascii');
  block.write(TYPEFLAG[m.type], 156, 'ascii');
  block.write(m.linkname ?? '', 157, 100, 'utf8');
  block.write('ustar\0', 257, 'ascii');
  block.write('00', 263, 'ascii');
  block.write(prefix, 345, 155, 'utf8');
  let sum = 0;
  for (const byte of block) sum += byte;
  block.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'ascii');
  return block;
}

/** A gzipped tar with exactly these members, in this order. */
function tarGz(members: Member[]): Buffer {
  const parts: Buffer[] = [];
  for (const m of members) {
    const data = Buffer.from(m.type === 'file' ? (m.content ?? '') : '', 'utf8');
    parts.push(header(m, data.length), data, Buffer.alloc((512 - (data.length % 512)) % 512, 0));
  }
  parts.push(Buffer.alloc(1024, 0));
  return gzipSync(Buffer.concat(parts));
}

/** Puts an archive into the cache directory as save() does: the archive, then its metadata sidecar. */
function plant(cacheDir: string, key: string, paths: string[], members: Member[]): string {
  mkdirSync(cacheDir, { recursive: true });
  const file = `planted-${counter}.tar.gz`;
  writeFileSync(path.join(cacheDir, file), tarGz(members));
  const entry = {
    key,
    version: pathsVersion(paths),
    file,
    createdAt: Date.now(),
    sizeBytes: statSync(path.join(cacheDir, file)).size,
  };
  writeFileSync(path.join(cacheDir, `${file}.meta.json`), JSON.stringify(entry));
  return file;
}

async function quietly<T>(work: () => Promise<T>): Promise<{ value: T; text: string; warnings: string[] }> {
  const out = captureStdout();
  try {
    const value = await work();
    return {
      value,
      text: out.text(),
      warnings: out
        .annotations()
        .filter((a) => a.level === 'warning')
        .map((a) => a.message),
    };
  } finally {
    out.restore();
  }
}

// ---------- refusing archives that would write outside the cached paths ----------

describe('restore refuses archives with members outside the cached paths', () => {
  /** A cached directory that does not exist yet (as on a fresh runner) and a place outside it. */
  function layout() {
    const root = fresh('layout');
    const cached = path.join(root, 'cached');
    const outside = path.join(root, 'outside');
    mkdirSync(outside);
    return { root, cached, outside, cacheDir: path.join(root, 'cache') };
  }

  /** Restores the planted entry; asserts a miss, one warning and that nothing at all was extracted. */
  async function expectRefused(
    l: ReturnType<typeof layout>,
    members: Member[],
    mustNotExist: string[],
    reason: RegExp,
  ) {
    plant(l.cacheDir, 'k-crafted', [l.cached], members);
    const { value, warnings } = await quietly(() =>
      new LocalCacheBackend(l.cacheDir).restore([l.cached], 'k-crafted', []),
    );
    expect(value).toBeUndefined();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/nothing was extracted/);
    expect(warnings[0]).toMatch(reason);
    // Not even the harmless member that came first: the archive is refused whole.
    expect(existsSync(l.cached)).toBe(false);
    for (const p of mustNotExist) expect(existsSync(p)).toBe(false);
    expect(readdirSync(l.outside)).toEqual([]);
  }

  test('a relative member that climbs out with ../', async () => {
    const l = layout();
    const name = `wm-escape-${process.pid}-${counter}.txt`;
    await expectRefused(
      l,
      [
        { name: `${l.cached}/ok.txt`, type: 'file', content: 'fine' },
        { name: `../${name}`, type: 'file', content: 'escaped' },
      ],
      // tar extracts relative to / (-C /), or the current directory if it ignored -C.
      [path.join('/', name), path.resolve(process.cwd(), '..', name), path.join(l.cached, '..', name)],
      /not an absolute member name/,
    );
  });

  test('an absolute member that climbs out of a cached path with ..', async () => {
    const l = layout();
    await expectRefused(
      l,
      [{ name: `${l.cached}/../outside/climbed.txt`, type: 'file', content: 'escaped' }],
      [path.join(l.outside, 'climbed.txt')],
      /climbs out/,
    );
  });

  test('an absolute member outside every cached path', async () => {
    const l = layout();
    await expectRefused(
      l,
      [
        { name: `${l.cached}/ok.txt`, type: 'file', content: 'fine' },
        { name: `${l.outside}/abs.txt`, type: 'file', content: 'escaped' },
      ],
      [path.join(l.outside, 'abs.txt')],
      /outside the cached paths/,
    );
  });

  test('a symlink inside the cached path that points outside, and a file written through it', async () => {
    const l = layout();
    await expectRefused(
      l,
      [
        { name: `${l.cached}/`, type: 'dir' },
        { name: `${l.cached}/link`, type: 'symlink', linkname: l.outside },
        { name: `${l.cached}/link/through.txt`, type: 'file', content: 'escaped' },
      ],
      [path.join(l.outside, 'through.txt'), path.join(l.cached, 'link')],
      /links to .*outside the cached paths/,
    );
  });

  test('a relative symlink that climbs out of the cached path', async () => {
    const l = layout();
    await expectRefused(
      l,
      [
        { name: `${l.cached}/`, type: 'dir' },
        { name: `${l.cached}/up`, type: 'symlink', linkname: '../outside' },
        { name: `${l.cached}/up/through.txt`, type: 'file', content: 'escaped' },
      ],
      [path.join(l.outside, 'through.txt')],
      /links to \.\.\/outside/,
    );
  });

  test('a hard link to /etc/passwd', async () => {
    const l = layout();
    const passwdBefore = existsSync('/etc/passwd') ? readFileSync('/etc/passwd', 'utf8') : null;
    await expectRefused(
      l,
      [
        { name: `${l.cached}/`, type: 'dir' },
        { name: `${l.cached}/passwd`, type: 'hardlink', linkname: '/etc/passwd' },
      ],
      [path.join(l.cached, 'passwd')],
      /links to \/etc\/passwd/,
    );
    if (passwdBefore !== null) expect(readFileSync('/etc/passwd', 'utf8')).toBe(passwdBefore);
  });

  test('a special file (a FIFO)', async () => {
    const l = layout();
    const members: Member[] = [{ name: `${l.cached}/`, type: 'dir' }];
    // A FIFO (typeflag 6) built by hand: the writer's types do not include it.
    const fifo = header({ name: `${l.cached}/fifo`, type: 'file' }, 0);
    fifo.write('6', 156, 'ascii');
    fifo.write('        ', 148, 'ascii');
    let sum = 0;
    for (const byte of fifo) sum += byte;
    fifo.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'ascii');
    plant(l.cacheDir, 'k-fifo', [l.cached], members);
    const file = readdirSync(l.cacheDir).find((f) => f.endsWith('.tar.gz'))!;
    const tar = Buffer.concat([header(members[0]!, 0), fifo, Buffer.alloc(1024, 0)]);
    writeFileSync(path.join(l.cacheDir, file), gzipSync(tar));
    const { value, warnings } = await quietly(() =>
      new LocalCacheBackend(l.cacheDir).restore([l.cached], 'k-fifo', []),
    );
    expect(value).toBeUndefined();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/FIFO|a \w+ entry/);
    expect(existsSync(l.cached)).toBe(false);
  });

  test('an archive of the cached paths themselves (what save() writes) is restored', async () => {
    const root = fresh('roundtrip');
    const cached = path.join(root, 'cached');
    mkdirSync(path.join(cached, 'sub'), { recursive: true });
    writeFileSync(path.join(cached, 'sub', 'a.txt'), 'A');
    const backend = new LocalCacheBackend(path.join(root, 'cache'));
    await quietly(() => backend.save([cached], 'k-ok'));
    rmSync(cached, { recursive: true });
    const { value, warnings } = await quietly(() => backend.restore([cached], 'k-ok', []));
    expect(value).toEqual({ matchedKey: 'k-ok', archiveBytes: expect.any(Number) });
    expect(warnings).toEqual([]);
    expect(readFileSync(path.join(cached, 'sub', 'a.txt'), 'utf8')).toBe('A');
  });

  test('a crafted archive with in-bounds members and links is restored (the check is not a blanket refusal)', async () => {
    const l = layout();
    plant(
      l.cacheDir,
      'k-inbounds',
      [l.cached],
      [
        { name: `${l.cached}/`, type: 'dir' },
        { name: `${l.cached}/real.txt`, type: 'file', content: 'real' },
        { name: `${l.cached}/rel-link`, type: 'symlink', linkname: 'real.txt' },
        { name: `${l.cached}/hard`, type: 'hardlink', linkname: `${l.cached}/real.txt` },
      ],
    );
    const { value, warnings } = await quietly(() =>
      new LocalCacheBackend(l.cacheDir).restore([l.cached], 'k-inbounds', []),
    );
    expect(warnings).toEqual([]);
    expect(value?.matchedKey).toBe('k-inbounds');
    expect(readFileSync(path.join(l.cached, 'rel-link'), 'utf8')).toBe('real');
    expect(readFileSync(path.join(l.cached, 'hard'), 'utf8')).toBe('real');
  });
});

// ---------- the index under concurrency and damage ----------

function dataDir(name: string, content: string): string {
  const dir = fresh(name);
  writeFileSync(path.join(dir, 'data.txt'), content);
  return dir;
}

const indexKeys = (cacheDir: string) =>
  (JSON.parse(readFileSync(path.join(cacheDir, 'index.json'), 'utf8')) as { entries: Array<{ key: string }> }).entries
    .map((e) => e.key)
    .sort();

describe('the index', () => {
  const keys = Array.from({ length: 8 }, (_, i) => `k-concurrent-${i}`);

  test('8 concurrent saves in one process are all listed afterwards', async () => {
    const cacheDir = path.join(fresh('concurrent-inproc'), 'cache');
    const backend = new LocalCacheBackend(cacheDir);
    const dirs = keys.map((k) => dataDir(k, k));
    const { value } = await quietly(() => Promise.all(keys.map((k, i) => backend.save([dirs[i]!], k))));
    expect(value.every((r) => r.saved)).toBe(true);
    expect(
      backend
        .entries()
        .map((e) => e.key)
        .sort(),
    ).toEqual(keys);
    expect(indexKeys(cacheDir)).toEqual(keys);
    expect(existsSync(path.join(cacheDir, '.lock'))).toBe(false);
  });

  test('8 saves from 8 processes at once are all listed afterwards', async () => {
    // The backend bundled into one script, as each job's post step would run it.
    const script = path.join(fresh('bundle'), 'save.mjs');
    await build({
      stdin: {
        contents: [
          `import { LocalCacheBackend } from ${JSON.stringify(path.join(repoRoot, 'src/cache/local.ts'))};`,
          'const [dir, key, data] = process.argv.slice(2);',
          'const result = await new LocalCacheBackend(dir).save([data], key);',
          'process.stderr.write(JSON.stringify(result));',
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
    const cacheDir = path.join(fresh('concurrent-procs'), 'cache');
    const dirs = keys.map((k) => dataDir(`${k}-p`, `${k} from a process`));
    const results = await Promise.all(
      keys.map(
        (k, i) =>
          new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
            const child = spawn(process.execPath, [script, cacheDir, k, dirs[i]!], {
              stdio: ['ignore', 'ignore', 'pipe'],
            });
            let stderr = '';
            child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
            child.on('error', reject);
            child.on('close', (code) => resolve({ code, stderr }));
          }),
      ),
    );
    for (const r of results) {
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stderr)).toMatchObject({ saved: true });
    }
    const backend = new LocalCacheBackend(cacheDir);
    expect(
      backend
        .entries()
        .map((e) => e.key)
        .sort(),
    ).toEqual(keys);
    expect(indexKeys(cacheDir)).toEqual(keys);
    expect(readdirSync(cacheDir).filter((f) => f.endsWith('.tmp') || f === '.lock')).toEqual([]);
    // Every one restores its own content.
    const { value } = await quietly(async () => {
      for (const d of dirs) rmSync(d, { recursive: true });
      return Promise.all(keys.map((k, i) => backend.restore([dirs[i]!], k, [])));
    });
    expect(value.map((r) => r?.matchedKey)).toEqual(keys);
    keys.forEach((k, i) => expect(readFileSync(path.join(dirs[i]!, 'data.txt'), 'utf8')).toBe(`${k} from a process`));
  });

  test('a damaged index.json: the next lookup works and the index is rebuilt from the archives', async () => {
    const cacheDir = path.join(fresh('damaged'), 'cache');
    const one = dataDir('one', 'first');
    const two = dataDir('two', 'second');
    const backend = new LocalCacheBackend(cacheDir);
    await quietly(() => backend.save([one], 'k-damaged-1'));
    await quietly(() => backend.save([two], 'k-damaged-2'));
    writeFileSync(path.join(cacheDir, 'index.json'), 'this is {{{ not json\x00\x01');

    const later = new LocalCacheBackend(cacheDir);
    const exists = await quietly(() => later.exists([one], 'k-damaged-1'));
    expect(exists.value).toBe(true);
    expect(exists.text).toMatch(/index .*index\.json was damaged; rebuilt it from the archives/);
    expect(exists.warnings).toEqual([]);
    expect(indexKeys(cacheDir)).toEqual(['k-damaged-1', 'k-damaged-2']);

    writeFileSync(path.join(cacheDir, 'index.json'), '');
    rmSync(two, { recursive: true });
    const restored = await quietly(() => later.restore([two], 'k-damaged-2', []));
    expect(restored.value?.matchedKey).toBe('k-damaged-2');
    expect(restored.text).toMatch(/rebuilt it from the archives/);
    expect(readFileSync(path.join(two, 'data.txt'), 'utf8')).toBe('second');
    expect(indexKeys(cacheDir)).toEqual(['k-damaged-1', 'k-damaged-2']);

    // Once repaired, a lookup says nothing more.
    const again = await quietly(() => later.exists([one], 'k-damaged-1'));
    expect(again.text).not.toMatch(/rebuilt/);
  });

  test('an index that lists an entry whose sidecar is missing gets the sidecar back', async () => {
    const cacheDir = path.join(fresh('old-index'), 'cache');
    const one = dataDir('old', 'old');
    const backend = new LocalCacheBackend(cacheDir);
    await quietly(() => backend.save([one], 'k-old'));
    const meta = readdirSync(cacheDir).find((f) => f.endsWith('.meta.json'))!;
    rmSync(path.join(cacheDir, meta));
    const { value } = await quietly(() => new LocalCacheBackend(cacheDir).exists([one], 'k-old'));
    expect(value).toBe(true);
    expect(existsSync(path.join(cacheDir, meta))).toBe(true);
  });
});

describe('exists, remove and prune', () => {
  test('behave by exact key, path list and prefix', async () => {
    const cacheDir = path.join(fresh('ops'), 'cache');
    const data = dataDir('ops-data', 'v1');
    const other = dataDir('ops-other', 'x');
    const backend = new LocalCacheBackend(cacheDir);
    await quietly(async () => {
      await backend.save([data], 'pre-a-1');
      await backend.save([data], 'pre-a-2');
      await backend.save([data], 'pre-b-1');
    });

    expect(await backend.exists([data], 'pre-a-1')).toBe(true);
    expect(await backend.exists([data], 'pre-a-')).toBe(false); // a prefix is not the key
    expect(await backend.exists([data], 'pre-a-9')).toBe(false);
    expect(await backend.exists([other], 'pre-a-1')).toBe(false); // other paths, other version

    await backend.remove('pre-a-1');
    expect(await backend.exists([data], 'pre-a-1')).toBe(false);
    expect(
      backend
        .entries()
        .map((e) => e.key)
        .sort(),
    ).toEqual(['pre-a-2', 'pre-b-1']);
    expect(indexKeys(cacheDir)).toEqual(['pre-a-2', 'pre-b-1']);
    await expect(backend.remove('never-saved')).resolves.toBeUndefined();

    writeFileSync(path.join(data, 'data.txt'), 'v3');
    await quietly(() => backend.save([data], 'pre-a-3'));
    const pruned = await backend.prune({ prefix: 'pre-a-', keepKey: 'pre-a-3' });
    expect(pruned).toEqual({ deleted: 1, keptEntryBytes: null });
    expect(
      backend
        .entries()
        .map((e) => e.key)
        .sort(),
    ).toEqual(['pre-a-3', 'pre-b-1']);
    expect(indexKeys(cacheDir)).toEqual(['pre-a-3', 'pre-b-1']);
    // Only the entries' own files remain: two archives, two sidecars, the index.
    expect(readdirSync(cacheDir).sort()).toHaveLength(5);
    expect(await backend.prune({ prefix: 'pre-a-', keepKey: 'pre-a-3' })).toEqual({ deleted: 0, keptEntryBytes: null });

    rmSync(data, { recursive: true });
    const { value } = await quietly(() => backend.restore([data], 'pre-a-zzz', ['pre-a-']));
    expect(value?.matchedKey).toBe('pre-a-3');
    expect(readFileSync(path.join(data, 'data.txt'), 'utf8')).toBe('v3');
  });
});
