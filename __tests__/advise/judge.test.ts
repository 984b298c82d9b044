// The advisor's judgement on controlled samples: a clear win, a clear loss, no measurable effect,
// too few or too noisy samples (inconclusive), exact sizes, the timing floor, a setting's known
// price, and which winners' settings are adopted when two set the same key.
import { adopted, goalsOf, judgeCandidate, judgeMetric } from '../../src/advise/judge.js';
import type { Candidate, Samples } from '../../src/advise/model.js';

const samples = (over: Partial<Samples> = {}): Samples => ({
  cold: [20, 20.4, 19.8, 20.1, 20.2],
  coldCpu: [38, 38.5, 37.9, 38.2, 38.1],
  warm: [4, 4.05, 3.98, 4.02, 4.01],
  memory: [512_000, 514_000, 511_000, 513_000, 512_500],
  size: [8_000_000, 8_000_000, 8_000_000, 8_000_000, 8_000_000],
  runtime: [],
  ...over,
});

const candidate = (costs: Candidate['costs'] = []): Candidate => ({
  id: 'x',
  label: 'x = 1',
  settings: [{ table: ['profile', 'dev'], key: 'x', value: 1 }],
  costs,
  note: null,
});

describe('one metric', () => {
  test('a clear win and a clear loss: beyond the noise, the samples apart', () => {
    const better = judgeMetric('warm', [4, 4.05, 3.98, 4.02, 4.01], [3.2, 3.25, 3.18, 3.22, 3.21]);
    expect(better).toEqual(expect.objectContaining({ effect: 'better', base: 4.01, head: 3.21 }));
    expect(better.change).toBeCloseTo(-0.1995, 3);
    expect(judgeMetric('cold', [20, 20.4, 19.8], [26, 26.3, 25.9]).effect).toBe('worse');
  });

  test('no measurable effect: everything the samples allow lies within the band', () => {
    const r = judgeMetric('cold', [20, 20.4, 19.8, 20.1, 20.2], [20.1, 20.3, 19.9, 20.0, 20.2]);
    expect(r).toEqual(expect.objectContaining({ effect: 'no-effect', why: 'within ±20.0%' }));
  });

  test('inconclusive: one round, or samples too noisy to tell a change from none', () => {
    expect(judgeMetric('warm', [4], [2])).toEqual(
      expect.objectContaining({ effect: 'inconclusive', why: '1 round per side; a claim needs 2' }),
    );
    const noisy = judgeMetric('cold', [12, 20], [13, 21]);
    expect(noisy.effect).toBe('inconclusive');
    expect(noisy.why).toMatch(/^the samples allow anything from −?-?\d/);
  });

  test('two rounds carry a claim only when the samples lie wholly apart', () => {
    expect(judgeMetric('cold', [20, 20.5], [15, 15.2]).effect).toBe('better');
    expect(judgeMetric('cold', [20, 30], [15, 21]).effect).toBe('inconclusive');
  });

  test('under the timing floor a difference is never a change, and a small enough build has no measurable effect', () => {
    expect(judgeMetric('warm', [0.1, 0.11, 0.1], [0.05, 0.051, 0.05])).toEqual(
      expect.objectContaining({ effect: 'no-effect', why: 'under what can be timed reliably' }),
    );
  });

  test('sizes are exact: equal is no effect, a change under 1% too, more is a claim', () => {
    expect(judgeMetric('size', [100, 100], [100, 100])).toEqual(
      expect.objectContaining({ effect: 'no-effect', why: 'identical' }),
    );
    expect(judgeMetric('size', [1000, 1000], [1005, 1005]).effect).toBe('no-effect');
    expect(judgeMetric('size', [1000], [500])).toEqual(expect.objectContaining({ effect: 'better', why: 'exact' }));
  });

  test('not measured on either side', () => {
    expect(judgeMetric('runtime', [], [1, 2]).effect).toBe('not-measured');
  });
});

describe('a candidate', () => {
  const goals = goalsOf('dev', false);

  test("the goals: dev's warm rebuild then cold build; release's runtime, or its build CPU and size", () => {
    expect(goals).toEqual(['warm', 'cold']);
    expect(goalsOf('release', true)).toEqual(['runtime']);
    expect(goalsOf('release', false)).toEqual(['coldCpu', 'size']);
  });

  test('a clear win: the goal better, nothing worse', () => {
    const j = judgeCandidate(candidate(), samples(), samples({ warm: [3.2, 3.25, 3.18, 3.22, 3.21] }), goals);
    expect(j).toEqual(expect.objectContaining({ verdict: 'win', goal: 'warm', worse: [] }));
    expect(j.metrics.cold.effect).toBe('no-effect');
    expect(j.metrics.runtime.effect).toBe('not-measured');
  });

  test('a clear loss: the goal worse', () => {
    const j = judgeCandidate(candidate(), samples(), samples({ warm: [5, 5.05, 4.98, 5.02, 5.01] }), goals);
    expect(j).toEqual(expect.objectContaining({ verdict: 'worse', goal: null, worse: ['warm'] }));
  });

  test('no measurable effect on the goals is never a win, even with a smaller binary', () => {
    const j = judgeCandidate(candidate(), samples(), samples({ size: [4e6, 4e6, 4e6, 4e6, 4e6] }), goals);
    expect(j.metrics.size.effect).toBe('better');
    expect(j.verdict).toBe('no-effect');
  });

  test('too few samples: inconclusive', () => {
    const one = (s: Samples) => Object.fromEntries(Object.entries(s).map(([k, v]) => [k, v.slice(0, 1)])) as Samples;
    const j = judgeCandidate(candidate(), one(samples()), one(samples({ warm: [3.2] })), goals);
    expect(j.verdict).toBe('inconclusive');
  });

  test("a setting's known price does not count against it; any other worse metric makes a trade-off", () => {
    const slowerCold = samples({ warm: [3.2, 3.25, 3.18, 3.22, 3.21], cold: [26, 26.3, 25.9, 26.1, 26.2] });
    expect(judgeCandidate(candidate(['cold']), samples(), slowerCold, goals).verdict).toBe('win');
    expect(judgeCandidate(candidate(), samples(), slowerCold, goals)).toEqual(
      expect.objectContaining({ verdict: 'trade-off', goal: 'warm', worse: ['cold'] }),
    );
  });
});

describe('the settings adopted', () => {
  test('every winner; of two on the same key the bigger gain, the other left out', () => {
    const judged = (id: string, key: string, warm: number[], verdictSamples = samples({ warm })) => ({
      ...candidate(),
      id,
      settings: [{ table: ['profile', 'dev'], key, value: id }],
      ...judgeCandidate(candidate(), samples(), verdictSamples, goalsOf('dev', false)),
    });
    const small = judged('small', 'debug', [3.2, 3.25, 3.18, 3.22, 3.21]);
    const big = judged('big', 'debug', [2.0, 2.05, 1.98, 2.02, 2.01]);
    const other = judged('other', 'codegen-units', [3.0, 3.05, 2.98, 3.02, 3.01]);
    const none = judged('none', 'incremental', [4, 4.05, 3.98, 4.02, 4.01]);
    const { winners, leftOut } = adopted([small, big, other, none]);
    expect(winners.map((w) => w.id)).toEqual(['big', 'other']);
    expect(leftOut.map((w) => w.id)).toEqual(['small']);
  });
});
