// What the profile advisor works with, shared by its pure cores (candidates, judge, render) and its shell. Types only.

/** Which levers a profile has: a dev-like profile is tuned for rebuilds, a release-like one for its output. */
export type ProfileKind = 'dev' | 'release';

export type SettingValue = string | number | boolean;

/** One profile key: `table` is its TOML table, `['profile', 'dev']` or `['profile', 'dev', 'package', '*']`. */
export interface Setting {
  table: string[];
  key: string;
  value: SettingValue;
}

/**
 * What is measured of each configuration: the cold build's wall and CPU seconds, the warm rebuild
 * after a one-line edit, the largest rustc process's peak memory, the bytes of the final artifacts,
 * and the wall seconds of the advise-run command.
 */
export const ADVICE_METRICS = ['cold', 'coldCpu', 'warm', 'memory', 'size', 'runtime'] as const;
export type AdviceMetric = (typeof ADVICE_METRICS)[number];

/** Every sample of one configuration, per metric, in round order. */
export type Samples = Record<AdviceMetric, number[]>;

export interface Candidate {
  id: string;
  label: string;
  settings: Setting[];
  /**
   * Metrics this setting is known to make worse on purpose (the price of what it is for, such as
   * a longer cold build for optimised dependencies): said, but no reason against it.
   */
  costs: AdviceMetric[];
  /** What it gives up that no build measures, in words; null when nothing. */
  note: string | null;
}

/** A well-known lever left out, and why (equal to the current setting, unsupported here, moot). */
export interface Skipped {
  id: string;
  label: string;
  why: string;
}
