// The report of the main step (produceReport): get the baseline, compare, decide what the evidence
// supports, publish, and write the Markdown file. Three paths:
//   cache:   the record the default branch stored (one sample per side; store.ts);
//   rebuild: the base commit built here, alternating with the head (several samples per side; rebuild.ts);
//   auto:    cache first; only when that suggests a change, confirm it by rebuilding within a
//            time budget. An unconfirmed change is never called a regression: it is inconclusive.
// The build itself is passed in as a function, so report/ never depends on timings/.
import { isWatchmakerReport, sideFilePath } from '../side-file.js';
import * as core from '@actions/core';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { CacheBackend } from '../cache/backend.js';
import type { Config } from '../config.js';
import type { RunContext } from '../context.js';
import type { PhaseClock } from '../phases.js';
import type { Calibration, RunRecord } from '../record.js';
import { formatChange } from '../format.js';
import { agreeing, evaluate } from './evaluate.js';
import { publishReport, type CacheSummary, type GuardSummary, type ReportOutcome } from './publish.js';
import { measureBaseByRebuild, RebuildCancelled, type BuildSample, type RebuildOptions } from './rebuild.js';
import { historyOf, loadCachedBaseline, type Baseline } from './store.js';
import { settles, type Decision } from './verdict.js';
import { recordedText, withRecordedTimes } from './recorded.js';
import { carryWork, compareWork } from './work.js';
import { criticalPathChange } from '../parallelism/index.js';

export interface ReportInput {
  config: Config;
  context: RunContext;
  env: NodeJS.ProcessEnv;
  record: RunRecord;
  recordPath: string;
  /** Where rebuild mode builds both sides (the cached target dir, so dependencies are shared). */
  targetDir: string;
  /** Builds one sample of a side in rebuild mode. */
  buildSample: BuildSample;
  /** The baseline store (cache and auto modes). */
  backend: CacheBackend | null;
  flagsHash: string;
  guard: GuardSummary;
  cache: CacheSummary;
  /** Measures the calibration workload here (only called when a comparison needs it). */
  calibrate: () => Promise<Calibration | null>;
  /** The main step's phase clock: calibration and confirming rebuilds are charged to their own phases. */
  phases: PhaseClock;
}

type Evaluated = ReturnType<typeof evaluate> & Baseline & { head: RunRecord[]; path: string | null };

/** Confirming takes more samples while they leave the question open, up to this many per side. */
export const CONFIRM_MAX_SAMPLES = 15;
/** When to look at the samples again while they grow (fewer looks: fewer chances for noise to pass the test). */
const LOOKS = new Set([5, 7, 9, 12, CONFIRM_MAX_SAMPLES]);

const OVER_BUDGET = (estimate: number, budget: number) =>
  `confirming would take about ${estimate.toFixed(0)} s, ` +
  `over the budget of ${budget.toFixed(0)} s (baseline-confirm-budget)`;
const CONFIRMING = (suggested: string, samples: number, budget: number) =>
  `Watchmaker: ${suggested}; confirming by rebuilding the base commit here (${samples} samples per side, ` +
  `up to ${CONFIRM_MAX_SAMPLES} while they leave the question open; budget ${budget.toFixed(0)} s).`;
const CALIBRATED = (model: string, cpuSeconds: number) =>
  `Watchmaker: calibration workload measured on this CPU model (${model}): ${cpuSeconds.toFixed(3)} s of CPU.`;
const CARRIED = (carried: number) =>
  `Watchmaker: compile work of ${carried} fresh crate${carried === 1 ? '' : 's'} ` +
  "carried from the baseline's record (same inputs, same object code).";

type Growth = Pick<RebuildOptions, 'maxSamples' | 'settled' | 'deadlineForExtrasOnly'>;

/** Settled: the samples carry a claim, or nothing is near one (see settles()). */
function growUntilSettled(input: ReportInput, first: number): Growth {
  return {
    maxSamples: Math.max(first, CONFIRM_MAX_SAMPLES),
    settled: ({ head, base }) => {
      const n = Math.min(head.length, base.length);
      if (n !== first && !LOOKS.has(n)) return false;
      const { comparison, decision } = evaluate(head, base, input.config.report.threshold, []);
      return !comparison || !decision || settles(comparison, decision);
    },
  };
}

type Rebuilt = Baseline & { head: RunRecord[]; seconds: number };

/** No rebuilt baseline: this run alone, and why. */
const noRebuild = (input: ReportInput, note: string, seconds: number): Rebuilt => ({
  head: [input.record],
  base: null,
  label: null,
  note,
  seconds,
});

