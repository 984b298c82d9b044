// Each crate's input fingerprint: what exactly it was compiled from, so two runs can be proven to
// have compiled a crate from identical inputs (their difference is then pure noise). For every
// package: the unit hashes cargo gave its units (they cover its version, source, features,
// profile, flags and its dependencies' hashes); for path packages also the git blob ids of
// the tracked files it is compiled from, because cargo's hashes do not cover a path package's
// source. Those files are the ones rustc's dep-info lists for its units (what cargo itself checks),
// and the manifest; a package with a build script (which may read any of its files) or a unit
// without dep-info counts every file of its directory, less the directories of other local
// packages inside it (a root package's path crates are their own crates). So a README edit is no
// change to a crate that does not include it. A path package with a modified or untracked file
// among them, or outside git, has no fingerprint (null): nothing is guessed.
import path from 'node:path';
import { hashesInPath } from '../cargo-layout.js';
import { sha256 } from '../hashing.js';
import { capture } from '../proc.js';
import { crateKey, crateOfKey } from '../record.js';
import type { CargoMessages } from './messages.js';

/** What git says about the files under a directory: blob ids, and the paths it cannot vouch for. */
export interface GitFiles {
  /** Absolute path → blob id of the tracked, unmodified files. */
  blobs: Map<string, string>;
  /** Absolute paths of modified or untracked files. */
  dirty: string[];
}

/** The files a unit's dep-info lists (absolute), or null when it has none beside `filename`. */
export type DepInfoReader = (filename: string) => string[] | null;

interface PackageInputs {
  hashes: Set<string>;
  dir: string | null;
  path: boolean;
  /** Files from dep-info; null once a unit without it or a build script means every file counts. */
  read: Set<string> | null;
}

/** Fingerprints by package name (`name@version`); null where the inputs cannot be proven. */
export function crateFingerprints(
  messages: CargoMessages,
  git: GitFiles | null,
  depInfo: DepInfoReader = () => null,
): Map<string, string | null> {
  const units = new Map<string, PackageInputs>();
  const entry = (name: string, version: string | null, source: string | null, manifestDir: string | null) => {
    const key = crateKey(name, version);
    const e = units.get(key) ?? {
      hashes: new Set<string>(),
      dir: manifestDir,
      path: source === 'path',
      read: new Set<string>(),
    };
    e.dir ??= manifestDir;
    units.set(key, e);
    return e;
  };
  for (const a of messages.artifacts) {
    const e = entry(a.package.name, a.package.version, a.package.source, a.manifestDir);
    for (const f of a.filenames) hashesInPath(f).forEach((h) => e.hashes.add(h));
    const listed = e.path && e.read ? listedFiles(a.filenames, depInfo) : null;
    if (listed) listed.forEach((f) => e.read!.add(f));
    else e.read = null;
  }
  for (const b of messages.buildScripts) {
    const e = entry(b.package.name, b.package.version, b.package.source, null);
    if (b.outDir) hashesInPath(b.outDir).forEach((h) => e.hashes.add(h));
    e.read = null;
  }
  const dirs = [...units.values()].filter((u) => u.path && u.dir).map((u) => u.dir!);
  const out = new Map<string, string | null>();
  for (const [key, u] of units) out.set(key, fingerprintOf(u, git, dirs));
  return out;
}

/** The files the dep-info beside any of `filenames` lists; null when none has one. */
function listedFiles(filenames: string[], depInfo: DepInfoReader): string[] | null {
  for (const f of filenames) {
    const listed = depInfo(f);
    if (listed) return listed;
  }
  return null;
}

function fingerprintOf(unit: PackageInputs, git: GitFiles | null, packageDirs: string[]): string | null {
  const parts = [...unit.hashes].sort();
  if (unit.path) {
    const dir = unit.dir;
    if (!git || !dir) return null;
    const files = unit.read ? [...unit.read, path.join(dir, 'Cargo.toml')] : ownFiles(dir, packageDirs, git);
    if (files.some((f) => git.dirty.includes(f))) return null;
    const blobs = [...new Set(files)]
      .map((f) => [f, git.blobs.get(f)] as const)
      .filter(([, blob]) => blob !== undefined);
    if (blobs.length === 0) return null;
    blobs.sort(([a], [b]) => a.localeCompare(b));
    parts.push(...blobs.map(([f, blob]) => `${path.relative(dir, f)} ${blob}`));
  }
  return parts.length ? sha256(parts.join('\n')) : null;
}

