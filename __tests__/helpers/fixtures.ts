// Fixture workspaces for tests: small real Cargo workspaces of path crates, written to temp dirs.
import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { repoRoot } from './action-runner.js';
import type { LocalRegistry } from './registry.js';

/** Writes `files` (relative path → content) under a fresh temp directory and returns it. */
export function writeTree(files: Record<string, string>, prefix = 'wm-fixture-'): string {
  const root = mkdtempSync(path.join(os.tmpdir(), prefix));
  for (const [rel, content] of Object.entries(files)) {
    const full = path.join(root, rel);
    mkdirSync(path.dirname(full), { recursive: true });
    writeFileSync(full, content);
  }
  return root;
}

/**
 * A three-crate workspace: `tool` (bin) → `core-lib` (lib) and `gen` (lib with a build script).
 * Small enough to build in seconds, big enough to have a dependency chain and a build script.
 */
export function smallWorkspace(extra: Record<string, string> = {}): string {
  return writeTree({
    'Cargo.toml': '[workspace]\nmembers = ["tool", "core-lib", "gen"]\nresolver = "2"\n',
    'tool/Cargo.toml':
      '[package]\nname = "tool"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\ncore-lib = { path = "../core-lib" }\ngen = { path = "../gen" }\n',
    'tool/src/main.rs': 'fn main() {\n    println!("{} {}", core_lib::answer(), gen::STAMP);\n}\n',
    'core-lib/Cargo.toml': '[package]\nname = "core-lib"\nversion = "0.1.0"\nedition = "2021"\n',
    'core-lib/src/lib.rs': 'pub fn answer() -> u64 {\n    (1..=10u64).map(|x| x * x).sum()\n}\n',
    'gen/Cargo.toml': '[package]\nname = "gen"\nversion = "0.1.0"\nedition = "2021"\nbuild = "build.rs"\n',
    'gen/build.rs': 'fn main() {\n    println!("cargo:rustc-env=GEN_STAMP=generated");\n}\n',
    'gen/src/lib.rs': 'pub const STAMP: &str = env!("GEN_STAMP");\n',
    ...extra,
  });
}

/** A copy of the README's example workspace (without any target/). */
export function exampleWorkspace(): string {
  const root = mkdtempSync(path.join(os.tmpdir(), 'wm-example-'));
  cpSync(path.join(repoRoot, 'example/workspace'), root, {
    recursive: true,
    filter: (src) => !src.split(path.sep).includes('target'),
  });
  return root;
}

/** Runs git in `dir` with a fixed author; returns its trimmed output. */
export function git(dir: string, ...args: string[]): string {
  return gitWith({}, dir, ...args);
}

/** `git` with more environment (commit dates, say). */
export function gitWith(env: NodeJS.ProcessEnv, dir: string, ...args: string[]): string {
  return execFileSync('git', args, {
    cwd: dir,
    encoding: 'utf8',
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 't',
      GIT_AUTHOR_EMAIL: 't@example.invalid',
      GIT_COMMITTER_NAME: 't',
      GIT_COMMITTER_EMAIL: 't@example.invalid',
      ...env,
    },
  }).trim();
}

/**
 * A commit in smallWorkspace() that makes core-lib much slower to compile: `functions` more
 * functions (thousands: seconds of CPU time). Returns its sha.
 */
export function growCoreLib(workspace: string, functions: number): string {
  const body = Array.from(
    { length: functions },
    (_, i) => `pub fn f${i}(x: u64) -> u64 { x.wrapping_mul(${i + 3}).rotate_left(${i % 63}) ^ (x >> ${i % 17}) }`,
  ).join('\n');
  writeFileSync(
    path.join(workspace, 'core-lib/src/lib.rs'),
    `pub fn answer() -> u64 {\n    (1..=10u64).map(|x| x * x).sum()\n}\n${body}\n`,
  );
  git(workspace, 'commit', '-qam', 'grow core-lib');
  return git(workspace, 'rev-parse', 'HEAD');
}

/** Makes `dir` a git repository with one commit; returns the commit sha. */
export function gitInit(dir: string): string {
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'fixture');
  return git(dir, 'rev-parse', 'HEAD');
}

export interface RegistryWorkspace {
  /** The workspace root (it has a Cargo.lock resolved against the local registry). */
  workspace: string;
  /** Its CARGO_HOME, whose config.toml points the default registry at the local one. */
  cargoHome: string;
  /** The full environment for running cargo on it. */
  env: NodeJS.ProcessEnv;
  /** The same as changes only, for the action runner's `env` (Job). */
  vars: Record<string, string | undefined>;
}

/** `cargo generate-lockfile` in `dir` with `env` (against the local registry: not offline). */
export function generateLockfile(dir: string, env: NodeJS.ProcessEnv): void {
  execFileSync('cargo', ['generate-lockfile'], { cwd: dir, env, stdio: ['ignore', 'ignore', 'pipe'] });
}

/**
 * smallWorkspace plus a real third-party dependency from the local registry (`wm-alpha`, a
 * library published in several versions; `core-lib` asks for "1"), so the cache has something
 * to keep between runs, with its own CARGO_HOME (fresh unless `cargoHome` is given).
 * Cargo.lock is generated against the registry.
 */
export function workspaceWithRegistryDeps(
  reg: LocalRegistry,
  extra: Record<string, string> = {},
  cargoHome: string = reg.cargoHome(),
): RegistryWorkspace {
  const workspace = smallWorkspace({
    'core-lib/Cargo.toml':
      '[package]\nname = "core-lib"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\nwm-alpha = "1"\n',
    'core-lib/src/lib.rs':
      'pub fn answer() -> u64 {\n    wm_alpha::add(wm_alpha::mul(6, 7), (1..=10u64).map(|x| x * x).sum::<u64>())\n}\n',
    ...extra,
  });
  const env = reg.env(cargoHome);
  generateLockfile(workspace, env);
  return { workspace, cargoHome, env, vars: reg.vars(cargoHome) };
}
