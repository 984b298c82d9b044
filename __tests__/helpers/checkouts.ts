// Jobs as a hosted runner runs them, for end-to-end tests of the defaults: an origin repository,
// a new clone of one commit per job at the same path (every file gets the checkout's time),
// the action's main and post steps from dist/ around it, and a cache directory shared by the jobs.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Job } from './action-runner.js';
import { git, gitInit, gitWith, writeTree } from './fixtures.js';

export interface JobOptions {
  inputs?: Record<string, string>;
  /** An earlier workflow step (after the checkout, before the action). */
  before?: (dir: string) => void;
  /** A later workflow step (between the action's main and post steps). */
  between?: (dir: string) => void;
  /** More environment for the action's steps. */
  env?: Record<string, string>;
  /** A pull request's job on this base commit, instead of a push. */
  baseSha?: string;
  /** The main step may fail (a failed build); by default both steps must succeed. */
  mayFail?: boolean;
}

export interface Setting {
  origin: string;
  checkout: string;
  /** A commit on origin's main with `files` written (`symlink:` text makes a link); returns its sha. */
  commit(files: Record<string, string>, env?: NodeJS.ProcessEnv): string;
  job(sha: string, opts?: JobOptions): Promise<JobResult>;
}

export interface JobResult {
  main: Awaited<ReturnType<Job['main']>>;
  post: Awaited<ReturnType<Job['post']>>;
  log: string;
  /** The local crates the job's own build compiled (cargo's `Compiling name v… (path)` lines), sorted. */
  compiled: string[];
  /** The binary's output, run as a later step would run it (null when it was not built). */
  run(): string | null;
}

/**
 * An origin repository of `files`, a runner's checkout path and a cache directory. `env` is the
 * toolchain's and layout's; `bin` the binary a later step runs. The cache is the local backend
 * (no cache service here); the comment is off (the summary carries the same Markdown).
 */
export function setting(files: Record<string, string>, env: Record<string, string> = {}, bin = 'tool'): Setting {
  const origin = writeTree(files, 'wm-origin-');
  gitInit(origin);
  git(origin, 'config', 'uploadpack.allowAnySHA1InWant', 'true');
  const root = mkdtempSync(path.join(os.tmpdir(), 'wm-runner-'));
  const checkout = path.join(root, 'checkout');
  const cacheDir = path.join(root, 'cache');

  const commit = (changes: Record<string, string>, commitEnv: NodeJS.ProcessEnv = {}) => {
    for (const [rel, text] of Object.entries(changes)) {
      rmSync(path.join(origin, rel), { force: true });
      mkdirSync(path.dirname(path.join(origin, rel)), { recursive: true });
      if (text.startsWith('symlink:')) symlinkSync(text.slice('symlink:'.length), path.join(origin, rel));
      else writeFileSync(path.join(origin, rel), text);
    }
    git(origin, 'add', '-A');
    gitWith(commitEnv, origin, 'commit', '-q', '-m', 'change');
    return git(origin, 'rev-parse', 'HEAD');
  };

  /** What actions/checkout does on a new runner: a new clone of one commit, every file at the current time. */
  const clone = (sha: string) => {
    rmSync(checkout, { recursive: true, force: true });
    mkdirSync(checkout, { recursive: true });
    git(checkout, 'init', '-q');
    // As actions/checkout leaves it: `origin` names the repository (a rebuild fetches the base from it).
    git(checkout, 'remote', 'add', 'origin', origin);
    git(checkout, 'fetch', '-q', '--depth=1', 'origin', sha);
    git(checkout, 'checkout', '-q', '--detach', sha);
  };

  const job = async (sha: string, opts: JobOptions = {}): Promise<JobResult> => {
    clone(sha);
    opts.before?.(checkout);
    const event = opts.baseSha ? { event: 'pull_request' as const, baseSha: opts.baseSha } : { event: 'push' as const };
    const inputs = { 'cache-backend': 'local', 'cache-dir': cacheDir, comment: 'never', ...opts.inputs };
    const j = new Job({ workspace: checkout, ...event, sha, env: { ...env, ...opts.env }, inputs });
    const main = await j.main();
    opts.between?.(checkout);
    // The binary as a later step runs it (post cleans uplifted outputs: cargo recreates them).
    const binary = path.join(checkout, 'target', 'debug', bin);
    const output = existsSync(binary) ? execFileSync(binary, { encoding: 'utf8' }).trim() : null;
    const post = await j.post();
    if (!opts.mayFail) expect(main.exitCode).toBe(0);
    expect(post.exitCode).toBe(0);
    const log = `${main.stdout}\n${main.stderr}`;
    // The job's own build: a confirming rebuild of the base commit (and its samples of this one) comes after.
    const own = log.split('confirming by rebuilding the base commit here')[0]!;
    const compiled = [...own.matchAll(/Compiling (\S+) v[^ ]+ \(/g)].map((m) => m[1]!).sort();
    return { main, post, log, compiled, run: () => output };
  };
  return { origin, checkout, commit, job };
}
