// Where the wrapper binary is looked for, built and kept (src/timings/wrapper.ts): its name follows
// the rustc and the source (with .exe on Windows), the places follow each runner's layout (Linux,
// macOS and Windows paths), and the copy for later jobs goes only into a target directory cargo made.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { stopCommand } from '../../src/timings/cargo.js';
import { keepWrapper, wrapperBinaryName, wrapperPlaces, wrapperSource } from '../../src/timings/wrapper.js';
import { repoRoot } from '../helpers/action-runner.js';

const RUSTC = 'rustc 1.95.0 (59807616e 2026-04-14)\nbinary: rustc\nhost: x86_64-unknown-linux-gnu\nrelease: 1.95.0\n';
const CACHEDIR_TAG =
  'Signature: 8a477f597d28d172789f06886806bc55\n# This file is a cache directory tag created by cargo.\n';

describe('the binary name', () => {
  test('changes with the rustc and with the source, and is the same for the same pair', () => {
    const name = wrapperBinaryName(RUSTC, 'fn main() {}');
    expect(name).toMatch(/^rustc-wrapper-[0-9a-f]{16}$/);
    expect(wrapperBinaryName(`${RUSTC}\n`, 'fn main() {}')).toBe(name);
    expect(wrapperBinaryName(RUSTC.replace('1.95.0', '1.96.0'), 'fn main() {}')).not.toBe(name);
    expect(wrapperBinaryName(RUSTC, 'fn main() { }')).not.toBe(name);
  });

  test('ends in .exe on Windows only', () => {
    expect(wrapperBinaryName(RUSTC, 'x', 'win32')).toMatch(/^rustc-wrapper-[0-9a-f]{16}\.exe$/);
    expect(wrapperBinaryName(RUSTC, 'x', 'darwin')).toMatch(/^rustc-wrapper-[0-9a-f]{16}$/);
  });
});

describe('the places, on each runner', () => {
  test('Linux: target/.watchmaker first, then the tool cache (built into), then RUNNER_TEMP', () => {
    const places = wrapperPlaces(
      '/home/runner/work/app/app/target',
      { RUNNER_TOOL_CACHE: '/opt/hostedtoolcache' },
      '/home/runner/work/_temp/watchmaker',
    );
    expect(places).toEqual({
      search: [
        '/home/runner/work/app/app/target/.watchmaker',
        '/opt/hostedtoolcache/watchmaker-rustc-wrapper',
        '/home/runner/work/_temp/watchmaker/bin',
      ],
      buildInto: '/opt/hostedtoolcache/watchmaker-rustc-wrapper',
    });
  });

  test('macOS without a tool cache (a self-hosted runner): built into RUNNER_TEMP', () => {
    const places = wrapperPlaces('/Users/runner/work/app/app/target', {}, '/Users/runner/work/_temp/watchmaker');
    expect(places).toEqual({
      search: ['/Users/runner/work/app/app/target/.watchmaker', '/Users/runner/work/_temp/watchmaker/bin'],
      buildInto: '/Users/runner/work/_temp/watchmaker/bin',
    });
  });

  test('Windows paths', () => {
    const places = wrapperPlaces(
      'D:\\a\\app\\app\\target',
      { RUNNER_TOOL_CACHE: 'C:\\hostedtoolcache\\windows' },
      'D:\\a\\_temp\\watchmaker',
      path.win32,
    );
    expect(places).toEqual({
      search: [
        'D:\\a\\app\\app\\target\\.watchmaker',
        'C:\\hostedtoolcache\\windows\\watchmaker-rustc-wrapper',
        'D:\\a\\_temp\\watchmaker\\bin',
      ],
      buildInto: 'C:\\hostedtoolcache\\windows\\watchmaker-rustc-wrapper',
    });
  });
});

