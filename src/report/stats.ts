// Order statistics for small samples. Pure.

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
