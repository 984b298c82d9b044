// The common shapes of a Rust repository, as fixture trees with a registry dependency (the local
// test registry), a build script, a test, a feature and a custom profile `ci` (inherits release):
// a virtual workspace, a root package without [workspace], a root package with members and
// default-members, a workspace with an excluded crate used by path, and path dependencies
// outside the workspace (one reached only through another). Plus plain cargo runs to compare
// the action's build with.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { generateLockfile, gitInit, writeTree } from './fixtures.js';
import type { LocalRegistry } from './registry.js';

export const hostTriple = /host: (\S+)/.exec(spawnSync('rustc', ['-vV'], { encoding: 'utf8' }).stdout)![1]!;

const CI_PROFILE = '\n[profile.ci]\ninherits = "release"\n';
const pkg = (name: string, deps = '', extra = '') =>
  `[package]\nname = "${name}"\nversion = "0.1.0"\nedition = "2021"\n${extra}\n[dependencies]\n${deps}`;

/** A library on the registry's wm-alpha, with a feature (so --all-features changes the build) and a test. */
const coreLib = (dir: string, deps = '') => ({
  [`${dir}/Cargo.toml`]: `${pkg('core-lib', `wm-alpha = "1"\n${deps}`)}\n[features]\nextra = []\n`,
  [`${dir}/src/lib.rs`]:
    '/// The sum of squares, plus six times seven.\npub fn answer() -> u64 {\n    wm_alpha::add(wm_alpha::mul(6, 7), (1..=10u64).map(|x| x * x).sum::<u64>())\n}\n\n#[cfg(feature = "extra")]\npub fn extra() -> u64 {\n    answer() * 2\n}\n',
  [`${dir}/tests/answer.rs`]: '#[test]\nfn answer() {\n    assert_eq!(core_lib::answer(), 427);\n}\n',
});

/** A library with a build script that generates code. */
const gen = (dir: string, name = 'gen') => ({
  [`${dir}/Cargo.toml`]: pkg(name, '', 'build = "build.rs"\n'),
  [`${dir}/build.rs`]:
    'fn main() {\n    println!("cargo:rerun-if-changed=build.rs");\n    println!("cargo:rustc-env=GEN_STAMP=generated");\n}\n',
  [`${dir}/src/lib.rs`]: 'pub const STAMP: &str = env!("GEN_STAMP");\n',
});

const bin = (dir: string, name: string, deps: string, body: string) => ({
  [`${dir}/Cargo.toml`]: pkg(name, deps),
  [`${dir}/src/main.rs`]: `fn main() {\n    println!("{}", ${body});\n}\n`,
});

export interface LayoutFixture {
  name: string;
  files: Record<string, string>;
  /** The workspace's directory in the tree (the action's working-directory). */
  dir: string;
  /** `cargo metadata`'s workspace members. */
  members: string[];
  /** The local path packages a plain `cargo build` (no package selection) compiles: yours. */
  yours: string[];
}

export const LAYOUT_FIXTURES: Record<
  'virtual' | 'rootPackage' | 'defaultMembers' | 'excluded' | 'outside',
  LayoutFixture
