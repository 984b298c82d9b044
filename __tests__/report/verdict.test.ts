// What a comparison can honestly claim (src/report/verdict.ts), on synthetic records: noise,
// heavy-tailed noise, a CPU-model switch, cold against warm, tiny totals, and real slowdowns.
import type { HistoryEntry, RunRecord } from '../../src/record.js';
import { compareRecords } from '../../src/report/compare.js';
import { learnNoise } from '../../src/report/noise.js';
import { agreeing } from '../../src/report/evaluate.js';
import { historyEntry } from '../../src/report/store.js';
import { upperFence } from '../../src/report/stats.js';
import { MIN_OBSERVATIONS } from '../../src/report/thresholds.js';
import { decide, settles } from '../../src/report/verdict.js';
import { record, rng, type RecordSpec } from '../helpers/records.js';

const workspace = { 'ws-app': 2.0, 'ws-core': 3.0, 'ws-util': 1.2, 'ws-macros': 0.8 };

function judge(head: RunRecord[], base: RunRecord[], history: HistoryEntry[] = [], threshold: number | null = null) {
  const c = compareRecords(head, base, { threshold, history })!;
  return decide(c, head, base, { threshold, history });
}

/** Records as the default branch would keep them: same inputs (fingerprints), one run after another. */
function history(
  n: number,
  spec: Omit<RecordSpec, 'crates'>,
  cpuModel = 'cpu',
  mutate: (r: RunRecord) => void = () => {},
): HistoryEntry[] {
  return Array.from({ length: n }, (_, i) => {
    const r = record({ crates: workspace, ...spec });
    mutate(r);
    r.crates.forEach((c) => (c.inputFingerprint = `fp-${c.crate}`));
    return { ...historyEntry(r), createdAt: `2026-11-${String(1 + i).padStart(2, '0')}T00:00:00Z`, cpuModel };
  }).reverse();
}

/** Heavy tails: one run in ten is 25% slower as a whole (a noisy neighbour on the runner). */
function spiky(rand: () => number): (r: RunRecord) => RunRecord {
  return (r) => {
    if (rand() >= 0.1) return r;
    for (const c of r.crates) {
      c.cpuSeconds = (c.cpuSeconds ?? 0) * 1.25;
      c.wallSeconds *= 1.25;
    }
    return r;
  };
}

const looks = [3, 5, 7, 9, 12, 15];

/** What baseline auto does: alternate samples, look at 3, 5, 7, 9, 12 and 15 per side, stop once settled. */
function confirmSequentially(
  rand: () => number,
  head: (rand: () => number) => RunRecord,
  base: (rand: () => number) => RunRecord,
) {
  const [h, b]: RunRecord[][] = [[], []];
  let decision = null;
  for (const n of looks) {
    while (h.length < n) {
      b.push(base(rand));
      h.push(head(rand));
    }
    const c = compareRecords(h, b, { threshold: null, history: [] })!;
    decision = decide(c, h, b, { threshold: null, history: [] });
    if (settles(c, decision)) break;
  }
  return { decision: decision!, samples: h.length };
}

