// Runs the bundled action (dist/main.js, dist/post.js) the way the GitHub runner does: each
// step is its own Node process, inputs arrive as INPUT_* variables, and the step talks back
// through the runner's files (GITHUB_OUTPUT, GITHUB_STATE, GITHUB_ENV, GITHUB_STEP_SUMMARY)
// and workflow commands on stdout (::error file=…,line=…::). Tests read back what a user sees.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const distDir = path.join(repoRoot, 'dist');

export interface Annotation {
  level: 'error' | 'warning' | 'notice';
  message: string;
  properties: Record<string, string>;
}

export interface StepResult {
  exitCode: number;
  stdout: string;
  stderr: string;
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
}

/** Input defaults as action.yml declares them (the runner fills these in; `${{ github.token }}` becomes the token). */
export function actionDefaults(token: string): Record<string, string> {
  const yml = readFileSync(path.join(repoRoot, 'action.yml'), 'utf8');
  const inputsBlock = yml.split(/^inputs:\s*$/m)[1]!.split(/^outputs:\s*$/m)[0]!;
  const defaults: Record<string, string> = {};
  let current: string | null = null;
  for (const line of inputsBlock.split('\n')) {
    const name = /^ {2}([a-z0-9-]+):\s*$/.exec(line);
    if (name) current = name[1]!;
    const def = /^ {4}default:\s*(.*)$/.exec(line);
    if (def && current) {
      let v = def[1]!.trim();
      if (v.startsWith("'") && v.endsWith("'")) v = v.slice(1, -1).replace(/''/g, "'");
      defaults[current] = v === '${{ github.token }}' ? token : v;
    }
  }
  return defaults;
}

export function buildEventPayload(o: JobOptions): Record<string, unknown> {
  const repository = o.repository ?? 'octo-org/octo-repo';
  const defaultBranch = o.defaultBranch ?? 'main';
  const repo = { full_name: repository, default_branch: defaultBranch, name: repository.split('/')[1], owner: { login: repository.split('/')[0] } };
  const base =
    o.event === 'pull_request'
      ? {
          number: o.prNumber ?? 7,
          pull_request: {
            number: o.prNumber ?? 7,
            base: { ref: o.baseRef ?? defaultBranch, sha: o.baseSha ?? 'b'.repeat(40), repo },
            head: { ref: o.branch ?? 'feature', sha: o.sha ?? 'c'.repeat(40), repo: o.fromFork ? { ...repo, full_name: `fork-owner/${repo.name}` } : repo },
          },
          repository: repo,
        }
      : { ref: `refs/heads/${o.branch ?? defaultBranch}`, after: o.sha ?? 'a'.repeat(40), repository: repo };
  return { ...base, ...(o.payload ?? {}) };
}

export class Job {
  readonly runnerTemp: string;
  private readonly files: { output: string; state: string; env: string; summary: string; event: string };
  private savedState: Record<string, string> = {};
  private exported: Record<string, string> = {};
  private stepCount = 0;
  readonly token = 'ghs_fakeTokenForTests0123456789';

  constructor(readonly options: JobOptions) {
    this.runnerTemp = options.runnerTemp ?? mkdtempSync(path.join(os.tmpdir(), 'wm-runner-'));
    mkdirSync(this.runnerTemp, { recursive: true });
    const dir = mkdtempSync(path.join(this.runnerTemp, 'files-'));
    this.files = {
      output: path.join(dir, 'output'),
      state: path.join(dir, 'state'),
      env: path.join(dir, 'env'),
      summary: path.join(dir, 'summary.md'),
      event: path.join(dir, 'event.json'),
    };
    writeFileSync(this.files.event, JSON.stringify(buildEventPayload(options), null, 2));
    writeFileSync(this.files.summary, '');
  }

  /** The job summary as the runner would show it (all steps). */
  get summary(): string {
    return readFileSync(this.files.summary, 'utf8');
  }

  async main(): Promise<StepResult> {
    return this.step('main');
  }

  async post(): Promise<StepResult> {
    return this.step('post');
  }

  /**
   * Starts the main step without waiting for it: `child` is the step's Node process (to send
   * it a signal, as the runner does when a job is cancelled), `result` settles when it ends.
   */
  startMain(): { child: ChildProcess; result: Promise<StepResult> } {
    let child: ChildProcess | undefined;
    // step() spawns synchronously, before its first await.
    const result = this.step('main', (c) => {
      child = c;
    });
    return { child: child!, result };
  }

