// The verdict: what the numbers of a comparison (compare.ts) can honestly support. Pure.
//
// A change is called a regression or an improvement only when the evidence can carry it:
// - several samples per side from this machine (rebuild mode, or auto confirming), the ranges
//   apart and the change beyond their own spread; or
// - one sample per side, beyond a threshold learned from this repository's own noise: pairs of
//   earlier default-branch runs in which a crate's inputs were identical (equal input
//   fingerprints) are pure noise observations; the threshold is their upper fence
//   Q3 + 3·IQR, as rustc-perf derives it from its last 30 commits. Robust to heavy tails: one
//   wild pair does not move the quartiles much.
// Otherwise the verdict is `inconclusive`, with the reason and what would make it conclusive:
// too few samples for the size of the change, a baseline from another CPU model without a usable
// calibration, totals under the floor, or a comparison of crates one side compiled beside its
// dependencies (a cold build) and the other alone.
import { crateKey, type HistoryEntry, type RunRecord } from '../record.js';
import { formatChange } from '../format.js';
import { crateValue, METRIC_LABEL, type Comparison, type Metric } from './compare.js';
import { learnNoise } from './noise.js';
import {
  ABSOLUTE_FLOORS,
  CONTENTION_GAP,
  CRATE_CLAIM_FLOOR,
  CROSS_MODEL_MARGIN,
  DEFAULT_THRESHOLDS,
  LEARNED_FLOORS,
  MATERIAL,
  MATERIAL_SHARE,
  MIN_OBSERVATIONS,
  SAMPLE_FLOORS,
  TOTAL_FLOORS,
  WIDEST_UNCHANGED_BAND,
} from './thresholds.js';
import { logShift, median, sampleNoise, samplesSeparate, T_TEST_FROM, upperFence } from './stats.js';

// The verdict's longer sentences, named so the judgement that picks one stays readable.
const NO_BASE_TIME = (names: string, them: string) =>
  `this run compiled ${names}, which the baseline's run found fresh, ` +
  `and no run of the default branch recorded compiling ${them} from the baseline's inputs on this CPU model: ` +
  'there is no base time to compare.';
const MEASURED_DIFFERENTLY = (moved: string, head: string, base: string) =>
  `${moved}, but the sides were built differently for the compile-work measure ` +
  `(this run ${head}, the baseline ${base}), which alone changes the workspace crates' CPU time.`;
const NEW_BASELINE =
  'a baseline recorded by this version, whose compile-work measure adds nothing to the build ' +
  '(the next run on the default branch records one)';
const UNDER_FLOOR = (what: string, unit: string, biggest: number, difference: number, metric: Metric) =>
  `the compared ${what} (${biggest.toPrecision(2)}${unit}, ${difference.toPrecision(2)}${unit} apart) ` +
  'is under what can be timed reliably ' +
  `(${TOTAL_FLOORS[metric]}${unit} in all, ${ABSOLUTE_FLOORS[metric]}${unit} apart).`;
const CONTENTION = (busier: number, calmer: number) =>
  `one side compiled these crates alongside other compilations (on average ${busier.toFixed(1)} at a time) ` +
  `and the other nearly alone (${calmer.toFixed(1)}): a cold build against a warm one.`;
const NO_NOISE_HISTORY = (samples: number, observations: number) =>
  `${samples === 1 ? 'one sample' : `${samples} samples`} per side cannot tell it from noise ` +
  'until this repository has a noise history ' +
  `(${observations} of ${MIN_OBSERVATIONS} pairs of unchanged runs so far).`;
const ONLY_HERE = (names: string[], value: number, metric: Metric) =>
  `${names.join(', ')} compiled only in this run (fresh in the baseline's run) ` +
  `and took ${value.toFixed(2)} ${metric === 'instructions' ? 'instructions' : 's'}: ` +
  `without a base time for ${names.length === 1 ? 'it' : 'them'}, ` +
  'the comparison cannot say whether the build got slower.';
