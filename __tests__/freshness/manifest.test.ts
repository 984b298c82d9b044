// The freshness rule (src/freshness/manifest.ts) on synthetic files: what is proven, what is
// moved to now, what a manifest may claim; and setting a time Node can only give as a double
// (src/freshness/file-times.ts).
import path from 'node:path';
import { libuvNs, utimesSeconds } from '../../src/freshness/file-times.js';
import { excluding } from '../../src/freshness/tree.js';
import {
  buildManifest,
  changedLinks,
  describable,
  futureTimes,
  parseManifest,
  planFreshness,
  provenMtimeNs,
  worthHashing,
  type FreshnessManifest,
  type SnapshotEntry,
  type TrackedFile,
} from '../../src/freshness/manifest.js';

const T0 = Date.parse('2026-11-30T10:00:00.000Z');
const ns = (ms: number) => BigInt(ms) * 1_000_000n;
const manifest = (files: FreshnessManifest['files'], links: Record<string, string> = {}): FreshnessManifest => ({
  schema: 'watchmaker/freshness',
  version: 2,
  builtAfterMs: T0,
  writtenAtMs: T0 + 60_000,
  files,
  links,
});
const file = (path: string, hash: string | null, mtimeMs: number, size = 10, ctimeMs = mtimeMs): TrackedFile => ({
  path,
  hash,
  size,
  mtimeNs: ns(mtimeMs),
  ctimeNs: ns(ctimeMs),
});
const rec = (hash: string, mtimeNs: bigint, size = 10): [string, number, string] => [hash, size, mtimeNs.toString()];

describe('after a restore', () => {
  const now = T0 + 3_600_000;
  const m = manifest({
    'a/src/lib.rs': rec('aaa', ns(T0 - 5_250) + 123_456n),
    'b/src/lib.rs': rec('bbb', ns(T0 - 5_250)),
    'data.txt': rec('ddd', ns(T0 - 400)),
  });

  test('same path and bytes: proven, with the recorded nanoseconds; other content is left as it is', () => {
    const plan = planFreshness(
      m,
      [file('a/src/lib.rs', 'aaa', now), file('b/src/lib.rs', 'CHANGED', now), file('new.rs', 'nnn', now)],
      [],
      new Set(),
    );
    expect(plan.proven).toEqual([{ path: 'a/src/lib.rs', mtimeNs: ns(T0 - 5_250) + 123_456n }]);
    expect(plan.changed).toBe(2);
    expect(plan.bumped).toEqual([]);
  });

  test('only files of the recorded size are read; an unread file is never proven', () => {
    const files = [file('a/src/lib.rs', null, now), file('b/src/lib.rs', null, now, 11)];
    expect(worthHashing(m, files).map((f) => f.path)).toEqual(['a/src/lib.rs']);
    expect(planFreshness(m, files, [], new Set()).proven).toEqual([]);
  });

  test('a file reached through a changed link, or flagged in the index, is not proven', () => {
    const plan = planFreshness(m, [file('a/src/lib.rs', 'aaa', now)], [], new Set(['a/src/lib.rs']));
    expect(plan.proven).toEqual([]);
    expect(plan.changed).toBe(1);
  });

  test('links whose text changed, and new links, are named', () => {
    const links = manifest({}, { 'src/imp.rs': 'impl_a.rs', 'src/same.rs': 'x.rs' });
    const now = new Map([
      ['src/imp.rs', 'impl_b.rs'],
      ['src/same.rs', 'x.rs'],
      ['src/new.rs', 'y.rs'],
    ]);
    expect(changedLinks(links, now)).toEqual(['src/imp.rs', 'src/new.rs']);
  });

  test('a file changed since the cached build but carrying an older time (a tool restored it) is moved to now', () => {
    const old = T0 - 86_400_000;
    const untracked = [
      { path: 'generated.rs', mtimeNs: ns(old) },
      { path: 'fresh.rs', mtimeNs: ns(now) },
    ];
    const plan = planFreshness(m, [file('b/src/lib.rs', 'CHANGED', old)], untracked, new Set());
    expect(plan.proven).toEqual([]);
    expect(plan.bumped).toEqual(['b/src/lib.rs', 'generated.rs']);
  });

  test('the time given is the recorded one, nanoseconds kept; one not older than the build gets a second before it', () => {
    expect(provenMtimeNs(ns(T0 - 400) + 7n, T0)).toBe(ns(T0 - 400) + 7n);
    expect(provenMtimeNs(ns(T0 + 400), T0)).toBe(ns(T0 - 1_000));
    const given = provenMtimeNs(ns(T0 - 400), T0);
    expect(provenMtimeNs(given, T0 + 3_600_000)).toBe(given);
  });

  test('times from the future (a runner whose clock was ahead) distrust the cache', () => {
    expect(futureTimes(m, T0, T0 + 120_000)).toBeNull();
    expect(futureTimes(m, T0, T0 + 30_000)).toMatch(/30\.0 s in the future/);
    expect(futureTimes(null, T0 + 600_000, T0)).toMatch(/600\.0 s in the future/);
  });
});

