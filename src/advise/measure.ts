// The advisor's samples (shell). Rounds, as the confirming rebuild alternates its sides: in each,
// every configuration (the current settings first in round 1, then rotated) is built cold in a
// target directory of its own (emptied first: only the advisor's own directory), then rebuilt
// warm after a one-line edit of a leaf crate (reverted at once), then the advise-run command, if
// any, runs once untimed (it builds what it needs) and once timed. Rounds stop when the last one,
// taken again, would overrun the budget, or after the most rounds asked for.
//
// The registry's downloads are in no sample: the advisor runs `cargo fetch` before the first round
// (checkout.ts), so every cold build here starts from the same downloaded sources.
import * as core from '@actions/core';
import { readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { logText } from '../log.js';
import { capture } from '../proc.js';
import type { RunRecord } from '../record.js';
import type { TargetedRun } from '../run.js';
import { runTimedBuild } from '../timings/index.js';
import type { WorkspaceInfo } from '../workspace.js';
import { editedText, finalArtifacts, roomForRound, rotation } from './plan.js';
import type { Samples } from './model.js';

/** One configuration's build: the run with its arguments, its environment and its own target directory. */
export interface Configuration {
  id: string;
  label: string;
  run: TargetedRun;
  env: NodeJS.ProcessEnv;
  workspace: WorkspaceInfo;
  /** CARGO_PROFILE_* variables for the advise-run command; null: runtime is not measured for it. */
  runEnv: Record<string, string> | null;
  samples: Samples;
  /** Why it is no longer measured (a build failed), or null. */
  problem: string | null;
}

export interface MeasureInput {
  configurations: Configuration[];
  wrapperPath: string | null;
  /** The workspace directory in the scratch checkout. */
  dir: string;
  /** The leaf crate's root file (absolute, in the scratch checkout), or null: no warm rebuild. */
  editFile: string | null;
  command: string[] | null;
  budgetSeconds: number;
  maxRounds: number;
}

/** The job was cancelled while the advisor built: it stops at once. */
export class AdviceStopped extends Error {
  constructor(signal: NodeJS.Signals) {
    super(`the job was cancelled (${signal}) while the advisor was building`);
    this.name = 'AdviceStopped';
  }
}

export const emptySamples = (): Samples => ({ cold: [], coldCpu: [], warm: [], memory: [], size: [], runtime: [] });

/**
 * Takes the rounds; returns how many every configuration completed, the seconds they took and why
 * they stopped. The budget is also checked before each build of a round, so a first round longer
 * than the budget (a large workspace) stops there, its samples so far kept.
 */
export async function measureRounds(input: MeasureInput): Promise<{ rounds: number; seconds: number; stop: string }> {
  const started = Date.now();
  const elapsed = () => (Date.now() - started) / 1000;
  let last = 0;
  let rounds = 0;
  for (let round = 0; round < input.maxRounds; round++) {
    if (round > 0 && !roomForRound(elapsed(), last, input.budgetSeconds))
      return { rounds, seconds: elapsed(), stop: overBudget(`another round (about ${last.toFixed(0)} s)`, input) };
    const roundStarted = elapsed();
    const complete = await oneRound(input, round, () => elapsed() > input.budgetSeconds);
    const current = input.configurations[0]!;
    if (current.problem !== null) throw new Error(`the current settings could not be measured: ${current.problem}`);
    if (!complete) return { rounds, seconds: elapsed(), stop: overBudget(`round ${round + 1} ran out of it`, input) };
    last = elapsed() - roundStarted;
    rounds++;
  }
  return { rounds, seconds: elapsed(), stop: `the most rounds asked for (${input.maxRounds})` };
}

const overBudget = (what: string, input: MeasureInput) =>
  `advise-budget (${what}); a larger budget gives more rounds (up to ${input.maxRounds}), ` +
  `which can settle inconclusive rows`;

/** One round in its rotated order; false when the budget ran out before it ended. */
async function oneRound(input: MeasureInput, round: number, spent: () => boolean): Promise<boolean> {
  core.startGroup(`Watchmaker: profile advice, round ${round + 1}`);
  try {
    for (const i of rotation(input.configurations.length, round)) {
      if (spent()) return false;
      const c = input.configurations[i]!;
      if (c.problem === null) await sample(input, c, round + 1);
    }
    return true;
  } finally {
    core.endGroup();
  }
}

/** One configuration's samples of one round. */
async function sample(input: MeasureInput, c: Configuration, round: number): Promise<void> {
  rmSync(c.workspace.targetDirectory, { recursive: true, force: true });
  const cold = await build(input, c, `${round}-cold`);
  if (cold === null) return;
  c.samples.cold.push(cold.record.totals.wallSeconds);
  if (cold.record.totals.cpuSeconds !== null) c.samples.coldCpu.push(cold.record.totals.cpuSeconds);
  const peaks = cold.record.units.map((u) => u.peakRssKiB ?? 0);
  if (peaks.some((p) => p > 0)) c.samples.memory.push(Math.max(...peaks));
  const finals = finalArtifacts(cold.artifacts ?? [], c.workspace.targetDirectory, path.sep);
  if (finals.length) c.samples.size.push(finals.reduce((a, f) => a + fileSize(f), 0));
  if (input.editFile) {
    const original = readFileSync(input.editFile);
    writeFileSync(input.editFile, editedText(original.toString('utf8'), round));
    try {
      const warm = await build(input, c, `${round}-warm`);
      if (warm === null) return;
      c.samples.warm.push(warm.record.totals.wallSeconds);
    } finally {
      writeFileSync(input.editFile, original);
    }
  }
  if (input.command && c.runEnv) await timeCommand(input, c);
}

const fileSize = (file: string) => {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
};

/** A timed build of the configuration in the scratch checkout; null (the problem noted) when it failed. */
async function build(
  input: MeasureInput,
  c: Configuration,
  label: string,
): Promise<{ record: RunRecord; artifacts: string[] | null } | null> {
  const tail: string[] = [];
  const result = await runTimedBuild(c.run, {
    wrapperPath: input.wrapperPath,
    label: `advise-${c.id}-${label}`,
    checkout: { dir: input.dir, workspace: c.workspace },
    env: c.env,
    log: (line) => {
      // Cargo's output is kept only for a failure: its last lines.
      if (tail.push(line) > 20) tail.shift();
    },
  });
  // The sample's record and timings page are the advisor's own: kept only in the advice.
  for (const f of [result.recordPath, result.timingsHtml]) if (f) rmSync(f, { force: true });
  if (result.interruptedBy) throw new AdviceStopped(result.interruptedBy);
  if (result.exitCode === 0) return { record: result.record, artifacts: result.artifacts };
  c.problem = `its ${label.replace(/^\d+-/, '')} build failed (exit code ${result.exitCode})`;
  core.warning(logText(`Watchmaker: profile advice: ${c.label}: ${c.problem}. Its last lines: ${tail.join(' ⏎ ')}`));
  return null;
}

/** The advise-run command with the configuration's settings: once untimed (it builds what it needs), once timed. */
async function timeCommand(input: MeasureInput, c: Configuration): Promise<void> {
  const [program, ...args] = input.command!;
  const env = { ...c.env, ...c.runEnv };
  const opts = { cwd: input.dir, env };
  const warmUp = await capture(program!, args, opts);
  if (warmUp.code !== 0) {
    c.problem = `advise-run failed (exit code ${warmUp.code})`;
    const last = (warmUp.stderr.trim() || warmUp.stdout.trim()).split('\n').slice(-10).join(' ⏎ ');
    core.warning(logText(`Watchmaker: profile advice: ${c.label}: ${c.problem}: ${last}`));
    return;
  }
  const started = process.hrtime.bigint();
  const timed = await capture(program!, args, opts);
  if (timed.code === 0) c.samples.runtime.push(Number(process.hrtime.bigint() - started) / 1e9);
}
