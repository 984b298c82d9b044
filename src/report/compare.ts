// Comparing a run with its baseline so that noise is not called a change. Pure.
//
// What is compared: the cost of the crates compiled on BOTH sides. A warm run (dependencies
// restored from the cache) against a cold baseline compiles fewer crates; comparing totals of
// everything compiled would call the cache an "improvement". Crates compiled on one side only
// are listed, not compared.
//
// Which metric: retired instructions when every record has them (the steadiest: ~1% run to
// run), else CPU time of rustc (user+sys from the wrapper), else wall time (most noisy: it
// also measures scheduling and parallelism).
//
// Noise: a change counts only when it is larger than the metric's threshold AND larger than
// an absolute floor (timer resolution and process start-up). Default thresholds come from
// repeated identical builds (`npm run bench`, docs/report.md): warm A/A runs moved by under 2%
// in CPU time, while whole cold builds on a shared 2-core VM moved by up to ~16% in CPU and
// wall time; hence 10% for CPU and 20% for wall. With several samples per side the threshold is
// never below what those samples can tell from noise, and the sides must separate (samplesSeparate).
import type { CrateCost, HistoryEntry, RunRecord } from '../record.js';
import { learnNoise } from './noise.js';
import {
  ABSOLUTE_FLOORS,
  CRATE_FLOOR_FACTOR,
  CRATE_THRESHOLD_FACTOR,
  DEFAULT_THRESHOLDS,
  MIN_OBSERVATIONS,
  type Metric,
} from './thresholds.js';
import { median, sampleNoise, samplesSeparate, side, upperFence, type Side } from './stats.js';

// The sample statistics live in stats.ts (the profile advisor judges its samples with them too).

export type { Metric } from './thresholds.js';
export type Status = 'regression' | 'improvement' | 'unchanged';

export interface CrateComparison {
  crate: string;
  base: Side;
  head: Side;
  /** (head − base) / base; null when base is 0. */
  change: number | null;
  status: Status;
}

/** The note of a comparison with no crate compiled on both sides (the verdict may still know more: verdict.ts). */
export const NOTHING_COMPARED = 'no crate was compiled on both sides, so there is nothing to compare.';

const RUSTC_DIFFERS = (base: string, head: string) =>
  `rustc differs (base ${base}, this run ${head}): part of any change may be the compiler's.`;
const CPUS_DIFFER = (base: string, head: string) =>
  `the runners' CPUs differ (base: ${base}, this run: ${head}): time metrics are less comparable.`;

/**
 * What was compared, and each crate's own judgement (beyond its threshold or not). The verdict on
 * the whole, with its reasons, is verdict.ts's alone.
 */
export interface Comparison {
  metric: Metric;
  /** The crates compiled on both sides, summed. */
  total: { base: Side; head: Side; change: number | null };
  crates: CrateComparison[];
  onlyHead: string[];
  onlyBase: string[];
  /** Caveats: different toolchain, runner, flags. */
  notes: string[];
  baseWallSeconds: number;
  headWallSeconds: number;
}

export function chooseMetric(records: RunRecord[]): Metric {
  if (records.every((r) => r.measurement.perf && r.totals.instructions !== null)) return 'instructions';
  if (records.every((r) => r.measurement.wrapper && r.totals.cpuSeconds !== null)) return 'cpu';
  return 'wall';
}

export function crateValue(c: CrateCost, metric: Metric): number | null {
  if (metric === 'instructions') return c.instructions;
  if (metric === 'cpu') return c.cpuSeconds;
  return c.wallSeconds;
}

function judge(base: Side, head: Side, threshold: number, floor: number): { status: Status; change: number | null } {
  if (base.value <= 0) return { status: 'unchanged', change: null };
  const change = (head.value - base.value) / base.value;
  const big = Math.abs(change) > threshold && Math.abs(head.value - base.value) > floor;
  if (!big || !samplesSeparate(base, head)) return { status: 'unchanged', change };
  return { status: change > 0 ? 'regression' : 'improvement', change };
}

const crateName = (c: CrateCost) => c.crate;

