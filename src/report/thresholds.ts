// Every threshold the comparison and the verdict use, in one place, with why it has its value.
// Figures come from the bench's repeated builds (docs/report.md, `npm run bench`). Pure constants.
/** What a comparison measures: retired instructions, CPU time of rustc, or wall time. */
export type Metric = 'instructions' | 'cpu' | 'wall';

/**
 * A change beyond this share counts for the total, by metric: warm A/A runs moved by under 2% in
 * CPU time, whole cold builds on a shared 2-core VM by up to ~16% in CPU and wall time.
 */
export const DEFAULT_THRESHOLDS: Record<Metric, number> = { instructions: 0.02, cpu: 0.1, wall: 0.2 };
/** Changes smaller than this (in the metric's unit) are never called changes. */
export const ABSOLUTE_FLOORS: Record<Metric, number> = { instructions: 5e7, cpu: 0.1, wall: 0.2 };
export const CRATE_FLOOR_FACTOR = 2;
/** One crate is noisier than the sum of many: its threshold is wider. */
export const CRATE_THRESHOLD_FACTOR = 1.5;

/** Same-machine alternating samples: the smallest threshold, whatever the spread. */
export const SAMPLE_FLOORS: Record<Metric, number> = { instructions: 0.02, cpu: 0.08, wall: 0.12 };
/** A learned threshold is never below this (identical values give a fence of 0). */
export const LEARNED_FLOORS: Record<Metric, number> = { instructions: 0.005, cpu: 0.02, wall: 0.04 };
/** Compared totals under this (metric units) are too small to time. */
export const TOTAL_FLOORS: Record<Metric, number> = { instructions: 5e8, cpu: 0.25, wall: 0.25 };
/** Extra tolerance when a calibration bridges two CPU models (they speed code up unevenly). */
export const CROSS_MODEL_MARGIN = 0.05;
/**
 * "Unchanged" is a claim too: that no change worth reporting happened. It needs a noise band
 * narrow enough to have seen one: at most this many times the metric's default threshold (30%
 * for CPU time). A wider band (a noisy history, a spread of samples) says nothing either way.
 */
export const WIDEST_UNCHANGED_BAND = 3;

/**
 * A suggested change worth a confirming rebuild moved at least this much (metric units): CPU
 * seconds, wall seconds, instructions. Smaller changes are not worth the minutes a rebuild takes.
 */
export const MATERIAL: Record<Metric, number> = { instructions: 2e9, cpu: 0.5, wall: 1 };

/** A crate's change must be at least this share of the compared total to speak for the build. */
export const MATERIAL_SHARE = 0.03;
/** A crate's own change must be at least this many times the default threshold (15% for CPU time). */
export const CRATE_CLAIM_FLOOR = 1.5;

/** At least this many noise observations before a learned threshold replaces the default. */
export const MIN_OBSERVATIONS = 10;

/** Average concurrency difference beyond which cold and warm builds are not comparable. */
export const CONTENTION_GAP = 0.75;
