// The local sparse registry the cache and end-to-end tests build against: real .crate files, a
// static index at cargo's sparse paths, served over HTTP, and a CARGO_HOME that cargo fills.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  packCrate,
  readIndexFile,
  sparseIndexPath,
  startLocalRegistry,
  FIXTURE_CRATES,
  type LocalRegistry,
} from './registry.js';
import { writeTree } from './fixtures.js';

let reg: LocalRegistry;
beforeAll(async () => {
  reg = await startLocalRegistry();
});
afterAll(() => reg.stop());

const get = async (url: string) => {
  const res = await fetch(url);
  return { status: res.status, body: Buffer.from(await res.arrayBuffer()) };
};

describe('the registry on disk and over HTTP', () => {
  test('sparse index paths follow cargo’s layout, in lower case', () => {
    expect(sparseIndexPath('a')).toBe('1/a');
    expect(sparseIndexPath('ab')).toBe('2/ab');
    expect(sparseIndexPath('abc')).toBe('3/a/abc');
    expect(sparseIndexPath('abcd')).toBe('ab/cd/abcd');
    expect(sparseIndexPath('WM-Alpha')).toBe('wm/-a/wm-alpha');
    expect(sparseIndexPath('wm_stamp')).toBe('wm/_s/wm_stamp');
  });

  test('every version is one index line with a checksum of the served .crate', async () => {
    const alpha = readIndexFile(reg, 'wm-alpha');
    expect(alpha.map((l) => l.vers)).toEqual(['1.0.0', '1.1.0', '2.0.0']);
    for (const line of alpha) {
      expect(line).toEqual(
        expect.objectContaining({ name: 'wm-alpha', deps: [], yanked: false, links: null, features: {} }),
      );
      const download = await get(`${reg.url}/crates/wm-alpha/wm-alpha-${line.vers as string}.crate`);
      expect(download.status).toBe(200);
      expect(createHash('sha256').update(download.body).digest('hex')).toBe(line.cksum);
    }
    const [stamp] = readIndexFile(reg, 'wm_stamp');
    expect(stamp!.deps).toEqual([
      {
        name: 'wm-native-sys',
        req: '^0.1',
        features: [],
        optional: false,
        default_features: true,
        target: null,
        kind: 'normal',
      },
      {
        name: 'wm-alpha',
        req: '^1',
        features: [],
        optional: false,
        default_features: true,
        target: null,
        kind: 'build',
      },
    ]);
    expect(readIndexFile(reg, 'wm-native-sys')[0]!.links).toBe('wmnative');
    expect(readIndexFile(reg, 'wm-features')[0]).toEqual(
      expect.objectContaining({
        // `dep:` syntax goes in features2, with v: 2.
        features: { default: ['std'], std: [], loud: [] },
        features2: { extra: ['dep:wm-alpha'] },
        v: 2,
        deps: [
          expect.objectContaining({ name: 'wm-alpha', optional: true, kind: 'normal' }),
          expect.objectContaining({ name: 'wm-derive', kind: 'dev' }),
        ],
      }),
    );
  });

  test('config.json points downloads at this server; anything missing is a 404', async () => {
    const config = await get(`${reg.url}/index/config.json`);
    expect(config.status).toBe(200);
    expect(JSON.parse(config.body.toString('utf8'))).toEqual({
      dl: `${reg.url}/crates/{crate}/{crate}-{version}.crate`,
      api: null,
    });
    expect((await get(`${reg.url}/index/no/ne/nonexistent`)).status).toBe(404);
    expect((await get(`${reg.url}/crates/wm-alpha/wm-alpha-9.9.9.crate`)).status).toBe(404);
    expect((await get(`${reg.url}/index/../../etc/passwd`)).status).toBe(404);
    expect(
      reg
        .requests()
        .filter((r) => r.path.startsWith('/index/'))
        .map((r) => r.status),
    ).toEqual([200, 404]);
    expect(reg.requests().at(-1)).toEqual({ method: 'GET', path: '/etc/passwd', status: 404 });
  });

  test('a .crate is a gzipped tar of <name>-<version>/ with the manifest and sources, packed reproducibly', () => {
    const crate = reg.crate('wm_stamp', '0.3.0');
    const members = execFileSync('tar', ['-tzf', crate.file], { encoding: 'utf8' }).split('\n').filter(Boolean);
    expect(members.every((m) => m.startsWith('wm_stamp-0.3.0/'))).toBe(true);
    expect(members).toEqual(
      expect.arrayContaining(['wm_stamp-0.3.0/Cargo.toml', 'wm_stamp-0.3.0/build.rs', 'wm_stamp-0.3.0/src/lib.rs']),
    );
    const manifest = execFileSync('tar', ['-xzOf', crate.file, 'wm_stamp-0.3.0/Cargo.toml'], { encoding: 'utf8' });
    expect(manifest).toContain('name = "wm_stamp"');
    expect(manifest).toContain('[build-dependencies.wm-alpha]');
    // The same sources packed again elsewhere give the same bytes.
    const again = packCrate(
      mkdtempSync(path.join(os.tmpdir(), 'wm-repack-')),
      FIXTURE_CRATES.find((c) => c.name === 'wm_stamp')!,
    );
    expect(createHash('sha256').update(again).digest('hex')).toBe(crate.cksum);
  });
});

