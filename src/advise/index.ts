// The profile advisor's shell (advise: profiles; meant for workflow_dispatch or a weekly schedule,
// it builds the workspace many times). After the report: a scratch worktree of HEAD, the candidate
// settings of the profile (candidates.ts), the rounds of samples (measure.ts), the judgement
// (judge.ts), then the job summary, the log, advice-<profile>.json beside the record and the
// `advice` output. Everything it builds is its own (the scratch worktree and target directories,
// removed afterwards); a failure is a warning, never a failed build.
import * as core from '@actions/core';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'smol-toml';
import { resolveProfileSettings, type ProfileSources } from '../cache/profile.js';
import { isNextest, subcommandOf, writesCode } from '../cargo-command.js';
import { logText } from '../log.js';
import { setOutputs } from '../outputs.js';
import type { PhaseClock } from '../phases.js';
import type { RunRecord } from '../record.js';
import type { TargetedRun } from '../run.js';
import { sideFilePath } from '../side-file.js';
import { workspaceInfo } from '../workspace.js';
import { removeWorktree } from '../worktree.js';
import { ADVICE_SCHEMA, assembleAdvice, type Advice } from './advice.js';
import { candidatesFor, configArgs, profileEnv, profileKind } from './candidates.js';
import { checkoutHead, fetchDependencies, readMetadata, type ScratchCheckout } from './checkout.js';
import { goalsOf } from './judge.js';
import { emptySamples, measureRounds, type Configuration } from './measure.js';
import type { Candidate, Setting, Skipped } from './model.js';
import { chooseLeaf, configuredArgs } from './plan.js';
import { renderMarkdown, renderText } from './render.js';

export interface AdviseInput {
  run: TargetedRun;
  /** The job's own build: the advisor runs only after one that succeeded, on the crates it covered. */
  build: { record: RunRecord; exitCode: number; recordPath: string };
  wrapperPath: string | null;
  /** The effective RUSTFLAGS words (the guard's): a `-C` option there overrides the profile's. */
  rustflags: string[];
  phases: PhaseClock;
  /** At most this many rounds (default 5). */
  maxRounds?: number;
}

export interface AdviceOutcome {
  advice: Advice;
  file: string;
  markdown: string;
}

/** At most this many rounds: five samples per side let the t-test judge alone (stats.ts T_TEST_FROM). */
export const MAX_ROUNDS = 5;

// Notes under the advice: how it was measured, where the reader should know.
const DIRTY_NOTE = (commit: string) =>
  `The checkout has uncommitted changes; the advisor measured its commit ${commit} without them.`;
const NO_RUNTIME_NOTE = (label: string) =>
  `${label}: runtime not measured (cargo reads no CARGO_PROFILE_* variable for a package table, ` +
  `so advise-run cannot have it).`;

/** The advisor when `advise: profiles` asks for it, charged to its own phase; a failure is a warning. */
export async function adviseIfAsked(input: AdviseInput): Promise<AdviceOutcome | null> {
  if (input.run.config.advise.mode !== 'profiles') return null;
  const started = Date.now();
  try {
    const refused = refusal(input);
    if (refused) {
      core.warning(`Watchmaker: no profile advice: ${refused}.`);
      return null;
    }
    return await runAdvisor(input);
  } catch (e) {
    core.warning(logText(`Watchmaker could not produce profile advice: ${(e as Error).message}`));
    core.debug((e as Error).stack ?? String(e));
    return null;
  } finally {
    input.phases.add('advise', (Date.now() - started) / 1000);
  }
}

/** Why the advisor cannot measure this job's build, or null. */
function refusal({ run, build }: AdviseInput): string | null {
  const command = run.config.build.command;
  if (build.exitCode !== 0) return 'the build failed';
  if (!writesCode(command)) return `'cargo ${subcommandOf(command).join(' ')}' compiles no code to measure settings on`;
  if (isNextest(command)) return 'cargo nextest keeps the artifacts cargo reports to itself (no sizes)';
  return null;
}