const TOO_WIDE_FOR_ONE = (noise: string) =>
  `: within this repository's noise (${noise}), ` +
  'which is too wide to tell such a change from noise with one sample per side.';
const CRATES_MOVED_ALONE = (noise: string, crates: string, its: string) =>
  `, within the noise in total (${noise}), but ${crates} moved on ${its} own: ` +
  'one sample per side cannot tell that from noise.';
const NOISE_TOO_WIDE = (moved: string, noise: string, widest: number) =>
  `${moved}, but the noise (${noise}) is wider than any change worth reporting (${(widest * 100).toFixed(0)}%), ` +
  'so it cannot say whether anything changed.';
const TOTAL_NOISIER = (total: string) =>
  `The total over all compared crates (${total}) is noisier than these crates alone.`;
const RESTS_ON = (one: boolean) =>
  `The verdict rests on ${one ? 'this crate' : 'these crates'}; the total alone would not carry it.`;
const TESTED = (n: number) =>
  `beyond the smallest change ${n} samples per side on this machine can tell from noise (a t-test at α = 0.001)`;
const TOTAL_DID_NOT_MOVE = (names: string[]) =>
  `${names.join(', ')} moved beyond ${names.length === 1 ? 'its' : 'their'} own threshold, but the total did not: ` +
  'the change is small against the whole build, or other crates moved the other way.';

export type FinalVerdict = 'regression' | 'improvement' | 'unchanged' | 'inconclusive';
export type InconclusiveReason =
  | 'nothing-compared'
  | 'compiled-here-only'
  | 'measurement'
  | 'under-floor'
  | 'cpu-model'
  | 'contention'
  | 'too-few-samples'
  | 'not-confirmed';

export interface NoiseModel {
  /** Where the threshold came from. */
  source: 'history' | 'default' | 'input' | 'samples';
  /** Relative change beyond which a change counts (fraction). */
  threshold: number;
  /** Unchanged-input pairs it was learned from (history), or samples per side. */
  observations: number;
}

export interface Decision {
  verdict: FinalVerdict;
  reason: InconclusiveReason | null;
  /** Why, in one or two sentences, from the numbers shown. */
  sentence: string;
  /** What would make an inconclusive verdict conclusive. */
  toConclude: string | null;
  noise: NoiseModel;
  /** The total's change after any calibration between CPU models. */
  change: number | null;
  /** The change is beyond the threshold, whatever the verdict: baseline auto confirms these. */
  suggestsChange: boolean;
  /** Base values were multiplied by this for another CPU model (null: same model). */
  calibrationRatio: number | null;
  /** Why crate rows and the total seem to disagree, when they do. */
  consistencyNote: string | null;
  /**
   * Every crate this build covers has the baseline's exact inputs (equal input fingerprints):
   * nothing it compiles changed, so `unchanged` is exact, not a judgement of noise.
   */
  identicalInputs?: { crates: number; fresh: number };
}

export interface DecideOptions {
  /** The threshold input (fraction), or null. */
  threshold: number | null;
  history: HistoryEntry[];
}

/** The cross-model factor for base values, or null when the models match; undefined when it cannot be had. */
function calibrationRatio(head: RunRecord[], base: RunRecord[]): number | null | undefined {
  const model = (r: RunRecord) => r.runner.cpuModel;
  if (head.every((h) => base.every((b) => model(h) === model(b)))) return null;
  const calib = (rs: RunRecord[]) =>
    rs.every((r) => r.calibration?.cpuSeconds) ? median(rs.map((r) => r.calibration!.cpuSeconds)) : null;
  const [h, b] = [calib(head), calib(base)];
  return h && b ? h / b : undefined;
}

