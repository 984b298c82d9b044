// Runs the bundled action (dist/main.js, dist/post.js) the way the GitHub runner does: each
// step is its own Node process, inputs arrive as INPUT_* variables (action.yml defaults filled
// in), and the step talks back through the runner's files (GITHUB_OUTPUT, GITHUB_STATE,
// GITHUB_ENV, GITHUB_STEP_SUMMARY) and workflow commands on stdout (::error file=…,line=…::);
// state saved by main reaches post as STATE_*, variables exported to GITHUB_ENV reach later steps.
//
// One implementation for every caller:
//  - the tests (__tests__/helpers/action-runner.ts re-exports this module) simulate a hosted
//    runner: `github: true` (CI, GITHUB_ACTIONS, the GITHUB_* context, an event payload) and
//    `stdio: 'capture'`, so they read back what a user sees;
//  - the README's local command (scripts/local-run.mjs) and the bench (scripts/bench.mjs) run
//    on this machine outside GitHub through runLocalJob: `github: false`, a local cache.
//
// Plain JavaScript so that the scripts run on Node alone; the types are in runner.d.mts.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** @typedef {import('./runner.d.mts').JobOptions} JobOptions */
/** @typedef {import('./runner.d.mts').StepResult} StepResult */
/** @typedef {import('./runner.d.mts').Annotation} Annotation */
/** @typedef {import('./runner.d.mts').WorkflowCommand} WorkflowCommand */

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
// WATCHMAKER_DIST_DIR runs another bundle (a private build while dist/ is being changed).
export const distDir = process.env.WATCHMAKER_DIST_DIR ?? path.join(repoRoot, 'dist');

/** The `github.token` of a simulated hosted runner (a Job outside GitHub has none). */
const FAKE_TOKEN = 'ghs_fakeTokenForTests0123456789';

// ---------- inputs and event ----------

/**
 * Input defaults as action.yml declares them (the runner fills these in; `${{ github.token }}` becomes the token).
 * @param {string} token
 * @returns {Record<string, string>}
 */
export function actionDefaults(token) {
  const yml = readFileSync(path.join(repoRoot, 'action.yml'), 'utf8');
  const inputsBlock = yml.split(/^inputs:\s*$/m)[1].split(/^outputs:\s*$/m)[0];
  /** @type {Record<string, string>} */
  const defaults = {};
  let current = null;
  for (const line of inputsBlock.split('\n')) {
    const name = /^ {2}([a-z0-9-]+):\s*$/.exec(line);
    if (name) current = name[1];
    const def = /^ {4}default:\s*(.*)$/.exec(line);
    if (def && current) {
      let v = def[1].trim();
      if (v.startsWith("'") && v.endsWith("'")) v = v.slice(1, -1).replace(/''/g, "'");
      defaults[current] = v === '${{ github.token }}' ? token : v;
    }
  }
  return defaults;
}

/**
 * The webhook payload of the job's event (GITHUB_EVENT_PATH), with `o.payload` merged in.
 * @param {JobOptions} o
 * @returns {Record<string, unknown>}
 */
export function buildEventPayload(o) {
  const repository = o.repository ?? 'octo-org/octo-repo';
  const defaultBranch = o.defaultBranch ?? 'main';
  const repo = {
    full_name: repository,
    default_branch: defaultBranch,
    name: repository.split('/')[1],
    owner: { login: repository.split('/')[0] },
  };
  const base =
    o.event === 'pull_request'
      ? {
          number: o.prNumber ?? 7,
          pull_request: {
            number: o.prNumber ?? 7,
            base: { ref: o.baseRef ?? defaultBranch, sha: o.baseSha ?? 'b'.repeat(40), repo },
            head: {
              ref: o.branch ?? 'feature',
              sha: o.sha ?? 'c'.repeat(40),
              repo: o.fromFork ? { ...repo, full_name: `fork-owner/${repo.name}` } : repo,
            },
          },
          repository: repo,
        }
      : { ref: `refs/heads/${o.branch ?? defaultBranch}`, after: o.sha ?? 'a'.repeat(40), repository: repo };
  return { ...base, ...(o.payload ?? {}) };
}

// ---------- a step's environment ----------

