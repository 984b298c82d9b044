#!/usr/bin/env node
// The README's local command: runs the bundled action's main and post steps on a Rust
// workspace outside GitHub, with a local cache directory as the cache backend, and prints the
// report. Needs only Node and cargo (dist/ is committed).
//
//   node scripts/local-run.mjs [workspace-dir] [--profile release] [--input name=value ...]
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot, runLocalJob } from './lib/runner.mjs';

const args = process.argv.slice(2);
const inputs = {};
let workspace = path.join(repoRoot, 'example/workspace');
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
if (spawnSync('cargo', ['--version']).status !== 0) {
  console.error("cargo was not found on PATH. Install Rust (rustup or your distribution's cargo) and try again.");
  process.exit(2);
}

// A runner-like temp dir outside target/ (the cache cleaner owns target/).
const runnerTemp = path.join(os.tmpdir(), 'watchmaker-local', workspace.replace(/[^A-Za-z0-9]+/g, '_'));
const result = await runLocalJob({
  workspace,
  inputs,
  runnerTemp,
  onStep: (step) => console.log(`\n=== Watchmaker ${step} step (${workspace}) ===`),
});
console.log('\n=== Outputs ===');
for (const [k, v] of Object.entries(result.outputs)) console.log(`${k}: ${v}`);
console.log(`\nJob summary (Markdown): ${result.summaryPath}`);
process.exit(result.main.code || result.post.code);
