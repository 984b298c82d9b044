// Each crate's input fingerprint: what exactly it was compiled from, so two runs can be proven to
// have compiled a crate from identical inputs (their difference is then pure noise). For every
// package: the unit hashes cargo gave its units (they cover its version, source, features,
// profile, flags and its dependencies' hashes); for path packages also the git blob ids of
// their tracked files, because cargo's hashes do not cover a path package's source. A path
// package with modified or untracked files, or outside git, has no fingerprint (null): nothing
// is guessed.
import path from 'node:path';
import { hashesInPath } from '../cargo-layout.js';
import { sha256 } from '../hashing.js';
import { capture } from '../proc.js';
import { crateKey } from '../record.js';
import type { CargoMessages } from './messages.js';

/** What git says about the files under a directory: blob ids, and the paths it cannot vouch for. */
export interface GitFiles {
  /** Absolute path → blob id of the tracked, unmodified files. */
  blobs: Map<string, string>;
  /** Absolute paths of modified or untracked files. */
  dirty: string[];
}

/** Fingerprints by package name (`name@version`); null where the inputs cannot be proven. */
export function crateFingerprints(messages: CargoMessages, git: GitFiles | null): Map<string, string | null> {
  const units = new Map<string, { hashes: Set<string>; dir: string | null; path: boolean }>();
  const add = (name: string, version: string | null, source: string | null, files: string[], manifestDir: string | null) => {
    const key = crateKey(name, version);
    const entry = units.get(key) ?? { hashes: new Set<string>(), dir: manifestDir, path: source === 'path' };
    for (const f of files) hashesInPath(f).forEach((h) => entry.hashes.add(h));
    units.set(key, entry);
  };
  for (const a of messages.artifacts) add(a.package.name, a.package.version, a.package.source, a.filenames, a.manifestDir);
  for (const b of messages.buildScripts) add(b.package.name, b.package.version, b.package.source, b.outDir ? [b.outDir] : [], null);
  const out = new Map<string, string | null>();
  for (const [key, u] of units) out.set(key, fingerprintOf(u, git));
  return out;
}

function fingerprintOf(unit: { hashes: Set<string>; dir: string | null; path: boolean }, git: GitFiles | null): string | null {
  const parts = [...unit.hashes].sort();
  if (unit.path) {
    const dir = unit.dir;
    if (!git || !dir) return null;
    const inside = (f: string) => f.startsWith(`${dir}${path.sep}`);
    if (git.dirty.some(inside)) return null;
    const files = [...git.blobs].filter(([f]) => inside(f)).sort(([a], [b]) => a.localeCompare(b));
    if (files.length === 0) return null;
    parts.push(...files.map(([f, blob]) => `${path.relative(dir, f)} ${blob}`));
  }
  return parts.length ? sha256(parts.join('\n')) : null;
}

/** `git ls-files` in `dir`: blob ids of tracked files, and the modified and untracked ones. Null outside git. */
export async function gitFiles(dir: string, env: NodeJS.ProcessEnv): Promise<GitFiles | null> {
  const staged = await capture('git', ['ls-files', '-s', '-z'], { cwd: dir, env }).catch(() => null);
  if (!staged || staged.code !== 0) return null;
  const dirtyRun = await capture('git', ['ls-files', '-z', '-m', '-o', '--exclude-standard'], { cwd: dir, env }).catch(() => null);
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