/** Your crates a record covers (compiled or fresh), by crate@version, with their input fingerprints. */
function coveredInputs(r: RunRecord): Map<string, string | null> {
  const out = new Map<string, string | null>();
  for (const c of r.crates) if (c.workspaceMember) out.set(crateKey(c.crate, c.version), c.inputFingerprint ?? null);
  for (const f of r.freshCrates ?? [])
    if (f.workspaceMember !== false) out.set(crateKey(f.crate, f.version), f.inputFingerprint);
  return out;
}

/**
 * Counts when every crate of this build has exactly the baseline's inputs (a documentation-only
 * pull request with keep-fresh: all fresh, identical fingerprints), else null.
 */
export function identicalInputs(head: RunRecord[], base: RunRecord[]): { crates: number; fresh: number } | null {
  if (head.length !== 1 || base.length === 0) return null;
  const mine = coveredInputs(head[0]!);
  const theirs = coveredInputs(base[0]!);
  if (mine.size === 0) return null;
  for (const [key, fingerprint] of mine) if (fingerprint === null || theirs.get(key) !== fingerprint) return null;
  const fresh = (head[0]!.freshCrates ?? []).filter((f) => f.workspaceMember !== false).length;
  return { crates: mine.size, fresh };
}

const identicalSentence = (s: { crates: number; fresh: number }) =>
  `No crate this build covers changed: ${s.crates === s.fresh ? `${s.fresh} of ${s.crates}` : `${s.crates}`} ` +
  `${s.crates === 1 ? 'crate' : 'crates'}${s.fresh === s.crates ? ' fresh from the cache' : ''} ` +
  "with inputs identical to the baseline's, so its compile time and code are the same by construction.";

/** Comparisons with nothing to compare, or sides measured differently: inconclusive before any number is judged. */
function incomparable(
  compared: number,
  head: RunRecord[],
  base: RunRecord[],
  moved: string,
): ReturnType<typeof inconclusive> | null {
  if (compared === 0) {
    const mine = head[0]!.crates.filter((x) => x.workspaceMember).map((x) => x.crate);
    if (mine.length === 0)
      return inconclusive(
        'nothing-compared',
        'no crate was compiled on both sides, so there is nothing to compare.',
        'a change that recompiles your crates on both sides',
      );
    const names = `${mine.slice(0, 5).join(', ')}${mine.length > 5 ? ` and ${mine.length - 5} more` : ''}`;
    const them = mine.length === 1 ? 'it' : 'them';
    return inconclusive(
      'nothing-compared',
      NO_BASE_TIME(names, them),
      'baseline: auto or rebuild (the base commit rebuilt here, so both sides compile the same crates)',
    );
  }
  if (!measuredDifferently(head, base)) return null;
  return inconclusive(
    'measurement',
    MEASURED_DIFFERENTLY(moved, EMITTED[emitted(head[0]!)], EMITTED[emitted(base[0]!)]),
    NEW_BASELINE,
  );
}

/**
 * What the build emitted besides its outputs: the object-code measure (version 4) reads after the build and adds
 * nothing.
 */
function emitted(r: RunRecord): keyof typeof EMITTED {
  const m = r.measurement;
  if (m.compileWork === 'llvm-bc') return m.compileWorkScope === 'all' ? 'llvm-bc-all' : 'llvm-bc';
  return m.compileWork === 'llvm-ir' ? 'llvm-ir' : 'none';
}

const EMITTED = {
  'llvm-bc': 'emitted LLVM bitcode',
  'llvm-bc-all': 'emitted LLVM bitcode, for the dependencies too',
  'llvm-ir': 'printed LLVM IR',
  none: 'emitted nothing extra',
} as const;

/**
 * Records whose builds emitted LLVM IR for compile work (versions 2 and 3) time the crates differently from plain
 * builds and from each other.
 */
const measuredDifferently = (head: RunRecord[], base: RunRecord[]) => new Set([...head, ...base].map(emitted)).size > 1;

