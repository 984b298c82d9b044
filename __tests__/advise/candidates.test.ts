// The candidate settings of a profile, from its effective settings: the default set for dev and
// release, a lever left out when it equals the current setting or cannot change anything here,
// and the forms cargo reads them in (`--config`, CARGO_PROFILE_* variables, Cargo.toml). The
// last test has real cargo take every candidate's `--config` arguments.
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  candidatesFor,
  configArgs,
  profileEnv,
  profileKind,
  tomlSnippet,
  type CandidateInput,
} from '../../src/advise/candidates.js';
import { resolveProfileSettings, type ProfileSources } from '../../src/cache/profile.js';
import type { CargoConfigFile } from '../../src/cargo-config.js';
import { exampleWorkspace } from '../helpers/fixtures.js';

const LINUX = 'x86_64-unknown-linux-gnu';

function input(
  profile: string,
  manifest: Record<string, unknown> | null = null,
  more: Partial<CandidateInput> = {},
): CandidateInput {
  const sources: ProfileSources = { manifest, cargoConfig: [], env: more.env ?? {} };
  const effective = resolveProfileSettings(profile, sources);
  const kind = profileKind(profile, sources, effective);
  return { profile, kind, effective, triple: LINUX, hasDependencies: true, env: {}, rustflags: [], ...more };
}

const ids = (i: CandidateInput) => candidatesFor(i).candidates.map((c) => c.id);
const skippedIds = (i: CandidateInput) => candidatesFor(i).skipped.map((s) => [s.id, s.why]);

describe('dev candidates', () => {
  test('the default dev profile on Linux with registry dependencies: every lever', () => {
    const { candidates, skipped } = candidatesFor(input('dev'));
    expect(candidates.map((c) => [c.id, c.label])).toEqual([
      ['debug-line-tables-only', 'debug = "line-tables-only"'],
      ['debug-0', 'debug = 0'],
      ['split-debuginfo-unpacked', 'split-debuginfo = "unpacked"'],
      ['dependencies-opt-level-1', '[profile.dev.package."*"] opt-level = 1'],
      ['codegen-units-16', 'codegen-units = 16'],
      ['incremental-false', 'incremental = false'],
    ]);
    expect(skipped).toEqual([]);
    // Optimised dependencies ask a longer cold build on purpose; that is their known price, not a reason against them.
    expect(candidates.find((c) => c.id === 'dependencies-opt-level-1')!.costs).toEqual(
      expect.arrayContaining(['cold', 'coldCpu']),
    );
  });

  test('a setting equal to the current one is left out, with why; codegen-units offers the default back', () => {
    const manifest = {
      profile: {
        dev: { debug: 'line-tables-only', 'split-debuginfo': 'unpacked', 'codegen-units': 16, incremental: false },
      },
    };
    expect(ids(input('dev', manifest))).toEqual(['debug-0', 'dependencies-opt-level-1', 'codegen-units-256']);
    expect(skippedIds(input('dev', manifest))).toEqual([
      ['debug-line-tables-only', 'the profile keeps less debug info already (debug = "line-tables-only")'],
      ['split-debuginfo-unpacked', 'equal to the current setting'],
      ['incremental-false', 'equal to the current setting'],
    ]);
  });

  test('debug = 0 leaves nothing to split or to reduce', () => {
    const i = input('dev', { profile: { dev: { debug: false } } });
    expect(ids(i)).toEqual(['dependencies-opt-level-1', 'codegen-units-16', 'incremental-false']);
    expect(skippedIds(i).map(([id]) => id)).toEqual(['debug-line-tables-only', 'debug-0', 'split-debuginfo-unpacked']);
  });

  test('a workspace without registry or git dependencies: optimised dependencies would change nothing', () => {
    expect(skippedIds(input('dev', null, { hasDependencies: false }))).toEqual([
      ['dependencies-opt-level-1', 'the workspace has no dependencies from a registry or git'],
    ]);
  });

  test('dependencies already optimised, or a profile that optimises everything', () => {
    const already = input('dev', { profile: { dev: { package: { '*': { 'opt-level': 2 } } } } });
    expect(skippedIds(already)).toEqual([
      ['dependencies-opt-level-1', 'dependencies are optimised already (opt-level = 2)'],
    ]);
    const optimised = input('dev', { profile: { dev: { 'opt-level': 1 } } });
    expect(skippedIds(optimised)).toEqual([
      ['dependencies-opt-level-1', 'the profile optimises every crate already (opt-level = 1)'],
    ]);
  });

  test('split-debuginfo only where rustc supports it; macOS unpacks by default', () => {
    expect(skippedIds(input('dev', null, { triple: 'x86_64-pc-windows-msvc' }))).toEqual([
      ['split-debuginfo-unpacked', 'rustc supports it only on Linux and macOS, not on x86_64-pc-windows-msvc'],
    ]);
    expect(skippedIds(input('dev', null, { triple: 'aarch64-apple-darwin' }))).toEqual([
      ['split-debuginfo-unpacked', 'equal to the current setting'],
    ]);
  });

  test('settings the environment overrides are not candidates: CARGO_INCREMENTAL, -C options in RUSTFLAGS', () => {
    expect(skippedIds(input('dev', null, { env: { CARGO_INCREMENTAL: '0' } }))).toEqual([
      ['incremental-false', "CARGO_INCREMENTAL=0 in the environment overrides the profile's setting"],
    ]);
    const flagged = input('dev', null, { rustflags: ['-C', 'debuginfo=1', '-Ccodegen-units=4'] });
    expect(ids(flagged)).toEqual(['split-debuginfo-unpacked', 'dependencies-opt-level-1', 'incremental-false']);
    expect(skippedIds(flagged)).toContainEqual(['debug-0', 'RUSTFLAGS sets -C debuginfo, which overrides it']);
  });

  test('test and custom profiles: dev-like through their inherits, or by their opt-level', () => {
    expect(input('test').kind).toBe('dev');
    expect(input('ci', { profile: { ci: { inherits: 'dev', debug: 0 } } }).kind).toBe('dev');
    expect(input('dist', { profile: { dist: { inherits: 'release', lto: 'thin' } } }).kind).toBe('release');
    const cli: CargoConfigFile = {
      path: 'profile.fast.inherits="release"',
      text: 'profile.fast.inherits="release"',
      cli: 'value',
      data: { profile: { fast: { inherits: 'release' } } },
    };
    const sources: ProfileSources = {
      manifest: { profile: { fast: { inherits: 'dev' } } },
      cargoConfig: [cli],
      env: {},
    };
    expect(profileKind('fast', sources, resolveProfileSettings('fast', sources))).toBe('release');
    expect(profileKind('odd', { manifest: null, cargoConfig: [], env: {} }, { 'opt-level': '0' })).toBe('dev');
  });
});