test('the source: the .rs file given, else the one shipped beside the bundle, else the repository’s', () => {
  expect(wrapperSource('/x/y.rs')).toBe('/x/y.rs');
  const dist = mkdtempSync(path.join(os.tmpdir(), 'wm-dist-'));
  writeFileSync(path.join(dist, 'rustc-wrapper.rs'), 'fn main() {}');
  expect(wrapperSource(path.join(dist, 'rustc-wrapper.sh'))).toBe(path.join(dist, 'rustc-wrapper.rs'));
  // The steps' code runs from a chunk: the source is the one in dist/, one folder up.
  expect(wrapperSource(path.join(dist, 'chunks', 'rustc-wrapper.rs'))).toBe(path.join(dist, 'rustc-wrapper.rs'));
  expect(wrapperSource(path.join(repoRoot, 'src/steps/rustc-wrapper.rs'))).toBe(
    path.join(repoRoot, 'tools/rustc-wrapper/main.rs'),
  );
  expect(wrapperSource(path.join(repoRoot, 'src/timings/rustc-wrapper.sh'))).toBe(
    path.join(repoRoot, 'tools/rustc-wrapper/main.rs'),
  );
});

describe('keeping the binary in the target directory for later jobs', () => {
  function setUp(tagged: boolean) {
    const root = mkdtempSync(path.join(os.tmpdir(), 'wm-keep-'));
    const binary = path.join(root, 'bin', 'rustc-wrapper-0123456789abcdef');
    mkdirSync(path.dirname(binary));
    writeFileSync(binary, 'binary', { mode: 0o755 });
    const target = path.join(root, 'target');
    if (tagged) {
      mkdirSync(target);
      writeFileSync(path.join(target, 'CACHEDIR.TAG'), CACHEDIR_TAG);
    }
    return { binary, target };
  }

  test('into target/.watchmaker when cargo made the directory; older builds of the wrapper there go, other files stay', () => {
    const { binary, target } = setUp(true);
    mkdirSync(path.join(target, '.watchmaker'));
    writeFileSync(path.join(target, '.watchmaker', 'rustc-wrapper-ffffffffffffffff'), 'old');
    writeFileSync(path.join(target, '.watchmaker', 'notes.txt'), 'not ours to judge');
    const log: string[] = [];
    keepWrapper(binary, target, (l) => log.push(l));
    expect(readdirSync(path.join(target, '.watchmaker')).sort()).toEqual([
      'notes.txt',
      'rustc-wrapper-0123456789abcdef',
    ]);
    expect(readFileSync(path.join(target, '.watchmaker', 'rustc-wrapper-0123456789abcdef'), 'utf8')).toBe('binary');
    expect(log).toEqual([]);
  });

  test('a torn copy there (not the same size) is replaced', () => {
    const { binary, target } = setUp(true);
    mkdirSync(path.join(target, '.watchmaker'));
    writeFileSync(path.join(target, '.watchmaker', 'rustc-wrapper-0123456789abcdef'), 'bin');
    keepWrapper(binary, target, () => {});
    expect(readFileSync(path.join(target, '.watchmaker', 'rustc-wrapper-0123456789abcdef'), 'utf8')).toBe('binary');
  });

  test('not into a target directory that does not exist yet or that cargo did not tag (cargo tags only a directory it creates)', () => {
    const missing = setUp(false);
    keepWrapper(missing.binary, missing.target, () => {});
    expect(existsSync(missing.target)).toBe(false);
    const untagged = setUp(false);
    mkdirSync(untagged.target);
    keepWrapper(untagged.binary, untagged.target, () => {});
    expect(readdirSync(untagged.target)).toEqual([]);
  });
});

test('a cancelled build is stopped whole: its process group on Linux and macOS, its process tree (taskkill) on Windows', () => {
  expect(stopCommand(4242, 'linux')).toEqual({ group: 4242 });
  expect(stopCommand(4242, 'darwin')).toEqual({ group: 4242 });
  expect(stopCommand(4242, 'win32')).toEqual({ program: 'taskkill', args: ['/PID', '4242', '/T', '/F'] });
});
