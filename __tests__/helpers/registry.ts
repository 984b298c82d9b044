// A real local crate registry for tests that need third-party dependencies, with no network and
// nothing installed beyond Node, cargo and tar. The fixture crates below are this project's own
// source text; at test time each is packed into a real `.crate` (a gzipped tar with a
// `<name>-<version>/` prefix), listed in a static sparse index (config.json plus one file per
// crate at cargo's sparse paths, one JSON line per version) and served over HTTP on 127.0.0.1.
//
//   const reg = await startLocalRegistry();
//   const home = reg.cargoHome();                 // fresh CARGO_HOME whose config.toml points
//   execFileSync('cargo', ['build'], { cwd, env: reg.env(home) });   // crates-io at the registry
//   new Job({ workspace, env: reg.vars(home) });  // the same for the action's own runs
//   await reg.stop();
//
// Cargo then really fills `$CARGO_HOME/registry/{index,cache,src}`, as it does in CI.
// The server is its own process (registry-server.mjs), so tests may run cargo synchronously.
import { execFileSync, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

export type DependencyKind = 'normal' | 'build' | 'dev';

export interface FixtureDependency {
  name: string;
  /** Version requirement as written in Cargo.toml ("1", "^0.1", "=1.0.0"). */
  req: string;
  kind?: DependencyKind;
  optional?: boolean;
  defaultFeatures?: boolean;
  features?: string[];
  /** A target triple or `cfg(...)` expression, for a target-specific dependency. */
  target?: string;
}

export interface FixtureCrate {
  name: string;
  version: string;
  description: string;
  deps?: FixtureDependency[];
  features?: Record<string, string[]>;
  /** The `links` key (a `-sys` crate). */
  links?: string;
  procMacro?: boolean;
  /** Sources by path inside the package (`src/lib.rs`, `build.rs`...); Cargo.toml is generated. */
  files: Record<string, string>;
}

/** A packed crate as the registry serves it. */
export interface PublishedCrate {
  name: string;
  version: string;
  /** sha256 of the .crate file (the index's `cksum`, Cargo.lock's `checksum`). */
  cksum: string;
  /** The .crate file on disk. */
  file: string;
  /** Where it is served. */
  url: string;
}

export interface RequestLogEntry {
  method: string;
  path: string;
  status: number;
}

export interface LocalRegistry {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** The index URL as cargo's config spells it: `sparse+<url>/index/`. */
  readonly indexUrl: string;
  /**
   * The registry's directory: public/ is what the server serves (public/index/ the sparse index,
   * public/crates/ the .crate files), src/ the sources the crates were packed from,
   * requests.jsonl the server's request log.
   */
  readonly root: string;
  readonly crates: readonly PublishedCrate[];
  /** Cargo config (TOML) that replaces the default registry with this one. */
  readonly sourceConfig: string;
  /** Every request the server has answered so far, in order (read from its log, so also right after a synchronous cargo call). */
  requests(): RequestLogEntry[];
  /** The published crate `name`@`version` (throws when there is none). */
  crate(name: string, version: string): PublishedCrate;
  /**
   * Creates a CARGO_HOME directory (a fresh temp dir unless `dir` is given) whose config.toml
   * points the default registry at this one, and returns its path.
   */
  cargoHome(dir?: string): string;
  /** The full environment for running cargo with `cargoHome` (from `base`, default process.env). */
  env(cargoHome: string, base?: NodeJS.ProcessEnv): NodeJS.ProcessEnv;
  /** Only the variables to change, for the action runner's `env` (undefined removes one). */
  vars(cargoHome: string): Record<string, string | undefined>;
  /** Stops the server (and removes the registry's directory unless `root` was given). */
  stop(): Promise<void>;
}

// ---------- the fixture crates ----------

const alphaSource = (version: string, extra: string) =>
  `//! wm-alpha ${version}: a small library published in several versions.\n\npub const VERSION: &str = "${version}";\n\n${extra}`;

/**
 * The crates the registry publishes: several versions of a plain library (hyphenated name), a
 * crate with a build script and an underscore name, a proc-macro, a crate with features and an
 * optional dependency, and a `-sys` crate with `links` whose build script only prints metadata.
 */
export const FIXTURE_CRATES: readonly FixtureCrate[] = [
  {
    name: 'wm-alpha',
    version: '1.0.0',
    description: 'Plain library, first release.',
    files: { 'src/lib.rs': alphaSource('1.0.0', 'pub fn add(a: u64, b: u64) -> u64 {\n    a + b\n}\n') },
  },
  {
    name: 'wm-alpha',
    version: '1.1.0',
    description: 'Plain library, a compatible release.',
    files: {
      'src/lib.rs': alphaSource(
        '1.1.0',
        'pub fn add(a: u64, b: u64) -> u64 {\n    a + b\n}\n\npub fn mul(a: u64, b: u64) -> u64 {\n    a * b\n}\n',
      ),
    },
  },
  {
    name: 'wm-alpha',
    version: '2.0.0',
    description: 'Plain library, a breaking release.',
    files: { 'src/lib.rs': alphaSource('2.0.0', 'pub fn add(values: &[u64]) -> u64 {\n    values.iter().sum()\n}\n') },
  },
  {
    name: 'wm-native-sys',
    version: '0.1.0',
    description: 'A -sys style crate: declares links, links nothing, its build script prints only metadata.',
    links: 'wmnative',
    files: {
      // Keys other than cargo's own are metadata: dependents' build scripts get DEP_WMNATIVE_*.
      'build.rs':
        'fn main() {\n    println!("cargo:rerun-if-changed=build.rs");\n    println!("cargo:version=1.2.3");\n    println!("cargo:flavor=fixture");\n}\n',
      'src/lib.rs':
        '//! Bindings to nothing: the build script only reports metadata.\n\npub const LINKS: &str = "wmnative";\n',
    },
  },
  {
    name: 'wm_stamp',
    version: '0.3.0',
    description:
      "A build script that generates code, reads its -sys dependency's metadata and uses a build-dependency.",
    deps: [
      { name: 'wm-native-sys', req: '0.1' },
      { name: 'wm-alpha', req: '1', kind: 'build' },
    ],
    files: {
      'build.rs': [
        'use std::{env, fs, path::PathBuf};',
        '',
        'fn main() {',
        '    println!("cargo:rerun-if-changed=build.rs");',
        '    let out = PathBuf::from(env::var("OUT_DIR").expect("OUT_DIR"));',
        '    let native = env::var("DEP_WMNATIVE_VERSION").expect("wm-native-sys reports its version");',
        '    let code = format!(',
        '        "pub const STAMP: &str = {:?};\\npub const NATIVE_VERSION: &str = {:?};\\npub const BUILT_WITH_ALPHA: u64 = {};\\n",',
        '        "stamped",',
        '        native,',
        '        wm_alpha::add(1, 2),',
        '    );',
        '    fs::write(out.join("stamp.rs"), code).expect("write stamp.rs");',
        '}',
        '',
      ].join('\n'),
      'src/lib.rs':
        'include!(concat!(env!("OUT_DIR"), "/stamp.rs"));\n\npub fn links() -> &\'static str {\n    wm_native_sys::LINKS\n}\n',
    },
  },
  {
    name: 'wm-derive',
    version: '0.1.0',
    description: 'A proc-macro: #[derive(Describe)] adds `describe()` returning the type name.',
    procMacro: true,
    files: {
      'src/lib.rs': [
        'extern crate proc_macro;',
        '',
        'use proc_macro::{TokenStream, TokenTree};',
        '',
        '#[proc_macro_derive(Describe)]',
        'pub fn derive_describe(input: TokenStream) -> TokenStream {',
        '    let mut tokens = input.into_iter();',
        '    let mut name = None;',
        '    while let Some(token) = tokens.next() {',
        '        if let TokenTree::Ident(ident) = &token {',
        '            let word = ident.to_string();',
        '            if word == "struct" || word == "enum" {',
        '                if let Some(TokenTree::Ident(type_name)) = tokens.next() {',
        '                    name = Some(type_name.to_string());',
        '                }',
        '                break;',
        '            }',
        '        }',
        '    }',
        '    let name = name.expect("#[derive(Describe)] works on a struct or an enum");',
        '    format!("impl {name} {{ pub fn describe() -> &\'static str {{ \\"{name}\\" }} }}").parse().unwrap()',
        '}',
        '',
      ].join('\n'),
    },
  },
  {
    name: 'wm-features',
    version: '0.2.0',
    description:
      'Features: default ones, an optional dependency behind a `dep:` feature (index v2), and a dev-dependency.',
    deps: [
      { name: 'wm-alpha', req: '1', optional: true },
      { name: 'wm-derive', req: '0.1', kind: 'dev' },
    ],
    features: { default: ['std'], std: [], loud: [], extra: ['dep:wm-alpha'] },
    files: {
      'src/lib.rs': [
        'pub const STD: bool = cfg!(feature = "std");',
        'pub const LOUD: bool = cfg!(feature = "loud");',
        'pub const EXTRA: bool = cfg!(feature = "extra");',
        '',
        '/// The enabled features, as a comma-separated list.',
        'pub fn enabled() -> String {',
        '    let mut names = Vec::new();',
        '    if STD { names.push("std"); }',
        '    if LOUD { names.push("loud"); }',
        '    if EXTRA { names.push("extra"); }',
        '    names.join(",")',
        '}',
        '',
        '#[cfg(feature = "extra")]',
        "pub fn alpha_version() -> &'static str {",
        '    wm_alpha::VERSION',
        '}',
        '',
      ].join('\n'),
    },
  },
];

// ---------- packing and the index ----------

const SECTION: Record<DependencyKind, string> = {
  normal: 'dependencies',
  build: 'build-dependencies',
  dev: 'dev-dependencies',
};
const tomlString = (s: string) => JSON.stringify(s);
const tomlArray = (xs: readonly string[]) => `[${xs.map(tomlString).join(', ')}]`;

/** The crate's Cargo.toml, generated from the same description as its index line. */
export function manifestFor(c: FixtureCrate): string {
  const lines = [
    '[package]',
    `name = ${tomlString(c.name)}`,
    `version = ${tomlString(c.version)}`,
    'edition = "2021"',
    `description = ${tomlString(c.description)}`,
    'license = "MIT"',
  ];
  if (c.links) lines.push(`links = ${tomlString(c.links)}`);
  if ('build.rs' in c.files) lines.push('build = "build.rs"');
  lines.push('');
  if (c.procMacro) lines.push('[lib]', 'proc-macro = true', '');
  for (const d of c.deps ?? []) {
    const table = `${d.target ? `target.${tomlString(d.target)}.` : ''}${SECTION[d.kind ?? 'normal']}.${d.name}`;
    lines.push(`[${table}]`, `version = ${tomlString(d.req)}`);
    if (d.optional) lines.push('optional = true');
    if (d.defaultFeatures === false) lines.push('default-features = false');
    if (d.features?.length) lines.push(`features = ${tomlArray(d.features)}`);
    lines.push('');
  }
  if (c.features && Object.keys(c.features).length) {
    lines.push('[features]');
    for (const [name, enables] of Object.entries(c.features)) lines.push(`${tomlString(name)} = ${tomlArray(enables)}`);
    lines.push('');
  }
  return lines.join('\n');
}

/** `1` → `^1`, as `cargo publish` writes requirements into the index. */
const indexReq = (req: string) => (/^\d/.test(req) ? `^${req}` : req);

/** The crate's line in the sparse index (one JSON object, the fields cargo reads). */
export function indexLine(c: FixtureCrate, cksum: string): string {
  // Feature values in the newer syntax (`dep:x`, `x?/f`) go in features2 with v: 2, as the
  // registry protocol asks, so older parsers of the index never see them.
  const features: Record<string, string[]> = {};
  const features2: Record<string, string[]> = {};
  for (const [name, enables] of Object.entries(c.features ?? {})) {
    (enables.some((e) => e.startsWith('dep:') || e.includes('?/')) ? features2 : features)[name] = [...enables];
  }
  const line: Record<string, unknown> = {
    name: c.name,
    vers: c.version,
    deps: (c.deps ?? []).map((d) => ({
      name: d.name,
      req: indexReq(d.req),
      features: d.features ?? [],
      optional: d.optional ?? false,
      default_features: d.defaultFeatures ?? true,
      target: d.target ?? null,
      kind: d.kind ?? 'normal',
    })),
    cksum,
    features,
    yanked: false,
    links: c.links ?? null,
  };
  if (Object.keys(features2).length) Object.assign(line, { features2, v: 2 });
  return JSON.stringify(line);
}

/** Where cargo's sparse protocol looks for a crate's index file (relative to the index root). */
export function sparseIndexPath(name: string): string {
  const n = name.toLowerCase();
  if (n.length === 1) return `1/${n}`;
  if (n.length === 2) return `2/${n}`;
  if (n.length === 3) return `3/${n[0]}/${n}`;
  return `${n.slice(0, 2)}/${n.slice(2, 4)}/${n}`;
}

function writeFiles(root: string, files: Record<string, string>): void {
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    writeFileSync(path.join(root, rel), text);
  }
}