/** Metric-weighted average contention of the compared crates on one side (null when unmeasured). */
function sideContention(records: RunRecord[], crates: string[], metric: Metric): number | null {
  let weight = 0;
  let sum = 0;
  for (const r of records) {
    for (const c of r.crates.filter((x) => crates.includes(x.crate))) {
      const v = crateValue(c, metric);
      if (v === null || c.contention === undefined || c.contention === null) return null;
      weight += v;
      sum += v * c.contention;
    }
  }
  return weight > 0 ? sum / weight : null;
}

/**
 * The noise the change is judged against. With three or more samples per side: the smallest
 * change a t-test on their logarithms tells from noise at α = 0.001 (a Welch test: the sides may
 * be unequally noisy), never below the metric's same-machine floor. It narrows as samples are
 * added, which is what baseline auto's extra samples are for.
 */
function noiseModel(c: Comparison, opts: DecideOptions, samples: number): NoiseModel {
  const spread = sampleNoise(c.total.base, c.total.head);
  if (opts.threshold !== null)
    return { source: 'input', threshold: Math.max(opts.threshold, spread), observations: samples };
  if (samples >= 3)
    return { source: 'samples', threshold: Math.max(SAMPLE_FLOORS[c.metric], spread), observations: samples };
  const learned = learnNoise(opts.history, c.metric).total;
  if (learned.length >= MIN_OBSERVATIONS)
    return {
      source: 'history',
      threshold: Math.max(LEARNED_FLOORS[c.metric], upperFence(learned)),
      observations: learned.length,
    };
  return { source: 'default', threshold: DEFAULT_THRESHOLDS[c.metric], observations: learned.length };
}

export function noiseText(noise: NoiseModel): string {
  const pct = `±${(noise.threshold * 100).toFixed(1)}%`;
  switch (noise.source) {
    case 'history':
      return `${pct}, learned from ${noise.observations} pairs of unchanged runs of the default branch`;
    case 'samples':
      return noise.observations >= 3
        ? `${pct}, the smallest change ${noise.observations} samples per side on this machine ` +
            'can tell from noise (t-test, α = 0.001)'
        : `${pct}, twice the spread of ${noise.observations} samples per side on this machine`;
    case 'input':
      return `${pct}, the threshold input`;
    case 'default':
      return (
        `${pct}, the default: not enough history yet ` +
        `(${noise.observations} of ${MIN_OBSERVATIONS} pairs of runs with unchanged inputs)`
      );
  }
}

const inconclusive = (reason: InconclusiveReason, sentence: string, toConclude: string) => ({
  verdict: 'inconclusive' as const,
  reason,
  sentence,
  toConclude,
});

/** The checks that stop a claim, in order; null when the evidence can carry one. */
function blocker(
  c: Comparison,
  samples: number,
  noise: NoiseModel,
  ratio: number | null | undefined,
  contention: { base: number | null; head: number | null },
): ReturnType<typeof inconclusive> | null {
  const what = METRIC_LABEL[c.metric];
  if (ratio === undefined)
    return inconclusive(
      'cpu-model',
      'the baseline ran on another CPU model and one side has no calibration to bridge them.',
      'a baseline from the same CPU model, or one recorded by this version (it measures a calibration workload)',
    );
  const biggest = Math.max(c.total.base.value, c.total.head.value);
  const difference = Math.abs(c.total.head.value - c.total.base.value);
  const unit = c.metric === 'instructions' ? ' instructions' : ' s';
  if (biggest < TOTAL_FLOORS[c.metric] || difference < ABSOLUTE_FLOORS[c.metric])
    return inconclusive(
      'under-floor',
      UNDER_FLOOR(what, unit, biggest, difference, c.metric),
      'more crates compiled on both sides (a change that touches more code)',
    );
  const { base, head } = contention;
  if (base !== null && head !== null && Math.abs(base - head) > CONTENTION_GAP)
    return inconclusive(
      'contention',
      CONTENTION(Math.max(base, head), Math.min(base, head)),
      'rebuilding the base here (baseline: auto or rebuild), so both sides build the same way',
    );
  // One sample per side is never enough without noise learned from this repository: however large
  // the change, a cold runner or a busy neighbour can make it (a push that added unused code read +46%).
  if (samples < 3 && noise.source !== 'history' && noise.source !== 'input')
    return inconclusive(
      'too-few-samples',
      NO_NOISE_HISTORY(samples, noise.observations),
      'baseline: auto or rebuild (several samples per side on this machine), or more history on the default branch',
    );
  return null;
}

