// Cargo's two build-dir layouts, as far as the cache needs to know them. Pure.
//
// old (cargo ≤ 1.99 by default): <profile>/deps/<name>-<hash>.<ext>, <profile>/build/<pkg>-<hash>/,
//   <profile>/.fingerprint/<pkg>-<hash>/, and example units in <profile>/examples/<name>-<hash>
// new (cargo 1.100 by default; -Zbuild-dir-new-layout before): <profile>/build/<pkg>/<hash>/
//   with fingerprint/, out/ and run/ inside: one directory per unit.
//
// Cargo says to find artifacts through its JSON messages, not paths: the layout of a build is
// read from the artifact paths cargo reported, and the layout on disk from what is there.

export type BuildDirLayout = 'old' | 'new';

/** Old-layout unit entries: `<name>-<16 hex>` with an optional extension. */
export const OLD_UNIT = /^(.+)-([0-9a-f]{16})(\..+)?$/;
const HASH_DIR = /^[0-9a-f]{16}$/;
/** The unit directories of the old layout, beside `build/` which both layouts use. */
export const OLD_UNIT_DIRS = ['deps', '.fingerprint'];
/** Old layout: example units beside their uplifted outputs; new layout: the outputs only. */
export const EXAMPLES_DIR = 'examples';

/** Unit hashes in an artifact path: `-<hash>` in old names, and the new layout's `build/<pkg>/<hash>/`. */
export function hashesInPath(file: string): string[] {
  const old = [...file.matchAll(/-([0-9a-f]{16})(?=[./]|$)/g)].map((m) => m[1]!);
  const fresh = [...file.matchAll(/\/build\/[^/]+\/([0-9a-f]{16})(?=\/|$)/g)].map((m) => m[1]!);
  return [...new Set([...old, ...fresh])];
}

/** The layout of the build that reported these artifacts, or null when they do not tell. */
export function layoutOfArtifacts(artifacts: readonly string[]): BuildDirLayout | 'mixed' | null {
  const isNew = artifacts.some((a) => /\/build\/[^/]+\/[0-9a-f]{16}\//.test(a));
  const isOld = artifacts.some(
    (a) => /\/(deps|\.fingerprint)\/[^/]+-[0-9a-f]{16}/.test(a) || /\/build\/[^/]+-[0-9a-f]{16}\//.test(a),
  );
  if (isNew && isOld) return 'mixed';
  return isNew ? 'new' : isOld ? 'old' : null;
}

/** Where an entry sits relative to the profile directories being cached. */
export type Place =
  | { kind: 'outside' }
  /** A direct child of target/ or of a triple directory (not a kept profile dir). */
  | { kind: 'top'; atRoot: boolean }
  /** A direct child of a kept profile directory. */
  | { kind: 'profile-child'; name: string }
  /** An old-layout unit in deps/, .fingerprint/ or build/. */
  | { kind: 'old-unit'; name: string; hash: string }
  /** A new-layout package directory: build/<pkg>. */
  | { kind: 'new-package'; pkg: string }
  /** A new-layout unit: build/<pkg>/<hash>. */
  | { kind: 'new-unit'; pkg: string; hash: string }
  /** An uplifted output in examples/ (cargo links it again from its unit). */
  | { kind: 'uplifted' }
  /** Inside one of the above, or a shape neither layout makes. */
  | { kind: 'other' };

export function placeOf(relPath: string, profileDirs: ReadonlySet<string>, ancestors: ReadonlySet<string>): Place {
  const parts = relPath.split('/');
  const parentOf = (n: number) => parts.slice(0, parts.length - n).join('/');
  if (parts.length === 1 || ancestors.has(parentOf(1)))
    return profileDirs.has(relPath) || ancestors.has(relPath)
      ? { kind: 'other' }
      : { kind: 'top', atRoot: parts.length === 1 };
  if (profileDirs.has(parentOf(1))) return { kind: 'profile-child', name: parts.at(-1)! };
  if (profileDirs.has(parentOf(2))) return unitPlace(parts.at(-2)!, parts.at(-1)!);
  if (
    profileDirs.has(parentOf(3)) &&
    parts.at(-3) === 'build' &&
    HASH_DIR.test(parts.at(-1)!) &&
    !OLD_UNIT.test(parts.at(-2)!)
  ) {
    return { kind: 'new-unit', pkg: parts.at(-2)!, hash: parts.at(-1)! };
  }
  return { kind: 'other' };
}

/** A child of `<profile>/<dir>`: an old unit, a new package directory, an uplifted example, or neither. */
function unitPlace(dir: string, name: string): Place {
  const old = OLD_UNIT.exec(name);
  if (old && (OLD_UNIT_DIRS.includes(dir) || dir === 'build' || dir === EXAMPLES_DIR))
    return { kind: 'old-unit', name: old[1]!, hash: old[2]! };
  if (dir === EXAMPLES_DIR) return { kind: 'uplifted' };
  if (dir === 'build' && !old) return { kind: 'new-package', pkg: name };
  return { kind: 'other' };
}

/** Directories that lead to a kept profile dir (a triple dir holding `debug/`). */
export function ancestorsOf(profileDirs: Iterable<string>): Set<string> {
  const ancestors = new Set<string>();
  for (const p of profileDirs) {
    const parts = p.split('/');
    for (let i = 1; i < parts.length; i++) ancestors.add(parts.slice(0, i).join('/'));
  }
  return ancestors;
}