async function runAdvisor(input: AdviseInput): Promise<AdviceOutcome> {
  const { run } = input;
  // Beside the job's scratch directory, so the measuring wrapper is found where the job's build left it.
  const scratch = `${run.config.build.scratchDir}-advise`;
  rmSync(scratch, { recursive: true, force: true });
  const checkout = await checkoutHead(
    run.config.workingDirectory,
    run.workspace.root,
    path.join(scratch, 'checkout'),
    run.env,
  );
  try {
    const plan = await planAdvice(input, checkout, scratch);
    const configurations = [plan.current, ...plan.measured.map((m) => m.configuration)];
    const measured = await measureRounds({
      configurations,
      wrapperPath: input.wrapperPath,
      dir: checkout.dir,
      editFile: plan.edit?.path ?? null,
      command: run.config.advise.run,
      budgetSeconds: run.config.advise.budgetSeconds,
      maxRounds: input.maxRounds ?? MAX_ROUNDS,
    });
    const advice = assembleAdvice({
      createdAt: new Date().toISOString(),
      profile: run.config.profile,
      kind: plan.kind,
      commit: checkout.commit,
      goals: goalsOf(plan.kind, run.config.advise.run !== null),
      rounds: measured.rounds,
      seconds: measured.seconds,
      budgetSeconds: run.config.advise.budgetSeconds,
      edit: plan.edit ? { crate: plan.edit.crate, file: plan.edit.file } : null,
      run: run.config.advise.run,
      current: { samples: plan.current.samples },
      measured: plan.measured.map(({ candidate, configuration: c }) => ({
        candidate,
        samples: c.samples,
        problem: c.problem,
      })),
      skipped: plan.skipped,
      notes: [...plan.notes, `Rounds stopped at ${measured.stop}.`],
    });
    return await publish(run, advice);
  } finally {
    await removeWorktree(checkout, run.env);
    rmSync(scratch, { recursive: true, force: true });
  }
}

interface Plan {
  kind: ReturnType<typeof profileKind>;
  current: Configuration;
  measured: Array<{ candidate: Candidate; configuration: Configuration }>;
  skipped: Skipped[];
  edit: { crate: string; file: string; path: string } | null;
  notes: string[];
}

/** The candidates from the profile's effective settings, each with its configuration, and the crate to edit. */
async function planAdvice(input: AdviseInput, checkout: ScratchCheckout, scratch: string): Promise<Plan> {
  const { run } = input;
  const meta = await readMetadata(checkout.dir, run.env, run.config.build.cargoArgs);
  const sources = profileSources(run);
  const effective = resolveProfileSettings(run.config.profile, sources);
  const kind = profileKind(run.config.profile, sources, effective);
  const { candidates, skipped } = candidatesFor({
    profile: run.config.profile,
    kind,
    effective,
    triple: run.target.triple,
    hasDependencies: meta.hasDependencies,
    env: run.env,
    rustflags: input.rustflags,
  });
  const configure = (i: number, id: string, label: string, settings: Setting[]) =>
    configurationFor(run, checkout.dir, scratch, { id, label, settings, index: i });
  const current = await configure(0, 'current', 'current settings', []);
  const measured = [];
  for (const [i, candidate] of candidates.entries())
    measured.push({
      candidate,
      configuration: await configure(i + 1, candidate.id, candidate.label, candidate.settings),
    });
  const leaf = chooseLeaf(meta.packages, meta.memberIds, new Set(input.build.record.workspaceMembers ?? []));
  // Only a file inside the scratch worktree is ever edited.
  const inside = leaf !== null && !path.relative(checkout.worktree, leaf.file).startsWith('..');
  const edit = inside ? { ...leaf, path: leaf.file, file: path.relative(checkout.dir, leaf.file) } : null;
  const notes = await planNotes(run, checkout, measured);
  return { kind, current, measured, skipped, edit, notes };
}