/**
 * The verdict. Your crates this run compiled and the baseline's run found fresh (the normal case
 * with keep-fresh) have no base time in a cached baseline: when they took long enough to matter,
 * `unchanged` would ignore them, so the verdict is inconclusive and baseline auto rebuilds the base.
 */
export function decide(c: Comparison, head: RunRecord[], base: RunRecord[], opts: DecideOptions): Decision {
  const d = decideCompared(c, head, base, opts);
  const here = c.total.head.samples < 3 ? compiledOnlyHere(head[0]!, c) : null;
  if (!here || (d.verdict !== 'unchanged' && d.verdict !== 'inconclusive') || d.identicalInputs) return d;
  if (d.reason === 'nothing-compared') return { ...d, suggestsChange: true };
  const sentence = `${d.sentence} ${ONLY_HERE(here.names, here.value, c.metric)}`;
  return {
    ...d,
    verdict: 'inconclusive',
    reason: 'compiled-here-only',
    sentence,
    toConclude: 'baseline: auto or rebuild (the base commit rebuilt here)',
    suggestsChange: true,
  };
}

/** What every step of the judgement needs: the numbers, the noise they are judged against, the sentence so far. */
interface Judging {
  c: Comparison;
  head: RunRecord[];
  base: RunRecord[];
  samples: number;
  noise: NoiseModel;
  applied: NoiseModel;
  ratio: number | null | undefined;
  change: number | null;
  hints: Array<{ text: string; material: boolean }>;
  moves: boolean;
  moved: string;
  shared: Pick<Decision, 'noise' | 'change' | 'suggestsChange' | 'calibrationRatio' | 'consistencyNote'>;
  /** With samples on one machine, a crate's own samples can carry what the total's noise hides. */
  byCrate: ReturnType<typeof crateEvidence>;
  wide: ReturnType<typeof tooWide>;
}

function judging(c: Comparison, head: RunRecord[], base: RunRecord[], opts: DecideOptions): Judging {
  const samples = Math.min(c.total.base.samples, c.total.head.samples);
  const noise = noiseModel(c, opts, samples);
  const ratio = calibrationRatio(head, base);
  const scaled = c.total.base.value * (ratio ?? 1);
  const change = c.total.base.value > 0 ? (c.total.head.value - scaled) / scaled : null;
  const applied = { ...noise, threshold: noise.threshold + (ratio ? CROSS_MODEL_MARGIN : 0) };
  // Auto confirms anything beyond the default too: a learned threshold wider than it must not
  // hide a change from confirmation; nor may a total that noisy neighbours keep small (a crate row).
  // Crate rows are not scaled across CPU models: only same-model rows can hint.
  const hints = samples < 3 && ratio === null ? crateHints(c) : [];
  const { moves, suggestsChange } = suggestion(c, change, applied, hints);
  const moved = movedText(c, change);
  const shared = { noise: applied, change, suggestsChange, calibrationRatio: ratio ?? null, consistencyNote: null };
  const byCrate = samples >= 3 && ratio === null ? crateEvidence(c) : null;
  const wide = tooWide(applied, c.metric, moved);
  return { c, head, base, samples, noise, applied, ratio, change, hints, moves, moved, shared, byCrate, wide };
}

