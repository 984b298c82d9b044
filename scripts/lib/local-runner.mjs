// Runs the bundled action's main and post steps outside GitHub the way the runner does:
// separate Node processes, INPUT_* variables, the runner's env files, state handed from main
// to post. Used by scripts/local-run.mjs (the README's local command) and scripts/bench.mjs.
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Parses the runner's `name=value` / `name<<DELIMITER` file format. */
export function parseRunnerFile(file) {
  const out = {};
  const lines = readFileSync(file, 'utf8').split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = /^([^=<]+)<<(.+)$/.exec(lines[i]);
    if (m) {
      const value = [];
      while (++i < lines.length && lines[i] !== m[2]) value.push(lines[i]);
      out[m[1]] = value.join('\n');
    } else if (lines[i].includes('=')) out[lines[i].slice(0, lines[i].indexOf('='))] = lines[i].slice(lines[i].indexOf('=') + 1);
  }
  return out;
}

function runStep(entry, env, cwd, quiet) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, [path.join(repoRoot, 'dist', `${entry}.js`)], {
      cwd,
      env,
      stdio: quiet ? ['ignore', 'pipe', 'pipe'] : ['ignore', 'inherit', 'inherit'],
    });
    let output = '';
    if (quiet) {
      child.stdout.on('data', (d) => (output += d));
      child.stderr.on('data', (d) => (output += d));
    }
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, seconds: Number(process.hrtime.bigint() - started) / 1e9, output }));
  });
}

/**
 * Runs main then post on `workspace`. `runnerTemp` persists between runs (records, summary);
 * inputs use action.yml names. Returns each step's exit code, wall seconds and (when quiet)
 * output, plus main's outputs and the Markdown summary.
 */
export async function runLocalJob({ workspace, inputs = {}, env = {}, runnerTemp, quiet = false, onStep = () => {} }) {
  mkdirSync(runnerTemp, { recursive: true });
  const files = Object.fromEntries(['output', 'state', 'env', 'summary.md'].map((f) => [f, path.join(runnerTemp, f)]));
  for (const f of Object.values(files)) writeFileSync(f, '');
  const base = { ...process.env };
  for (const k of Object.keys(base)) if (/^(GITHUB_|INPUT_|STATE_|ACTIONS_|RUNNER_)/.test(k)) delete base[k];
  const stepEnv = {
    ...base,
    ...Object.fromEntries(Object.entries({ 'cache-backend': 'local', ...inputs }).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, String(v)])),
    GITHUB_WORKSPACE: workspace,
    GITHUB_OUTPUT: files.output,
    GITHUB_STATE: files.state,
    GITHUB_ENV: files.env,
    GITHUB_STEP_SUMMARY: files['summary.md'],
    RUNNER_TEMP: runnerTemp,
    ...env,
  };
  onStep('main');
  const main = await runStep('main', stepEnv, workspace, quiet);
  const state = parseRunnerFile(files.state);
  const exported = parseRunnerFile(files.env);
  const outputs = parseRunnerFile(files.output);
  const postEnv = { ...stepEnv, ...exported, ...Object.fromEntries(Object.entries(state).map(([k, v]) => [`STATE_${k}`, v])) };
  onStep('post');
  const post = await runStep('post', postEnv, workspace, quiet);
  return { main, post, outputs, summaryPath: files['summary.md'], summary: readFileSync(files['summary.md'], 'utf8') };
}
