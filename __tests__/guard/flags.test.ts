// Effective RUSTFLAGS resolution and the non-portable-flag classifier, checked against the
// precedence rules cargo 1.95 follows and against what the real rustc does with each spelling.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'smol-toml';
import type { CargoConfigFile } from '../../src/cargo-config.js';
import {
  cfgMatches,
  findNonPortableFlags,
  resolveEffectiveRustflags,
  rustflagsHash,
  selectTargetTriple,
  type SourcedFlag,
} from '../../src/guard/flags.js';
import { parseCfg } from '../../src/toolchain.js';
import { writeTree } from '../helpers/fixtures.js';

const HOST = 'x86_64-unknown-linux-gnu';
const file = (p: string, text: string): CargoConfigFile => ({
  path: p,
  text,
  data: parse(text) as Record<string, unknown>,
});
const flagsOf = (r: { flags: SourcedFlag[] }) => r.flags.map((f) => f.flag);
const cfg = parseCfg(execFileSync('rustc', ['--print', 'cfg'], { encoding: 'utf8' }));
const resolve = (env: NodeJS.ProcessEnv, files: CargoConfigFile[], triple = HOST) =>
  resolveEffectiveRustflags({ env, files, targetTriple: triple, cfg });

// The config used for the precedence experiments in shared/samples (rustflags-precedence-experiments.txt).
const experiment = file(
  '/proj/.cargo/config.toml',
  [
    '[build]',
    'rustflags = ["--cfg=cfg_build"]',
    '[target.x86_64-unknown-linux-gnu]',
    'rustflags = ["--cfg=cfg_triple"]',
    '[target.\'cfg(target_arch = "x86_64")\']',
    'rustflags = ["--cfg=cfg_arch"]',
    '[target.\'cfg(all(unix, target_pointer_width = "64"))\']',
    'rustflags = "--cfg=cfg_all_unix64 -Ctarget-cpu=native"',
    "[target.'cfg(windows)']",
    'rustflags = ["--cfg=cfg_windows"]',
  ].join('\n'),
);
const buildOnly = file('/proj/.cargo/config.toml', '[build]\nrustflags = ["--cfg=cfg_build"]\n');