/** The runner's own variables: never inherited from the process that starts the job. */
const RUNNER_VARIABLES = /^(GITHUB_|INPUT_|STATE_|ACTIONS_|RUNNER_)/;
/** Settings of the test process (or a developer's shell) that a fresh hosted runner does not have. */
const HOST_SETTINGS = /^(JEST_|NODE_OPTIONS$|RUSTFLAGS$|CARGO_ENCODED_RUSTFLAGS$)/;

/**
 * The machine's environment as a step receives it (PATH, HOME, CARGO_HOME...), minus anything
 * that would leak a GitHub context in; a simulated hosted runner also drops HOST_SETTINGS.
 * @param {boolean} github
 * @returns {Record<string, string>}
 */
function machineEnv(github) {
  /** @type {Record<string, string>} */
  const env = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v === undefined || RUNNER_VARIABLES.test(k) || (github && HOST_SETTINGS.test(k))) continue;
    env[k] = v;
  }
  return env;
}

/**
 * The context a hosted runner sets for the job's event (CI, GITHUB_ACTIONS, GITHUB_REF...).
 * @param {JobOptions} o
 * @param {string} eventPath
 * @returns {Record<string, string>}
 */
function githubContext(o, eventPath) {
  const repository = o.repository ?? 'octo-org/octo-repo';
  const event = o.event ?? 'push';
  const defaultBranch = o.defaultBranch ?? 'main';
  const pr = event === 'pull_request';
  return {
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_REPOSITORY: repository,
    GITHUB_REPOSITORY_OWNER: repository.split('/')[0],
    GITHUB_EVENT_NAME: event,
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_SHA: o.sha ?? (pr ? 'd'.repeat(40) : 'a'.repeat(40)),
    GITHUB_REF: pr ? `refs/pull/${o.prNumber ?? 7}/merge` : `refs/heads/${o.branch ?? defaultBranch}`,
    GITHUB_REF_NAME: pr ? `${o.prNumber ?? 7}/merge` : (o.branch ?? defaultBranch),
    GITHUB_BASE_REF: pr ? (o.baseRef ?? defaultBranch) : '',
    GITHUB_HEAD_REF: pr ? (o.branch ?? 'feature') : '',
    GITHUB_RUN_ID: '4242',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_JOB: 'build',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_API_URL: 'http://127.0.0.1:9', // nothing listens: tests that need the API set their fake's URL
    RUNNER_OS: 'Linux',
    RUNNER_ARCH: 'X64',
  };
}

/**
 * `INPUT_<NAME>` variables for inputs given by their action.yml names.
 * @param {Record<string, string>} inputs
 * @returns {Record<string, string>}
 */
function inputVariables(inputs) {
  return Object.fromEntries(
    Object.entries(inputs).map(([name, value]) => [`INPUT_${name.replace(/ /g, '_').toUpperCase()}`, String(value)]),
  );
}

// ---------- the job ----------

/** A job that runs the action's steps one after the other, sharing RUNNER_TEMP, state and exported variables. */
export class Job {
  /** @type {{ output: string; state: string; env: string; summary: string; event: string }} */
  #files;
  /** @type {Record<string, string>} */
  #savedState = {};
  /** @type {Record<string, string>} */
  #exported = {};
  #stepCount = 0;

  /** @param {JobOptions} options */
  constructor(options) {
    this.options = options;
    this.github = options.github ?? true;
    this.token = this.github ? FAKE_TOKEN : '';
    this.runnerTemp = options.runnerTemp ?? mkdtempSync(path.join(os.tmpdir(), 'wm-runner-'));
    mkdirSync(this.runnerTemp, { recursive: true });
    const dir = options.filesDir ?? mkdtempSync(path.join(this.runnerTemp, 'files-'));
    mkdirSync(dir, { recursive: true });
    this.#files = {
      output: path.join(dir, 'output'),
      state: path.join(dir, 'state'),
      env: path.join(dir, 'env'),
      summary: path.join(dir, 'summary.md'),
      event: path.join(dir, 'event.json'),
    };
    if (this.github) writeFileSync(this.#files.event, JSON.stringify(buildEventPayload(options), null, 2));
    writeFileSync(this.#files.summary, '');
  }

  /** The job summary file (GITHUB_STEP_SUMMARY, shared by all steps). */
  get summaryPath() {
    return this.#files.summary;
  }

  /** The job summary as the runner would show it (all steps). */
  get summary() {
    return readFileSync(this.#files.summary, 'utf8');
  }

  /** @returns {Promise<StepResult>} */
  main() {
    return this.#step('main');
  }

  /** @returns {Promise<StepResult>} */
  post() {
    return this.#step('post');
  }

  /**
   * Starts the main step without waiting for it: `child` is the step's Node process (to send
   * it a signal, as the runner does when a job is cancelled), `result` settles when it ends.
   * @returns {{ child: import('node:child_process').ChildProcess; result: Promise<StepResult> }}
   */
  startMain() {
    let child;
    // #step() spawns synchronously, before its first await.
    const result = this.#step('main', (c) => {
      child = c;
    });
    return { child, result };
  }