/**
 * Packs `<stagingDir>/<name>-<version>/` into a `.crate`: GNU tar, sorted, with fixed times,
 * owners and modes, then gzip without a name or time stamp, so the same sources always give
 * the same bytes (and the same checksum in every Cargo.lock).
 */
export function packCrate(stagingDir: string, c: FixtureCrate): Buffer {
  const prefix = `${c.name}-${c.version}`;
  writeFiles(path.join(stagingDir, prefix), { ...c.files, 'Cargo.toml': manifestFor(c) });
  let tarball: Buffer;
  try {
    tarball = execFileSync(
      'tar',
      [
        '--sort=name',
        '--mtime=@0',
        '--owner=0',
        '--group=0',
        '--numeric-owner',
        '--mode=u=rwX,go=rX',
        '--format=gnu',
        '-cf',
        '-',
        '-C',
        stagingDir,
        prefix,
      ],
      { maxBuffer: 64 * 1024 * 1024, stdio: ['ignore', 'pipe', 'pipe'] },
    );
  } catch (error) {
    throw new Error(`Packing ${prefix}.crate needs GNU tar (--sort, --mtime): ${(error as Error).message}`, {
      cause: error,
    });
  }
  return gzipSync(tarball, { level: 9 });
}

// ---------- the server ----------

