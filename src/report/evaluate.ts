// What the evidence supports (pure): compare head and base samples (compare.ts), then let the one
// verdict engine (verdict.ts) decide; and when auto mode confirms a cached suggestion by
// rebuilding, which of the two evaluations stands (agreeing).
import type { HistoryEntry, RunRecord } from '../record.js';
import { formatChange } from '../format.js';
import { compareRecords, type Comparison } from './compare.js';
import { decide, type Decision } from './verdict.js';

/** What the report adds when the rebuild's verdict overrules the cached suggestion's direction. */
const OVERRULED = (suggested: string) =>
  `The cached baseline had suggested ${suggested}: ` +
  'one sample per side from two runners, which the samples taken here overrule.';

/** The comparison and what it can honestly support (pure). */
export function evaluate(
  head: RunRecord[],
  base: RunRecord[] | null,
  threshold: number | null,
  history: HistoryEntry[],
): { comparison: Comparison | null; decision: Decision | null } {
  const comparison = base && base.length ? compareRecords(head, base, { threshold, history }) : null;
  return { comparison, decision: comparison ? decide(comparison, head, base!, { threshold, history }) : null };
}

/**
 * The rebuild is the stronger evidence (same machine, alternating, a t-test at α = 0.001, and
 * the first samples do not decide alone): its verdict stands even when the cached baseline
 * suggested the other direction, and the report says that the two disagreed.
 */
export function agreeing(suggested: Decision, confirmed: Decision | null): Decision | null {
  if (!confirmed || (confirmed.verdict !== 'regression' && confirmed.verdict !== 'improvement')) return confirmed;
  if (Math.sign(confirmed.change ?? 0) === Math.sign(suggested.change ?? 0)) return confirmed;
  return {
    ...confirmed,
    sentence: `${confirmed.sentence} ${OVERRULED(formatChange(suggested.change))}`,
  };
}
