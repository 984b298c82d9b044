// The profile's effective settings, resolved as cargo resolves them: what goes into the cache
// key's scope, so that a settings change never restores entries built with the old settings.
import { parse } from 'smol-toml';
import type { CargoConfigFile } from '../../src/cargo-config.js';
import { resolveProfileSettings, type ProfileSources } from '../../src/cache/profile.js';

const manifest = (text: string) => parse(`[workspace]\nmembers = ["a"]\n${text}`) as Record<string, unknown>;
const file = (text: string, cli?: 'value' | 'file'): CargoConfigFile => ({
  path: cli ? '--config x' : '/ws/.cargo/config.toml',
  text,
  data: parse(text) as Record<string, unknown>,
  ...(cli ? { cli } : {}),
});
const resolve = (profile: string, over: Partial<ProfileSources> = {}) =>
  resolveProfileSettings(profile, { manifest: manifest(''), cargoConfig: [], env: {}, ...over });

test('the built-in profiles, with every spelling of a setting made one', () => {
  expect(resolve('dev')).toMatchObject({ 'opt-level': '0', debug: 2, 'debug-assertions': true });
  expect(resolve('release')).toMatchObject({ 'opt-level': '3', debug: 0, 'debug-assertions': false });
  expect(resolve('dev', { manifest: manifest('[profile.dev]\ndebug = true\nopt-level = 0\n') })).toEqual(
    resolve('dev'),
  );
  expect(resolve('release', { manifest: manifest('[profile.release]\nstrip = false\ndebug = "none"\n') })).toEqual(
    resolve('release'),
  );
  // test and bench inherit from dev and release.
  expect(resolve('test')).toEqual(resolve('dev'));
  expect(resolve('bench')).toEqual(resolve('release'));
});

test('Cargo.toml < config files < CARGO_PROFILE_* < --config', () => {
  const m = manifest('[profile.dev]\nopt-level = 1\n');
  expect(resolve('dev', { manifest: m })['opt-level']).toBe('1');
  const configFile = file('[profile.dev]\nopt-level = 2\n');
  expect(resolve('dev', { manifest: m, cargoConfig: [configFile] })['opt-level']).toBe('2');
  expect(
    resolve('dev', { manifest: m, cargoConfig: [configFile], env: { CARGO_PROFILE_DEV_OPT_LEVEL: '3' } })['opt-level'],
  ).toBe('3');
  const cli = file('profile.dev.opt-level = "s"', 'value');
  expect(
    resolve('dev', { manifest: m, cargoConfig: [cli, configFile], env: { CARGO_PROFILE_DEV_OPT_LEVEL: '3' } })[
      'opt-level'
    ],
  ).toBe('s');
});

test('a closer config file wins over one further up (highest precedence first in the list)', () => {
  expect(
    resolve('dev', { cargoConfig: [file('[profile.dev]\nopt-level = 2\n'), file('[profile.dev]\nopt-level = 1\n')] })[
      'opt-level'
    ],
  ).toBe('2');
});

test('a custom profile follows its inherits chain, so a change in the parent changes it', () => {
  const ci = (devOpt: number) =>
    resolve('ci', {
      manifest: manifest(`[profile.dev]\nopt-level = ${devOpt}\n[profile.ci]\ninherits = "dev"\nincremental = false\n`),
    });
  expect(ci(0)).toMatchObject({ 'opt-level': '0', incremental: false, 'debug-assertions': true });
  expect(ci(1)).not.toEqual(ci(0));
  expect(ci(0)).not.toHaveProperty('inherits');
});

test('per-package overrides and build-override count', () => {
  const base = resolve('dev');
  expect(resolve('dev', { manifest: manifest('[profile.dev.package."*"]\nopt-level = 2\n') })).not.toEqual(base);
  expect(resolve('dev', { manifest: manifest('[profile.dev.build-override]\nopt-level = 3\n') })).not.toEqual(base);
  expect(resolve('dev', { manifest: manifest('[profile.dev.package.foo]\nopt-level = 1\n') })).not.toEqual(
    resolve('dev', { manifest: manifest('[profile.dev.package.bar]\nopt-level = 1\n') }),
  );
});

test('unrelated profiles and environment do not change it', () => {
  expect(
    resolve('dev', {
      manifest: manifest('[profile.release]\nlto = true\n'),
      env: { CARGO_PROFILE_RELEASE_LTO: 'fat', RUSTFLAGS: '' },
    }),
  ).toEqual(resolve('dev'));
});

test('an inherits loop is an error naming the chain', () => {
  expect(() =>
    resolve('a', { manifest: manifest('[profile.a]\ninherits = "b"\n[profile.b]\ninherits = "a"\n') }),
  ).toThrow(/a → b → a/);
});
