// The rustc wrapper on Windows: tools/rustc-wrapper/main.rs cross-compiled for x86_64-pc-windows-gnu
// (as the runner's rustc builds it there, with the Windows calls for CPU time and memory) and run
// under wine around a stand-in rustc.exe: cargo runs the wrapper directly, with no shell, so the
// arguments must arrive exactly (Windows quoting), and the exit code and JSON line must be right.
// Needs wine, the mingw-w64 linker and a rustc with the windows-gnu std (.ci/run installs Debian's).
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseWrapperUnits } from '../../src/timings/assemble.js';
import { wrapperSourcePath } from '../helpers/rustc-wrapper.js';

const TARGET = 'x86_64-pc-windows-gnu';
const LINKER = 'x86_64-w64-mingw32-gcc';

const onPath = (program: string) => spawnSync(program, ['--version'], { stdio: 'ignore' }).error === undefined;

/** A rustc whose sysroot has the windows-gnu std: rustup's may not (it cannot download it here), Debian's does. */
function windowsRustc(): string | null {
  for (const rustc of ['rustc', '/usr/bin/rustc']) {
    const sysroot = spawnSync(rustc, ['--print', 'sysroot'], { encoding: 'utf8' });
    if (sysroot.status === 0 && existsSync(path.join(sysroot.stdout.trim(), 'lib', 'rustlib', TARGET, 'lib')))
      return rustc;
  }
  return null;
}

const rustc = windowsRustc();
const missing = [
  ...(onPath('wine') ? [] : ['wine']),
  ...(onPath(LINKER) ? [] : [`${LINKER} (gcc-mingw-w64-x86-64)`]),
  ...(rustc ? [] : [`a rustc with the ${TARGET} std (libstd-rust-dev-windows)`]),
];
const describeWine = missing.length ? describe.skip : describe;
if (missing.length)
  console.warn(
    `Skipping the Windows wrapper tests: ${missing.join(', ')} not installed (.ci/run installs them with apt-get).`,
  );

/** A stand-in rustc.exe: prints each argument and its stdin (hex, so nothing is lost), a line on stderr, exits with FAKE_EXIT. */
const FAKE_RUSTC = `
use std::io::{Read, Write};
fn hex(b: &[u8]) -> String { b.iter().map(|x| format!("{:02x}", x)).collect() }
fn main() {
    let mut input = Vec::new();
    std::io::stdin().read_to_end(&mut input).unwrap();
    let mut out = std::io::stdout();
    for a in std::env::args().skip(1) { writeln!(out, "arg:{}", hex(a.as_bytes())).unwrap(); }
    writeln!(out, "stdin:{}", hex(&input)).unwrap();
    eprintln!("to stderr");
    std::process::exit(std::env::var("FAKE_EXIT").ok().and_then(|c| c.parse().ok()).unwrap_or(0));
}
`;

