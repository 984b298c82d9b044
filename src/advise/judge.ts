// What the samples of a candidate, against the current settings' samples of the same rounds, can
// honestly support: with the time verdict's machinery (src/report/stats.ts: the sides' noise,
// their separation; src/report/thresholds.ts: the floors), a metric is better or worse only
// beyond the noise, by more than the timing floor, with the samples apart; "no measurable
// effect" only when everything the samples allow lies within a small band; else inconclusive.
// A candidate wins when its profile's goal got better and nothing got worse that is not the
// known price of the setting. Pure.
import { formatChange } from '../format.js';
import { sampleNoise, samplesSeparate, side } from '../report/stats.js';
import { ABSOLUTE_FLOORS, DEFAULT_THRESHOLDS, SAMPLE_FLOORS } from '../report/thresholds.js';
import { ADVICE_METRICS, type AdviceMetric, type Candidate, type ProfileKind, type Samples } from './model.js';

export type Effect = 'better' | 'worse' | 'no-effect' | 'inconclusive' | 'not-measured';

export interface MetricResult {
  effect: Effect;
  /** Relative change of the candidate's median against the current settings' median; null when not compared. */
  change: number | null;
  /** The current settings' median, and the candidate's. */
  base: number | null;
  head: number | null;
  /** Why, in a few words. */
  why: string;
}

/** No claim, either way, from fewer rounds than this. */
export const MIN_ROUNDS = 2;

interface MetricSpec {
  /** Same-machine samples are never judged finer than this (relative). */
  sampleFloor: number;
  /** "No measurable effect": everything the samples allow lies within ± this (relative)… */
  band: number;
  /** …or within this much in the metric's unit; and a smaller difference is never called a change. */
  absolute: number;
  /** Deterministic: equal samples on each side are compared exactly. */
  exact?: boolean;
}

const WALL: MetricSpec = {
  sampleFloor: SAMPLE_FLOORS.wall,
  band: DEFAULT_THRESHOLDS.wall,
  absolute: ABSOLUTE_FLOORS.wall,
};
const CPU: MetricSpec = { sampleFloor: SAMPLE_FLOORS.cpu, band: DEFAULT_THRESHOLDS.cpu, absolute: ABSOLUTE_FLOORS.cpu };

const SPECS: Record<AdviceMetric, MetricSpec> = {
  cold: WALL,
  coldCpu: CPU,
  warm: WALL,
  // A rustc process's peak memory moves by a few percent run to run; 8 MiB is below anything worth a setting.
  memory: { sampleFloor: 0.05, band: 0.1, absolute: 8 * 1024 },
  // Bytes are exact, but a change under 1% is no reason to change a setting.
  size: { sampleFloor: 0.01, band: 0.01, absolute: 0, exact: true },
  runtime: WALL,
};

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

/** One metric: the candidate's samples against the current settings' (lower is better for every metric). */
export function judgeMetric(metric: AdviceMetric, base: number[], head: number[]): MetricResult {
  if (base.length === 0 || head.length === 0)
    return { effect: 'not-measured', change: null, base: null, head: null, why: 'not measured' };
  const spec = SPECS[metric];
  const [b, h] = [side(base), side(head)];
  const shown = { change: b.value > 0 ? h.value / b.value - 1 : null, base: b.value, head: h.value };
  const change = shown.change;
  if (change === null) return { effect: 'inconclusive', ...shown, why: 'the current settings measured 0' };
  if (spec.exact && b.min === b.max && h.min === h.max) {
    if (Math.abs(change) < spec.band)
      return { effect: 'no-effect', ...shown, why: change === 0 ? 'identical' : `under ${pct(spec.band)}` };
    return { effect: change < 0 ? 'better' : 'worse', ...shown, why: 'exact' };
  }
  const rounds = Math.min(b.samples, h.samples);
  if (rounds < MIN_ROUNDS)
    return { effect: 'inconclusive', ...shown, why: `${rounds} round per side; a claim needs ${MIN_ROUNDS}` };
  const noise = Math.max(spec.sampleFloor, sampleNoise(b, h));
  if (Math.abs(change) > noise && Math.abs(h.value - b.value) >= spec.absolute && samplesSeparate(b, h))
    return { effect: change < 0 ? 'better' : 'worse', ...shown, why: `beyond the noise (±${pct(noise)})` };
  // What the samples allow: the change's interval, ± the noise on the ratio's log scale (never below −100%).
  const [low, high] = [(1 + change) / (1 + noise) - 1, (1 + change) * (1 + noise) - 1];
  const reach = Math.max(-low, high);
  if (reach <= spec.band) return { effect: 'no-effect', ...shown, why: `within ±${pct(spec.band)}` };
  if (reach * b.value < spec.absolute)
    return { effect: 'no-effect', ...shown, why: 'under what can be timed reliably' };
  return {
    effect: 'inconclusive',
    ...shown,
    why: `the samples allow anything from ${formatChange(low)} to ${formatChange(high)}`,
  };
}

