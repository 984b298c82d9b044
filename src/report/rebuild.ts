// Rebuild mode's baseline: build the base commit in a git worktree here, alternating with the
// head, for same-machine samples. The build itself is passed in as a function (BuildSample), so
// report/ never depends on timings/. A cancelled job (SIGINT, SIGTERM) stops the samples at once
// and fails the step (RebuildCancelled).
import * as core from '@actions/core';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { capture, captureOk } from '../proc.js';
import type { RunRecord } from '../record.js';
import { workspaceInfo, type WorkspaceInfo } from '../workspace.js';
import { addWorktree, inWorktree, removeWorktree, type Worktree } from '../worktree.js';

const CANCELLED = (signal: NodeJS.Signals) =>
  `The job was cancelled (${signal}) while the base commit was being rebuilt: ` +
  'the samples were stopped, and the build running then with everything it started.';
const NOT_FETCHED = (baseSha: string, lastLine: string | undefined) =>
  `the base commit ${baseSha} is not in the checkout and could not be fetched (${lastLine}). ` +
  "Use actions/checkout with 'fetch-depth: 0'.";
const BUDGET_RAN_OUT = (i: number) =>
  `Watchmaker: the time budget (baseline-confirm-budget) ran out after ${i} sample${i === 1 ? '' : 's'} per side.`;
/** The log group of sample i (from 0) of one side; past `samples`, an extra one. */
const SAMPLE_GROUP = (which: string, i: number, samples: number) =>
  `Watchmaker: ${which} sample ${i + 1}` +
  (i < samples ? ` of ${samples}` : ' (an extra sample: the first ones did not settle the question)');

/** A full hex object id (SHA-1 or SHA-256): nothing git could read as an option or a revision range. */
export function isObjectId(value: string): boolean {
  return /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/.test(value);
}

/** One side of a rebuild comparison: a checkout and its workspace (seen with the shared target dir). */
export interface Side {
  dir: string;
  workspace: WorkspaceInfo;
}

export type BuildSample = (side: Side, label: string, env: NodeJS.ProcessEnv) => Promise<RunRecord>;

export interface RebuildOptions {
  headDir: string;
  baseSha: string;
  profile: string;
  samples: number;
  targetDir: string;
  env: NodeJS.ProcessEnv;
  build: BuildSample;
  /** Stop taking samples after this time (Date.now() ms); null: take them all. */
  deadlineMs?: number | null;
  /** The deadline binds only the extra samples beyond `samples` (rebuild mode: the first are asked for). */
  deadlineForExtrasOnly?: boolean;
  /**
   * Take more than `samples` per side, up to this, until `settled` says the samples so far
   * carry a conclusion (baseline auto: more samples narrow the noise a t-test can tell apart).
   */
  maxSamples?: number;
  settled?: (samples: { head: RunRecord[]; base: RunRecord[] }) => boolean;
  /**
   * Your crates to clean before each sample (what this run compiled: the comparison needs no
   * more; cargo recompiles their dependents). Empty or absent: every local package.
   */
  clean?: string[];
}

/** The job was cancelled while the base was being rebuilt: the step must fail, not report without a baseline. */
export class RebuildCancelled extends Error {
  constructor(readonly signal: NodeJS.Signals) {
    super(CANCELLED(signal));
    this.name = 'RebuildCancelled';
  }
}

const CANCEL_SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM'];

/** A signal that cancels the job, remembered while the rebuild runs; check() throws once one came. */
interface Cancellation {
  check(): void;
  stop(): void;
}

/**
 * Watches for cancellation during the rebuild. The build running when the signal comes is stopped
 * by its own handler (timings/cargo.ts forwards it to cargo's process group); a build started
 * after it (between the signal and the next check) gets the signal as soon as it listens for one.
 */
function watchCancellation(): Cancellation {
  let received: NodeJS.Signals | null = null;
  const onSignal = (signal: NodeJS.Signals) => {
    received ??= signal;
  };
  const onNewListener = (event: string | symbol, listener: (signal: NodeJS.Signals) => void) => {
    const signal = received;
    if (signal && event === signal) setImmediate(() => listener(signal));
  };
  for (const s of CANCEL_SIGNALS) process.on(s, onSignal);
  process.on('newListener', onNewListener);
  return {
    check: () => {
      if (received) throw new RebuildCancelled(received);
    },
    stop: () => {
      for (const s of CANCEL_SIGNALS) process.off(s, onSignal);
      process.off('newListener', onNewListener);
    },
  };
}

