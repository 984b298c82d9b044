// What the report tests render from: a guard and a cache as the main step summarises them, and a
// comparison with its decision and compile work, as produceReport makes them.
import type { RunRecord } from '../../src/record.js';
import { compareRecords } from '../../src/report/compare.js';
import { decide } from '../../src/report/verdict.js';
import { compareWork } from '../../src/report/work.js';

export const guard = { mode: 'error', failed: false, errors: 0, warnings: 0, flags: [], source: 'none' };
export const cache = {
  hit: 'exact' as const,
  key: 'watchmaker-v1-linux-x64-dev',
  restoredBytes: 50 * 1024 * 1024,
  backend: 'GitHub Actions cache',
};

/** A comparison, its decision (a 10% threshold input, so one sample per side may claim) and compile work. */
export function evaluated(head: RunRecord, base: RunRecord) {
  const comparison = compareRecords([head], [base], { threshold: null })!;
  return {
    comparison,
    decision: decide(comparison, [head], [base], { threshold: 0.1, history: [] }),
    work: compareWork([head], [base]),
  };
}
