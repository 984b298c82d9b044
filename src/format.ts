// Formatting shared by the log (cache) and the report. Pure.

/** "1 unit", "2 units"; "1 dependency", "2 dependencies" with the plural given. */
export const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** A relative change as a signed percentage: "+12.3%", "−4.0%"; "n/a" for null. */
export function formatChange(change: number | null): string {
  if (change === null) return 'n/a';
  const pct = change * 100;
  return `${pct >= 0 ? '+' : '−'}${Math.abs(pct).toFixed(1)}%`;
}

/** Bytes in binary units, e.g. 1.5 KiB, 42 MiB. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = bytes / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}
