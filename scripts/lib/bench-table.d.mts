// Types for bench-table.mjs (imported by __tests__/docs/docs.test.ts).
export declare const BENCH_START: string;
export declare const BENCH_END: string;
/** `x` rounded half up to `digits` decimals, ignoring floating-point noise; 'n/a' when not a number. */
export declare function fixed(x: unknown, digits: number): string;
/** The Markdown between BENCH_START and BENCH_END (without the markers), ending in a newline. */
export declare function renderBenchSection(results: unknown): string;
/** `readme` with its bench section replaced by the rendered one; throws when the markers are missing. */
export declare function replaceBenchSection(readme: string, results: unknown): string;
/** The README's current bench section (between the markers, without them). */
export declare function currentBenchSection(readme: string): string;
