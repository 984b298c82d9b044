// The report capability, by job: produce.ts (produceReport: baseline, calibration when needed,
// confirming; main step), store.ts (the baseline store: keys, load in main, storeBaseline in post),
// rebuild.ts (rebuild mode's worktree and alternating samples), evaluate.ts (comparison and
// verdict, pure), publish.ts (job summary, log and sticky comment), gate.ts (whether the step
// fails after the report, pure). steps/ imports only this file.
export { stepFailure, type GateInput } from './gate.js';
export { produceReport, type ReportInput } from './produce.js';
export type { CacheSummary, GuardSummary, ReportOutcome } from './publish.js';
export { RebuildCancelled, type BuildSample } from './rebuild.js';
export { storeBaseline } from './store.js';
