// Cargo's incremental data is large and useless in CI: every run starts from a new checkout, and
// the cache leaves it out. Cargo 1.99 and later turn it off by themselves when CI is set; older
// ones need CARGO_INCREMENTAL=0, which the main step exports for its build and later steps.
import * as core from '@actions/core';

export interface IncrementalDecision {
  /** Export CARGO_INCREMENTAL=0 (false: cargo turns incremental off itself). */
  exportZero: boolean;
  /** The log line saying which of the two happened. */
  message: string;
}

/** What to do about incremental compilation; null when the user set CARGO_INCREMENTAL. Pure. */
export function incrementalExport(env: NodeJS.ProcessEnv, rustcRelease: string): IncrementalDecision | null {
  if (env.CARGO_INCREMENTAL !== undefined) return null;
  const [major, minor] = rustcRelease.split('.').map(Number) as [number, number];
  if (env.CI && (major > 1 || minor >= 99))
    return {
      exportZero: false,
      message: `Incremental compilation: off (cargo ${rustcRelease} turns it off itself when CI is set).`,
    };
  return {
    exportZero: true,
    message: 'Incremental compilation: off (the action set CARGO_INCREMENTAL=0 for this and later steps).',
  };
}

/** Exports CARGO_INCREMENTAL=0 (for this process and later steps) when needed, and logs which case it was. */
export function turnIncrementalOff(env: NodeJS.ProcessEnv, rustcRelease: string): void {
  const decision = incrementalExport(env, rustcRelease);
  if (!decision) return;
  if (decision.exportZero) core.exportVariable('CARGO_INCREMENTAL', '0');
  core.info(decision.message);
}
