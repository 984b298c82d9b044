#!/usr/bin/env node
// Runs the bundled action's main and post steps on a Rust workspace outside GitHub, the way the
// runner would (separate processes, INPUT_* variables, state handed from main to post), with
// the local cache directory as the cache backend. Needs only Node and cargo: dist/ is committed.
//
//   node scripts/local-run.mjs [workspace-dir] [--profile release] [--input name=value ...]
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const inputs = {};
let workspace = path.join(root, 'example/workspace');
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  if (a === '--profile') inputs.profile = args[++i];
  else if (a === '--input') {
    const [k, ...v] = (args[++i] ?? '').split('=');
    inputs[k] = v.join('=');
  } else if (a === '--help' || a === '-h') {
    console.log('usage: node scripts/local-run.mjs [workspace-dir] [--profile <name>] [--input <name>=<value> ...]');
    process.exit(0);
  } else workspace = path.resolve(a);
}
if (!existsSync(path.join(workspace, 'Cargo.toml'))) {
  console.error(`No Cargo.toml in ${workspace}. Pass the directory of a Cargo workspace.`);
  process.exit(2);
}
const probe = spawnSync('cargo', ['--version'], { encoding: 'utf8' });
if (probe.status !== 0) {
  console.error('cargo was not found on PATH. Install Rust (rustup or your distribution\'s cargo) and try again.');
  process.exit(2);
}

// A runner-like temp dir that survives between local runs, so the second run has a baseline.
const runnerTemp = path.join(workspace, 'target', 'watchmaker-local');
mkdirSync(runnerTemp, { recursive: true });
const files = Object.fromEntries(['output', 'state', 'env', 'summary.md'].map((f) => [f, path.join(runnerTemp, f)]));
for (const f of Object.values(files)) writeFileSync(f, '');

const baseEnv = { ...process.env };
for (const k of Object.keys(baseEnv)) if (/^(GITHUB_|INPUT_|STATE_|ACTIONS_|RUNNER_)/.test(k)) delete baseEnv[k];
const inputEnv = Object.fromEntries(
  Object.entries({ 'cache-backend': 'local', ...inputs }).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v]),
);
const stepEnv = {
  ...baseEnv,
  ...inputEnv,
  GITHUB_WORKSPACE: workspace,
  GITHUB_OUTPUT: files.output,
  GITHUB_STATE: files.state,
  GITHUB_ENV: files.env,
  GITHUB_STEP_SUMMARY: files['summary.md'],
  RUNNER_TEMP: runnerTemp,
};

function parseFile(file) {
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

function step(name, env) {
  console.log(`\n=== Watchmaker ${name} step (${workspace}) ===`);
  const r = spawnSync(process.execPath, [path.join(root, 'dist', `${name}.js`)], { cwd: workspace, env, stdio: 'inherit' });
  return r.status ?? 1;
}

const mainCode = step('main', stepEnv);
const state = parseFile(files.state);
const exported = parseFile(files.env);
const postEnv = { ...stepEnv, ...exported, ...Object.fromEntries(Object.entries(state).map(([k, v]) => [`STATE_${k}`, v])) };
const postCode = step('post', postEnv);

const outputs = parseFile(files.output);
console.log('\n=== Outputs ===');
for (const [k, v] of Object.entries(outputs)) console.log(`${k}: ${v}`);
console.log(`\nJob summary (Markdown): ${files['summary.md']}`);
process.exit(mainCode || postCode);
