// Whether the step fails after the report: the build failed, or the user asked to fail on a
// regression or on compile-work growth and the report found one. Pure: the step only calls
// core.setFailed with what this returns.
import type { Config } from '../config.js';

/** What the gate needs from the build and the report. */
export interface GateInput {
  /** The command line as the log shows it, e.g. "cargo build --locked". */
  command: string;
  exitCode: number;
  recordPath: string;
  verdict: string | null;
  changePercent: number | null;
  metric: string | null;
  /** Exact change of the compared crates' compile work (fraction), or null when not measured on both sides. */
  workChange: number | null;
}

const percent = (fraction: number) => `${(fraction * 100).toFixed(2)}%`;

const BUILD_FAILED = (g: GateInput) =>
  `'${g.command}' failed with exit code ${g.exitCode}. ` +
  `The run record (${g.recordPath}) and the report still show what was measured.`;

const REGRESSED = (g: GateInput) =>
  `Build time regressed by ${g.changePercent?.toFixed(1)}% (${g.metric}) against the base branch, ` +
  'and fail-on-regression is true.';

const WORK_GREW = (g: GateInput, limit: number) =>
  `Compile work (bytes of machine code) grew by ${percent(g.workChange ?? 0)} against the baseline, ` +
  `over fail-on-work-growth (${percent(limit)}). The report names the functions that grew.`;

/** The message the step fails with, or null when it passes. */
export function stepFailure(report: Pick<Config['report'], 'failOnRegression' | 'failOnWorkGrowth'>, g: GateInput) {
  if (g.exitCode !== 0) return BUILD_FAILED(g);
  if (g.verdict === 'regression' && report.failOnRegression) return REGRESSED(g);
  const limit = report.failOnWorkGrowth;
  if (limit !== null && g.workChange !== null && g.workChange > limit) return WORK_GREW(g, limit);
  return null;
}