describe('precedence of the rustflags sources', () => {
  test('CARGO_ENCODED_RUSTFLAGS splits on 0x1f and beats RUSTFLAGS and config', () => {
    const r = resolve(
      { CARGO_ENCODED_RUSTFLAGS: '-Ctarget-cpu=native\x1f--cfg=enc="a b"', RUSTFLAGS: '--cfg=env_rf' },
      [experiment],
    );
    expect(r.tier).toBe('CARGO_ENCODED_RUSTFLAGS');
    expect(flagsOf(r)).toEqual(['-Ctarget-cpu=native', '--cfg=enc="a b"']);
  });

  test('CARGO_ENCODED_RUSTFLAGS set but empty disables every other source', () => {
    expect(flagsOf(resolve({ CARGO_ENCODED_RUSTFLAGS: '', RUSTFLAGS: '-Ctarget-cpu=native' }, [experiment]))).toEqual(
      [],
    );
  });

  test('RUSTFLAGS splits on spaces only and beats config', () => {
    expect(flagsOf(resolve({ RUSTFLAGS: '--cfg=env_rf  -Ctarget-cpu=native' }, [experiment]))).toEqual([
      '--cfg=env_rf',
      '-Ctarget-cpu=native',
    ]);
    expect(flagsOf(resolve({ RUSTFLAGS: '--cfg=a\t--cfg=b' }, []))).toEqual(['--cfg=a\t--cfg=b']);
  });

  test('RUSTFLAGS set but empty disables config rustflags', () => {
    const r = resolve({ RUSTFLAGS: '' }, [experiment]);
    expect(r.tier).toBe('RUSTFLAGS');
    expect(flagsOf(r)).toEqual([]);
  });

  test('target.<triple> first, then matching cfg() keys in sorted order; build.rustflags ignored', () => {
    expect(flagsOf(resolve({}, [experiment]))).toEqual([
      '--cfg=cfg_triple',
      '--cfg=cfg_all_unix64',
      '-Ctarget-cpu=native',
      '--cfg=cfg_arch',
    ]);
  });

  test('CARGO_TARGET_<TRIPLE>_RUSTFLAGS is appended to the triple entry', () => {
    expect(
      flagsOf(resolve({ CARGO_TARGET_X86_64_UNKNOWN_LINUX_GNU_RUSTFLAGS: '--cfg=env_target' }, [experiment])),
    ).toEqual([
      '--cfg=cfg_triple',
      '--cfg=env_target',
      '--cfg=cfg_all_unix64',
      '-Ctarget-cpu=native',
      '--cfg=cfg_arch',
    ]);
  });

  test('CARGO_BUILD_RUSTFLAGS is appended to build.rustflags', () => {
    const r = resolve({ CARGO_BUILD_RUSTFLAGS: '--cfg=env_build' }, [buildOnly]);
    expect(r.tier).toBe('build');
    expect(flagsOf(r)).toEqual(['--cfg=cfg_build', '--cfg=env_build']);
    expect(r.flags[1]!.origin).toEqual({ kind: 'env', name: 'CARGO_BUILD_RUSTFLAGS' });
  });

  test('a cfg() key that does not match the target is not used, and another triple skips the host entry', () => {
    const r = resolve({}, [experiment], 'aarch64-unknown-linux-gnu');
    expect(flagsOf(r)).not.toContain('--cfg=cfg_triple');
    expect(flagsOf(r)).not.toContain('--cfg=cfg_windows');
  });

  test('arrays concatenate from CARGO_HOME through the parent to the working directory; strings: the closest wins', () => {
    const child = file('/w/proj/.cargo/config.toml', '[build]\nrustflags = ["--cfg=child"]\n');
    const parent = file('/w/.cargo/config.toml', '[build]\nrustflags = ["--cfg=parent"]\n');
    const home = file('/home/u/.cargo/config.toml', '[build]\nrustflags = ["--cfg=home"]\n');
    expect(flagsOf(resolve({}, [child, parent, home]))).toEqual(['--cfg=home', '--cfg=parent', '--cfg=child']);
    const childS = file('/w/proj/.cargo/config.toml', '[build]\nrustflags = "--cfg=child_s"\n');
    const parentS = file('/w/.cargo/config.toml', '[build]\nrustflags = "--cfg=parent_s -Ctarget-cpu=native"\n');
    expect(flagsOf(resolve({}, [childS, parentS]))).toEqual(['--cfg=child_s']);
  });

  test('mixing an array and a string is an error naming the file and line, as in cargo', () => {
    const child = file('/w/proj/.cargo/config.toml', '[build]\nrustflags = ["--cfg=child"]\n');
    const parent = file('/w/.cargo/config.toml', '# x\n[build]\nrustflags = "--cfg=parent"\n');
    expect(() => resolve({}, [child, parent])).toThrow(/array .* string in \/w\/.cargo\/config.toml/);
    try {
      resolve({}, [child, parent]);
    } catch (e) {
      expect((e as { line: number }).line).toBe(3);
    }
  });

  test('every flag keeps the file and line it came from', () => {
    const r = resolve({}, [experiment]);
    const native = r.flags.find((f) => f.flag === '-Ctarget-cpu=native')!;
    expect(native.origin).toEqual({
      kind: 'config',
      name: `target.'cfg(all(unix, target_pointer_width = "64"))'.rustflags`,
      file: '/proj/.cargo/config.toml',
      line: 8,
    });
  });
});

describe('cfg() expressions against the real rustc --print cfg', () => {
  test.each([
    ['cfg(unix)', true],
    ['cfg(windows)', false],
    ['cfg(target_arch = "x86_64")', true],
    ['cfg(all(unix, target_pointer_width = "64"))', true],
    ['cfg(any(windows, target_os = "linux"))', true],
    ['cfg(not(target_os = "linux"))', false],
    ['cfg(all())', true],
    ['cfg(any())', false],
    ['cfg(target_feature = "sse2")', true],
    ['cfg(proc_macro)', false],
    ['cfg(unix', false],
    ['cfg(target_os = linux)', false],
  ])('%s → %s', (key, expected) => {
    expect(cfgMatches(key, cfg)).toBe(expected);
  });
});

describe('target triple', () => {
  const withTarget = file('/p/.cargo/config.toml', '[build]\ntarget = "aarch64-unknown-linux-gnu"\n');
  test('--target in cargo-args wins, then CARGO_BUILD_TARGET, then build.target, then the host', () => {
    expect(
      selectTargetTriple(
        ['--target', 'x86_64-unknown-linux-musl'],
        { CARGO_BUILD_TARGET: 'a-b-c' },
        [withTarget],
        HOST,
      ),
    ).toBe('x86_64-unknown-linux-musl');
    expect(selectTargetTriple(['--target=wasm32-unknown-unknown'], {}, [], HOST)).toBe('wasm32-unknown-unknown');
    expect(selectTargetTriple([], { CARGO_BUILD_TARGET: 'a-b-c' }, [withTarget], HOST)).toBe('a-b-c');
    expect(selectTargetTriple([], {}, [withTarget], HOST)).toBe('aarch64-unknown-linux-gnu');
    expect(selectTargetTriple([], {}, [], HOST)).toBe(HOST);
    expect(selectTargetTriple(['--target', 'host-tuple'], {}, [], HOST)).toBe(HOST);
    expect(selectTargetTriple(['--target', 'specs/my-board.json'], {}, [], HOST)).toBe('my-board');
  });
});

