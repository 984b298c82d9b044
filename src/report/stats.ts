// Order statistics for small samples, and how two sets of samples are told apart. Pure.

export const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

/** rustc-perf's upper fence over absolute relative changes: Q3 + 3·(Q3 − Q1). */
export function upperFence(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const half = Math.floor(s.length / 2);
  const q1 = median(s.slice(0, half));
  const q3 = median(s.slice(s.length % 2 ? half + 1 : half));
  return q3 + 3 * (q3 - q1);
}

/**
 * Two-sided critical values of Student's t at α = 0.001, by degrees of freedom (1–30; beyond,
 * 3.29, the normal's). Strict on purpose: a sample set is looked at several times while it grows,
 * and a crate row is one of several tests in a report.
 */
const T_CRITICAL_0001 = [
  636.6, 31.6, 12.92, 8.61, 6.869, 5.959, 5.408, 5.041, 4.781, 4.587, 4.437, 4.318, 4.221, 4.14, 4.073, 4.015, 3.965,
  3.922, 3.883, 3.85, 3.819, 3.792, 3.768, 3.745, 3.725, 3.707, 3.69, 3.674, 3.659, 3.646,
];

export const tCritical = (df: number): number => (df < 1 ? Infinity : (T_CRITICAL_0001[Math.floor(df) - 1] ?? 3.291));

const mean = (xs: number[]) => xs.reduce((a, x) => a + x, 0) / xs.length;
const variance = (xs: number[]) => {
  const m = mean(xs);
  return xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1);
};

/**
 * Welch's t-test on the logarithms of two sets of positive samples (times are multiplicative:
 * a slower machine scales every value). Returns the relative change of the geometric means and
 * the smallest relative change these samples could tell from noise (the critical t times the
 * standard error); null with fewer than two samples on a side.
 */
export function logShift(
  base: number[],
  head: number[],
): { change: number; t: number; critical: number; detectable: number } | null {
  if (base.length < 2 || head.length < 2 || [...base, ...head].some((x) => !(x > 0))) return null;
  const [lb, lh] = [base.map(Math.log), head.map(Math.log)];
  const [vb, vh] = [variance(lb) / lb.length, variance(lh) / lh.length];
  const se = Math.sqrt(vb + vh);
  // Welch–Satterthwaite degrees of freedom (rounded down: the stricter critical value).
  const df =
    se > 0 ? (vb + vh) ** 2 / (vb ** 2 / (lb.length - 1) + vh ** 2 / (lh.length - 1)) : lb.length + lh.length - 2;
  const diff = mean(lh) - mean(lb);
  const critical = tCritical(df);
  return {
    change: Math.exp(diff) - 1,
    t: se > 0 ? diff / se : diff === 0 ? 0 : Infinity * Math.sign(diff),
    critical,
    detectable: Math.exp(critical * se) - 1,
  };
}

export interface Side {
  /** Median over samples. */
  value: number;
  min: number;
  max: number;
  samples: number;
  /** Every sample's value, in run order. */
  values: number[];
}

/** One side of a comparison: its samples, their median and range. */
export function side(values: number[]): Side {
  return { value: median(values), min: Math.min(...values), max: Math.max(...values), samples: values.length, values };
}

/** Relative spread of one side's samples (0 with one sample). */
export const relativeRange = (s: Side) => (s.samples > 1 && s.value > 0 ? (s.max - s.min) / s.value : 0);

/** Samples per side from which the t-test alone judges them (fewer must also lie wholly apart). */
export const T_TEST_FROM = 5;

/**
 * The noise of a comparison with samples on both sides, as a relative change. With three or
 * more per side: the smallest change a t-test on their logarithms tells from noise at α = 0.001
 * (it narrows as samples are added), and under five never below twice the larger relative range.
 * With two: twice that range.
 */
export function sampleNoise(base: Side, head: Side): number {
  const n = Math.min(base.samples, head.samples);
  const range = 2 * Math.max(relativeRange(base), relativeRange(head));
  const shift = n >= 3 ? logShift(base.values, head.values) : null;
  if (!shift) return range;
  return n >= T_TEST_FROM ? shift.detectable : Math.max(range, shift.detectable);
}

/**
 * Whether the two sides' samples tell a difference: one sample per side always "does" (the
 * threshold has to carry it); two must lie wholly apart; three or more must pass a t-test on
 * their logarithms (α = 0.001), and under five also lie wholly apart. (Three samples apart by
 * chance are common enough on a noisy runner: the bench's VM showed it.)
 */
export function samplesSeparate(base: Side, head: Side, scale = 1): boolean {
  const n = Math.min(base.samples, head.samples);
  if (n < 2) return true;
  const apart = head.min > base.max * scale || head.max < base.min * scale;
  if (n < 3) return apart;
  const shift = logShift(
    base.values.map((v) => v * scale),
    head.values,
  );
  return (apart || n >= T_TEST_FROM) && shift !== null && Math.abs(shift.t) > shift.critical;
}