/** Where cargo takes the profile's settings from: the workspace's Cargo.toml, its config files, the environment. */
function profileSources(run: TargetedRun): ProfileSources {
  const manifestFile = path.join(run.workspace.root, 'Cargo.toml');
  const manifest = existsSync(manifestFile)
    ? (parse(readFileSync(manifestFile, 'utf8')) as Record<string, unknown>)
    : null;
  return { manifest, cargoConfig: run.cargoConfig, env: run.env };
}

/** How it was measured, where the reader should know: uncommitted changes left out, a failed fetch, no runtime. */
async function planNotes(
  run: TargetedRun,
  checkout: ScratchCheckout,
  measured: Array<{ candidate: Candidate; configuration: Configuration }>,
): Promise<string[]> {
  const notes: string[] = [];
  if (checkout.dirty) notes.push(DIRTY_NOTE(checkout.commit.slice(0, 12)));
  if (!(await fetchDependencies(checkout.dir, run.env, run.config.build.cargoArgs)))
    notes.push('cargo fetch failed: the first cold build downloaded what it needed, in its sample.');
  return [...notes, ...runtimeNotes(run, measured)];
}

/** Candidates whose settings no environment variable can give the advise-run command. */
function runtimeNotes(run: TargetedRun, measured: Array<{ candidate: Candidate; configuration: Configuration }>) {
  if (!run.config.advise.run) return [];
  return measured.filter((m) => m.configuration.runEnv === null).map((m) => NO_RUNTIME_NOTE(m.candidate.label));
}

/**
 * One configuration: the job's run with the settings as `--config` arguments, its own target
 * directory (and build directory, when cargo's build-dir would put one elsewhere), no compile work,
 * and the samples' records in the advisor's scratch directory. Target directories are named alike
 * (t00, t01…): paths of equal length keep the artifacts' sizes comparable.
 */
async function configurationFor(
  run: TargetedRun,
  dir: string,
  scratch: string,
  what: { id: string; label: string; settings: Setting[]; index: number },
): Promise<Configuration> {
  const targetDir = path.join(scratch, `t${String(what.index).padStart(2, '0')}`);
  const env = { ...run.env, CARGO_TARGET_DIR: targetDir };
  const own = ['--target-dir', targetDir, ...configArgs(what.settings)];
  let cargoArgs = configuredArgs(run.config.build.cargoArgs, own);
  let workspace = await workspaceInfo(dir, env, cargoArgs);
  if (path.relative(targetDir, workspace.buildDirectory).startsWith('..')) {
    const buildDir = ['--config', `build.build-dir=${JSON.stringify(path.join(targetDir, 'build-dir'))}`];
    cargoArgs = configuredArgs(run.config.build.cargoArgs, [...own, ...buildDir]);
    workspace = await workspaceInfo(dir, env, cargoArgs);
  }
  const build = { ...run.config.build, cargoArgs, compileWork: false as const, scratchDir: scratch };
  return {
    id: what.id,
    label: what.label,
    run: { ...run, config: { ...run.config, build } },
    env,
    workspace,
    runEnv: profileEnv(what.settings),
    samples: emptySamples(),
    problem: null,
  };
}

/** The JSON beside the record (never over a file the action did not write), the log, the job summary, the output. */
async function publish(run: TargetedRun, advice: Advice): Promise<AdviceOutcome> {
  const { recordPath, scratchDir } = run.config.build;
  const file = sideFilePath(
    path.join(path.dirname(recordPath), `advice-${run.config.profile}.json`),
    scratchDir,
    (head) => head.includes(`"schema": "${ADVICE_SCHEMA}"`),
  );
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(advice, null, 2)}\n`);
  for (const line of renderText(advice)) core.info(logText(line));
  const markdown = renderMarkdown(advice);
  if (run.env.GITHUB_STEP_SUMMARY) await core.summary.addRaw(markdown, true).write();
  setOutputs({ advice: file });
  return { advice, file, markdown };
}
