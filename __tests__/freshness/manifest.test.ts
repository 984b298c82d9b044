// The freshness rule (src/freshness/manifest.ts) on synthetic files: what is proven, what is
// moved to now, and what a manifest may claim.
import { buildManifest, parseManifest, planFreshness, provenMtime, type FreshnessManifest, type TrackedFile } from '../../src/freshness/manifest.js';

const T0 = Date.parse('2026-11-30T10:00:00.000Z');
const manifest = (files: FreshnessManifest['files'], builtAfterMs = T0, writtenAtMs = T0 + 60_000): FreshnessManifest => ({
  schema: 'watchmaker/freshness',
  version: 1,
  builtAfterMs,
  writtenAtMs,
  files,
});
const file = (path: string, blob: string, mtimeMs: number): TrackedFile => ({ path, blob, mtimeMs });

describe('after a restore', () => {
  const now = T0 + 3_600_000;
  const m = manifest({ 'a/src/lib.rs': ['aaa', T0 - 5_250], 'b/src/lib.rs': ['bbb', T0 - 5_250], 'data.txt': ['ddd', T0 - 400] });

  test('same path and blob: proven, set to a whole second before the cached build; other content: left as it is', () => {
    const plan = planFreshness(m, [file('a/src/lib.rs', 'aaa', now), file('b/src/lib.rs', 'CHANGED', now), file('new.rs', 'nnn', now)], []);
    expect(plan.proven).toEqual([{ path: 'a/src/lib.rs', mtimeMs: T0 - 6_000 }]);
    expect(plan.changed).toBe(2);
    expect(plan.bumped).toEqual([]);
  });

  test('a file changed since the cached build but carrying an older time (a tool restored it) is moved to now', () => {
    const old = T0 - 86_400_000;
    const plan = planFreshness(
      m,
      [file('b/src/lib.rs', 'CHANGED', old)],
      [
        { path: 'generated.rs', mtimeMs: old },
        { path: 'fresh.rs', mtimeMs: now },
      ],
    );
    expect(plan.proven).toEqual([]);
    expect(plan.bumped).toEqual(['b/src/lib.rs', 'generated.rs']);
  });

  test('the time given is never later than the recorded one and a second before the build; once given, later runs keep it', () => {
    expect(provenMtime(T0 - 400, T0)).toBe(T0 - 1_000);
    expect(provenMtime(T0 - 5_250, T0)).toBe(T0 - 6_000);
    const given = provenMtime(T0 - 400, T0);
    expect(provenMtime(given, T0 + 3_600_000)).toBe(given);
  });
});

describe('the manifest a post step writes', () => {
  const builtAfterMs = T0;
  const files = [file('a.rs', 'aaa', T0 - 6_000), file('b.rs', 'bbb', T0 - 2_500), file('c.rs', 'ccc', T0 + 1_500), file('d.rs', 'ddd', T0 - 9_000)];

  test('with the timed build vouching for every cached unit: every file untouched since before the build', () => {
    const out = buildManifest(files, { builtAfterMs, proven: new Map(), unitsVouchedFor: true, nowMs: T0 + 10_000 });
    expect(Object.keys(out.files).sort()).toEqual(['a.rs', 'b.rs', 'd.rs']);
    expect(out.files['b.rs']).toEqual(['bbb', T0 - 2_500]);
    expect(out.writtenAtMs).toBe(T0 + 10_000);
  });

  test('a file changed during or after the build (between the main and post steps) is never described', () => {
    const out = buildManifest(files, { builtAfterMs, proven: new Map(), unitsVouchedFor: true, nowMs: T0 + 10_000 });
    expect(out.files['c.rs']).toBeUndefined();
  });

  test('without a build vouching for the units (build: false after a hit): only files proven at the restore and untouched since', () => {
    const proven = new Map([
      ['a.rs', T0 - 6_000],
      ['d.rs', T0 - 8_000],
    ]);
    const out = buildManifest(files, { builtAfterMs, proven, unitsVouchedFor: false, nowMs: T0 + 10_000 });
    // d.rs was given another time than it has now: something wrote it after the restore.
    expect(Object.keys(out.files)).toEqual(['a.rs']);
  });

  test('on a file system with whole-second times, files within two seconds of the build are left out', () => {
    const coarse = [file('a.rs', 'aaa', T0 - 1_000), file('b.rs', 'bbb', T0 - 3_000)];
    const out = buildManifest(coarse, { builtAfterMs: T0 + 200, proven: new Map(), unitsVouchedFor: true, nowMs: T0 + 10_000 });
    expect(Object.keys(out.files)).toEqual(['b.rs']);
  });

  test('a manifest of another version or a damaged one proves nothing', () => {
    const text = JSON.stringify(buildManifest(files, { builtAfterMs, proven: new Map(), unitsVouchedFor: true, nowMs: T0 }));
    expect(parseManifest(text)?.files['a.rs']).toEqual(['aaa', T0 - 6_000]);
    expect(parseManifest(text.replace('"version":1', '"version":2'))).toBeNull();
    expect(parseManifest('{"schema": "watchmaker/freshness"')).toBeNull();
  });
});
