// The comparison on synthetic records: noise must not be called a change, a real slowdown must.
import { chooseMetric, compareRecords, DEFAULT_THRESHOLDS } from '../../src/report/compare.js';
import { record, rng } from '../helpers/records.js';

const workspace = { 'ws-app': 2.0, 'ws-core': 6.0, 'ws-util': 1.2, 'ws-macros': 0.8 };
const deps = { serde: 4.0, regex: 9.0, memchr: 0.6 };

describe('A/A: the same commit measured twice', () => {
  // Noise as measured on repeated identical builds (docs/report.md): the machine's speed moves
  // a whole run by a few percent, and each crate's CPU time by a few percent more.
  test.each([
    ['CPU time: run ±3%, crate ±4%', { noise: 0.04, runNoise: 0.03 }],
    ['wall time only (no wrapper): run ±5%, crate ±8%', { noise: 0.04, runNoise: 0.05, wrapper: false }],
    ['instructions: crate ±0.5%', { noise: 0.04, runNoise: 0.03, instructions: true }],
  ] as const)('%s: never a regression or improvement over 300 pairs, in total or per crate', (_name, opts) => {
    const rand = rng(42);
    const verdicts = new Map<string, number>();
    for (let i = 0; i < 300; i++) {
      const c = compareRecords([record({ crates: workspace, rand, ...opts })], [record({ crates: workspace, rand, ...opts })], { threshold: null })!;
      verdicts.set(c.verdict, (verdicts.get(c.verdict) ?? 0) + 1);
      for (const crate of c.crates) verdicts.set(`crate ${crate.status}`, 1);
    }
    expect([...verdicts.keys()].sort()).toEqual(['crate unchanged', 'unchanged']);
  });

  test('with 3 samples per side, noisier A/A runs are still unchanged', () => {
    const rand = rng(7);
    for (let i = 0; i < 100; i++) {
      const side = () => [1, 2, 3].map(() => record({ crates: workspace, rand, noise: 0.08, runNoise: 0.06 }));
      expect(compareRecords(side(), side(), { threshold: null })!.verdict).toBe('unchanged');
    }
  });
});

describe('real changes', () => {
  test('a 30% slowdown of one big crate is a regression, named in the per-crate rows', () => {
    const rand = rng(1);
    const base = record({ crates: workspace, rand, noise: 0.05 });
    const head = record({ crates: { ...workspace, 'ws-core': 6.0 * 1.6 }, rand, noise: 0.05 });
    const c = compareRecords([head], [base], { threshold: null })!;
    expect(c.verdict).toBe('regression');
    expect(c.metric).toBe('cpu');
    expect(c.crates[0]!.crate).toBe('ws-core');
    expect(c.crates[0]!.status).toBe('regression');
    expect(c.total.change!).toBeGreaterThan(0.25);
    expect(c.explanation).toMatch(/beyond the noise threshold of ±10%/);
  });

  test('a 30% slowdown measured with 5 samples per side is a regression with high confidence', () => {
    const rand = rng(3);
    const base = [1, 2, 3, 4, 5].map(() => record({ crates: workspace, rand, noise: 0.04 }));
    const head = [1, 2, 3, 4, 5].map(() => record({ crates: Object.fromEntries(Object.entries(workspace).map(([k, v]) => [k, v * 1.3])), rand, noise: 0.04 }));
    const c = compareRecords(head, base, { threshold: null })!;
    expect(c.verdict).toBe('regression');
    expect(c.total.confidence).toBe('high');
  });

  test('a 25% speed-up is an improvement', () => {
    const c = compareRecords([record({ crates: Object.fromEntries(Object.entries(workspace).map(([k, v]) => [k, v * 0.75])) })], [record({ crates: workspace })], {
      threshold: null,
    })!;
    expect(c.verdict).toBe('improvement');
  });

  test('a small change under the threshold input is unchanged; above it, a regression', () => {
    const head = record({ crates: Object.fromEntries(Object.entries(workspace).map(([k, v]) => [k, v * 1.06])) });
    const base = record({ crates: workspace });
    expect(compareRecords([head], [base], { threshold: null })!.verdict).toBe('unchanged');
    const c = compareRecords([head], [base], { threshold: 0.03 })!;
    expect(c.verdict).toBe('regression');
    expect(c.thresholdSource).toBe('input');
  });
});

describe('what is compared', () => {
  test('a warm run (dependencies from the cache) against a cold baseline compares only the common crates', () => {
    const cold = record({ crates: { ...workspace, ...deps } });
    const warm = record({ crates: workspace });
    const c = compareRecords([warm], [cold], { threshold: null })!;
    expect(c.verdict).toBe('unchanged');
    expect(c.onlyBase).toEqual(['memchr', 'regex', 'serde']);
    expect(c.onlyHead).toEqual([]);
    expect(c.total.change).toBeCloseTo(0, 5);
  });

  test('new crates are listed, not counted as a regression of the common set', () => {
    const c = compareRecords([record({ crates: { ...workspace, 'ws-new': 30 } })], [record({ crates: workspace })], { threshold: null })!;
    expect(c.onlyHead).toEqual(['ws-new']);
    expect(c.verdict).toBe('unchanged');
  });

  test('metric choice: instructions, else CPU, else wall', () => {
    expect(chooseMetric([record({ crates: workspace, instructions: true })])).toBe('instructions');
    expect(chooseMetric([record({ crates: workspace, instructions: true }), record({ crates: workspace })])).toBe('cpu');
    expect(chooseMetric([record({ crates: workspace, wrapper: false }), record({ crates: workspace })])).toBe('wall');
    expect(DEFAULT_THRESHOLDS.instructions).toBeLessThan(DEFAULT_THRESHOLDS.cpu);
  });

  test('a failed head build is reported as such; different toolchains get a note', () => {
    const head = record({ crates: workspace, success: false });
    head.toolchain.release = '1.96.0';
    const c = compareRecords([head], [record({ crates: workspace })], { threshold: null })!;
    expect(c.verdict).toBe('build-failed');
    expect(c.notes.join(' ')).toMatch(/rustc differs/);
  });

  test('no baseline, no comparison', () => {
    expect(compareRecords([record({ crates: workspace })], [], { threshold: null })).toBeNull();
  });
});