  private async step(entry: 'main' | 'post', onSpawn?: (child: ChildProcess) => void): Promise<StepResult> {
    const o = this.options;
    const n = ++this.stepCount;
    const outputFile = `${this.files.output}-${n}`;
    const stateFile = `${this.files.state}-${n}`;
    const envFile = `${this.files.env}-${n}`;
    for (const f of [outputFile, stateFile, envFile]) writeFileSync(f, '');
    const repository = o.repository ?? 'octo-org/octo-repo';
    const event = o.event ?? 'push';
    const defaultBranch = o.defaultBranch ?? 'main';
    const inputs = { ...actionDefaults(this.token), ...(o.inputs ?? {}) };

    const env: Record<string, string> = {};
    // The runner passes the machine's environment (PATH, HOME, CARGO_HOME...), minus anything
    // from the test process that would leak GitHub context in.
    for (const [k, v] of Object.entries(process.env)) {
      if (v === undefined || k.startsWith('GITHUB_') || k.startsWith('INPUT_') || k.startsWith('ACTIONS_') || k.startsWith('RUNNER_')) continue;
      if (k.startsWith('STATE_') || k === 'NODE_OPTIONS' || k.startsWith('JEST_') || k === 'RUSTFLAGS' || k === 'CARGO_ENCODED_RUSTFLAGS') continue;
      env[k] = v;
    }
    Object.assign(env, {
      CI: 'true',
      GITHUB_ACTIONS: 'true',
      GITHUB_WORKSPACE: o.workspace,
      GITHUB_REPOSITORY: repository,
      GITHUB_REPOSITORY_OWNER: repository.split('/')[0]!,
      GITHUB_EVENT_NAME: event,
      GITHUB_EVENT_PATH: this.files.event,
      GITHUB_SHA: o.sha ?? (event === 'pull_request' ? 'd'.repeat(40) : 'a'.repeat(40)),
      GITHUB_REF: event === 'pull_request' ? `refs/pull/${o.prNumber ?? 7}/merge` : `refs/heads/${o.branch ?? defaultBranch}`,
      GITHUB_REF_NAME: event === 'pull_request' ? `${o.prNumber ?? 7}/merge` : (o.branch ?? defaultBranch),
      GITHUB_BASE_REF: event === 'pull_request' ? (o.baseRef ?? defaultBranch) : '',
      GITHUB_HEAD_REF: event === 'pull_request' ? (o.branch ?? 'feature') : '',
      GITHUB_RUN_ID: '4242',
      GITHUB_RUN_ATTEMPT: '1',
      GITHUB_JOB: 'build',
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_API_URL: 'http://127.0.0.1:9', // nothing listens: tests that need the API set their fake's URL
      GITHUB_OUTPUT: outputFile,
      GITHUB_STATE: stateFile,
      GITHUB_ENV: envFile,
      GITHUB_STEP_SUMMARY: this.files.summary,
      RUNNER_TEMP: this.runnerTemp,
      RUNNER_OS: 'Linux',
      RUNNER_ARCH: 'X64',
    });
    for (const [name, value] of Object.entries(inputs)) env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value;
    // Variables exported by earlier steps reach later steps, as on the runner.
    Object.assign(env, this.exported);
    if (entry === 'post') for (const [k, v] of Object.entries(this.savedState)) env[`STATE_${k}`] = v;
    for (const [k, v] of Object.entries(o.env ?? {})) {
      if (v === undefined) delete env[k];
      else env[k] = v;
    }

    const { code, stdout, stderr } = await runNode(path.join(distDir, `${entry}.js`), env, o.workspace, onSpawn);
    // Commands on stdout take effect as they are printed; the files are read when the step ends.
    const state = { ...commandValues(stdout, 'save-state'), ...parseKeyValueFile(readFileSync(stateFile, 'utf8')) };
    if (entry === 'main') this.savedState = state;
    const exportedEnv = parseKeyValueFile(readFileSync(envFile, 'utf8'));
    Object.assign(this.exported, exportedEnv);
    return {
      exitCode: code,
      stdout,
      stderr,
      outputs: { ...commandValues(stdout, 'set-output'), ...parseKeyValueFile(readFileSync(outputFile, 'utf8')) },
      state,
      exportedEnv,
      summary: existsSync(this.files.summary) ? readFileSync(this.files.summary, 'utf8') : '',
      annotations: parseAnnotations(stdout),
    };
  }
}

function runNode(script: string, env: Record<string, string>, cwd: string, onSpawn?: (child: ChildProcess) => void): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    onSpawn?.(child);
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    child.on('error', reject);
    child.on('close', (c) => resolve({ code: c ?? 1, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') }));
  });
}

/** Parses the runner's `name<<DELIMITER\nvalue\nDELIMITER` and `name=value` file format. */
export function parseKeyValueFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const [, name, delimiter] = heredoc;
      const value: string[] = [];
      while (++i < lines.length && lines[i] !== delimiter) value.push(lines[i]!);
      out[name!] = value.join('\n');
    } else if (line.includes('=')) {
      out[line.slice(0, line.indexOf('='))] = line.slice(line.indexOf('=') + 1);
    }
  }
  return out;
}