  /**
   * @param {'main' | 'post'} entry
   * @param {(child: import('node:child_process').ChildProcess) => void} [onSpawn]
   * @returns {Promise<StepResult>}
   */
  async #step(entry, onSpawn) {
    const n = ++this.#stepCount;
    const files = {
      output: `${this.#files.output}-${n}`,
      state: `${this.#files.state}-${n}`,
      env: `${this.#files.env}-${n}`,
    };
    for (const f of Object.values(files)) writeFileSync(f, '');
    const env = this.#stepEnv(entry, files);
    const run = await runNode(path.join(distDir, `${entry}.js`), {
      env,
      cwd: this.options.workspace,
      stdio: this.options.stdio ?? 'capture',
      onSpawn,
    });
    return this.#stepResult(entry, files, run);
  }

  /**
   * What the runner gives a step: the machine's environment, the runner's files and context,
   * inputs, earlier steps' exported variables, main's state (for post), then `options.env`.
   * @param {'main' | 'post'} entry
   * @param {{ output: string; state: string; env: string }} files
   * @returns {Record<string, string>}
   */
  #stepEnv(entry, files) {
    const o = this.options;
    const env = {
      ...machineEnv(this.github),
      ...(this.github ? githubContext(o, this.#files.event) : {}),
      GITHUB_WORKSPACE: o.workspace,
      GITHUB_OUTPUT: files.output,
      GITHUB_STATE: files.state,
      GITHUB_ENV: files.env,
      GITHUB_STEP_SUMMARY: this.#files.summary,
      RUNNER_TEMP: this.runnerTemp,
      ...inputVariables({
        ...actionDefaults(this.token),
        ...(this.github ? {} : { 'cache-backend': 'local' }),
        ...(o.inputs ?? {}),
      }),
      // Variables exported by earlier steps reach later steps, as on the runner.
      ...this.#exported,
    };
    if (entry === 'post') for (const [k, v] of Object.entries(this.#savedState)) env[`STATE_${k}`] = v;
    for (const [k, v] of Object.entries(o.env ?? {})) {
      if (v === undefined) delete env[k];
      else env[k] = v;
    }
    return env;
  }

  /**
   * Reads back what the step left: commands on stdout took effect as they were printed; the
   * files are read when the step ends. Main's state is what post receives.
   * @param {'main' | 'post'} entry
   * @param {{ output: string; state: string; env: string }} files
   * @param {{ code: number; seconds: number; stdout: string; stderr: string; output: string }} run
   * @returns {StepResult}
   */
  #stepResult(entry, files, run) {
    const state = {
      ...commandValues(run.stdout, 'save-state'),
      ...parseKeyValueFile(readFileSync(files.state, 'utf8')),
    };
    if (entry === 'main') this.#savedState = state;
    const exportedEnv = parseKeyValueFile(readFileSync(files.env, 'utf8'));
    Object.assign(this.#exported, exportedEnv);
    return {
      exitCode: run.code,
      seconds: run.seconds,
      stdout: run.stdout,
      stderr: run.stderr,
      output: run.output,
      outputs: { ...commandValues(run.stdout, 'set-output'), ...parseKeyValueFile(readFileSync(files.output, 'utf8')) },
      state,
      exportedEnv,
      summary: existsSync(this.#files.summary) ? readFileSync(this.#files.summary, 'utf8') : '',
      annotations: parseAnnotations(run.stdout),
    };
  }
}

/**
 * Runs `script` in its own Node process. With `stdio: 'capture'` its stdout and stderr are
 * collected (`output` is both, in the order they arrived); with 'inherit' they go to this
 * process's and come back empty.
 * @param {string} script
 * @param {{ env: Record<string, string>; cwd: string; stdio: 'capture' | 'inherit'; onSpawn?: (child: import('node:child_process').ChildProcess) => void }} how
 * @returns {Promise<{ code: number; seconds: number; stdout: string; stderr: string; output: string }>}
 */
function runNode(script, { env, cwd, stdio, onSpawn }) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const stream = stdio === 'inherit' ? 'inherit' : 'pipe';
    const child = spawn(process.execPath, [script], { cwd, env, stdio: ['ignore', stream, stream] });
    onSpawn?.(child);
    /** @type {{ stdout: Buffer[]; stderr: Buffer[]; output: Buffer[] }} */
    const chunks = { stdout: [], stderr: [], output: [] };
    for (const name of /** @type {const} */ (['stdout', 'stderr'])) {
      child[name]?.on('data', (d) => {
        chunks[name].push(d);
        chunks.output.push(d);
      });
    }
    const text = (/** @type {Buffer[]} */ b) => Buffer.concat(b).toString('utf8');
    child.on('error', reject);
    child.on('close', (c) => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      resolve({
        code: c ?? 1,
        seconds,
        stdout: text(chunks.stdout),
        stderr: text(chunks.stderr),
        output: text(chunks.output),
      });
    });
  });
}