describeWine(
  `the Windows build of the wrapper, under wine${missing.length ? ` (skipped: ${missing.join(', ')} missing)` : ''}`,
  () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'wm-wrapper-windows-'));
    const wineEnv = {
      ...process.env,
      WINEPREFIX: path.join(dir, 'wineprefix'),
      WINEDEBUG: '-all',
      LC_ALL: 'C.UTF-8',
      WINEDLLOVERRIDES: 'mscoree,mshtml=',
    };
    const windowsPath = (p: string) => `Z:${p.replace(/\//g, '\\')}`;
    const wrapper = path.join(dir, 'rustc-wrapper.exe');
    const fake = path.join(dir, 'rustc.exe');

    beforeAll(async () => {
      writeFileSync(path.join(dir, 'fake.rs'), FAKE_RUSTC);
      // The prefix is made while the two programs compile; a persistent wine server then makes each run take a tenth of a second.
      const boot = new Promise<void>((resolve) =>
        spawn('wineboot', ['-i'], { env: wineEnv, stdio: 'ignore' }).on('close', () => resolve()),
      );
      for (const [source, out] of [
        [wrapperSourcePath, wrapper],
        [path.join(dir, 'fake.rs'), fake],
      ]) {
        // The action's own build command (src/timings/wrapper.ts), for the Windows target.
        execFileSync(
          rustc!,
          ['--edition', '2021', '-C', 'opt-level=2', '--target', TARGET, '-C', `linker=${LINKER}`, '-o', out!, source!],
          { stdio: 'pipe' },
        );
      }
      await boot;
      spawnSync('wineserver', ['-p'], { env: wineEnv, stdio: 'ignore' });
    });
    afterAll(() => {
      // The wine server this file started.
      spawnSync('wineserver', ['-k'], { env: wineEnv, stdio: 'ignore' });
    });

    function runWrapper(args: string[], env: Record<string, string> = {}, input = '') {
      const unitsFile = path.join(dir, `units-${Math.random().toString(36).slice(2)}.jsonl`);
      const r = spawnSync('wine', [wrapper, ...args], {
        cwd: dir,
        env: { ...wineEnv, WATCHMAKER_UNITS_FILE: windowsPath(unitsFile), ...env },
        input,
        encoding: 'utf8',
      });
      const lines = r.stdout.split(/\r?\n/);
      const hexArgs = lines
        .filter((l) => l.startsWith('arg:'))
        .map((l) => Buffer.from(l.slice(4), 'hex').toString('utf8'));
      const stdin = lines.find((l) => l.startsWith('stdin:'));
      return {
        status: r.status,
        stderr: r.stderr,
        args: hexArgs,
        stdin: stdin === undefined ? null : Buffer.from(stdin.slice(6), 'hex').toString('utf8'),
        units: existsSync(unitsFile) ? readFileSync(unitsFile, 'utf8') : '',
      };
    }

    test('a compilation: arguments quoted exactly, stdin and stderr passed, exit code passed through, one JSON line', () => {
      const args = [
        '--crate-name',
        'app',
        '--crate-type',
        'lib',
        'a b',
        'say "hi"',
        'tail\\',
        'back\\"slash',
        'C:\\Program Files\\x',
        '',
        'é ✓ 日本',
        '%PATH%',
        'src\\lib.rs',
      ];
      const manifestDir = 'C:\\work\\my "app"';
      const r = runWrapper(
        ['rustc.exe', ...args],
        { FAKE_EXIT: '5', CARGO_MANIFEST_DIR: manifestDir, CARGO_PKG_NAME: 'app', CARGO_PKG_VERSION: '0.1.0' },
        'from cargo\n',
      );
      expect(r.status).toBe(5);
      expect(r.args).toEqual(args);
      expect(r.stdin).toBe('from cargo\n');
      expect(r.stderr).toContain('to stderr');
      const { units, unreadable } = parseWrapperUnits(r.units);
      expect(unreadable).toEqual([]);
      expect(units).toHaveLength(1);
      expect(units[0]).toMatchObject({
        crateName: 'app',
        crateTypes: ['lib'],
        package: 'app',
        version: '0.1.0',
        manifestDir,
        exit: 5,
      });
      const line = JSON.parse(r.units) as Record<string, number | null>;
      expect(line.user).toEqual(expect.any(Number));
      expect(line.sys).toEqual(expect.any(Number));
      expect(line.end!).toBeGreaterThanOrEqual(line.start!);
      expect(line.max_rss_kib === null || line.max_rss_kib > 0).toBe(true);
    });

    test("cargo's probe passes straight through with no line", () => {
      const r = runWrapper(['rustc.exe', '-vV']);
      expect(r.status).toBe(0);
      expect(r.args).toEqual(['-vV']);
      expect(r.units).toBe('');
    });

    test("the user's own wrapper runs first, with rustc and the arguments after it", () => {
      const r = runWrapper(['C:\\rust\\bin\\rustc.exe', '--crate-name', 'app', 'src\\lib.rs'], {
        WATCHMAKER_INNER_WRAPPER: 'rustc.exe',
      });
      expect(r.status).toBe(0);
      expect(r.args).toEqual(['C:\\rust\\bin\\rustc.exe', '--crate-name', 'app', 'src\\lib.rs']);
      expect(parseWrapperUnits(r.units).units).toHaveLength(1);
    });
  },
);