/** The base commit in a worktree beside the checkout (fetched when the checkout lacks it). */
async function checkoutBase(
  headDir: string,
  baseSha: string,
  env: NodeJS.ProcessEnv,
): Promise<Worktree & { baseDir: string }> {
  if (!isObjectId(baseSha))
    throw new Error(`the base commit '${baseSha.slice(0, 80)}' from the event is not a git object id`);
  const gitRoot = (await captureOk('git', ['rev-parse', '--show-toplevel'], { cwd: headDir, env })).trim();
  const present = await capture('git', ['cat-file', '-e', `${baseSha}^{commit}`], { cwd: gitRoot, env });
  if (present.code !== 0) {
    core.info(`Fetching the base commit ${baseSha.slice(0, 12)}...`);
    const fetched = await capture('git', ['fetch', '--no-tags', '--depth=1', 'origin', '--', baseSha], {
      cwd: gitRoot,
      env,
    });
    if (fetched.code !== 0) {
      throw new Error(NOT_FETCHED(baseSha, fetched.stderr.trim().split('\n').at(-1)));
    }
  }
  const worktree = await addWorktree(gitRoot, baseSha, mkdtempSync(path.join(os.tmpdir(), 'watchmaker-base-')), env);
  return { ...worktree, baseDir: inWorktree(worktree, headDir) };
}

/**
 * Builds base and head `samples` times each, alternating the order, after one untimed base
 * build so both sides start with the same dependencies compiled. Before each timed build the
 * crates to compare (`clean`, else every local package of the side) are cleaned, so every sample
 * compiles the same set of crates.
 */
export async function measureBaseByRebuild(opts: RebuildOptions): Promise<{ head: RunRecord[]; base: RunRecord[] }> {
  const cancel = watchCancellation();
  try {
    const { baseDir, ...worktree } = await checkoutBase(opts.headDir, opts.baseSha, opts.env);
    // One target dir for both sides: dependencies compile once and are shared, workspace crates
    // (different paths, different hashes) coexist.
    const buildEnv = { ...opts.env, CARGO_TARGET_DIR: opts.targetDir };
    try {
      cancel.check();
      const head: Side = { dir: opts.headDir, workspace: await workspaceInfo(opts.headDir, buildEnv) };
      const base: Side = { dir: baseDir, workspace: await workspaceInfo(baseDir, buildEnv) };
      core.startGroup(`Watchmaker: building the base commit ${opts.baseSha.slice(0, 12)} (warm-up)`);
      cancel.check();
      await opts.build(base, 'base-warmup', buildEnv);
      cancel.check();
      core.endGroup();
      return await sampleAlternately(opts, { head, base }, buildEnv, cancel);
    } finally {
      await removeWorktree(worktree, opts.env);
    }
  } finally {
    cancel.stop();
  }
}

async function sampleAlternately(
  opts: RebuildOptions,
  sides: { head: Side; base: Side },
  buildEnv: NodeJS.ProcessEnv,
  cancel: Cancellation,
): Promise<{ head: RunRecord[]; base: RunRecord[] }> {
  const records: { head: RunRecord[]; base: RunRecord[] } = { head: [], base: [] };
  const most = Math.max(opts.samples, opts.maxSamples ?? opts.samples);
  for (let i = 0; i < most; i++) {
    if (i >= opts.samples && opts.settled?.(records)) break;
    const bound = !opts.deadlineForExtrasOnly || i >= opts.samples;
    if (bound && opts.deadlineMs && Date.now() > opts.deadlineMs) {
      core.info(BUDGET_RAN_OUT(i));
      break;
    }
    const order: Array<'base' | 'head'> = i % 2 === 0 ? ['base', 'head'] : ['head', 'base'];
    for (const which of order) {
      const side = sides[which];
      core.startGroup(SAMPLE_GROUP(which, i, opts.samples));
      const local = side.workspace.localPackages;
      const members = opts.clean?.length ? opts.clean.filter((n) => local.has(n)) : [...local];
      cancel.check();
      if (members.length)
        await captureOk('cargo', ['clean', '--profile', opts.profile, ...members.flatMap((n) => ['-p', n])], {
          cwd: side.dir,
          env: buildEnv,
        });
      cancel.check();
      const record = await opts.build(side, `${which}-${i + 1}`, buildEnv);
      cancel.check();
      core.endGroup();
      if (!record.success) throw new Error(`the ${which} build failed in sample ${i + 1}; see the log above.`);
      records[which].push(record);
    }
  }
  return records;
}