const unescapeData = (s: string) => s.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%');
const unescapeProperty = (s: string) => unescapeData(s).replace(/%3A/g, ':').replace(/%2C/g, ',');

/** One workflow command the runner processes (`::name key=value,…::data`). */
export interface WorkflowCommand {
  /** Lower-cased command name (the runner matches names case-insensitively). */
  name: string;
  properties: Record<string, string>;
  data: string;
}

/** The commands the runner knows; any other `::word::` line is plain output. */
const RUNNER_COMMANDS = new Set([
  'stop-commands',
  'set-env',
  'set-output',
  'save-state',
  'add-mask',
  'add-path',
  'add-matcher',
  'remove-matcher',
  'warning',
  'error',
  'notice',
  'debug',
  'group',
  'endgroup',
  'echo',
]);

/**
 * A line as the runner reads it (actions/runner ActionCommand.TryParseV2, then the legacy
 * TryParse): `::name props::data` after leading whitespace, or `##[name props]data` anywhere in
 * the line; only names in `known` are commands.
 */
function parseCommandLine(raw: string, known: (name: string) => boolean): WorkflowCommand | null {
  const line = raw.trimEnd();
  const v2 = line.trimStart();
  if (v2.startsWith('::')) {
    const end = v2.indexOf('::', 2);
    if (end >= 0) {
      const info = v2.slice(2, end);
      const space = info.indexOf(' ');
      const name = space < 0 ? info : info.slice(0, space);
      if (known(name)) {
        const properties: Record<string, string> = {};
        for (const pair of (space < 0 ? '' : info.slice(space + 1).trim()).split(',').filter(Boolean)) {
          const eq = pair.indexOf('=');
          properties[pair.slice(0, eq)] = unescapeProperty(pair.slice(eq + 1));
        }
        return { name: name.toLowerCase(), properties, data: unescapeData(v2.slice(end + 2)) };
      }
    }
  }
  const legacy = line.indexOf('##[');
  if (legacy >= 0) {
    const close = line.indexOf(']', legacy);
    if (close >= 0) {
      const info = line.slice(legacy + 3, close);
      const space = info.indexOf(' ');
      const name = space < 0 ? info : info.slice(0, space);
      if (known(name)) {
        const unescape = (s: string) => unescapeData(s).replace(/%3B/g, ';').replace(/%5D/g, ']');
        const properties: Record<string, string> = {};
        for (const pair of (space < 0 ? '' : info.slice(space + 1)).split(';').filter(Boolean)) {
          const eq = pair.indexOf('=');
          if (eq > 0) properties[pair.slice(0, eq)] = unescape(pair.slice(eq + 1));
        }
        return { name: name.toLowerCase(), properties, data: unescape(line.slice(close + 1)) };
      }
    }
  }
  return null;
}

/**
 * The workflow commands the runner processes from a step's stdout, in order, as its
 * ActionCommandManager does: `::stop-commands::TOKEN` stops all command processing until a
 * line that is the command `TOKEN` (`::TOKEN::`); an empty token never resumes.
 */
export function parseWorkflowCommands(stdout: string): WorkflowCommand[] {
  const out: WorkflowCommand[] = [];
  let stopToken: string | null = null;
  // The runner reads the output line by line, and a lone CR ends a line too.
  for (const line of stdout.split(/\r\n|\r|\n/)) {
    if (stopToken !== null) {
      const token = stopToken;
      const resume = parseCommandLine(line, (name) => token !== '' && name.toLowerCase() === token.toLowerCase());
      if (resume) stopToken = null;
      continue;
    }
    const command = parseCommandLine(line, (name) => RUNNER_COMMANDS.has(name.toLowerCase()));
    if (!command) continue;
    if (command.name === 'stop-commands') stopToken = command.data;
    else out.push(command);
  }
  return out;
}

/** Workflow-command annotations (`::error file=a,line=3::msg`) from a step's stdout, as the runner processes them. */
export function parseAnnotations(stdout: string): Annotation[] {
  return parseWorkflowCommands(stdout)
    .filter((c) => c.name === 'error' || c.name === 'warning' || c.name === 'notice')
    .map((c) => ({ level: c.name as Annotation['level'], message: c.data, properties: c.properties }));
}

/** Values the (deprecated, still honoured) `::set-output name=…::` or `::save-state name=…::` commands set. */
export function commandValues(stdout: string, command: 'set-output' | 'save-state'): Record<string, string> {
  const out: Record<string, string> = {};
  for (const c of parseWorkflowCommands(stdout)) if (c.name === command && c.properties.name) out[c.properties.name] = c.data;
  return out;
}
