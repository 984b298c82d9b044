// The rustc wrapper (tools/rustc-wrapper/main.rs, built here as the action builds it) observes and
// never alters: rustc gets exactly cargo's arguments, stdin, stdout and stderr, cargo gets rustc's
// exit status, and each compilation adds one JSON line that reads back whatever the package paths
// and names hold (a directory name may contain any byte but NUL). A line that still cannot be
// read is handed back to the caller (which warns) instead of disappearing.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseWrapperUnits } from '../../src/timings/assemble.js';
import { buildWrapper } from '../helpers/rustc-wrapper.js';

let wrapper: string;
beforeAll(async () => {
  wrapper = await buildWrapper();
});

/** Every control character an environment variable can carry (1–31 and DEL). */
const CONTROL = [...Array.from({ length: 31 }, (_, i) => String.fromCharCode(i + 1)), '\x7f'].join('');
const COMPILATION = ['--crate-name', 'weird', '--crate-type', 'lib', 'src/lib.rs'];

/** A stand-in rustc (a shell script) in a fresh directory. */
function fakeRustc(body: string): { program: string; dir: string } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'wm-fake-rustc-'));
  const program = path.join(dir, 'rustc');
  writeFileSync(program, `#!/bin/sh\n${body}\n`, { mode: 0o755 });
  return { program, dir };
}

/** Runs the wrapper once around `rustc` as cargo would; returns what came back and the units file's text. */
function runWrapper(rustc: string, env: Record<string, string> = {}, args = COMPILATION, input = '') {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'wm-wrapper-json-'));
  const unitsFile = path.join(dir, 'units.jsonl');
  const r = spawnSync(wrapper, [rustc, ...args], {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', WATCHMAKER_UNITS_FILE: unitsFile, ...env },
    input,
  });
  const text = existsSync(unitsFile) ? readFileSync(unitsFile, 'utf8') : '';
  return {
    status: r.status,
    signal: r.signal,
    stdout: r.stdout.toString('utf8'),
    stderr: r.stderr.toString('utf8'),
    text,
    dir,
  };
}

test('a manifest dir with control characters, quotes and backslashes gives one valid JSON line that round-trips', () => {
  const manifestDir = `/tmp/pkg ${CONTROL} "quoted" back\\slash \\u0041 tab\there\nnewline \x1b[31mred\x1b[0m é ✓`;
  const packageName = 'name"with\\odd\x01chars';
  const { status, text, dir } = runWrapper('/bin/true', {
    CARGO_MANIFEST_DIR: manifestDir,
    CARGO_PKG_NAME: packageName,
    CARGO_PKG_VERSION: '1.2.3\t',
  });
  expect(status).toBe(0);
  // Exactly one line: the newline in the path is escaped, not written.
  expect(text.endsWith('\n')).toBe(true);
  const lines = text.slice(0, -1).split('\n');
  expect(lines).toHaveLength(1);
  const parsed = JSON.parse(lines[0]!) as Record<string, unknown>;
  expect(Object.keys(parsed)).toEqual([
    'crate_name',
    'crate_types',
    'test',
    'package',
    'version',
    'manifest_dir',
    'start',
    'end',
    'user',
    'sys',
    'max_rss_kib',
    'instructions',
    'exit',
  ]);
  expect(parsed).toMatchObject({
    manifest_dir: manifestDir,
    package: packageName,
    version: '1.2.3\t',
    crate_name: 'weird',
    crate_types: 'lib',
    test: false,
    exit: 0,
    instructions: null,
  });
  expect(parsed.end as number).toBeGreaterThanOrEqual(parsed.start as number);
  expect(Math.abs((parsed.start as number) - Date.now() / 1000)).toBeLessThan(60);
  expect(parsed.max_rss_kib as number).toBeGreaterThan(0);
  // The record's parser reads it the same way and finds nothing unreadable.
  const { units, unreadable } = parseWrapperUnits(text);
  expect(unreadable).toEqual([]);
  expect(units).toHaveLength(1);
  expect(units[0]!.manifestDir).toBe(manifestDir);
  expect(units[0]!.package).toBe(packageName);
  // No scratch files beside the units file.
  expect(readdirSync(dir)).toEqual(['units.jsonl']);
});

test("rustc's exit status passes through and is recorded", () => {
  const { status, text } = runWrapper('/bin/false', { CARGO_MANIFEST_DIR: '/tmp/x\x1by' });
  expect(status).toBe(1);
  const { units, unreadable } = parseWrapperUnits(text);
  expect(unreadable).toEqual([]);
  expect(units[0]!.exit).toBe(1);
  expect(units[0]!.manifestDir).toBe('/tmp/x\x1by');
  expect(runWrapper(fakeRustc('exit 101').program).status).toBe(101);
});

test('a rustc killed by a signal ends the wrapper by the same signal, as cargo would see it without the wrapper', () => {
  const { status, signal, text } = runWrapper(fakeRustc('kill -TERM $$').program);
  expect(status).toBeNull();
  expect(signal).toBe('SIGTERM');
  expect(parseWrapperUnits(text).units[0]!.exit).toBe(128 + 15);
});

test('crate types in both spellings, and tests, are recorded', () => {
  const { text } = runWrapper('/bin/true', {}, [
    '--crate-name',
    'app',
    '--crate-type',
    'lib',
    '--crate-type=rlib',
    '--test',
    'src/lib.rs',
  ]);
  expect(JSON.parse(text)).toMatchObject({ crate_name: 'app', crate_types: 'lib,rlib', test: true });
});