// Each spelling is checked twice: by the classifier, and by running the real rustc with it to
// see whether the native CPU's features were enabled (more target_feature lines than baseline).
describe('spellings of target-cpu=native, as rustc treats them', () => {
  const baseline = cfg.filter(([k]) => k === 'target_feature').length;
  const dir = writeTree({ 'flags.txt': '-Ctarget-cpu=native\n' });
  const rustcIsNative = (argv: string[]): boolean | 'rejected' => {
    const r = spawnSync('rustc', [...argv, '--print', 'cfg'], { cwd: dir, encoding: 'utf8' });
    if (r.status !== 0) return 'rejected';
    return parseCfg(r.stdout).filter(([k]) => k === 'target_feature').length > baseline;
  };
  const env = (argv: string[]): SourcedFlag[] =>
    argv.map((flag) => ({ flag, origin: { kind: 'env', name: 'CARGO_ENCODED_RUSTFLAGS' } }));
  const readArgfile = (f: string) => {
    try {
      return execFileSync('cat', [path.join(dir, f)], { encoding: 'utf8' });
    } catch {
      return null;
    }
  };
  const classify = (argv: string[]) =>
    findNonPortableFlags(env(argv), readArgfile).find((f) => f.severity === 'error') !== undefined;

  test.each([
    [['-C', 'target-cpu=native']],
    [['-Ctarget-cpu=native']],
    [['--codegen', 'target-cpu=native']],
    [['--codegen=target-cpu=native']],
    [['-Ctarget_cpu=native']],
    [['-C', 'target_cpu=native']],
    [['@flags.txt']],
    [['-C', 'target-cpu=x86-64', '-C', 'target-cpu=native']],
  ])('%j is native: rejected by the guard', (argv) => {
    expect(rustcIsNative(argv)).toBe(true);
    expect(classify(argv)).toBe(true);
  });

  test.each([
    [['-C', 'target-cpu=native', '-C', 'target-cpu=x86-64'], false],
    [['-C', 'target-cpu=NATIVE'], false],
    [['-C', 'target-cpu=Native'], false],
    [['-C', 'target-cpu=native '], false],
    [['-C', 'target-cpu="native"'], false],
    [['-C', 'TARGET-CPU=native'], 'rejected'],
    [['-C=target-cpu=native'], 'rejected'],
    [['-C target-cpu=native'], 'rejected'],
  ])('%j is not native (rustc: %s): not an error', (argv, rustc) => {
    expect(rustcIsNative(argv)).toBe(rustc);
    expect(classify(argv)).toBe(false);
  });

  test('near misses that rustc ignores are warned about, so the user removes a flag that does nothing', () => {
    const findings = findNonPortableFlags(env(['-C', 'target-cpu=native ']));
    expect(findings).toEqual([
      expect.objectContaining({ severity: 'warning', message: expect.stringMatching(/ignores it/) }),
    ]);
  });

  test('specific CPUs and enabled target features are warnings; baseline CPUs and crt-static are fine', () => {
    const sev = (argv: string[]) => findNonPortableFlags(env(argv)).map((f) => f.severity);
    expect(sev(['-C', 'target-cpu=x86-64-v3'])).toEqual(['warning']);
    expect(sev(['-C', 'target-cpu=haswell'])).toEqual(['warning']);
    expect(sev(['-C', 'target-feature=+avx2'])).toEqual(['warning']);
    expect(sev(['-Ctarget-feature=+avx2,+fma'])).toEqual(['warning']);
    expect(sev(['-C', 'target-feature=+crt-static'])).toEqual([]);
    expect(sev(['-C', 'target-cpu=x86-64'])).toEqual([]);
    expect(sev(['--cfg=foo', '-C', 'opt-level=3'])).toEqual([]);
  });

  test('the finding names where the flag came from and what to do instead', () => {
    const [finding] = findNonPortableFlags([
      {
        flag: '-Ctarget-cpu=native',
        origin: { kind: 'config', name: 'build.rustflags', file: '/w/.cargo/config.toml', line: 4 },
      },
    ]);
    expect(finding!.message).toContain('build.rustflags in /w/.cargo/config.toml line 4');
    expect(finding!.message).toMatch(/profile/);
  });
});

describe('rustflagsHash', () => {
  test('depends on the flags, their order and the triple, and nothing else', () => {
    const a = rustflagsHash(['--cfg=a', '--cfg=b'], HOST);
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(rustflagsHash(['--cfg=a', '--cfg=b'], HOST)).toBe(a);
    expect(rustflagsHash(['--cfg=b', '--cfg=a'], HOST)).not.toBe(a);
    expect(rustflagsHash(['--cfg=a', '--cfg=b'], 'aarch64-unknown-linux-gnu')).not.toBe(a);
    expect(rustflagsHash([], HOST)).toBe(rustflagsHash([], HOST));
  });
});

void mkdirSync;
void writeFileSync;
