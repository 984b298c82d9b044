// The action's outputs (action.yml's `outputs:`), named once. Every output is set through
// setOutputs, so a new output is added here and in action.yml, nowhere else.
import * as core from '@actions/core';

export const OUTPUT_NAMES = {
  cacheHit: 'cache-hit',
  cacheKey: 'cache-key',
  cacheBytes: 'cache-bytes',
  rustflagsHash: 'rustflags-hash',
  /** The JSON run record's path; `report` is the same path, kept for workflows that use it. */
  record: 'record',
  report: 'report',
  reportMarkdown: 'report-markdown',
  timingsHtml: 'timings-html',
  buildSeconds: 'build-seconds',
  baselineSeconds: 'baseline-seconds',
  changePercent: 'change-percent',
  verdict: 'verdict',
  verdictReason: 'verdict-reason',
  workChangePercent: 'work-change-percent',
  parallelism: 'parallelism',
  /** The profile advisor's JSON file (src/advise); empty when it did not run. */
  advice: 'advice',
} as const;

export type Outputs = Partial<Record<keyof typeof OUTPUT_NAMES, string>>;

export function setOutputs(outputs: Outputs): void {
  for (const [name, value] of Object.entries(outputs) as Array<[keyof typeof OUTPUT_NAMES, string | undefined]>) {
    if (value !== undefined) core.setOutput(OUTPUT_NAMES[name], value);
  }
}