describe('one sample per side', () => {
  test('a crate that moved on its own is worth confirming even when the total is within the noise', () => {
    const crates = { 'ws-big': 2.0, 'ws-a': 6.0, 'ws-b': 6.0 };
    const d = judge([record({ crates: { ...crates, 'ws-big': 2.6 } })], [record({ crates })]);
    expect(d.change!).toBeLessThan(0.1);
    expect(d.suggestsChange).toBe(true);
    expect(d.verdict).toBe('inconclusive');
    expect(d.sentence).toMatch(
      /within the noise in total .*, but ws-big \+30\.0% moved on its own: one sample per side cannot tell that from noise\./,
    );
  });

  test('a suggested change worth less than half a second of CPU time asks for no confirming rebuild', () => {
    const crates = { 'ws-big': 1.0, 'ws-a': 3.0, 'ws-b': 3.0 };
    const small = judge([record({ crates: { ...crates, 'ws-big': 1.3 } })], [record({ crates })]);
    expect(small.verdict).toBe('inconclusive');
    expect(small.suggestsChange).toBe(false);
    const tiny = judge([record({ crates: { 'ws-a': 0.14 } })], [record({ crates: { 'ws-a': 0.1 } })]);
    expect(tiny.suggestsChange).toBe(false);
  });

  test('without history, nothing beyond the default threshold is claimed: it is inconclusive, with what would conclude it', () => {
    const rand = rng(3);
    for (let i = 0; i < 200; i++) {
      // Noise as measured between runs on shared runners: up to about ±20% between two runs.
      const d = judge(
        [record({ crates: workspace, rand, noise: 0.04, runNoise: 0.07 })],
        [record({ crates: workspace, rand, noise: 0.04, runNoise: 0.07 })],
      );
      expect(['unchanged', 'inconclusive']).toContain(d.verdict);
      if (d.verdict === 'inconclusive') {
        expect(d.reason).toBe('too-few-samples');
        expect(d.toConclude).toMatch(/baseline: auto or rebuild/);
      }
    }
    expect(judge([record({ crates: workspace })], [record({ crates: workspace })]).noise.source).toBe('default');
  });

  test('one sample per side and no noise history: even a large change is not claimed, and the sentence does not call it beyond the noise', () => {
    const d = judge([record({ crates: { ...workspace, 'ws-core': 5.0 } })], [record({ crates: workspace })]);
    expect(d.change!).toBeGreaterThan(0.25);
    expect(d.verdict).toBe('inconclusive');
    expect(d.reason).toBe('too-few-samples');
    expect(d.suggestsChange).toBe(true);
    expect(d.sentence).not.toMatch(/beyond the noise/);
    expect(d.sentence).toMatch(
      /one sample per side cannot tell it from noise until this repository has a noise history \(0 of \d+ pairs/,
    );
  });

  test('a learned noise band wider than any change worth reporting makes a small change inconclusive, not unchanged', () => {
    const rand = rng(9);
    // A history whose runs swing by up to ±60%: its fence is far above 30%.
    const past = history(30, { rand, noise: 0.05, runNoise: 0.3 });
    const d = judge([record({ crates: workspace })], [record({ crates: { ...workspace, 'ws-util': 1.25 } })], past);
    expect(d.noise.source).toBe('history');
    expect(d.noise.threshold).toBeGreaterThan(0.3);
    expect(d.verdict).toBe('inconclusive');
    expect(d.sentence).toMatch(
      /is wider than any change worth reporting \(30%\), so it cannot say whether anything changed/,
    );
  });

  test('with enough unchanged history, the threshold is learned from it, and the report says from how many pairs', () => {
    const rand = rng(5);
    const past = history(30, { rand, noise: 0.02, runNoise: 0.02 });
    const d = judge(
      [record({ crates: workspace, rand, noise: 0.02, runNoise: 0.02 })],
      [record({ crates: workspace, rand, noise: 0.02, runNoise: 0.02 })],
      past,
    );
    expect(d.noise.source).toBe('history');
    expect(d.noise.observations).toBe(29);
    expect(d.noise.threshold).toBeLessThan(0.1);
    expect(d.sentence).toMatch(/learned from 29 pairs of unchanged runs/);
  });

  test('heavy-tailed history: a noisy neighbour now and then does not blow the threshold up', () => {
    const rand = rng(11);
    const obs = learnNoise(history(30, { rand, noise: 0.03, runNoise: 0.03 }, 'cpu', spiky(rng(12))), 'cpu').total;
    // The spikes are in the observations (about ±25%), but the fence stays well below them.
    expect(Math.max(...obs)).toBeGreaterThan(0.15);
    expect(upperFence(obs)).toBeLessThan(0.15);
  });

  test('a clear slowdown against learned noise is a regression, and the sentence gives the numbers', () => {
    const rand = rng(13);
    const past = history(30, { rand, noise: 0.02, runNoise: 0.02 });
    const base = record({ crates: workspace, rand, noise: 0.02 });
    const head = record({ crates: { ...workspace, 'ws-core': 3.0 * 1.6 }, rand, noise: 0.02 });
    const d = judge([head], [base], past);
    expect(d.verdict).toBe('regression');
    expect(d.sentence).toMatch(
      /CPU time of the 4 crates compiled on both sides \(1 sample per side\) changed by \+\d+\.\d%, beyond the noise/,
    );
  });

  test('pairs learn only from identical inputs on the same CPU model', () => {
    const past = history(12, { noise: 0 });
    past[3]!.crates.forEach((c) => (c.inputFingerprint = 'changed'));
    past[6]!.cpuModel = 'other';
    // 11 pairs, minus the two touching the changed run's crates and the two across the model switch.
    expect(learnNoise(past, 'cpu').total.length).toBe(7);
    expect(MIN_OBSERVATIONS).toBeGreaterThan(7);
  });
});

describe('comparisons the evidence cannot carry', () => {
  test('another CPU model without calibration is inconclusive; with it, the baseline is scaled and a same-code run is unchanged', () => {
    const base = record({ crates: workspace });
    const head = record({ crates: Object.fromEntries(Object.entries(workspace).map(([k, v]) => [k, v * 0.8])) });
    head.runner.cpuModel = 'AMD EPYC 9V74';
    base.runner.cpuModel = 'AMD EPYC 7763';
    const without = judge([head], [base], [], 0.1);
    expect(without.verdict).toBe('inconclusive');
    expect(without.reason).toBe('cpu-model');
    base.calibration = { cpuSeconds: 0.5, runs: 3, spread: 0.02 };
    head.calibration = { cpuSeconds: 0.4, runs: 3, spread: 0.02 };
    const calibrated = judge([head], [base], [], 0.1);
    expect(calibrated.verdict).toBe('unchanged');
    expect(calibrated.calibrationRatio).toBeCloseTo(0.8);
  });

  test('a cold baseline (crates compiled beside their dependencies) against a warm run is inconclusive', () => {
    const base = record({ crates: workspace });
    const head = record({ crates: Object.fromEntries(Object.entries(workspace).map(([k, v]) => [k, v * 0.8])) });
    base.crates.forEach((c) => (c.contention = 2.6));
    head.crates.forEach((c) => (c.contention = 0.1));
    const d = judge([head], [base], [], 0.1);
    expect(d.verdict).toBe('inconclusive');
    expect(d.reason).toBe('contention');
    expect(d.toConclude).toMatch(/rebuilding the base here/);
  });

  test('totals too small to time are inconclusive, not a 40% change', () => {
    const d = judge([record({ crates: { 'ws-a': 0.14 } })], [record({ crates: { 'ws-a': 0.1 } })], [], 0.1);
    expect(d.verdict).toBe('inconclusive');
    expect(d.reason).toBe('under-floor');
  });

  test('nothing compiled on both sides is inconclusive', () => {
    const d = judge([record({ crates: { 'ws-a': 1 } })], [record({ crates: { 'ws-b': 1 } })]);
    expect(d.reason).toBe('nothing-compared');
  });

  test('a documentation-only pull request: every crate fresh with the baseline inputs is exactly unchanged', () => {
    const base = record({ crates: { 'ws-a': 1, 'ws-b': 2 } });
    base.crates.forEach((c) => (c.inputFingerprint = `fp-${c.crate}`));
    const head = record({ crates: {} });
    const fresh = (crate: string, fingerprint: string | null) => ({
      crate,
      version: '1.0.0',
      workspaceMember: true,
      inputFingerprint: fingerprint,
      work: null,
    });
    head.freshCrates = [fresh('ws-a', 'fp-ws-a'), fresh('ws-b', 'fp-ws-b')];
    const d = judge([head], [base]);
    expect(d.verdict).toBe('unchanged');
    expect(d.reason).toBeNull();
    expect(d.change).toBe(0);
    expect(d.identicalInputs).toEqual({ crates: 2, fresh: 2 });
    expect(d.sentence).toBe(
      "No crate this build covers changed: 2 of 2 crates fresh from the cache with inputs identical to the baseline's, so its compile time and code are the same by construction.",
    );
    // One crate whose inputs changed (or cannot be proven) is never called unchanged by construction.
    head.freshCrates = [fresh('ws-a', 'fp-ws-a'), fresh('ws-b', 'other')];
    expect(judge([head], [base]).reason).toBe('nothing-compared');
    head.freshCrates = [fresh('ws-a', 'fp-ws-a'), fresh('ws-b', null)];
    expect(judge([head], [base]).identicalInputs).toBeUndefined();
  });

  test('sides that emitted different output for compile work are inconclusive (measurement), even far apart; alike they compare', () => {
    const emitting = (emitted: RunRecord['measurement']['compileWork'], cpu: number) => {
      const r = record({ crates: { 'ws-a': cpu } });
      r.measurement.compileWork = emitted;
      return r;
    };
    const d = judge([emitting('llvm-bc', 2)], [emitting('llvm-ir', 1)], [], 0.1);
    expect(d.verdict).toBe('inconclusive');
    expect(d.reason).toBe('measurement');
    expect(d.sentence).toMatch(/this run emitted LLVM bitcode, the baseline printed LLVM IR/);
    expect(judge([emitting('llvm-bc', 2)], [emitting(false, 1)], [], 0.1).reason).toBe('measurement');
    expect(judge([emitting('llvm-bc', 2)], [emitting('llvm-bc', 1)], [], 0.1).reason).not.toBe('measurement');
  });
});

describe('several samples per side on one machine (rebuild, or auto confirming)', () => {
  const side = (
    rand: () => number,
    crates: Record<string, number> = workspace,
    mutate: (r: RunRecord) => RunRecord = (r) => r,
  ) => [1, 2, 3].map(() => mutate(record({ crates, rand, noise: 0.02, runNoise: 0.015 })));

  test('A/A: never a claim in 300 comparisons, heavy tails included', () => {
    const rand = rng(17);
    const tails = spiky(rng(18));
    const verdicts = new Set<string>();
    for (let i = 0; i < 300; i++)
      verdicts.add(judge(side(rand, workspace, tails), side(rand, workspace, tails)).verdict);
    expect([...verdicts].filter((v) => v === 'regression' || v === 'improvement')).toEqual([]);
  });

  test('one crate 25% slower, 30% of the compared time, is a regression in at least 4 of 5 runs', () => {
    const rand = rng(19);
    const crates = { 'ws-big': 2.1, 'ws-a': 2.5, 'ws-b': 2.4 };
    let detected = 0;
    const one = (crates: Record<string, number>) => (r: () => number) =>
      record({ crates, rand: r, noise: 0.02, runNoise: 0.015 });
    for (let i = 0; i < 5; i++)
      if (
        confirmSequentially(rand, one({ ...crates, 'ws-big': 2.1 * 1.25 }), one(crates)).decision.verdict ===
        'regression'
      )
        detected++;
    expect(detected).toBeGreaterThanOrEqual(4);
  });
});

describe('confirming on a noisy machine: more samples while they leave the question open', () => {
  // The noise measured on the bench's 2-core VM: about ±12% per crate and build (sd), half of it
  // shared by the whole build (the machine is faster or slower for a while).
  const noisy = (crates: Record<string, number>) => (rand: () => number) =>
    record({ crates, rand, noise: 0.16, runNoise: 0.14 });
  const crates = { tables: 1.0, finder: 0.7, cli: 0.45, report: 0.16 };
  test('A/A: never a claim in 300 sequential confirmations, heavy tails included', () => {
    const rand = rng(41);
    const tails = spiky(rng(42));
    const claims = [];
    for (let i = 0; i < 300; i++) {
      const { decision } = confirmSequentially(
        rand,
        (r) => tails(noisy(crates)(r)),
        (r) => tails(noisy(crates)(r)),
      );
      if (decision.verdict === 'regression' || decision.verdict === 'improvement') claims.push(decision.sentence);
    }
    expect(claims).toEqual([]);
  });

  test('one crate 25% slower at about 45% of the compared time: a regression in at least 4 of 5, with more samples than the first three', () => {
    const rand = rng(43);
    let detected = 0;
    const used: number[] = [];
    for (let i = 0; i < 50; i++) {
      const { decision, samples } = confirmSequentially(rand, noisy({ ...crates, tables: 1.25 }), noisy(crates));
      if (decision.verdict === 'regression') detected++;
      used.push(samples);
    }
    expect(detected).toBeGreaterThanOrEqual(40);
    expect(Math.max(...used)).toBeGreaterThan(3);
  });
});

describe('auto: the rebuild decides, whatever the cached baseline suggested', () => {
  test('a rebuild that finds the opposite direction overrules the one-sample suggestion, and the report says they disagreed', () => {
    const rand = rng(23);
    const cached = judge(
      [record({ crates: workspace, rand })],
      [record({ crates: Object.fromEntries(Object.entries(workspace).map(([k, v]) => [k, v / 1.187])), rand })],
      [],
      0.1,
    );
    expect(cached.change!).toBeGreaterThan(0.1);
    const side = (k: number) =>
      [1, 2, 3].map(() =>
        record({
          crates: Object.fromEntries(Object.entries(workspace).map(([n, v]) => [n, v * k])),
          rand,
          noise: 0.005,
        }),
      );
    const rebuilt = judge(side(0.89), side(1));
    expect(rebuilt.verdict).toBe('improvement');
    const final = agreeing(cached, rebuilt)!;
    expect(final.verdict).toBe('improvement');
    expect(final.sentence).toMatch(
      /The cached baseline had suggested \+\d+\.\d%: one sample per side from two runners, which the samples taken here overrule\./,
    );
    // Agreement passes through unchanged.
    expect(agreeing(cached, judge(side(1.2), side(1)))!.verdict).toBe('regression');
  });
});

describe('crate evidence with samples on one machine', () => {
  test('a crate that clearly moved is claimed when noisy neighbours hide it in the total', () => {
    const rand = rng(29);
    // `ws-noisy` jitters by ±25% per sample; `ws-big` is steady and 40% slower in the head.
    const sample = (big: number) => {
      const r = record({ crates: { 'ws-big': big, 'ws-a': 1.0 }, rand, noise: 0.01 });
      r.crates.push({
        ...r.crates[1]!,
        crate: 'ws-noisy',
        cpuSeconds: 4 * (1 + (rand() * 2 - 1) * 0.25),
        wallSeconds: 4,
      });
      return r;
    };
    const { decision: d } = confirmSequentially(
      rand,
      () => sample(1.4),
      () => sample(1.0),
    );
    expect(d.verdict).toBe('regression');
    expect(d.sentence).toMatch(/^ws-big \+\d+\.\d%: beyond the smallest change \d+ samples per side/);
    expect(d.consistencyNote).toMatch(/rests on this crate/);
  });

  test('A/A with many crates: never a claim in 300 comparisons', () => {
    const rand = rng(31);
    const crates = Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`ws-c${i}`, 0.5 + (i % 4) * 0.4]));
    const side = () => [1, 2, 3].map(() => record({ crates, rand, noise: 0.05, runNoise: 0.03 }));
    const verdicts = new Set<string>();
    for (let i = 0; i < 300; i++) verdicts.add(judge(side(), side()).verdict);
    expect([...verdicts].filter((v) => v === 'regression' || v === 'improvement')).toEqual([]);
  });
});