function decideCompared(c: Comparison, head: RunRecord[], base: RunRecord[], opts: DecideOptions): Decision {
  const j = judging(c, head, base, opts);
  const { shared, moved } = j;
  const same = c.crates.length === 0 ? identicalInputs(head, base) : null;
  if (same) {
    const exact = claim('unchanged', identicalSentence(same));
    return { ...shared, change: 0, suggestsChange: false, identicalInputs: same, ...exact };
  }
  const unlike = incomparable(c.crates.length, head, base, moved);
  if (unlike) return { ...shared, ...unlike };
  if (!j.moves) return withinNoise(j);
  if (Math.abs(j.change!) <= j.applied.threshold) return insideWiderNoise(j);
  return beyondNoise(j);
}

/** Nothing moved beyond the default: unchanged, unless a crate's own samples or a too-wide band say otherwise. */
function withinNoise(j: Judging): Decision {
  if (j.byCrate) return { ...j.shared, ...j.byCrate };
  if (j.wide) return { ...j.shared, ...j.wide };
  const unchanged = claim('unchanged', `${j.moved}, within the noise (${noiseText(j.applied)}).`);
  return { ...j.shared, ...unchanged, consistencyNote: consistency(j.c, 'unchanged') };
}

/**
 * Beyond the default but inside a wider learned noise, or a crate moved on its own: "unchanged" would claim too much.
 */
function insideWiderNoise(j: Judging): Decision {
  if (j.byCrate) return { ...j.shared, ...j.byCrate };
  const noise = noiseText(j.applied);
  const its = j.hints.length === 1 ? 'its' : 'their';
  const why =
    Math.abs(j.change!) > DEFAULT_THRESHOLDS[j.c.metric]
      ? TOO_WIDE_FOR_ONE(noise)
      : CRATES_MOVED_ALONE(noise, j.hints.map((x) => x.text).join(', '), its);
  const toConclude = 'baseline: auto or rebuild (several samples per side on this machine)';
  return { ...j.shared, ...inconclusive('too-few-samples', `${j.moved}${why}`, toConclude) };
}

/** Beyond the noise: a claim, unless a blocker stops it or the samples do not separate. */
function beyondNoise(j: Judging): Decision {
  const { c, shared, moved } = j;
  const common = c.crates.map((x) => x.crate);
  const contention = { base: sideContention(j.base, common, c.metric), head: sideContention(j.head, common, c.metric) };
  const blocked = blocker(c, j.samples, j.noise, j.ratio, contention);
  if (blocked) return { ...shared, ...blocked, sentence: blockedSentence(moved, j.applied, blocked) };
  if (!samplesSeparate(c.total.base, c.total.head, j.ratio ?? 1)) {
    if (j.byCrate) return { ...shared, ...j.byCrate };
    if (j.wide) return { ...shared, ...j.wide };
    return { ...shared, ...claim('unchanged', `${moved}, but the samples of the two sides do not separate: noise.`) };
  }
  const verdict = j.change! > 0 ? 'regression' : 'improvement';
  const how = j.ratio
    ? ` (the baseline scaled by ${j.ratio.toFixed(2)} for its other CPU model, from the calibration workload)`
    : '';
  const sentence = `${moved}, beyond the noise (${noiseText(j.applied)})${how}.`;
  return { ...shared, ...claim(verdict, sentence), consistencyNote: consistency(c, verdict) };
}

/**
 * Whether the numbers move beyond the default in percent (or a crate on its own), and whether that
 * is worth a confirming rebuild: only when material in seconds too, since a rebuild costs minutes.
 */
function suggestion(
  c: Comparison,
  change: number | null,
  noise: NoiseModel,
  hints: Array<{ material: boolean }>,
): { moves: boolean; suggestsChange: boolean } {
  const beyond = change !== null && Math.abs(change) > Math.min(noise.threshold, DEFAULT_THRESHOLDS[c.metric]);
  const material =
    (beyond && Math.abs(c.total.head.value - c.total.base.value) >= MATERIAL[c.metric]) ||
    hints.some((x) => x.material);
  const moves = beyond || hints.length > 0;
  return { moves, suggestsChange: moves && material };
}