const serverScript = path.join(path.dirname(fileURLToPath(import.meta.url)), 'registry-server.mjs');

/**
 * Variables that would keep cargo from the local registry: offline mode (the registry is local,
 * never remote), and a proxy that would override the CARGO_HOME config's `http.proxy = ""`.
 */
const UNSET_VARS = ['CARGO_NET_OFFLINE', 'CARGO_HTTP_PROXY'];

export async function startLocalRegistry(
  options: { crates?: readonly FixtureCrate[]; root?: string } = {},
): Promise<LocalRegistry> {
  const crates = options.crates ?? FIXTURE_CRATES;
  const root = options.root ?? mkdtempSync(path.join(os.tmpdir(), 'wm-registry-'));
  const served = path.join(root, 'public');
  mkdirSync(served, { recursive: true });

  // Pack every crate and write the index files; config.json follows once the port is known.
  const packed = crates.map((c) => {
    const bytes = packCrate(path.join(root, 'src'), c);
    const rel = `crates/${c.name}/${c.name}-${c.version}.crate`;
    mkdirSync(path.dirname(path.join(served, rel)), { recursive: true });
    writeFileSync(path.join(served, rel), bytes);
    return { crate: c, rel, cksum: createHash('sha256').update(bytes).digest('hex') };
  });
  const lines = new Map<string, string[]>();
  for (const p of packed) {
    const file = sparseIndexPath(p.crate.name);
    lines.set(file, [...(lines.get(file) ?? []), indexLine(p.crate, p.cksum)]);
  }
  for (const [rel, entries] of lines) writeFiles(path.join(served, 'index'), { [rel]: `${entries.join('\n')}\n` });

  const requestLog = path.join(root, 'requests.jsonl');
  writeFileSync(requestLog, '');
  const child: ChildProcessWithoutNullStreams = spawn(process.execPath, [serverScript, served, requestLog], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const port = await new Promise<number>((resolve, reject) => {
    const lineReader = createInterface({ input: child.stdout });
    let started = false;
    lineReader.once('line', (text) => {
      const message = JSON.parse(text) as { port?: number };
      if (typeof message.port !== 'number') return reject(new Error(`the registry server said ${text}`));
      started = true;
      resolve(message.port);
    });
    child.once('error', reject);
    child.once('exit', (code) => {
      if (!started) reject(new Error(`the registry server exited (${code}) before listening: ${stderr}`));
    });
  });
  // A forgotten stop() must not keep Jest alive; the server also exits when its stdin closes.
  child.unref();
  for (const stream of [child.stdin, child.stdout, child.stderr])
    (stream as unknown as { unref?: () => void }).unref?.();

  const url = `http://127.0.0.1:${port}`;
  const indexUrl = `sparse+${url}/index/`;
  writeFileSync(
    path.join(served, 'index', 'config.json'),
    `${JSON.stringify({ dl: `${url}/crates/{crate}/{crate}-{version}.crate`, api: null })}\n`,
  );
  const published: PublishedCrate[] = packed.map((p) => ({
    name: p.crate.name,
    version: p.crate.version,
    cksum: p.cksum,
    file: path.join(served, p.rel),
    url: `${url}/${p.rel}`,
  }));
  const sourceConfig = [
    '# The default registry is replaced by the local test registry (__tests__/helpers/registry.ts).',
    '[source.crates-io]',
    'replace-with = "watchmaker-test"',
    '',
    '[source.watchmaker-test]',
    `registry = ${tomlString(indexUrl)}`,
    '',
  ].join('\n');
  let stopped = false;

  return {
    url,
    indexUrl,
    root,
    crates: published,
    sourceConfig,
    requests: () =>
      readFileSync(requestLog, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as RequestLogEntry),
    crate(name, version) {
      const found = published.find((p) => p.name === name && p.version === version);
      if (!found) throw new Error(`the local registry has no ${name}@${version}`);
      return found;
    },
    cargoHome(dir) {
      const home = dir ?? mkdtempSync(path.join(os.tmpdir(), 'wm-cargo-home-'));
      mkdirSync(home, { recursive: true });
      // No proxy for the local registry, whatever the machine's http_proxy/HTTPS_PROXY say
      // (an empty proxy tells libcurl not to use one).
      writeFileSync(path.join(home, 'config.toml'), `${sourceConfig}\n[http]\nproxy = ""\n`);
      return home;
    },
    env(cargoHome, base = process.env) {
      const env: NodeJS.ProcessEnv = { ...base, CARGO_HOME: cargoHome };
      for (const k of UNSET_VARS) delete env[k];
      return env;
    },
    vars(cargoHome) {
      return { CARGO_HOME: cargoHome, ...Object.fromEntries(UNSET_VARS.map((k) => [k, undefined])) };
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
      // The registry's own files go; CARGO_HOME directories stay with the test that made them.
      if (!options.root) rmSync(root, { recursive: true, force: true });
    },
  };
}

/** Reads an index file as cargo would (one JSON object per line). */
export function readIndexFile(reg: Pick<LocalRegistry, 'root'>, name: string): Array<Record<string, unknown>> {
  return readFileSync(path.join(reg.root, 'public', 'index', sparseIndexPath(name)), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}
