// Fixture workspaces for tests: small real Cargo workspaces of path crates, written to temp dirs.
import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { repoRoot } from './action-runner.js';

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
    'tool/Cargo.toml': '[package]\nname = "tool"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\ncore-lib = { path = "../core-lib" }\ngen = { path = "../gen" }\n',
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
  cpSync(path.join(repoRoot, 'example/workspace'), root, { recursive: true, filter: (src) => !src.split(path.sep).includes('target') });
  return root;
}

/** Makes `dir` a git repository with one commit; returns the commit sha. */
export function gitInit(dir: string): string {
  const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.invalid', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.invalid' } }).trim();
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('commit', '-q', '-m', 'fixture');
  return git('rev-parse', 'HEAD');
}

/** Cargo config that replaces the default registry with Debian's packaged crates (the registry is unreachable in tests). */
export const DEBIAN_SOURCE_CONFIG = '[source.crates-io]\nreplace-with = "debian"\n\n[source.debian]\ndirectory = "/usr/share/cargo/registry"\n';

/**
 * smallWorkspace plus a real third-party dependency (memchr, from Debian's packages), so the
 * cache has something to keep between runs. Cargo.lock is generated offline.
 */
export function workspaceWithRegistryDeps(extra: Record<string, string> = {}): string {
  const root = smallWorkspace({
    '.cargo/config.toml': DEBIAN_SOURCE_CONFIG,
    'core-lib/Cargo.toml': '[package]\nname = "core-lib"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\nmemchr = "2"\n',
    'core-lib/src/lib.rs': 'pub fn answer() -> u64 {\n    memchr::memchr(b\'x\', b"abcx").map(|i| i as u64).unwrap_or(0) + (1..=10u64).map(|x| x * x).sum::<u64>()\n}\n',
    ...extra,
  });
  execFileSync('cargo', ['generate-lockfile', '--offline'], { cwd: root, stdio: 'ignore' });
  return root;
}