> = {
  virtual: {
    name: 'a virtual workspace',
    dir: '.',
    files: {
      'Cargo.toml': `[workspace]\nmembers = ["tool", "core-lib", "gen"]\nresolver = "2"\n${CI_PROFILE}`,
      ...bin(
        'tool',
        'tool',
        'core-lib = { path = "../core-lib" }\ngen = { path = "../gen" }\n',
        'core_lib::answer().to_string() + gen::STAMP',
      ),
      ...coreLib('core-lib'),
      ...gen('gen'),
    },
    members: ['core-lib', 'gen', 'tool'],
    yours: ['core-lib', 'gen', 'tool'],
  },
  rootPackage: {
    name: 'a root package with path dependencies and no [workspace]',
    dir: '.',
    files: {
      'Cargo.toml': `${pkg('app', 'core-lib = { path = "core-lib" }\ngen = { path = "gen" }\n')}${CI_PROFILE}`,
      'src/main.rs': 'fn main() {\n    println!("{} {}", core_lib::answer(), gen::STAMP);\n}\n',
      ...coreLib('core-lib'),
      ...gen('gen'),
    },
    members: ['app'],
    yours: ['app', 'core-lib', 'gen'],
  },
  defaultMembers: {
    name: 'a root package with [workspace] members and default-members',
    dir: '.',
    files: {
      'Cargo.toml': `${pkg('app', 'core-lib = { path = "core-lib" }\n')}\n[workspace]\nmembers = ["core-lib", "gen", "extra-tool"]\ndefault-members = [".", "core-lib"]\n${CI_PROFILE}`,
      'src/main.rs': 'fn main() {\n    println!("{}", core_lib::answer());\n}\n',
      ...coreLib('core-lib'),
      ...gen('gen'),
      ...bin('extra-tool', 'extra-tool', 'gen = { path = "../gen" }\n', 'gen::STAMP'),
    },
    members: ['app', 'core-lib', 'extra-tool', 'gen'],
    yours: ['app', 'core-lib'],
  },
  excluded: {
    name: 'a workspace with an excluded crate used by path',
    dir: '.',
    files: {
      'Cargo.toml': `[workspace]\nmembers = ["app", "core-lib"]\nexclude = ["vendored"]\nresolver = "2"\n${CI_PROFILE}`,
      ...bin(
        'app',
        'app',
        'core-lib = { path = "../core-lib" }\npatched = { path = "../vendored/patched" }\n',
        'core_lib::answer() + patched::VALUE',
      ),
      ...coreLib('core-lib'),
      'vendored/patched/Cargo.toml': pkg('patched'),
      'vendored/patched/src/lib.rs': 'pub const VALUE: u64 = 1;\n',
      // Excluded and used by nothing: never built, never yours.
      'vendored/unused/Cargo.toml': pkg('unused'),
      'vendored/unused/src/lib.rs': 'pub const UNUSED: u8 = 0;\n',
    },
    members: ['app', 'core-lib'],
    yours: ['app', 'core-lib', 'patched'],
  },
  outside: {
    name: 'path dependencies outside the workspace',
    dir: 'ws',
    files: {
      'ws/Cargo.toml': `[workspace]\nmembers = ["app", "core-lib"]\nresolver = "2"\n${CI_PROFILE}`,
      ...bin(
        'ws/app',
        'app',
        'core-lib = { path = "../core-lib" }\nshared-util = { path = "../../shared/util" }\n',
        'core_lib::answer() + shared_util::value()',
      ),
      ...coreLib('ws/core-lib'),
      // shared-leaf is reached only through shared-util: `cargo metadata --no-deps` does not name it.
      ...gen('shared/util', 'shared-util'),
      'shared/util/Cargo.toml': pkg('shared-util', 'shared-leaf = { path = "../leaf" }\n', 'build = "build.rs"\n'),
      'shared/util/src/lib.rs':
        'pub const STAMP: &str = env!("GEN_STAMP");\n\npub fn value() -> u64 {\n    shared_leaf::LEAF + STAMP.len() as u64\n}\n',
      'shared/leaf/Cargo.toml': pkg('shared-leaf'),
      'shared/leaf/src/lib.rs': 'pub const LEAF: u64 = 7;\n',
    },
    members: ['app', 'core-lib'],
    yours: ['app', 'core-lib', 'shared-leaf', 'shared-util'],
  },
};

export interface LaidOut {
  /** The repository's top directory (a git repository with one commit). */
  tree: string;
  /** The workspace directory. */
  workspace: string;
}

/** Writes the layout to a fresh temp directory, locks it against the registry and commits it. */
export function layOut(layout: LayoutFixture, env: NodeJS.ProcessEnv): LaidOut {
  const tree = writeTree({ ...layout.files, '.gitignore': 'target/\n' }, 'wm-layout-');
  const workspace = path.join(tree, layout.dir);
  generateLockfile(workspace, env);
  gitInit(tree);
  return { tree, workspace };
}

/**
 * The environment of a plain cargo step in the same job: the registry's, without the test
 * process's own RUSTFLAGS or wrapper (a hosted runner has none), plus what the action exports.
 */
export function plainEnv(
  reg: LocalRegistry,
  cargoHome: string,
  exported: Record<string, string> = {},
): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...reg.env(cargoHome), CI: 'true', ...exported };
  for (const name of [
    'RUSTFLAGS',
    'CARGO_ENCODED_RUSTFLAGS',
    'RUSTC_WRAPPER',
    'CARGO_BUILD_RUSTC_WRAPPER',
    'CARGO_INCREMENTAL',
  ])
    if (!(name in exported)) delete env[name];
  return env;
}

export interface PlainRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * `cargo <command words> <flags> <args>`, with `flags` before a `--` in the command (what follows
 * it goes to rustc or clippy), as the action orders them.
 */
export function plainCargo(
  command: string[],
  flags: string[],
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
): PlainRun {
  const words = command.slice(1);
  const dashes = words.indexOf('--');
  const argv =
    dashes === -1
      ? [...words, ...flags, ...args]
      : [...words.slice(0, dashes), ...flags, ...args, ...words.slice(dashes)];
  const r = spawnSync('cargo', argv, { cwd, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return { code: r.status ?? 1, stdout: r.stdout, stderr: r.stderr };
}

/** Cargo's per-unit lines (`Compiling x v0.1.0 (...)`, `Fresh …`, `Checking …`, `Documenting …`), sorted. */
export function unitLines(stderr: string): string[] {
  return stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => /^(Compiling|Checking|Documenting|Fresh) /.test(l))
    .sort();
}

/** The lines of units cargo had to (re)build. */
export const rebuilt = (stderr: string) => unitLines(stderr).filter((l) => !l.startsWith('Fresh '));

/** sha256 of every file cargo reported in its compiler-artifact messages (`filenames` and `executable`), by path. */
export function artifactHashes(jsonl: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of jsonl.split('\n')) {
    if (!line.startsWith('{')) continue;
    const m = JSON.parse(line) as { reason?: string; filenames?: string[]; executable?: string | null };
    if (m.reason !== 'compiler-artifact') continue;
    for (const f of [...(m.filenames ?? []), ...(m.executable ? [m.executable] : [])]) {
      if (existsSync(f) && statSync(f).isFile()) out[f] = createHash('sha256').update(readFileSync(f)).digest('hex');
      else out[f] = 'missing';
    }
  }
  return out;
}