describe('observe, never alter', () => {
  /** A stand-in rustc that writes the arguments it got, NUL-separated, beside itself. */
  function argsSeen(args: string[], env: Record<string, string> = {}): string[] {
    const { program, dir } = fakeRustc(`printf '%s\\0' "$@" > "$(dirname "$0")/args"`);
    expect(runWrapper(program, env, args).status).toBe(0);
    return readFileSync(path.join(dir, 'args'), 'utf8').split('\0').slice(0, -1);
  }

  test('rustc gets exactly the arguments cargo gave: spaces, quotes, backslashes, newlines, unicode, empty', () => {
    const args = [
      '--crate-name',
      'app',
      '--cfg',
      'feature="a b"',
      "it's",
      'back\\slash\\',
      'two\nlines',
      'é ✓ 日本',
      '',
      '-C',
      'debuginfo=2',
      'src/lib.rs',
    ];
    expect(argsSeen(args)).toEqual(args);
  });

  test('nothing is added for the compile-work measure, whatever the environment says (no bitcode, no codegen units)', () => {
    const irDir = mkdtempSync(path.join(os.tmpdir(), 'wm-wrapper-ir-'));
    const args = [
      '--crate-name',
      'app',
      '--crate-type',
      'lib',
      '--out-dir',
      irDir,
      '-C',
      'extra-filename=-abc',
      'src/lib.rs',
    ];
    const env = {
      CARGO_PRIMARY_PACKAGE: '1',
      CARGO_PKG_NAME: 'app',
      WATCHMAKER_IR_DIR: irDir,
      WATCHMAKER_IR_ALL: '1',
      WATCHMAKER_PERF: '1',
    };
    expect(argsSeen(args, env)).toEqual(args);
    expect(readdirSync(irDir)).toEqual([]);
  });

  test('stdin reaches rustc; its stdout and stderr reach cargo, byte for byte', () => {
    const { program } = fakeRustc('cat; printf "to stderr é\\n" >&2; exit 3');
    const input = '{"json": "from cargo"}\nsecond line ✓\n';
    for (const args of [COMPILATION, ['-', '--crate-name', '___', '--print=file-names']]) {
      const r = runWrapper(program, {}, args, input);
      expect(r.stdout).toBe(input);
      expect(r.stderr).toBe('to stderr é\n');
      expect(r.status).toBe(3);
    }
  });

  test("cargo's probes pass straight through with no line: no crate name, or `___`", () => {
    const { program } = fakeRustc('echo "rustc 1.0.0"');
    for (const args of [['-vV'], ['-', '--crate-name', '___', '--print=file-names', '--crate-type', 'bin']]) {
      const r = runWrapper(program, {}, args);
      expect(r.stdout).toBe('rustc 1.0.0\n');
      expect(r.text).toBe('');
    }
  });

  test("the user's own wrapper (WATCHMAKER_INNER_WRAPPER, e.g. sccache) runs rustc, with rustc and the arguments after it", () => {
    const inner = fakeRustc(`printf '%s\\0' "$@" > "$(dirname "$0")/args"\nexec "$@"`);
    const { program, dir } = fakeRustc('echo compiled');
    const r = runWrapper(program, { WATCHMAKER_INNER_WRAPPER: inner.program }, COMPILATION);
    expect(r.stdout).toBe('compiled\n');
    expect(readFileSync(path.join(inner.dir, 'args'), 'utf8').split('\0').slice(0, -1)).toEqual([
      program,
      ...COMPILATION,
    ]);
    expect(parseWrapperUnits(r.text).units).toHaveLength(1);
    expect(existsSync(path.join(dir, 'args'))).toBe(false);
  });
});

test('rustc calls running in parallel append whole lines: every one is there and reads back', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'wm-wrapper-parallel-'));
  const unitsFile = path.join(dir, 'units.jsonl');
  const longDir = `/tmp/${'x'.repeat(3000)}`;
  const runs = Array.from(
    { length: 24 },
    (_, i) =>
      new Promise<number | null>((resolve) => {
        const child = spawn(wrapper, ['/bin/true', '--crate-name', `c${i}`, 'src/lib.rs'], {
          env: { WATCHMAKER_UNITS_FILE: unitsFile, CARGO_MANIFEST_DIR: longDir },
          stdio: 'ignore',
        });
        child.on('close', resolve);
      }),
  );
  expect(await Promise.all(runs)).toEqual(Array(24).fill(0));
  const { units, unreadable } = parseWrapperUnits(readFileSync(unitsFile, 'utf8'));
  expect(unreadable).toEqual([]);
  expect(units.map((u) => u.crateName).sort()).toEqual(Array.from({ length: 24 }, (_, i) => `c${i}`).sort());
});

test('parseWrapperUnits returns the lines it cannot read instead of dropping them silently', () => {
  const good = JSON.stringify({
    crate_name: 'a',
    crate_types: 'lib',
    test: false,
    package: 'a',
    version: '0.1.0',
    manifest_dir: '/w/a',
    start: 1,
    end: 2,
    user: 0.5,
    sys: 0.1,
    max_rss_kib: 1000,
    instructions: null,
    exit: 0,
  });
  const torn = '{"crate_name":"b","crate_types":"lib","test":fal';
  const raw = '{"crate_name":"c","manifest_dir":"/w/\x01c"}'; // an unescaped control character: not JSON
  const { units, unreadable } = parseWrapperUnits(`${good}\n${torn}\n\n${raw}\n${good}\n`);
  expect(units.map((u) => u.crateName)).toEqual(['a', 'a']);
  expect(unreadable).toEqual([torn, raw]);
});