async function rebuildBaseline(
  input: ReportInput,
  samples: number,
  deadlineMs: number | null,
  growth: Growth = {},
): Promise<Rebuilt> {
  const baseSha = input.context.pullRequest?.baseSha;
  if (!baseSha)
    return noRebuild(
      input,
      'No comparison: rebuilding the base needs a pull_request event (to know the base commit).',
      0,
    );
  const started = Date.now();
  const seconds = () => (Date.now() - started) / 1000;
  try {
    const measured = await measureBaseByRebuild({
      headDir: input.config.workingDirectory,
      baseSha,
      profile: input.config.profile,
      samples,
      targetDir: input.targetDir,
      env: input.env,
      build: input.buildSample,
      deadlineMs,
      clean: yoursCompiled(input.record),
      ...growth,
    });
    const n = Math.min(measured.base.length, measured.head.length);
    const label = `base commit ${baseSha.slice(0, 7)}, rebuilt here ${n}× alternating with this commit`;
    return { head: measured.head, base: measured.base, label, note: null, seconds: seconds() };
  } catch (e) {
    // A cancelled job fails the step; it does not go on to report without a baseline.
    if (e instanceof RebuildCancelled) throw e;
    const reason = (e as Error).message;
    core.warning(`Watchmaker could not rebuild the base commit: ${reason}`);
    return noRebuild(input, `No comparison: the base commit could not be rebuilt here (${reason}).`, seconds());
  } finally {
    input.phases.add('confirm', seconds());
  }
}

/**
 * Your crates this run compiled: the rebuild cleans these on both sides (their dependents follow), not the whole
 * workspace.
 */
function yoursCompiled(record: RunRecord): string[] {
  return [...new Set(record.crates.filter((c) => c.workspaceMember).map((c) => c.crate))];
}

/** A multiple of the build is at least this many seconds (small builds can still confirm), and at most the cap. */
const BUDGET_FLOOR = 60;
const BUDGET_CAP = 600;

/**
 * Seconds auto may spend confirming: a multiple of this build (within the floor and the cap), or the input's seconds.
 */
function budgetSeconds(config: Config, record: RunRecord): number {
  const b = config.report.confirmBudget;
  return b.kind === 'seconds'
    ? b.value
    : Math.min(BUDGET_CAP, Math.max(BUDGET_FLOOR, b.value * record.totals.wallSeconds));
}

/** An estimate of confirming: a warm-up build of the base, then the samples, each about this run's workspace build. */
function confirmEstimate(record: RunRecord, samples: number): number {
  const members = record.crates.filter((c) => c.workspaceMember).reduce((a, c) => a + c.wallSeconds, 0);
  return (1 + 2 * samples) * Math.max(members, 0.1);
}

/** A suggested change that could not be confirmed: never a claim, and the report says why. */
function unconfirmed(decision: Decision, why: string): Decision {
  const toConclude =
    'a confirmation by rebuilding the base commit here (raise baseline-confirm-budget, or set baseline: rebuild)';
  const sentence = `${decision.sentence} Not confirmed: ${why}.`;
  if (decision.verdict === 'inconclusive') return { ...decision, sentence, toConclude };
  return { ...decision, verdict: 'inconclusive', reason: 'not-confirmed', sentence, toConclude };
}

async function confirm(input: ReportInput, cached: Evaluated): Promise<Evaluated> {
  const samples = Math.max(3, input.config.report.baselineSamples);
  const budget = budgetSeconds(input.config, input.record);
  const estimate = confirmEstimate(input.record, samples);
  const suggested = `the cached baseline suggested ${formatChange(cached.decision!.change)}`;
  if (!input.context.pullRequest?.baseSha)
    return {
      ...cached,
      decision: unconfirmed(cached.decision!, 'this is not a pull request, so there is no base commit to rebuild'),
    };
  if (estimate > budget) {
    return {
      ...cached,
      decision: unconfirmed(cached.decision!, OVER_BUDGET(estimate, budget)),
      path: `${cached.path ?? cached.label}; ${suggested}, not confirmed (over budget)`,
    };
  }
  core.info(CONFIRMING(suggested, samples, budget));
  const rebuilt = await rebuildBaseline(input, samples, Date.now() + budget * 1000, growUntilSettled(input, samples));
  if (!rebuilt.base?.length)
    return {
      ...cached,
      decision: unconfirmed(cached.decision!, rebuilt.note ?? 'the rebuild failed'),
      path: `${cached.path ?? cached.label}; ${suggested}, not confirmed`,
    };
  const evaluated = evaluate(rebuilt.head, rebuilt.base, input.config.report.threshold, []);
  const path =
    `${cached.path ?? cached.label}; ${suggested}, so the base commit was rebuilt here to confirm: ` +
    `${rebuilt.label}, ${rebuilt.seconds.toFixed(0)} s`;
  return { ...evaluated, decision: agreeing(cached.decision!, evaluated.decision), ...rebuilt, path };
}