/**
 * Runs main then post on `workspace` outside GitHub, with the local cache backend unless
 * `inputs` names another. `runnerTemp` persists between runs (records, the summary), so a
 * second run compares with the first. Without `quiet` the steps print to this terminal.
 * With `event` the job simulates a hosted runner for that event (`github: true`: the GITHUB_*
 * context and payload, as the tests do), still on the local cache backend unless `inputs`
 * names another: the bench's push and pull_request jobs.
 * @param {import('./runner.d.mts').LocalJobOptions} options
 * @returns {Promise<import('./runner.d.mts').LocalJobResult>}
 */
export async function runLocalJob({
  workspace,
  inputs = {},
  env = {},
  runnerTemp,
  quiet = false,
  onStep = () => {},
  event,
}) {
  const stdio = quiet ? 'capture' : 'inherit';
  const job = event
    ? new Job({
        ...event,
        workspace,
        inputs: { 'cache-backend': 'local', ...inputs },
        env,
        runnerTemp,
        filesDir: runnerTemp,
        github: true,
        stdio,
      })
    : new Job({ workspace, inputs, env, runnerTemp, filesDir: runnerTemp, github: false, stdio });
  const brief = (/** @type {StepResult} */ r) => ({ code: r.exitCode, seconds: r.seconds, output: r.output });
  onStep('main');
  const main = await job.main();
  onStep('post');
  const post = await job.post();
  return {
    main: brief(main),
    post: brief(post),
    outputs: main.outputs,
    summaryPath: job.summaryPath,
    summary: job.summary,
  };
}

// ---------- the runner's files and workflow commands ----------

/**
 * Parses the runner's `name<<DELIMITER\nvalue\nDELIMITER` and `name=value` file format.
 * @param {string} text
 * @returns {Record<string, string>}
 */
export function parseKeyValueFile(text) {
  /** @type {Record<string, string>} */
  const out = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const [, name, delimiter] = heredoc;
      const value = [];
      while (++i < lines.length && lines[i] !== delimiter) value.push(lines[i]);
      out[name] = value.join('\n');
    } else if (line.includes('=')) {
      out[line.slice(0, line.indexOf('='))] = line.slice(line.indexOf('=') + 1);
    }
  }
  return out;
}

const unescapeData = (/** @type {string} */ s) => s.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%');
const unescapeProperty = (/** @type {string} */ s) => unescapeData(s).replace(/%3A/g, ':').replace(/%2C/g, ',');
const unescapeLegacy = (/** @type {string} */ s) => unescapeData(s).replace(/%3B/g, ';').replace(/%5D/g, ']');

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
 * A command's `name properties` part split at the first space.
 * @param {string} info
 * @returns {{ name: string; rest: string }}
 */