describe('the manifest a post step writes', () => {
  const input = { builtAfterMs: T0, unitsVouchedFor: true, nowMs: T0 + 10_000 };
  const seen = (f: TrackedFile, proven = false): SnapshotEntry => ({
    size: f.size,
    mtimeNs: f.mtimeNs,
    ctimeNs: f.ctimeNs,
    hash: f.hash,
    proven,
  });
  const a = file('a.rs', 'aaa', T0 - 6_000);
  const b = file('b.rs', null, T0 - 2_500);
  const c = file('c.rs', 'ccc', T0 + 1_500);
  const snap = new Map([a, b, c].map((f) => [f.path, seen(f)]));

  test('with the timed build vouching for every cached unit: every file unwritten since before the build', () => {
    const out = describable([a, b, c], snap, input);
    expect(out.map((f) => f.path)).toEqual(['a.rs', 'b.rs']);
    const m = buildManifest([{ ...out[0]! }, { ...out[1]!, hash: 'bbb' }], new Map([['l.rs', 'a.rs']]), input);
    expect(m.files['b.rs']).toEqual(['bbb', 10, ns(T0 - 2_500).toString()]);
    expect(m.links).toEqual({ 'l.rs': 'a.rs' });
    expect(m.writtenAtMs).toBe(T0 + 10_000);
  });

  test('content written after main looked, with the old time put back (cp -p, touch -r, tar x), is never described', () => {
    const copied = { ...a, hash: null, ctimeNs: ns(T0 + 5_000) };
    expect(describable([copied, b], snap, input).map((f) => f.path)).toEqual(['b.rs']);
    const resized = { ...a, size: 99 };
    expect(describable([resized], snap, input)).toEqual([]);
  });

  test('a file main never saw is never described', () => {
    expect(describable([file('new.rs', null, T0 - 9_000)], snap, input)).toEqual([]);
  });

  test('without a build vouching for the units (build: false after a hit): only files proven at the restore', () => {
    const proven = new Map([
      ['a.rs', seen(a, true)],
      ['b.rs', seen(b)],
    ]);
    expect(describable([a, b], proven, { ...input, unitsVouchedFor: false }).map((f) => f.path)).toEqual(['a.rs']);
  });

  test('on a file system with whole-second times, files within two seconds of the build are left out', () => {
    const coarse = [file('a.rs', 'aaa', T0 - 1_000), file('b.rs', 'bbb', T0 - 3_000)];
    const out = describable(coarse, new Map(coarse.map((f) => [f.path, seen(f)])), {
      ...input,
      builtAfterMs: T0 + 200,
    });
    expect(out.map((f) => f.path)).toEqual(['b.rs']);
  });

  test('a manifest of another version or a damaged one proves nothing', () => {
    const text = JSON.stringify(buildManifest([a], new Map(), input));
    expect(parseManifest(text)?.files['a.rs']).toEqual(['aaa', 10, ns(T0 - 6_000).toString()]);
    expect(parseManifest(text.replace('"version":2', '"version":1'))).toBeNull();
    expect(parseManifest(text.replace('"links":{}', '"links":[]'))).toBeNull();
    expect(parseManifest('{"schema": "watchmaker/freshness"')).toBeNull();
  });
});

describe('setting a time through a double of seconds', () => {
  const recorded = [
    1_764_000_000_123_456_000n,
    1_764_000_000_000_001_000n,
    1_700_000_000_999_999_000n,
    1_764_000_000n * 1_000_000_000n,
  ];

  test.each(['linux', 'darwin'] as const)(
    '%s: a time the action set once (whole microseconds) comes back exactly',
    (platform) => {
      for (const t of recorded) expect(libuvNs(utimesSeconds(t, platform), platform)).toBe(t);
    },
  );

  test('windows: exact to its 100 ns ticks where a double can say it, never later', () => {
    for (const t of recorded) {
      const got = libuvNs(utimesSeconds(t, 'win32'), 'win32');
      expect(got <= t && t - got < 2_000n).toBe(true);
    }
  });

  test('a checkout time with nanoseconds gets the latest microsecond at or before it', () => {
    expect(libuvNs(utimesSeconds(1_764_000_000_123_456_789n, 'linux'), 'linux')).toBe(1_764_000_000_123_456_000n);
  });
});

describe("cargo's directories left out of git's listing, on every platform's paths", () => {
  test('posix and Windows paths (drive letters, backslashes) give the same pathspecs', () => {
    expect(excluding('/w/repo', ['/w/repo/target', '/w/other', '/home/u/.cargo'], path.posix)).toEqual([
      '--',
      '.',
      ':(exclude,top)target',
    ]);
    expect(excluding('C:\\w\\repo', ['C:\\w\\repo\\target\\sub', 'D:\\cargo'], path.win32)).toEqual([
      '--',
      '.',
      ':(exclude,top)target/sub',
    ]);
    expect(excluding('/w/repo', ['/elsewhere'], path.posix)).toEqual([]);
  });
});