/**
 * What a profile is tuned for, first goal first: a dev profile for the rebuild after an edit, then
 * the cold build; a release profile for its runtime when advise-run measures it, else for a
 * cheaper build and a smaller output.
 */
export function goalsOf(kind: ProfileKind, runtimeMeasured: boolean): AdviceMetric[] {
  if (kind === 'dev') return ['warm', 'cold'];
  return runtimeMeasured ? ['runtime'] : ['coldCpu', 'size'];
}

export type Verdict = 'win' | 'trade-off' | 'worse' | 'no-effect' | 'inconclusive' | 'failed';

export interface CandidateJudgement {
  verdict: Verdict;
  metrics: Record<AdviceMetric, MetricResult>;
  /** The goal that got better (win, trade-off). */
  goal: AdviceMetric | null;
  /** Metrics worse with evidence that are not the setting's known price. */
  worse: AdviceMetric[];
}

export function judgeCandidate(
  candidate: Candidate,
  current: Samples,
  samples: Samples,
  goals: AdviceMetric[],
): CandidateJudgement {
  const metrics = Object.fromEntries(
    ADVICE_METRICS.map((m) => [m, judgeMetric(m, current[m], samples[m])]),
  ) as CandidateJudgement['metrics'];
  const goal = goals.find((m) => metrics[m].effect === 'better') ?? null;
  const worse = ADVICE_METRICS.filter((m) => metrics[m].effect === 'worse' && !candidate.costs.includes(m));
  const verdict = verdictOf(metrics, goals, goal, worse);
  return { verdict, metrics, goal, worse };
}

function verdictOf(
  metrics: CandidateJudgement['metrics'],
  goals: AdviceMetric[],
  goal: AdviceMetric | null,
  worse: AdviceMetric[],
): Verdict {
  if (goal) return worse.length ? 'trade-off' : 'win';
  const measured = goals.filter((m) => metrics[m].effect !== 'not-measured');
  if (worse.length || measured.some((m) => metrics[m].effect === 'worse')) return 'worse';
  if (measured.length > 0 && measured.every((m) => metrics[m].effect === 'no-effect')) return 'no-effect';
  return 'inconclusive';
}

/**
 * The settings to adopt: every winner's, the bigger gain first where two set the same key (each
 * was measured alone; the other is left out and named).
 */
export function adopted<T extends Candidate & CandidateJudgement>(results: T[]): { winners: T[]; leftOut: T[] } {
  const gain = (r: T) => r.metrics[r.goal!].change ?? 0;
  const taken = new Set<string>();
  const winners: T[] = [];
  const leftOut: T[] = [];
  for (const r of results.filter((x) => x.verdict === 'win').sort((a, b) => gain(a) - gain(b))) {
    const keys = r.settings.map((s) => JSON.stringify([...s.table, s.key]));
    if (keys.some((k) => taken.has(k))) leftOut.push(r);
    else {
      keys.forEach((k) => taken.add(k));
      winners.push(r);
    }
  }
  return { winners, leftOut };
}
