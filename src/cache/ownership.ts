// Which directories the cache may restore into and clean: only those cargo owns. Cargo writes
// CACHEDIR.TAG (with the standard signature) into every target and build directory it
// creates; a directory without it, or one that holds the checkout, the home directory or
// CARGO_HOME, is never cleaned or extracted into, whatever a config file or argument says.
import { existsSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import path from 'node:path';

const CACHEDIR_SIGNATURE = 'Signature: 8a477f597d28d172789f06886806bc55';

/** Places a target or build directory must never be, or contain. */
export interface ProtectedPlaces {
  /** The cargo workspace root. */
  workspaceRoot: string;
  /** The repository checkout (GITHUB_WORKSPACE), when known. */
  checkout: string | null;
  home: string | null;
  cargoHome: string;
}

export type Ownership = { owned: true } | { owned: false; reason: string };

/** Resolves symlinks where the path exists, so `target -> ..` is seen for what it is. */
function real(p: string): string {
  const abs = path.resolve(p);
  try {
    return realpathSync(abs);
  } catch {
    // Not there yet: resolve the nearest existing ancestor.
    const parent = path.dirname(abs);
    return parent === abs ? abs : path.join(real(parent), path.basename(abs));
  }
}

/** True when `dir` is `place` or one of its ancestors. */
function holds(dir: string, place: string): boolean {
  const rel = path.relative(dir, place);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

const inside = (dir: string, place: string) => dir !== place && holds(place, dir);

/** The rules that depend only on where the directory is (usable before cargo has created it). */
export function placementProblem(dir: string, places: ProtectedPlaces): string | null {
  const d = real(dir);
  if (d === path.parse(d).root) return 'it is the filesystem root';
  const named: Array<[string | null, string]> = [
    [places.workspaceRoot, 'the cargo workspace'],
    [places.checkout, 'the repository checkout'],
    [places.home, 'the home directory'],
    [places.cargoHome, 'CARGO_HOME'],
  ];
  for (const [place, what] of named) {
    if (!place) continue;
    const p = real(place);
    if (d === p) return `it is ${what} (${p})`;
    if (holds(d, p)) return `it contains ${what} (${p})`;
  }
  if (inside(d, real(places.cargoHome))) return `it is inside CARGO_HOME (${places.cargoHome})`;
  return null;
}

export function hasCargoTag(dir: string): boolean {
  try {
    return readFileSync(path.join(dir, 'CACHEDIR.TAG'), 'utf8').startsWith(CACHEDIR_SIGNATURE);
  } catch {
    return false;
  }
}

/** May the cleaner delete inside `dir`? Owned only when cargo tagged it and it is placed safely. */
export function cargoOwnership(dir: string, places: ProtectedPlaces): Ownership {
  const problem = placementProblem(dir, places);
  if (problem) return { owned: false, reason: problem };
  if (!existsSync(dir)) return { owned: false, reason: 'it does not exist' };
  if (!hasCargoTag(dir))
    return { owned: false, reason: "it has no CACHEDIR.TAG with cargo's signature, so cargo did not create it" };
  return { owned: true };
}

/**
 * May a restore extract into `dir`? Before the build the directory may not exist yet; if it
 * exists with content, it must be cargo's.
 */
export function restoreOwnership(dir: string, places: ProtectedPlaces): Ownership {
  const problem = placementProblem(dir, places);
  if (problem) return { owned: false, reason: problem };
  if (!existsSync(dir) || readdirSync(dir).length === 0 || hasCargoTag(dir)) return { owned: true };
  return { owned: false, reason: "it already holds files and has no CACHEDIR.TAG with cargo's signature" };
}

/** True when `dir` lies inside the workspace (then no other project can share it). */
export function isInside(dir: string, root: string): boolean {
  return inside(real(dir), real(root));
}
