// The repository's own noise, learned from its history: pairs of consecutive default-branch runs
// on the same CPU model in which a crate's inputs were identical (equal input fingerprints). Each
// such pair is a pure noise observation. Pure.
import type { HistoryEntry } from '../record.js';
import { CONTENTION_GAP, type Metric } from './thresholds.js';

type HistoryCrate = HistoryEntry['crates'][number];
const historyValue = (c: HistoryCrate, metric: Metric) =>
  metric === 'instructions' ? c.instructions : metric === 'cpu' ? c.cpuSeconds : c.wallSeconds;

/**
 * Noise observations from consecutive history entries on the same CPU model: per crate whose
 * inputs did not change, and for the total of those crates.
 */
export function learnNoise(
  history: HistoryEntry[],
  metric: Metric,
): { total: number[]; perCrate: Map<string, number[]> } {
  const runs = [...history].sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  const total: number[] = [];
  const perCrate = new Map<string, number[]>();
  for (let i = 1; i < runs.length; i++) {
    const [a, b] = [runs[i - 1]!, runs[i]!];
    if (a.cpuModel !== b.cpuModel) continue;
    let sumA = 0;
    let sumB = 0;
    for (const cb of b.crates) {
      const ca = a.crates.find((c) => c.crate === cb.crate && c.version === cb.version);
      const [va, vb] = [ca ? historyValue(ca, metric) : null, historyValue(cb, metric)];
      if (!ca || !cb.inputFingerprint || ca.inputFingerprint !== cb.inputFingerprint || !va || !vb) continue;
      // A cold run against a warm one is not noise of one kind: decide() refuses to compare those too.
      if (ca.contention != null && cb.contention != null && Math.abs(ca.contention - cb.contention) > CONTENTION_GAP)
        continue;
      perCrate.set(cb.crate, [...(perCrate.get(cb.crate) ?? []), Math.abs(vb / va - 1)]);
      sumA += va;
      sumB += vb;
    }
    if (sumA > 0) total.push(Math.abs(sumB / sumA - 1));
  }
  return { total, perCrate };
}
