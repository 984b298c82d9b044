// Types for runner.mjs (re-exported by __tests__/helpers/action-runner.ts).
import type { ChildProcess } from 'node:child_process';

/** The repository's root directory. */
export declare const repoRoot: string;
/** The bundled action (main.js, post.js). */
export declare const distDir: string;

export interface Annotation {
  level: 'error' | 'warning' | 'notice';
  message: string;
  properties: Record<string, string>;
}

export interface StepResult {
  exitCode: number;
  /** Wall time of the step's process. */
  seconds: number;
  /** Empty with `stdio: 'inherit'`. */
  stdout: string;
  /** Empty with `stdio: 'inherit'`. */
  stderr: string;
  /** stdout and stderr in the order they arrived (empty with `stdio: 'inherit'`). */
  output: string;
  outputs: Record<string, string>;
  /** State saved by this step (main's state is what post receives). */
  state: Record<string, string>;
  /** Variables exported to later steps through GITHUB_ENV. */
  exportedEnv: Record<string, string>;
  summary: string;
  annotations: Annotation[];
}

export type EventName = 'push' | 'pull_request' | 'workflow_dispatch';

export interface JobOptions {
  /** Repository checkout (GITHUB_WORKSPACE). */
  workspace: string;
  /** Action inputs by their action.yml names; defaults from action.yml are applied like the runner does. */
  inputs?: Record<string, string>;
  event?: EventName;
  /** Extra payload merged into the generated event payload. */
  payload?: Record<string, unknown>;
  /** Extra environment; `undefined` values remove a variable. */
  env?: Record<string, string | undefined>;
  repository?: string;
  defaultBranch?: string;
  /** For push events: branch name. For pull_request: the head branch. */
  branch?: string;
  /** pull_request number (default 7). */
  prNumber?: number;
  baseRef?: string;
  baseSha?: string;
  sha?: string;
  /** Fork PR: head repository differs. */
  fromFork?: boolean;
  /** Runner temp directory shared by the job's steps (default: fresh). */
  runnerTemp?: string;
  /**
   * Simulate a hosted GitHub runner (default true): CI, GITHUB_ACTIONS, the GITHUB_* context and
   * an event payload, a token for `${{ github.token }}`, and none of the machine's JEST_*,
   * NODE_OPTIONS, RUSTFLAGS or CARGO_ENCODED_RUSTFLAGS. With false the steps run on this machine
   * outside GitHub: only the runner's files, RUNNER_TEMP and GITHUB_WORKSPACE are set, and the
   * `cache-backend` input defaults to `local`.
   */
  github?: boolean;
  /** 'capture' (default): StepResult has the step's stdout and stderr. 'inherit': they go to this process's. */
  stdio?: 'capture' | 'inherit';
  /** Directory of the runner's files (GITHUB_OUTPUT, GITHUB_STEP_SUMMARY...); default: fresh, in runnerTemp. */
  filesDir?: string;
}

/** Input defaults as action.yml declares them (the runner fills these in; `${{ github.token }}` becomes the token). */
export declare function actionDefaults(token: string): Record<string, string>;

/** The webhook payload of the job's event (GITHUB_EVENT_PATH), with `o.payload` merged in. */
export declare function buildEventPayload(o: JobOptions): Record<string, unknown>;

/** A job that runs the action's steps one after the other, sharing RUNNER_TEMP, state and exported variables. */
export declare class Job {
  #private;
  readonly options: JobOptions;
  /** `options.github ?? true`. */
  readonly github: boolean;
  /** The fake `github.token` on a simulated hosted runner; '' outside GitHub. */
  readonly token: string;
  readonly runnerTemp: string;
  constructor(options: JobOptions);
  /** The job summary file (GITHUB_STEP_SUMMARY, shared by all steps). */
  get summaryPath(): string;
  /** The job summary as the runner would show it (all steps). */
  get summary(): string;
  main(): Promise<StepResult>;
  post(): Promise<StepResult>;
  /**
   * Starts the main step without waiting for it: `child` is the step's Node process (to send
   * it a signal, as the runner does when a job is cancelled), `result` settles when it ends.
   */
  startMain(): { child: ChildProcess; result: Promise<StepResult> };
}

export interface LocalJobOptions {
  workspace: string;
  /** Inputs by their action.yml names; `cache-backend` is `local` unless given. */
  inputs?: Record<string, string>;
  /** Extra environment for both steps; `undefined` values remove a variable. */
  env?: Record<string, string | undefined>;
  /** Kept between runs: the runner's files and the action's records live here. */
  runnerTemp: string;
  /** Capture the steps' output (LocalStep.output) instead of printing it. */
  quiet?: boolean;
  /** Called before each step starts. */
  onStep?: (step: 'main' | 'post') => void;
  /**
   * Simulate a hosted runner for this event (`github: true`: the GITHUB_* context and payload),
   * still with the local cache backend unless `inputs` names another.
   */
  event?: Pick<
    JobOptions,
    'event' | 'payload' | 'repository' | 'defaultBranch' | 'branch' | 'prNumber' | 'baseRef' | 'baseSha' | 'sha'
  >;
}

export interface LocalStep {
  code: number;
  seconds: number;
  /** stdout and stderr when quiet, else ''. */
  output: string;
}

export interface LocalJobResult {
  main: LocalStep;
  post: LocalStep;
  /** Main's outputs. */
  outputs: Record<string, string>;
  summaryPath: string;
  summary: string;
}

/**
 * Runs main then post on `workspace` outside GitHub, with the local cache backend unless
 * `inputs` names another. `runnerTemp` persists between runs (records, the summary), so a
 * second run compares with the first. Without `quiet` the steps print to this terminal.
 */
export declare function runLocalJob(options: LocalJobOptions): Promise<LocalJobResult>;

/** Parses the runner's `name<<DELIMITER\nvalue\nDELIMITER` and `name=value` file format. */
export declare function parseKeyValueFile(text: string): Record<string, string>;

/** One workflow command the runner processes (`::name key=value,…::data`). */
export interface WorkflowCommand {
  /** Lower-cased command name (the runner matches names case-insensitively). */
  name: string;
  properties: Record<string, string>;
  data: string;
}

/**
 * The workflow commands the runner processes from a step's stdout, in order, as its
 * ActionCommandManager does: `::stop-commands::TOKEN` stops all command processing until a
 * line that is the command `TOKEN` (`::TOKEN::`); an empty token never resumes.
 */
export declare function parseWorkflowCommands(stdout: string): WorkflowCommand[];

/** Workflow-command annotations (`::error file=a,line=3::msg`) from a step's stdout, as the runner processes them. */
export declare function parseAnnotations(stdout: string): Annotation[];

/** Values the (deprecated, still honoured) `::set-output name=…::` or `::save-state name=…::` commands set. */
export declare function commandValues(stdout: string, command: 'set-output' | 'save-state'): Record<string, string>;