/** "CPU time of the 4 crates compiled on both sides (1 sample per side) changed by +3.0%". */
function movedText(c: Comparison, change: number | null): string {
  const [b, h] = [c.total.base.samples, c.total.head.samples];
  const counts = b === h ? `${b} sample${b === 1 ? '' : 's'} per side` : `${b} base and ${h} head samples`;
  const n = c.crates.length;
  return (
    `${METRIC_LABEL[c.metric]} of the ${n} crate${n === 1 ? '' : 's'} compiled on both sides (${counts}) ` +
    `changed by ${formatChange(change)}`
  );
}

/** A blocked claim in words: "beyond the noise" only when the noise was learned or measured, never of a default. */
function blockedSentence(
  moved: string,
  noise: NoiseModel,
  blocked: { reason: InconclusiveReason; sentence: string },
): string {
  if (blocked.reason === 'too-few-samples') return `${moved}, but ${blocked.sentence}`;
  return `${moved}, beyond the noise (${noiseText(noise)}), but ${blocked.sentence}`;
}

/** "Unchanged" next to a noise band wider than any change worth reporting would claim what the band cannot see. */
function tooWide(noise: NoiseModel, metric: Metric, moved: string): ReturnType<typeof inconclusive> | null {
  const widest = WIDEST_UNCHANGED_BAND * DEFAULT_THRESHOLDS[metric];
  if (noise.threshold <= widest) return null;
  return inconclusive(
    'too-few-samples',
    NOISE_TOO_WIDE(moved, noiseText(noise), widest),
    'baseline: auto or rebuild (several samples per side on this machine)',
  );
}

/**
 * One sample per side: a crate that moved beyond the per-crate claim floor (15% for CPU time), by
 * a material share of the total and twice the timing floor, is worth confirming by rebuilding
 * even when the total is within the noise. A suggestion only: the samples decide.
 */
function crateHints(c: Comparison): Array<{ text: string; material: boolean }> {
  // Beyond its own threshold too (learned from its history when there is enough): a crate inside its noise suggests
  // nothing.
  return c.crates
    .filter(
      (x) =>
        x.status !== 'unchanged' &&
        x.change !== null &&
        Math.abs(x.change) > CRATE_CLAIM_FLOOR * DEFAULT_THRESHOLDS[c.metric] &&
        movedMaterially(c, x),
    )
    .map((x) => ({
      text: `${x.crate} ${formatChange(x.change)}`,
      material: Math.abs(x.head.value - x.base.value) >= MATERIAL[c.metric],
    }));
}

/**
 * A crate's move is twice the timing floor and a material share of the compared total: enough to speak for the build.
 */
function movedMaterially(c: Comparison, x: Comparison['crates'][number]): boolean {
  const difference = Math.abs(x.head.value - x.base.value);
  return difference >= 2 * ABSOLUTE_FLOORS[c.metric] && difference >= MATERIAL_SHARE * c.total.base.value;
}

/**
 * Your crates compiled only here (not in the baseline's run), when they took long enough that a change in them could be
 * material.
 */
function compiledOnlyHere(head: RunRecord, c: Comparison): { names: string[]; value: number } | null {
  const mine = head.crates.filter((x) => x.workspaceMember && c.onlyHead.includes(x.crate));
  const value = mine.reduce((a, x) => a + (crateValue(x, c.metric) ?? x.wallSeconds), 0);
  return value >= 2 * MATERIAL[c.metric] ? { names: mine.map((x) => x.crate), value } : null;
}

const claim = (verdict: FinalVerdict, sentence: string) => ({ verdict, reason: null, sentence, toConclude: null });

/**
 * Crates whose own samples (3+ per side, one machine) separate (the t-test, and under five
 * samples wholly apart) and moved beyond the smallest change their samples can tell, by at
 * least 15%, the timing floor and a material share of the compared total: the same rule the
 * total is held to, so chance cannot pass it either. All in one direction, they are a claim;
 * both ways, none.
 */