describe('cargo against the registry', () => {
  test('a workspace using every kind of fixture crate resolves, downloads, unpacks and builds', () => {
    const home = reg.cargoHome();
    const env = reg.env(home);
    const seen = reg.requests().length;
    const ws = writeTree({
      'Cargo.toml': '[workspace]\nmembers = ["app"]\nresolver = "2"\n',
      'app/Cargo.toml': [
        '[package]',
        'name = "app"',
        'version = "0.1.0"',
        'edition = "2021"',
        '',
        '[dependencies]',
        'wm-alpha = "2"',
        'wm_stamp = "0.3"',
        'wm-derive = "0.1"',
        'wm-native-sys = "0.1"',
        'wm-features = { version = "0.2", features = ["loud", "extra"] }',
        '',
      ].join('\n'),
      'app/src/main.rs': [
        'use wm_derive::Describe;',
        '',
        '#[derive(Describe)]',
        'struct Widget;',
        '',
        'fn main() {',
        '    println!("alpha {}", wm_alpha::add(&[1, 2, 3]));',
        '    println!("stamp {} native {} built-with {} links {}", wm_stamp::STAMP, wm_stamp::NATIVE_VERSION, wm_stamp::BUILT_WITH_ALPHA, wm_stamp::links());',
        '    println!("describe {}", Widget::describe());',
        '    println!("features {} extra-alpha {}", wm_features::enabled(), wm_features::alpha_version());',
        '    println!("sys {}", wm_native_sys::LINKS);',
        '}',
        '',
      ].join('\n'),
    });

    execFileSync('cargo', ['generate-lockfile'], { cwd: ws, env, stdio: 'pipe' });
    const lock = readFileSync(path.join(ws, 'Cargo.lock'), 'utf8');
    // Both majors of wm-alpha: 2 for the app, 1 as wm_stamp's build-dependency and wm-features' optional one.
    for (const [name, version] of [
      ['wm-alpha', '2.0.0'],
      ['wm-alpha', '1.1.0'],
      ['wm_stamp', '0.3.0'],
      ['wm-derive', '0.1.0'],
      ['wm-native-sys', '0.1.0'],
      ['wm-features', '0.2.0'],
    ] as const) {
      expect(lock).toContain(`name = "${name}"\nversion = "${version}"\nsource = "registry+`);
      expect(lock).toContain(`checksum = "${reg.crate(name, version).cksum}"`);
    }
    expect(lock).not.toContain('version = "1.0.0"');

    const build = execFileSync('cargo', ['build', '--locked', '--message-format', 'short'], {
      cwd: ws,
      env,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    expect(build).toBe('');
    const output = execFileSync(path.join(ws, 'target/debug/app'), { encoding: 'utf8' });
    expect(output).toBe(
      [
        'alpha 6',
        'stamp stamped native 1.2.3 built-with 3 links wmnative',
        'describe Widget',
        'features std,loud,extra extra-alpha 1.1.0',
        'sys wmnative',
        '',
      ].join('\n'),
    );

    // CARGO_HOME/registry is really filled: the index cache, the downloads and the sources.
    const registry = path.join(home, 'registry');
    const [indexDir] = readdirSync(path.join(registry, 'index'));
    expect(indexDir).toMatch(/^127\.0\.0\.1-[0-9a-f]+$/);
    expect(existsSync(path.join(registry, 'index', indexDir!, '.cache'))).toBe(true);
    expect(readdirSync(path.join(registry, 'cache'))).toEqual([indexDir]);
    const downloads = readdirSync(path.join(registry, 'cache', indexDir!)).sort();
    expect(downloads).toEqual([
      'wm-alpha-1.1.0.crate',
      'wm-alpha-2.0.0.crate',
      'wm-derive-0.1.0.crate',
      'wm-features-0.2.0.crate',
      'wm-native-sys-0.1.0.crate',
      'wm_stamp-0.3.0.crate',
    ]);
    for (const file of downloads) {
      const [name, version] = [
        file.slice(0, file.lastIndexOf('-')),
        file.slice(file.lastIndexOf('-') + 1, -'.crate'.length),
      ];
      expect(readFileSync(path.join(registry, 'cache', indexDir!, file))).toEqual(
        readFileSync(reg.crate(name, version).file),
      );
      expect(existsSync(path.join(registry, 'src', indexDir!, `${name}-${version}`, 'Cargo.toml'))).toBe(true);
    }
    // Cargo fetched them from this server, and only what the build needed.
    const requests = reg.requests().slice(seen);
    expect(requests[0]).toEqual({ method: 'GET', path: '/index/config.json', status: 200 });
    expect(
      requests
        .filter((r) => r.path.startsWith('/crates/'))
        .map((r) => `${path.basename(r.path)} ${r.status}`)
        .sort(),
    ).toEqual(downloads.map((d) => `${d} 200`));
    expect(requests.filter((r) => r.path.startsWith('/index/') && r.status !== 200)).toEqual([]);

    // Offline, from what the registry left in CARGO_HOME, a clean build still works.
    execFileSync('cargo', ['build', '--locked', '--offline', '--message-format', 'short'], {
      cwd: ws,
      env: { ...env, CARGO_TARGET_DIR: path.join(ws, 'target-offline') },
      stdio: 'pipe',
    });
    expect(existsSync(path.join(ws, 'target-offline/debug/app'))).toBe(true);
  });

  test('the machine’s proxy and offline settings do not get between cargo and the local registry', () => {
    const home = reg.cargoHome();
    const ws = writeTree({
      'Cargo.toml':
        '[package]\nname = "solo"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\nwm-alpha = "=1.0.0"\n',
      'src/lib.rs': 'pub fn sum() -> u64 { wm_alpha::add(2, 3) }\n',
    });
    const deadProxy = 'http://127.0.0.1:9';
    const env = reg.env(home, {
      ...process.env,
      http_proxy: deadProxy,
      HTTP_PROXY: deadProxy,
      https_proxy: deadProxy,
      HTTPS_PROXY: deadProxy,
      CARGO_HTTP_PROXY: deadProxy,
      CARGO_NET_OFFLINE: 'true',
    });
    execFileSync('cargo', ['build', '--message-format', 'short'], { cwd: ws, env, stdio: 'pipe' });
    expect(existsSync(path.join(home, 'registry', 'cache'))).toBe(true);
    expect(
      readdirSync(path.join(home, 'registry', 'cache')).flatMap((d) =>
        readdirSync(path.join(home, 'registry', 'cache', d)),
      ),
    ).toEqual(['wm-alpha-1.0.0.crate']);
  });
});