/** Tracked and dirty files under `dir`, less those under another local package's directory inside it. */
function ownFiles(dir: string, packageDirs: string[], git: GitFiles): string[] {
  const inside = (f: string, d: string) => f.startsWith(`${d}${path.sep}`);
  const nested = packageDirs.filter((d) => d !== dir && inside(d, dir));
  const own = (f: string) => inside(f, dir) && !nested.some((d) => inside(f, d));
  return [...git.blobs.keys(), ...git.dirty].filter(own);
}

/**
 * Where rustc's dep-info for an artifact is: beside it, named as the artifact without its
 * extension (`app.d` for `app`/`app.exe`) or, for a library, without `lib` too (`gen-1a2b.d` for
 * `libgen-1a2b.rlib`).
 */
export function depInfoCandidates(filename: string): string[] {
  const dir = path.dirname(filename);
  const stem = path.basename(filename).replace(/\.(rlib|rmeta|so|dylib|dll|a|lib|exe|wasm)$/, '');
  const names = [`${stem}.d`, ...(stem.startsWith('lib') ? [`${stem.slice(3)}.d`] : [])];
  return names.map((n) => path.join(dir, n));
}

/**
 * The files a Makefile-style dep-info file lists for its first target: `target: a b\ c`, spaces
 * in names escaped; relative paths are the workspace root's (cargo writes them so).
 */
export function parseDepInfo(text: string, root: string): string[] {
  const first = text.split(/\r?\n/).find((l) => /[^\\]: /.test(l) || /[^\\]:$/.test(l));
  if (!first) return [];
  const colon = first.search(/[^\\]: |[^\\]:$/) + 1;
  const names = first
    .slice(colon + 1)
    .trim()
    .split(/(?<!\\) +/)
    .filter(Boolean)
    .map((n) => n.replace(/\\ /g, ' '));
  return names.map((n) => path.resolve(root, n));
}

/**
 * Fingerprints that cover each local crate's local dependencies too: a path dependency's source is
 * in no unit hash, so a crate with equal own inputs may still compile against other code. Each
 * local crate's fingerprint mixes in its local dependencies' (recursively); one unknown makes it
 * unknown. Keys are `name@version`, the graph is by name.
 */
export function closeOverLocalDeps(
  own: Map<string, string | null>,
  graph: ReadonlyMap<string, readonly string[]>,
): Map<string, string | null> {
  const byName = new Map([...own.keys()].map((key) => [crateOfKey(key), key]));
  const closed = new Map<string, string | null>();
  const visiting = new Set<string>();
  const close = (key: string): string | null => {
    if (closed.has(key)) return closed.get(key)!;
    // A dependency this build did not compile or reuse (another feature set) cannot reach its code.
    const deps = (graph.get(crateOfKey(key)) ?? []).filter((d) => byName.has(d));
    if (visiting.has(key) || own.get(key) == null) return null;
    visiting.add(key);
    const parts = deps.map((d) => close(byName.get(d)!));
    visiting.delete(key);
    const fp = parts.includes(null) ? null : deps.length ? sha256([own.get(key)!, ...parts].join('\n')) : own.get(key)!;
    closed.set(key, fp);
    return fp;
  };
  for (const key of own.keys()) closed.set(key, graph.has(crateOfKey(key)) ? close(key) : own.get(key)!);
  return closed;
}

/** `git ls-files` in `dir`: blob ids of tracked files, and the modified and untracked ones. Null outside git. */
export async function gitFiles(dir: string, env: NodeJS.ProcessEnv): Promise<GitFiles | null> {
  const staged = await capture('git', ['ls-files', '-s', '-z'], { cwd: dir, env }).catch(() => null);
  if (!staged || staged.code !== 0) return null;
  const dirtyRun = await capture('git', ['ls-files', '-z', '-m', '-o', '--exclude-standard'], { cwd: dir, env }).catch(
    () => null,
  );
  if (!dirtyRun || dirtyRun.code !== 0) return null;
  const blobs = new Map<string, string>();
  for (const entry of staged.stdout.split('\0')) {
    // `<mode> <blob> <stage>\t<path>`
    const m = /^\d+ ([0-9a-f]+) \d+\t(.+)$/s.exec(entry);
    if (m) blobs.set(path.resolve(dir, m[2]!), m[1]!);
  }
  return {
    blobs,
    dirty: dirtyRun.stdout
      .split('\0')
      .filter(Boolean)
      .map((f) => path.resolve(dir, f)),
  };
}
