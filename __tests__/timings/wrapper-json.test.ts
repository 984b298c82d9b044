// The rustc wrapper's measurement lines are JSON whatever the package paths and names hold
// (a directory name may contain any byte but NUL), and a line that still cannot be read is
// handed back to the caller (which warns) instead of disappearing.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from '../helpers/action-runner.js';
import { parseWrapperUnits } from '../../src/timings/record.js';

const wrapper = path.join(repoRoot, 'src/timings/rustc-wrapper.sh');

/** Every control character an environment variable can carry (1–31 and DEL). */
const CONTROL = [...Array.from({ length: 31 }, (_, i) => String.fromCharCode(i + 1)), '\x7f'].join('');

/** Runs the wrapper once around `rustc` (a stand-in program) as cargo would; returns the units file's text. */
function runWrapper(
  rustc: string,
  env: Record<string, string>,
  args = ['--crate-name', 'weird', '--crate-type', 'lib', 'src/lib.rs'],
): { status: number | null; text: string; dir: string } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'wm-wrapper-json-'));
  const unitsFile = path.join(dir, 'units.jsonl');
  const r = spawnSync('bash', [wrapper, rustc, ...args], {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', WATCHMAKER_UNITS_FILE: unitsFile, ...env },
    encoding: 'utf8',
  });
  return { status: r.status, text: readFileSync(unitsFile, 'utf8'), dir };
}

test('a manifest dir with control characters, quotes and backslashes gives one valid JSON line that round-trips', () => {
  const manifestDir = `/tmp/pkg ${CONTROL} "quoted" back\\slash \\u0041 tab\there\nnewline \x1b[31mred\x1b[0m é ✓`;
  const packageName = 'name"with\\odd\x01chars';
  const { status, text, dir } = runWrapper('/bin/true', { CARGO_MANIFEST_DIR: manifestDir, CARGO_PKG_NAME: packageName, CARGO_PKG_VERSION: '1.2.3\t' });
  expect(status).toBe(0);
  // Exactly one line: the newline in the path is escaped, not written.
  expect(text.endsWith('\n')).toBe(true);
  const lines = text.slice(0, -1).split('\n');
  expect(lines).toHaveLength(1);
  const parsed = JSON.parse(lines[0]!) as Record<string, unknown>;
  expect(parsed.manifest_dir).toBe(manifestDir);
  expect(parsed.package).toBe(packageName);
  expect(parsed.version).toBe('1.2.3\t');
  expect(parsed.crate_name).toBe('weird');
  expect(parsed.exit).toBe(0);
  // The record's parser reads it the same way and finds nothing unreadable.
  const { units, unreadable } = parseWrapperUnits(text);
  expect(unreadable).toEqual([]);
  expect(units).toHaveLength(1);
  expect(units[0]!.manifestDir).toBe(manifestDir);
  expect(units[0]!.package).toBe(packageName);
  // The wrapper's scratch file (GNU time's output) is gone.
  expect(readdirSync(dir)).toEqual(['units.jsonl']);
});

test("rustc's exit status passes through and is recorded", () => {
  const { status, text } = runWrapper('/bin/false', { CARGO_MANIFEST_DIR: '/tmp/x\x1by' });
  expect(status).toBe(1);
  const { units, unreadable } = parseWrapperUnits(text);
  expect(unreadable).toEqual([]);
  expect(units[0]!.exit).toBe(1);
  expect(units[0]!.manifestDir).toBe('/tmp/x\x1by');
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

describe('compile work: what the wrapper adds to a workspace crate', () => {
  /** A stand-in rustc that writes the arguments it got into the out dir, one per line. */
  function argsSeen(args: string[], env: Record<string, string> = {}): string[] {
    const out = mkdtempSync(path.join(os.tmpdir(), 'wm-wrapper-args-'));
    const irDir = mkdtempSync(path.join(os.tmpdir(), 'wm-wrapper-ir-'));
    const rustc = path.join(out, 'rustc.sh');
    writeFileSync(rustc, `#!/bin/sh\nprintf '%s\\n' "$@" > "${out}/args.txt"\n`, { mode: 0o755 });
    runWrapper(rustc, { CARGO_PRIMARY_PACKAGE: '1', CARGO_PKG_NAME: 'app', WATCHMAKER_IR_DIR: irDir, ...env }, [
      '--crate-name',
      'app',
      '--crate-type',
      'lib',
      '--out-dir',
      out,
      ...args,
      'src/lib.rs',
    ]);
    return readFileSync(path.join(out, 'args.txt'), 'utf8').trim().split('\n');
  }

  test('bitcode, in a fixed four codegen units (the same measure on every machine), after the arguments cargo gave', () => {
    expect(argsSeen(['-C', 'debuginfo=2']).slice(-3)).toEqual(['--emit=llvm-bc', '-C', 'codegen-units=4']);
  });

  test("a codegen-units setting of the user's is kept, in either spelling", () => {
    for (const given of [['-C', 'codegen-units=1'], ['-Ccodegen-units=1'], ['--codegen', 'codegen-units=1']]) {
      const seen = argsSeen(given);
      expect(seen.filter((a) => a.includes('codegen-units'))).toEqual([given.at(-1)]);
      expect(seen).toContain('--emit=llvm-bc');
    }
  });

  test('dependencies, tests and build scripts are compiled as cargo asked', () => {
    expect(argsSeen([], { CARGO_PRIMARY_PACKAGE: '' })).not.toContain('--emit=llvm-bc');
    expect(argsSeen(['--test'])).not.toContain('--emit=llvm-bc');
  });
});
