// The comparison on synthetic records: what is compared, and each crate's own judgement (noise
// must not be called a change, a real slowdown must). The verdict on the whole is verdict.ts's:
// the verdict-level cases here go through decide(), the one verdict engine.
import type { RunRecord } from '../../src/record.js';
import { chooseMetric, compareRecords } from '../../src/report/compare.js';
import { DEFAULT_THRESHOLDS } from '../../src/report/thresholds.js';
import { decide } from '../../src/report/verdict.js';
import { record, rng } from '../helpers/records.js';

/** The verdict of head against base, as the report gives it. */
function verdictOf(head: RunRecord[], base: RunRecord[], threshold: number | null = null) {
  return decide(compareRecords(head, base, { threshold })!, head, base, { threshold, history: [] }).verdict;
}

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
      const [head, base] = [
        [record({ crates: workspace, rand, ...opts })],
        [record({ crates: workspace, rand, ...opts })],
      ];
      const c = compareRecords(head, base, { threshold: null })!;
      const v = verdictOf(head, base);
      verdicts.set(v === 'inconclusive' ? 'unchanged' : v, 1);
      for (const crate of c.crates) verdicts.set(`crate ${crate.status}`, 1);
    }
    expect([...verdicts.keys()].sort()).toEqual(['crate unchanged', 'unchanged']);
  });

  test('with 3 samples per side, noisier A/A runs are still unchanged', () => {
    const rand = rng(7);
    for (let i = 0; i < 100; i++) {
      const side = () => [1, 2, 3].map(() => record({ crates: workspace, rand, noise: 0.08, runNoise: 0.06 }));
      expect(['unchanged', 'inconclusive']).toContain(verdictOf(side(), side()));
    }
  });
});

describe('real changes', () => {
  test('a 60% slowdown of one big crate is named in the per-crate rows, first; one sample per side claims nothing', () => {
    const rand = rng(1);
    const base = record({ crates: workspace, rand, noise: 0.05 });
    const head = record({ crates: { ...workspace, 'ws-core': 6.0 * 1.6 }, rand, noise: 0.05 });
    const c = compareRecords([head], [base], { threshold: null })!;
    expect(c.metric).toBe('cpu');
    expect(c.crates[0]!.crate).toBe('ws-core');
    expect(c.crates[0]!.status).toBe('regression');
    expect(c.total.change!).toBeGreaterThan(0.25);
    expect(verdictOf([head], [base])).toBe('inconclusive');
  });

  test('a 30% slowdown measured with 5 samples per side is a regression', () => {
    const rand = rng(3);
    const base = [1, 2, 3, 4, 5].map(() => record({ crates: workspace, rand, noise: 0.04 }));
    const head = [1, 2, 3, 4, 5].map(() =>
      record({
        crates: Object.fromEntries(Object.entries(workspace).map(([k, v]) => [k, v * 1.3])),
        rand,
        noise: 0.04,
      }),
    );
    expect(verdictOf(head, base)).toBe('regression');
  });

  test('a 25% speed-up is an improvement in every crate row that moved beyond the per-crate floor', () => {
    const c = compareRecords(
      [record({ crates: Object.fromEntries(Object.entries(workspace).map(([k, v]) => [k, v * 0.75])) })],
      [record({ crates: workspace })],
      {
        threshold: null,
      },
    )!;
    // ws-macros moved 0.2 s: not beyond the 0.2 s a crate must move to count.
    expect(c.crates.map((x) => [x.crate, x.status])).toEqual([
      ['ws-core', 'improvement'],
      ['ws-app', 'improvement'],
      ['ws-util', 'improvement'],
      ['ws-macros', 'unchanged'],
    ]);
  });

  test('a small change under the default is unchanged; beyond the threshold input, a regression', () => {
    const head = record({ crates: Object.fromEntries(Object.entries(workspace).map(([k, v]) => [k, v * 1.06])) });
    const base = record({ crates: workspace });
    expect(verdictOf([head], [base])).toBe('unchanged');
    expect(verdictOf([head], [base], 0.03)).toBe('regression');
  });
});

describe('what is compared', () => {
  test('a warm run (dependencies from the cache) against a cold baseline compares only the common crates', () => {
    const cold = record({ crates: { ...workspace, ...deps } });
    const warm = record({ crates: workspace });
    const c = compareRecords([warm], [cold], { threshold: null })!;
    expect(verdictOf([warm], [cold])).toBe('unchanged');
    expect(c.onlyBase).toEqual(['memchr', 'regex', 'serde']);
    expect(c.onlyHead).toEqual([]);
    expect(c.total.change).toBeCloseTo(0, 5);
  });

  test('new crates are listed, not counted as a regression of the common set', () => {
    const c = compareRecords([record({ crates: { ...workspace, 'ws-new': 30 } })], [record({ crates: workspace })], {
      threshold: null,
    })!;
    expect(c.onlyHead).toEqual(['ws-new']);
    expect(c.total.change).toBeCloseTo(0, 5);
  });

  test('metric choice: instructions, else CPU, else wall', () => {
    expect(chooseMetric([record({ crates: workspace, instructions: true })])).toBe('instructions');
    expect(chooseMetric([record({ crates: workspace, instructions: true }), record({ crates: workspace })])).toBe(
      'cpu',
    );
    expect(chooseMetric([record({ crates: workspace, wrapper: false }), record({ crates: workspace })])).toBe('wall');
    expect(DEFAULT_THRESHOLDS.instructions).toBeLessThan(DEFAULT_THRESHOLDS.cpu);
  });

  test('different toolchains get a note', () => {
    const head = record({ crates: workspace });
    head.toolchain.release = '1.96.0';
    const c = compareRecords([head], [record({ crates: workspace })], { threshold: null })!;
    expect(c.notes.join(' ')).toMatch(/rustc differs/);
  });

  test('no baseline, no comparison', () => {
    expect(compareRecords([record({ crates: workspace })], [], { threshold: null })).toBeNull();
  });
});
