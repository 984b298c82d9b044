// The report phase of the main step: get the baseline (from the cache, or by rebuilding the
// base commit here), compare, render, publish, and write the Markdown file. The build itself
// is passed in as a function, so report/ never depends on timings/.
import * as core from '@actions/core';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { CacheBackend } from '../cache/backend.js';
import type { Config } from '../config.js';
import type { RunContext } from '../context.js';
import type { RunRecord } from '../record.js';
import { measureBaseByRebuild, type BuildSample } from './baseline.js';
import { runReport, type CacheSummary, type GuardSummary, type ReportOutcome } from './index.js';

export interface ReportPhaseInput {
  config: Config;
  context: RunContext;
  env: NodeJS.ProcessEnv;
  record: RunRecord;
  recordPath: string;
  /** Where rebuild mode builds both sides (the cached target dir, so dependencies are shared). */
  targetDir: string;
  /** Builds one sample of a side in rebuild mode. */
  buildSample: BuildSample;
  /** The baseline store in cache mode. */
  backend: CacheBackend | null;
  flagsHash: string;
  guard: GuardSummary;
  cache: CacheSummary;
}

interface Baseline {
  head: RunRecord[];
  base: RunRecord[] | null;
  label: string | null;
  /** Why there is no comparison, when rebuilding was asked for and impossible. */
  note: string | null;
}

async function rebuildBaseline(input: ReportPhaseInput): Promise<Baseline> {
  const { config, context } = input;
  const head = [input.record];
  const baseSha = context.pullRequest?.baseSha;
  if (!baseSha) {
    core.warning('baseline: rebuild needs a pull_request event (to know the base commit); comparing with the cached baseline instead.');
    return { head, base: null, label: null, note: null };
  }
  try {
    const measured = await measureBaseByRebuild({
      headDir: config.workingDirectory,
      baseSha,
      profile: config.profile,
      samples: config.report.baselineSamples,
      targetDir: input.targetDir,
      env: input.env,
      build: input.buildSample,
    });
    return {
      head: measured.head,
      base: measured.base,
      label: `base commit ${baseSha.slice(0, 7)}, rebuilt here ${config.report.baselineSamples}× alternating with this commit`,
      note: null,
    };
  } catch (e) {
    const reason = (e as Error).message;
    core.warning(`Watchmaker could not rebuild the base commit: ${reason}`);
    return { head, base: [], label: null, note: `No comparison: the base commit could not be rebuilt here (${reason}).` };
  }
}

export async function reportPhase(input: ReportPhaseInput): Promise<ReportOutcome> {
  const { config } = input;
  const rebuild = config.report.baseline === 'rebuild' && input.record.success;
  const baseline = rebuild ? await rebuildBaseline(input) : { head: [input.record], base: null, label: null, note: null };
  const outcome = await runReport({
    config,
    context: input.context,
    env: input.env,
    head: baseline.head,
    base: baseline.base,
    baseLabel: baseline.label,
    baseNote: baseline.note,
    backend: config.report.baseline === 'cache' ? input.backend : null,
    flagsHash: input.flagsHash,
    guard: input.guard,
    cache: input.cache,
  });
  // The rendered report as a file, for workflows that post it elsewhere (fork pull requests).
  const markdownPath = path.join(path.dirname(input.recordPath), `report-${config.profile.replace(/[^A-Za-z0-9_-]/g, '_')}.md`);
  writeFileSync(markdownPath, outcome.markdown);
  return { ...outcome, markdownPath };
}
