// Cache keys: what changes the key, what falls back, and what never shares a restore prefix.
import { buildCacheKeys, lockedRegistryCrates, manifestProjection, manifestsHash, type CacheKeyInput } from '../../src/cache/keys.js';
import { decideSave, type BuildOutcome, type CacheRestoreState } from '../../src/cache/index.js';
import { parseConfig } from '../../src/config.js';
import { readRunContext } from '../../src/context.js';

const base: CacheKeyInput = {
  prefix: 'watchmaker-v1',
  os: 'linux',
  arch: 'x64',
  rustcRelease: '1.95.0',
  rustcVerbose: 'rustc 1.95.0\nrelease: 1.95.0\nhost: x86_64-unknown-linux-gnu',
  targetTriple: 'x86_64-unknown-linux-gnu',
  profile: 'dev',
  profileSettings: '{"opt-level":"0"}',
  flagsHash: 'a'.repeat(64),
  manifestsHash: 'b'.repeat(64),
  lockfileHash: 'c'.repeat(64),
  userKey: '',
};
const keys = (over: Partial<CacheKeyInput>) => buildCacheKeys({ ...base, ...over });
/** Would GitHub restore an entry saved under `saved` for a run with these keys? */
const restores = (saved: string, k: ReturnType<typeof buildCacheKeys>) => saved === k.primaryKey || [k.primaryKey, ...k.restoreKeys].some((p) => saved.startsWith(p));

describe('cache keys', () => {
  const original = keys({});

  test('the key is readable and every restore key is a prefix of it, most specific first', () => {
    expect(original.primaryKey).toMatch(/^watchmaker-v1-linux-x64-rust1\.95\.0-[0-9a-f]{8}-x86_64-unknown-linux-gnu-dev-p[0-9a-f]{8}-f[0-9a]{12}-m[0-9b]{12}-l[0-9c]{12}$/);
    for (const r of original.restoreKeys) expect(original.primaryKey.startsWith(r)).toBe(true);
    expect(original.restoreKeys[0]!.length).toBeGreaterThan(original.restoreKeys[1]!.length);
  });

  test.each([
    ['flags', { flagsHash: 'd'.repeat(64) }],
    ['profile', { profile: 'release' }],
    ['profile setting', { profileSettings: '{"opt-level":"1"}' }],
    ['toolchain', { rustcRelease: '1.96.0', rustcVerbose: 'rustc 1.96.0' }],
    ['target triple', { targetTriple: 'x86_64-unknown-linux-musl' }],
    ['user key', { userKey: 'matrix-a' }],
  ] as const)('a different %s never restores the old entry, not even partially', (_what, over) => {
    expect(restores(original.primaryKey, keys(over))).toBe(false);
  });

  test('a lockfile change falls back to the entry with the same manifests; a manifest change to the same toolchain+profile+flags', () => {
    const lockChanged = keys({ lockfileHash: 'e'.repeat(64) });
    expect(restores(original.primaryKey, lockChanged)).toBe(true);
    expect(original.primaryKey.startsWith(lockChanged.restoreKeys[0]!)).toBe(true);
    const manifestChanged = keys({ manifestsHash: 'f'.repeat(64), lockfileHash: 'e'.repeat(64) });
    expect(original.primaryKey.startsWith(manifestChanged.restoreKeys[0]!)).toBe(false);
    expect(original.primaryKey.startsWith(manifestChanged.restoreKeys[1]!)).toBe(true);
  });

  test('every hashed input is listed for the log', () => {
    expect(original.inputs.map((i) => i.name)).toEqual([
      'prefix',
      'os/arch',
      'rustc -vV',
      'target triple',
      'profile',
      'profile settings (resolved)',
      'effective RUSTFLAGS hash',
      'manifests + rust-toolchain hash',
      'Cargo.lock hash',
    ]);
  });
});

