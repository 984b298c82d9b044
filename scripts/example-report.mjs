#!/usr/bin/env node
// Renders the README's example report from real runs of the bundled action (dist/), as GitHub
// runs it: a push to the default branch stores the baseline, then a pull request whose commit
// adds generic numeric tables to the example workspace's `engine` crate. With the default
// `baseline: auto`, the pull request compares with the stored record and, as that suggests a
// change, confirms it by rebuilding the base commit in the same job.
//
//   node scripts/example-report.mjs     (prints the Markdown; the README section is pasted from it)
import { execFileSync } from 'node:child_process';
import { appendFileSync, cpSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Job, repoRoot } from './lib/runner.mjs';

const gitEnv = {
  ...process.env,
  GIT_AUTHOR_NAME: 'example',
  GIT_AUTHOR_EMAIL: 'example@example.invalid',
  GIT_COMMITTER_NAME: 'example',
  GIT_COMMITTER_EMAIL: 'example@example.invalid',
};
const git = (cwd, ...args) => execFileSync('git', args, { cwd, encoding: 'utf8', env: gitEnv }).trim();

/** Generic tables for several numeric types: the kind of change that makes a crate slower to compile. */
const TABLES = `
pub fn table<T: Copy + Into<f64> + std::fmt::Debug>(xs: &[T]) -> Vec<(String, f64)> {
    xs.iter().map(|x| (format!("{x:?}"), (*x).into() * 1.5)).collect()
}
pub fn tables() -> usize {
    table(&[1u8, 2]).len() + table(&[1u16]).len() + table(&[1u32]).len() + table(&[1i8]).len()
        + table(&[1i16]).len() + table(&[1i32]).len() + table(&[1.0f32]).len() + table(&[1.0f64]).len()
}
`;

const workspace = mkdtempSync(path.join(os.tmpdir(), 'wm-example-report-'));
cpSync(path.join(repoRoot, 'example/workspace'), workspace, {
  recursive: true,
  filter: (src) => !src.split(path.sep).includes('target'),
});
git(workspace, 'init', '-q', '-b', 'main');
git(workspace, 'add', '-A');
git(workspace, 'commit', '-qm', 'base');
const baseSha = git(workspace, 'rev-parse', 'HEAD');
const inputs = {
  'cache-backend': 'local',
  'cache-dir': path.join(workspace, '..', `${path.basename(workspace)}-cache`),
  comment: 'never',
};

const push = new Job({ workspace, event: 'push', sha: baseSha, inputs });
if ((await push.main()).exitCode !== 0 || (await push.post()).exitCode !== 0) throw new Error('the push job failed');

for (let i = 0; i < 12; i++)
  appendFileSync(path.join(workspace, 'crates/engine/src/lib.rs'), TABLES.replace(/table/g, `table${i}`));
git(workspace, 'commit', '-qam', 'numeric tables');
const pr = new Job({ workspace, event: 'pull_request', baseSha, sha: git(workspace, 'rev-parse', 'HEAD'), inputs });
const main = await pr.main();
if (main.exitCode !== 0) throw new Error(`the pull request job failed:\n${main.stdout.slice(-3000)}`);
process.stdout.write(main.summary);
