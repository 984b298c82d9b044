// Cache keys: what changes the key, what falls back, and what never shares a restore prefix.
import {
  buildCacheKeys,
  generationKey,
  generationOf,
  lockedRegistryCrates,
  manifestProjection,
  manifestsHash,
  restoreLookup,
  type CacheKeyInput,
} from '../../src/cache/keys.js';
import { matchEntry } from '../../src/cache/local.js';
import { workspaceIdentity } from '../../src/key-scope.js';
import { decideSave, type BuildOutcome, type CacheRestoreState } from '../../src/cache/index.js';
import { parseConfig } from '../../src/config.js';
import { readRunContext } from '../../src/context.js';

const base: CacheKeyInput = {
  prefix: 'watchmaker-v1',
  workspace: workspaceIdentity({ repository: 'octo-org/app', checkout: '/w', root: '/w' }),
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
  commandKind: null,
};
const keys = (over: Partial<CacheKeyInput>) => buildCacheKeys({ ...base, ...over });
/** Would GitHub restore an entry saved under `saved` for a run with these keys? */
const restores = (saved: string, k: ReturnType<typeof buildCacheKeys>) =>
  saved === k.primaryKey || [k.primaryKey, ...k.restoreKeys].some((p) => saved.startsWith(p));

describe('cache keys', () => {
  const original = keys({});

  test('the key is readable and every restore key is a prefix of it, most specific first', () => {
    expect(original.primaryKey).toMatch(
      /^watchmaker-v1-w[0-9a-f]{8}-linux-x64-rust1\.95\.0-[0-9a-f]{8}-x86_64-unknown-linux-gnu-dev-p[0-9a-f]{8}-f[0-9a]{12}-m[0-9b]{12}-l[0-9c]{12}$/,
    );
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
    [
      'workspace (the fuzz/ workspace of the same repository)',
      { workspace: workspaceIdentity({ repository: 'octo-org/app', checkout: '/w', root: '/w/fuzz' }) },
    ],
    [
      'repository (same workspace path, shared cache-dir)',
      { workspace: workspaceIdentity({ repository: 'octo-org/other', checkout: '/w', root: '/w' }) },
    ],
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
      'workspace',
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

describe('the workspace in the key', () => {
  const id = (repository: string | null, checkout: string | null, root: string) =>
    workspaceIdentity({ repository, checkout, root }).id;

  test("a workspace's prune prefix never covers another workspace's or repository's entry", () => {
    const crate = keys({});
    const fuzz = keys({
      workspace: workspaceIdentity({ repository: 'octo-org/app', checkout: '/w', root: '/w/fuzz' }),
    });
    const other = keys({ workspace: workspaceIdentity({ repository: 'octo-org/other', checkout: '/w', root: '/w' }) });
    // The prune prefix is the widest restore key.
    for (const [a, b] of [
      [crate, fuzz],
      [fuzz, crate],
      [crate, other],
    ]) {
      expect(a!.primaryKey.startsWith(b!.restoreKeys.at(-1)!)).toBe(false);
    }
  });

  test('is the same on every runner: the root counts relative to the checkout', () => {
    expect(id('o/r', '/home/runner/work/r/r', '/home/runner/work/r/r/fuzz')).toBe(
      id('o/r', '/srv/actions/_work/r/r', '/srv/actions/_work/r/r/fuzz'),
    );
    expect(id('o/r', '/w', '/w')).not.toBe(id('o/r', '/w', '/w/fuzz'));
    expect(workspaceIdentity({ repository: 'o/r', checkout: '/w', root: '/w/fuzz' }).label).toBe('o/r, fuzz');
  });

  test('without a repository name (a run outside GitHub) the absolute path tells repositories apart', () => {
    expect(id(null, '/a/app', '/a/app')).not.toBe(id(null, '/b/app', '/b/app'));
    expect(id(null, null, '/a/app')).toBe(id(null, '/a/app', '/a/app'));
    expect(workspaceIdentity({ repository: null, checkout: null, root: '/a/app' }).label).toBe('/a/app');
  });

  test('a workspace outside the checkout is named by its absolute path', () => {
    expect(workspaceIdentity({ repository: 'o/r', checkout: '/w', root: '/elsewhere/app' }).label).toBe(
      'o/r, /elsewhere/app',
    );
  });
});

describe('generations of a key', () => {
  const k = keys({});
  const entry = (key: string, createdAt: number) => ({ key, version: 'v', createdAt });

  test('the newest generation of the primary key is restored, whatever an older exact entry says', () => {
    const lookup = restoreLookup(k);
    const entries = [
      entry(k.primaryKey, 1),
      entry(generationKey(k.primaryKey, 2), 2),
      entry(generationKey(k.primaryKey, 3), 3),
    ];
    expect(matchEntry(entries, 'v', lookup.key, lookup.restoreKeys)?.key).toBe(`${k.primaryKey}-g3`);
    expect(matchEntry([entry(k.primaryKey, 1)], 'v', lookup.key, lookup.restoreKeys)?.key).toBe(k.primaryKey);
  });

  test("an entry of another lockfile is a fallback only: the primary key's own entry wins even when older", () => {
    const lookup = restoreLookup(k);
    const otherLock = keys({ lockfileHash: 'e'.repeat(64) }).primaryKey;
    expect(matchEntry([entry(k.primaryKey, 1), entry(otherLock, 2)], 'v', lookup.key, lookup.restoreKeys)?.key).toBe(
      k.primaryKey,
    );
    expect(matchEntry([entry(otherLock, 2)], 'v', lookup.key, lookup.restoreKeys)?.key).toBe(otherLock);
  });

  test('every generation counts as the primary key (an exact hit); other keys do not', () => {
    expect(generationOf(k.primaryKey, k.primaryKey)).toBe(1);
    expect(generationOf(generationKey(k.primaryKey, 2), k.primaryKey)).toBe(2);
    expect(generationOf(`${k.primaryKey}-g12`, k.primaryKey)).toBe(12);
    expect(generationKey(k.primaryKey, 1)).toBe(k.primaryKey);
    expect(generationOf(keys({ lockfileHash: 'e'.repeat(64) }).primaryKey, k.primaryKey)).toBeNull();
    expect(generationOf(`${k.primaryKey}-gx`, k.primaryKey)).toBeNull();
    expect(generationOf(`${k.primaryKey}-g0`, k.primaryKey)).toBeNull();
    expect(generationOf(null, k.primaryKey)).toBeNull();
    // No entry is ever saved under the lookup key itself, so no exact match can shadow a generation.
    expect(generationOf(restoreLookup(k).key, k.primaryKey)).toBeNull();
  });
});

describe('manifest projection', () => {
  const manifest = (version: string, extra = '') =>
    `[package]\nname = "app"\nversion = "${version}"\nedition = "2021"\ndescription = "d"\n\n[dependencies]\ncore = { path = "../core", version = "${version}" }\nserde = "1"\n${extra}`;

  test('version bumps of the crate and its path dependencies, and metadata edits, do not change it', () => {
    expect(manifestProjection(manifest('0.1.0'), 'a')).toBe(
      manifestProjection(manifest('0.2.0').replace('description = "d"', 'description = "other"'), 'a'),
    );
  });

  test('dependencies, features and profiles do', () => {
    const p = manifestProjection(manifest('0.1.0'), 'a');
    expect(manifestProjection(manifest('0.1.0', 'regex = "1"\n'), 'a')).not.toBe(p);
    expect(manifestProjection(manifest('0.1.0', '\n[profile.dev]\nopt-level = 1\n'), 'a')).not.toBe(p);
    expect(manifestProjection(manifest('0.1.0', '\n[features]\nfast = []\n'), 'a')).not.toBe(p);
  });

  test('a virtual workspace root with [profile] counts (the leading action misses it)', () => {
    const root = (opt: number) => `[workspace]\nmembers = ["a"]\n\n[profile.release]\nopt-level = ${opt}\n`;
    expect(manifestsHash([{ relativePath: 'Cargo.toml', text: root(3) }], [])).not.toBe(
      manifestsHash([{ relativePath: 'Cargo.toml', text: root(2) }], []),
    );
  });

  test('a manifest that is not TOML names its file', () => {
    expect(() => manifestProjection('[package', 'crates/x/Cargo.toml')).toThrow(
      /crates\/x\/Cargo.toml is not valid TOML/,
    );
  });

  test('lockedRegistryCrates lists registry and git packages, not path ones', () => {
    const lock =
      'version = 3\n\n[[package]]\nname = "app"\nversion = "0.1.0"\n\n[[package]]\nname = "memchr"\nversion = "2.5.0"\nsource = "registry+https://index.example.invalid/"\n';
    expect([...lockedRegistryCrates(lock)]).toEqual(['memchr-2.5.0']);
  });
});

describe('when the post step saves', () => {
  const state = (hit: CacheRestoreState['hit'], backend: 'github' | 'local' = 'github') =>
    ({ hit, backend }) as CacheRestoreState;
  const config = (inputs: Record<string, string> = {}) => parseConfig((n) => inputs[n] ?? '', { CI: 'true' }, '/w');
  const push = readRunContext(
    { GITHUB_ACTIONS: 'true', GITHUB_REF: 'refs/heads/main' },
    { repository: { default_branch: 'main' } },
  );
  const branch = readRunContext(
    { GITHUB_ACTIONS: 'true', GITHUB_REF: 'refs/heads/feature' },
    { repository: { default_branch: 'main' } },
  );
  const pr = readRunContext(
    { GITHUB_ACTIONS: 'true', GITHUB_REF: 'refs/pull/7/merge' },
    { repository: { default_branch: 'main' }, pull_request: { number: 7, base: { ref: 'main' }, head: {} } },
  );

  test('auto: on the default branch after a miss or partial hit, not after an exact hit', () => {
    expect(decideSave(config(), push, state('miss')).save).toBe(true);
    expect(decideSave(config(), push, state('partial')).save).toBe(true);
    expect(decideSave(config(), push, state('exact'))).toEqual({
      save: false,
      reason: expect.stringMatching(/already current/),
      replace: false,
    });
  });

  test('auto: not on other branches or pull requests unless the scope is any', () => {
    expect(decideSave(config(), branch, state('miss'))).toEqual({
      save: false,
      reason: expect.stringMatching(/cache-save-scope: any/),
      replace: false,
    });
    expect(decideSave(config(), pr, state('miss')).save).toBe(false);
    expect(decideSave(config({ 'cache-save-scope': 'any' }), pr, state('miss')).save).toBe(true);
  });

  const prTarget = readRunContext(
    { GITHUB_ACTIONS: 'true', GITHUB_REF: 'refs/heads/main', GITHUB_EVENT_NAME: 'pull_request_target' },
    { repository: { default_branch: 'main' }, pull_request: { number: 7, base: { ref: 'main' }, head: {} } },
  );

  test('pull_request_target (the run has the base branch ref): nothing is saved to the GitHub cache, whatever the inputs say', () => {
    const asked: Array<Record<string, string>> = [
      {},
      { 'cache-save': 'always' },
      { 'cache-save-scope': 'any' },
      { 'cache-save': 'always', 'cache-save-scope': 'any' },
    ];
    for (const inputs of asked) {
      for (const hit of ['miss', 'partial', 'exact'] as const) {
        const d = decideSave(config(inputs), prTarget, state(hit), built({ rebuiltMembers: 2 }));
        expect(d).toEqual({
          save: false,
          reason: expect.stringMatching(
            /pull_request_target with the ref refs\/heads\/main.*never saves to the GitHub cache/,
          ),
          replace: false,
        });
      }
    }
    expect(decideSave(config({ 'cache-save': 'always' }), prTarget, state('miss')).reason).toMatch(
      /whatever cache-save: 'always' says/,
    );
    expect(decideSave(config({ 'cache-save-scope': 'any' }), prTarget, state('miss')).reason).toMatch(
      /whatever cache-save-scope: 'any' says/,
    );
    // A pull_request run is filed under refs/pull/7/merge by GitHub itself: scope any may save there.
    expect(decideSave(config({ 'cache-save-scope': 'any' }), pr, state('miss')).save).toBe(true);
    // The local backend files a pull request's entries under its own scope (see local-scope.test.ts).
    expect(decideSave(config({ 'cache-save-scope': 'any' }), prTarget, state('miss', 'local')).save).toBe(true);
  });

  test('never and always win; local runs outside GitHub save', () => {
    expect(decideSave(config({ 'cache-save': 'never' }), push, state('miss')).save).toBe(false);
    expect(decideSave(config({ 'cache-save': 'always' }), pr, state('exact')).save).toBe(true);
    expect(decideSave(config(), readRunContext({}, null), state('miss', 'local')).save).toBe(true);
  });

  const built = (over: Partial<BuildOutcome> = {}): BuildOutcome => ({
    interrupted: false,
    success: true,
    rebuiltDependencies: 0,
    rebuiltMembers: 0,
    ...over,
  });

  test('a failed build is not saved unless cache-on-failure; an interrupted one never', () => {
    expect(decideSave(config(), push, state('miss'), built({ success: false }))).toEqual({
      save: false,
      reason: expect.stringMatching(/build failed.*cache-on-failure/),
      replace: false,
    });
    expect(
      decideSave(config({ 'cache-on-failure': 'true' }), push, state('miss'), built({ success: false })).save,
    ).toBe(true);
    expect(
      decideSave(
        config({ 'cache-save': 'always', 'cache-on-failure': 'true' }),
        push,
        state('miss'),
        built({ interrupted: true }),
      ).save,
    ).toBe(false);
  });

  test('an exact hit that still rebuilt dependencies is saved again, replacing the stale entry', () => {
    expect(decideSave(config(), push, state('exact'), built({ rebuiltDependencies: 3 }))).toEqual({
      save: true,
      reason: expect.any(String),
      replace: true,
    });
    expect(decideSave(config({ 'cache-save': 'always' }), push, state('exact'), built()).replace).toBe(true);
    expect(decideSave(config(), push, state('partial'), built()).replace).toBe(false);
  });
});