/** Crates every sample of a side compiled (with a value for the metric). */
function compiledIn(records: RunRecord[], metric: Metric): string[] {
  const sets = records.map((r) => new Set(r.crates.filter((c) => crateValue(c, metric) !== null).map(crateName)));
  return [...sets[0]!].filter((name) => sets.every((s) => s.has(name)));
}

/** The metric summed over the named crates of one record. */
function costOf(record: RunRecord, names: readonly string[], metric: Metric): number {
  return names.reduce(
    (a, name) =>
      a + record.crates.filter((c) => c.crate === name).reduce((x, c) => x + (crateValue(c, metric) ?? 0), 0),
    0,
  );
}

/** What makes the two sides less comparable, in words for the report. */
function comparabilityNotes(h0: RunRecord, b0: RunRecord, commonCount: number): string[] {
  const notes: string[] = [];
  if (h0.toolchain.release !== b0.toolchain.release || h0.toolchain.commitHash !== b0.toolchain.commitHash)
    notes.push(RUSTC_DIFFERS(b0.toolchain.release, h0.toolchain.release));
  if (h0.runner.cpuModel !== b0.runner.cpuModel)
    notes.push(CPUS_DIFFER(b0.runner.cpuModel ?? 'unknown', h0.runner.cpuModel ?? 'unknown'));
  if (h0.flagsHash !== b0.flagsHash) notes.push('the effective RUSTFLAGS differ from the baseline.');
  if (commonCount === 0) notes.push(NOTHING_COMPARED);
  return notes;
}

/**
 * Each crate's threshold: learned from its own unchanged-input history when there is enough,
 * else the default widened (one crate is noisier than a sum), never below its samples' spread.
 */
function compareCrates(
  head: RunRecord[],
  base: RunRecord[],
  common: string[],
  metric: Metric,
  defaultThreshold: number,
  history: HistoryEntry[],
): CrateComparison[] {
  const floor = ABSOLUTE_FLOORS[metric] * CRATE_FLOOR_FACTOR;
  const learned = learnNoise(history, metric).perCrate;
  return common
    .map((name) => {
      const b = side(base.map((r) => costOf(r, [name], metric)));
      const h = side(head.map((r) => costOf(r, [name], metric)));
      const observed = learned.get(name) ?? [];
      const own =
        observed.length >= MIN_OBSERVATIONS ? upperFence(observed) : defaultThreshold * CRATE_THRESHOLD_FACTOR;
      const t = Math.max(own, sampleNoise(b, h));
      return { crate: name, base: b, head: h, ...judge(b, h, t, floor) };
    })
    .sort((a, b) => Math.abs(b.head.value - b.base.value) - Math.abs(a.head.value - a.base.value));
}

export function compareRecords(
  head: RunRecord[],
  base: RunRecord[],
  options: { threshold: number | null; history?: HistoryEntry[] },
): Comparison | null {
  if (head.length === 0 || base.length === 0) return null;
  const metric = chooseMetric([...head, ...base]);
  const headCrates = compiledIn(head, metric);
  const baseCrates = compiledIn(base, metric);
  const common = headCrates.filter((c) => baseCrates.includes(c)).sort();
  const defaultThreshold = options.threshold ?? DEFAULT_THRESHOLDS[metric];
  const baseTotal = side(base.map((r) => costOf(r, common, metric)));
  const headTotal = side(head.map((r) => costOf(r, common, metric)));
  const change = baseTotal.value > 0 ? (headTotal.value - baseTotal.value) / baseTotal.value : null;
  return {
    metric,
    total: { base: baseTotal, head: headTotal, change },
    crates: compareCrates(head, base, common, metric, defaultThreshold, options.history ?? []),
    onlyHead: headCrates.filter((c) => !baseCrates.includes(c)).sort(),
    onlyBase: baseCrates.filter((c) => !headCrates.includes(c)).sort(),
    notes: comparabilityNotes(head[0]!, base[0]!, common.length),
    baseWallSeconds: median(base.map((r) => r.totals.wallSeconds)),
    headWallSeconds: median(head.map((r) => r.totals.wallSeconds)),
  };
}

export const METRIC_LABEL: Record<Metric, string> = {
  instructions: 'instructions',
  cpu: 'CPU time',
  wall: 'wall time',
};