describe('manifest projection', () => {
  const manifest = (version: string, extra = '') =>
    `[package]\nname = "app"\nversion = "${version}"\nedition = "2021"\ndescription = "d"\n\n[dependencies]\ncore = { path = "../core", version = "${version}" }\nserde = "1"\n${extra}`;

  test('version bumps of the crate and its path dependencies, and metadata edits, do not change it', () => {
    expect(manifestProjection(manifest('0.1.0'), 'a')).toBe(manifestProjection(manifest('0.2.0').replace('description = "d"', 'description = "other"'), 'a'));
  });

  test('dependencies, features and profiles do', () => {
    const p = manifestProjection(manifest('0.1.0'), 'a');
    expect(manifestProjection(manifest('0.1.0', 'regex = "1"\n'), 'a')).not.toBe(p);
    expect(manifestProjection(manifest('0.1.0', '\n[profile.dev]\nopt-level = 1\n'), 'a')).not.toBe(p);
    expect(manifestProjection(manifest('0.1.0', '\n[features]\nfast = []\n'), 'a')).not.toBe(p);
  });

  test('a virtual workspace root with [profile] counts (the leading action misses it)', () => {
    const root = (opt: number) => `[workspace]\nmembers = ["a"]\n\n[profile.release]\nopt-level = ${opt}\n`;
    expect(manifestsHash([{ relativePath: 'Cargo.toml', text: root(3) }], [])).not.toBe(manifestsHash([{ relativePath: 'Cargo.toml', text: root(2) }], []));
  });

  test('a manifest that is not TOML names its file', () => {
    expect(() => manifestProjection('[package', 'crates/x/Cargo.toml')).toThrow(/crates\/x\/Cargo.toml is not valid TOML/);
  });

  test('lockedRegistryCrates lists registry and git packages, not path ones', () => {
    const lock =
      'version = 3\n\n[[package]]\nname = "app"\nversion = "0.1.0"\n\n[[package]]\nname = "memchr"\nversion = "2.5.0"\nsource = "registry+https://index.example.invalid/"\n';
    expect([...lockedRegistryCrates(lock)]).toEqual(['memchr-2.5.0']);
  });
});

describe('when the post step saves', () => {
  const state = (hit: CacheRestoreState['hit'], backend: 'github' | 'local' = 'github') => ({ hit, backend }) as CacheRestoreState;
  const config = (inputs: Record<string, string> = {}) => parseConfig((n) => inputs[n] ?? '', { CI: 'true' }, '/w');
  const push = readRunContext({ GITHUB_ACTIONS: 'true', GITHUB_REF: 'refs/heads/main' }, { repository: { default_branch: 'main' } });
  const branch = readRunContext({ GITHUB_ACTIONS: 'true', GITHUB_REF: 'refs/heads/feature' }, { repository: { default_branch: 'main' } });
  const pr = readRunContext(
    { GITHUB_ACTIONS: 'true', GITHUB_REF: 'refs/pull/7/merge' },
    { repository: { default_branch: 'main' }, pull_request: { number: 7, base: { ref: 'main' }, head: {} } },
  );

  test('auto: on the default branch after a miss or partial hit, not after an exact hit', () => {
    expect(decideSave(config(), push, state('miss')).save).toBe(true);
    expect(decideSave(config(), push, state('partial')).save).toBe(true);
    expect(decideSave(config(), push, state('exact'))).toEqual({ save: false, reason: expect.stringMatching(/already current/), replace: false });
  });

  test('auto: not on other branches or pull requests unless the scope is any', () => {
    expect(decideSave(config(), branch, state('miss'))).toEqual({ save: false, reason: expect.stringMatching(/cache-save-scope: any/), replace: false });
    expect(decideSave(config(), pr, state('miss')).save).toBe(false);
    expect(decideSave(config({ 'cache-save-scope': 'any' }), pr, state('miss')).save).toBe(true);
  });

  test('never and always win; local runs outside GitHub save', () => {
    expect(decideSave(config({ 'cache-save': 'never' }), push, state('miss')).save).toBe(false);
    expect(decideSave(config({ 'cache-save': 'always' }), pr, state('exact')).save).toBe(true);
    expect(decideSave(config(), readRunContext({}, null), state('miss', 'local')).save).toBe(true);
  });

  const built = (over: Partial<BuildOutcome> = {}): BuildOutcome => ({ interrupted: false, success: true, rebuiltDependencies: 0, rebuiltMembers: 0, ...over });

  test('a failed build is not saved unless cache-on-failure; an interrupted one never', () => {
    expect(decideSave(config(), push, state('miss'), built({ success: false }))).toEqual({
      save: false,
      reason: expect.stringMatching(/build failed.*cache-on-failure/),
      replace: false,
    });
    expect(decideSave(config({ 'cache-on-failure': 'true' }), push, state('miss'), built({ success: false })).save).toBe(true);
    expect(decideSave(config({ 'cache-save': 'always', 'cache-on-failure': 'true' }), push, state('miss'), built({ interrupted: true })).save).toBe(false);
  });

  test('an exact hit that still rebuilt dependencies is saved again, replacing the stale entry', () => {
    expect(decideSave(config(), push, state('exact'), built({ rebuiltDependencies: 3 }))).toEqual({ save: true, reason: expect.any(String), replace: true });
    expect(decideSave(config({ 'cache-save': 'always' }), push, state('exact'), built()).replace).toBe(true);
    expect(decideSave(config(), push, state('partial'), built()).replace).toBe(false);
  });
});