describe('release candidates', () => {
  test('the default release profile: LTO thin and fat, one codegen unit, strip (lto = false is current)', () => {
    const i = input('release');
    expect(ids(i)).toEqual(['lto-thin', 'lto-fat', 'codegen-units-1', 'strip-true']);
    expect(skippedIds(i)).toEqual([['lto-false', 'equal to the current setting']]);
  });

  test('LTO, one unit and strip already on: the other LTO settings, and the default units back', () => {
    const i = input('release', { profile: { release: { lto: true, 'codegen-units': 1, strip: true } } });
    expect(ids(i)).toEqual(['lto-false', 'lto-thin', 'codegen-units-16']);
    expect(skippedIds(i)).toEqual([
      ['lto-fat', 'equal to the current setting'],
      ['strip-true', 'equal to the current setting'],
    ]);
    // Turning LTO off or raising the units buys build time at the price of the code.
    expect(candidatesFor(i).candidates.map((c) => c.costs)).toEqual([
      ['size', 'runtime'],
      ['cold', 'coldCpu', 'warm', 'memory'],
      ['size', 'runtime'],
    ]);
  });
});

describe('how a candidate is applied', () => {
  const dev = candidatesFor(input('dev')).candidates;
  const byId = (id: string) => dev.find((c) => c.id === id)!.settings;

  test('--config arguments: TOML keys and values, the package table quoted', () => {
    expect(configArgs(byId('debug-line-tables-only'))).toEqual(['--config', 'profile.dev.debug="line-tables-only"']);
    expect(configArgs(byId('dependencies-opt-level-1'))).toEqual(['--config', 'profile.dev.package."*".opt-level=1']);
    expect(configArgs(byId('incremental-false'))).toEqual(['--config', 'profile.dev.incremental=false']);
  });

  test('CARGO_PROFILE_* variables for a command of the user’s; none for a package table', () => {
    expect(profileEnv(byId('split-debuginfo-unpacked'))).toEqual({ CARGO_PROFILE_DEV_SPLIT_DEBUGINFO: 'unpacked' });
    expect(profileEnv(byId('dependencies-opt-level-1'))).toBeNull();
    expect(profileEnv([{ table: ['profile', 'my-ci'], key: 'codegen-units', value: 1 }])).toEqual({
      CARGO_PROFILE_MY_CI_CODEGEN_UNITS: '1',
    });
  });

  test('Cargo.toml: one table each, in order, a later value of a key replacing an earlier one', () => {
    expect(tomlSnippet([...byId('debug-0'), ...byId('dependencies-opt-level-1'), ...byId('debug-line-tables-only')]))
      .toBe(`[profile.dev]
debug = "line-tables-only"

[profile.dev.package."*"]
opt-level = 1`);
  });

  test('cargo takes each candidate’s --config arguments and passes them to rustc', () => {
    const workspace = exampleWorkspace();
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      CARGO_TARGET_DIR: mkdtempSync(path.join(os.tmpdir(), 'wm-advise-args-')),
    };
    delete env.RUSTFLAGS;
    delete env.CARGO_INCREMENTAL;
    /** The rustc command line of the binary crate `app` under the candidate's arguments. */
    const appLine = (profile: string, id: string) => {
      const candidate = candidatesFor(input(profile)).candidates.find((c) => c.id === id)!;
      const args = ['build', '--offline', '-v', '--profile', profile, ...configArgs(candidate.settings)];
      const r = spawnSync('cargo', args, { cwd: workspace, env, encoding: 'utf8' });
      expect({ id, status: r.status, unused: /warning: unused/.test(r.stderr) }).toEqual({
        id,
        status: 0,
        unused: false,
      });
      return r.stderr.split('\n').find((l) => l.includes('--crate-name app'))!;
    };
    expect(appLine('dev', 'debug-line-tables-only')).toContain('-C debuginfo=line-tables-only');
    expect(appLine('dev', 'debug-0')).not.toContain('-C debuginfo');
    expect(appLine('dev', 'split-debuginfo-unpacked')).toContain('-C split-debuginfo=unpacked');
    expect(appLine('dev', 'dependencies-opt-level-1')).toContain('-C debuginfo=2');
    expect(appLine('dev', 'codegen-units-16')).toContain('-C codegen-units=16');
    expect(appLine('dev', 'incremental-false')).not.toContain('-C incremental');
    expect(appLine('release', 'lto-thin')).toContain('-C lto=thin');
    expect(appLine('release', 'lto-fat')).toContain('-C lto=fat');
    expect(appLine('release', 'codegen-units-1')).toContain('-C codegen-units=1 ');
    expect(appLine('release', 'strip-true')).toContain('-C strip=symbols');
  }, 120_000);
});