function crateEvidence(
  c: Comparison,
): { verdict: FinalVerdict; reason: null; sentence: string; toConclude: null; consistencyNote: string } | null {
  const moved = c.crates.filter((x) => {
    if (x.change === null || x.base.samples < 3 || x.head.samples < 3 || x.head.value <= 0) return false;
    // Three samples can land close together by chance: never below the default per-crate threshold.
    const beyond =
      Math.abs(x.change) > Math.max(CRATE_CLAIM_FLOOR * DEFAULT_THRESHOLDS[c.metric], sampleNoise(x.base, x.head));
    return samplesSeparate(x.base, x.head) && notMachineWide(c, x) && beyond && movedMaterially(c, x);
  });
  if (moved.length === 0 || !moved.every((x) => Math.sign(x.change!) === Math.sign(moved[0]!.change!))) return null;
  const verdict: FinalVerdict = moved[0]!.change! > 0 ? 'regression' : 'improvement';
  const names = moved.map((x) => `${x.crate} ${formatChange(x.change)}`).join(', ');
  const samples = Math.min(moved[0]!.head.samples, moved[0]!.base.samples);
  return {
    verdict,
    reason: null,
    sentence: `${names}: ${separationText(samples)}. ${TOTAL_NOISIER(formatChange(c.total.change))}`,
    toConclude: null,
    consistencyNote: RESTS_ON(moved.length === 1),
  };
}

/**
 * A crate's move must also show against the other crates of the same builds: a runner that is
 * slower for a while slows every crate of a sample alike, and that cancels in the crate's ratio
 * to the rest. (The t-test on this ratio, same direction.) Without other crates, nothing to check.
 */
function notMachineWide(c: Comparison, x: Comparison['crates'][number]): boolean {
  const ratios = (crate: number[], total: number[]) => crate.map((v, i) => v / (total[i]! - v));
  const [base, head] = [ratios(x.base.values, c.total.base.values), ratios(x.head.values, c.total.head.values)];
  if (![...base, ...head].every((r) => Number.isFinite(r) && r > 0)) return true;
  const shift = logShift(base, head);
  return shift !== null && Math.abs(shift.t) > shift.critical && Math.sign(shift.change) === Math.sign(x.change ?? 0);
}

/** How samples per side were found apart, in words (the rule samplesSeparate applies). */
function separationText(n: number): string {
  const tested = TESTED(n);
  return n >= T_TEST_FROM ? tested : `every sample of this run apart from every sample of the baseline, and ${tested}`;
}

/** A note when crate rows point one way and the total another. */
function consistency(c: Comparison, verdict: FinalVerdict): string | null {
  const moved = c.crates.filter((x) => x.status !== 'unchanged');
  if (verdict === 'unchanged' && moved.length) return TOTAL_DID_NOT_MOVE(moved.map((x) => x.crate));
  if ((verdict === 'regression' || verdict === 'improvement') && moved.length === 0)
    return 'no single crate moved beyond its own threshold: the change is spread over many crates.';
  return null;
}

/**
 * Whether samples taken so far settle the question, so that taking more would not change the
 * verdict: a claim, an inconclusive verdict more samples cannot fix, or no change anywhere near
 * a claim (the total and every crate within half their floors).
 */
export function settles(c: Comparison, decision: Decision): boolean {
  if (decision.verdict === 'regression' || decision.verdict === 'improvement') return true;
  if (decision.verdict === 'inconclusive' && decision.reason !== 'too-few-samples') return true;
  const near = (change: number | null, floor: number) => Math.abs(change ?? 0) > floor / 2;
  return (
    !near(c.total.change, SAMPLE_FLOORS[c.metric]) &&
    !c.crates.some((x) => near(x.change, CRATE_CLAIM_FLOOR * DEFAULT_THRESHOLDS[c.metric]))
  );
}