function splitInfo(info) {
  const space = info.indexOf(' ');
  return space < 0 ? { name: info, rest: '' } : { name: info.slice(0, space), rest: info.slice(space + 1) };
}

/**
 * `key=value` pairs separated by `separator` (empty pairs skipped); the legacy format also
 * skips pairs without a key (`keyRequired`).
 * @param {string} text
 * @param {string} separator
 * @param {(s: string) => string} unescape
 * @param {boolean} keyRequired
 * @returns {Record<string, string>}
 */
function parseProperties(text, separator, unescape, keyRequired) {
  /** @type {Record<string, string>} */
  const properties = {};
  for (const pair of text.split(separator).filter(Boolean)) {
    const eq = pair.indexOf('=');
    if (!keyRequired || eq > 0) properties[pair.slice(0, eq)] = unescape(pair.slice(eq + 1));
  }
  return properties;
}

/**
 * `::name props::data` after leading whitespace (actions/runner ActionCommand.TryParseV2).
 * @param {string} line
 * @param {(name: string) => boolean} known
 * @returns {WorkflowCommand | null}
 */
function parseV2Command(line, known) {
  const v2 = line.trimStart();
  if (!v2.startsWith('::')) return null;
  const end = v2.indexOf('::', 2);
  if (end < 0) return null;
  const { name, rest } = splitInfo(v2.slice(2, end));
  if (!known(name)) return null;
  return {
    name: name.toLowerCase(),
    properties: parseProperties(rest.trim(), ',', unescapeProperty, false),
    data: unescapeData(v2.slice(end + 2)),
  };
}

/**
 * `##[name props]data` anywhere in the line (actions/runner ActionCommand.TryParse, the legacy format).
 * @param {string} line
 * @param {(name: string) => boolean} known
 * @returns {WorkflowCommand | null}
 */
function parseLegacyCommand(line, known) {
  const legacy = line.indexOf('##[');
  if (legacy < 0) return null;
  const close = line.indexOf(']', legacy);
  if (close < 0) return null;
  const { name, rest } = splitInfo(line.slice(legacy + 3, close));
  if (!known(name)) return null;
  return {
    name: name.toLowerCase(),
    properties: parseProperties(rest, ';', unescapeLegacy, true),
    data: unescapeLegacy(line.slice(close + 1)),
  };
}

/**
 * A line as the runner reads it (TryParseV2, then the legacy TryParse); only names in `known` are commands.
 * @param {string} raw
 * @param {(name: string) => boolean} known
 * @returns {WorkflowCommand | null}
 */
function parseCommandLine(raw, known) {
  const line = raw.trimEnd();
  return parseV2Command(line, known) ?? parseLegacyCommand(line, known);
}

/**
 * The workflow commands the runner processes from a step's stdout, in order, as its
 * ActionCommandManager does: `::stop-commands::TOKEN` stops all command processing until a
 * line that is the command `TOKEN` (`::TOKEN::`); an empty token never resumes.
 * @param {string} stdout
 * @returns {WorkflowCommand[]}
 */
export function parseWorkflowCommands(stdout) {
  /** @type {WorkflowCommand[]} */
  const out = [];
  /** @type {string | null} */
  let stopToken = null;
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

/**
 * Workflow-command annotations (`::error file=a,line=3::msg`) from a step's stdout, as the runner processes them.
 * @param {string} stdout
 * @returns {Annotation[]}
 */
export function parseAnnotations(stdout) {
  return parseWorkflowCommands(stdout)
    .filter((c) => c.name === 'error' || c.name === 'warning' || c.name === 'notice')
    .map((c) => ({ level: /** @type {Annotation['level']} */ (c.name), message: c.data, properties: c.properties }));
}

/**
 * Values the (deprecated, still honoured) `::set-output name=…::` or `::save-state name=…::` commands set.
 * @param {string} stdout
 * @param {'set-output' | 'save-state'} command
 * @returns {Record<string, string>}
 */
export function commandValues(stdout, command) {
  /** @type {Record<string, string>} */
  const out = {};
  for (const c of parseWorkflowCommands(stdout))
    if (c.name === command && c.properties.name) out[c.properties.name] = c.data;
  return out;
}