async function cachedEvaluation(input: ReportInput): Promise<Evaluated> {
  const loaded: Baseline = input.backend
    ? await loadCachedBaseline({ ...input, backend: input.backend })
    : { base: null, label: null, note: null };
  await calibrations(input, loaded.base?.[0] ?? null);
  carryForward(input, loaded.base);
  const history = historyOf(loaded.base);
  // Your crates this run compiled and the baseline's run found fresh: their base time as last recorded.
  const known = loaded.base?.length === 1 ? withRecordedTimes(input.record, loaded.base[0]!, history) : null;
  const base = known ? [known.base] : loaded.base;
  const evaluated = evaluate([input.record], base, input.config.report.threshold, history);
  const from = known ? recordedText(known.recorded) : null;
  return {
    ...evaluated,
    ...loaded,
    base,
    head: [input.record],
    path: from && loaded.label ? `${loaded.label}; ${from}` : loaded.label,
  };
}

const keepsHistory = (input: ReportInput) => !input.context.onGitHub || input.context.onDefaultBranch;

/**
 * Calibrations per CPU model, carried by the default branch: this run's model is measured only
 * when the comparison crosses models and the baseline's model has one (else it bridges nothing),
 * or once per model on the default branch; a known one is reused. The baseline's own is filled
 * in from the carried ones.
 */
async function calibrations(input: ReportInput, base: RunRecord | null): Promise<void> {
  const known: Record<string, Calibration> = { ...(base?.calibrations ?? {}) };
  const baseModel = base?.runner.cpuModel ?? null;
  if (base?.calibration && baseModel) known[baseModel] ??= base.calibration;
  const model = input.record.runner.cpuModel;
  let mine = model ? (known[model] ?? null) : null;
  const bridges = base !== null && baseModel !== model && baseModel !== null && known[baseModel] !== undefined;
  if (!mine && model && (bridges || keepsHistory(input))) {
    const started = performance.now();
    mine = await input.calibrate();
    input.phases.add('calibration', (performance.now() - started) / 1000);
    if (mine) core.info(CALIBRATED(model, mine.cpuSeconds));
  }
  input.record.calibration = mine;
  if (base && !base.calibration && baseModel && known[baseModel]) base.calibration = known[baseModel];
  if (keepsHistory(input)) input.record.calibrations = { ...known, ...(model && mine ? { [model]: mine } : {}) };
}

/**
 * What this run's record takes from the baseline's before it is stored: the compile work of the
 * crates cargo found fresh (same inputs, so the same IR), and on the default branch (and local
 * runs) the history. The main step writes the record once the report is done (with its phases).
 */
function carryForward(input: ReportInput, base: RunRecord[] | null): void {
  if (keepsHistory(input)) input.record.history = historyOf(base);
  const carried = base?.[0] ? carryWork(input.record, base[0]) : 0;
  if (carried > 0) core.info(CARRIED(carried));
}

async function evaluation(input: ReportInput): Promise<Evaluated> {
  const mode = input.config.report.baseline;
  if (!input.record.success)
    return { comparison: null, decision: null, base: null, label: null, note: null, head: [input.record], path: null };
  if (mode === 'rebuild') {
    // baseline-samples per side, and more within the budget while they leave the question open.
    const first = input.config.report.baselineSamples;
    const rebuilt = await rebuildBaseline(input, first, Date.now() + budgetSeconds(input.config, input.record) * 1000, {
      ...growUntilSettled(input, first),
      deadlineForExtrasOnly: true,
    });
    return {
      ...evaluate(rebuilt.head, rebuilt.base, input.config.report.threshold, []),
      ...rebuilt,
      path: rebuilt.label ? `${rebuilt.label}, ${rebuilt.seconds.toFixed(0)} s` : null,
    };
  }
  const cached = await cachedEvaluation(input);
  return mode === 'auto' && cached.decision?.suggestsChange ? confirm(input, cached) : cached;
}

export async function produceReport(input: ReportInput): Promise<ReportOutcome> {
  const e = await evaluation(input);
  const work = e.base?.length ? compareWork(e.head, e.base) : null;
  // The headline, units and members lines describe this job's own build; the comparison may rest on rebuild samples.
  const outcome = await publishReport(input, {
    record: input.record,
    comparison: e.comparison,
    decision: e.decision,
    baselineLabel: e.label,
    baselineNote: e.note,
    path: e.path,
    work,
    phases: { ...input.phases.seconds },
    chainChange: e.base?.length && e.head[0] ? criticalPathChange(e.head[0], e.base[0]!) : null,
  });
  // The rendered report as a file, for workflows that post it elsewhere (fork pull requests).
  const beside = path.join(
    path.dirname(input.recordPath),
    `report-${input.config.profile.replace(/[^A-Za-z0-9_-]/g, '_')}.md`,
  );
  const markdownPath = sideFilePath(beside, input.config.build.scratchDir, isWatchmakerReport);
  writeFileSync(markdownPath, outcome.markdown);
  return { ...outcome, markdownPath };
}
