// The common start of every key the action writes to the cache (target/ entries and baseline
// records), so both are scoped by the same rules. Pure.
import path from 'node:path';
import { shortHash } from './hashing.js';

/**
 * The part of a key that must match exactly for an entry to be usable: the prefix, what kind of
 * entry, the workspace it belongs to, the platform, anything else that changes every artifact,
 * the profile and the flags. Cache keys and baseline-record keys both start with one.
 */
export function keyScope(s: {
  prefix: string;
  kind: string | null;
  /** workspaceIdentity().id; entries of other workspaces never share a prefix with this one. */
  workspace?: string | null;
  os: string;
  arch: string;
  qualifiers: string[];
  profile: string;
  flagsHash: string;
  suffix: string[];
}): string {
  const head = [s.prefix, ...(s.kind ? [s.kind] : []), ...(s.workspace ? [`w${s.workspace}`] : [])];
  return [
    ...head,
    s.os,
    s.arch,
    ...s.qualifiers,
    s.profile,
    `f${s.flagsHash.slice(0, 12)}`,
    ...s.suffix.filter(Boolean),
  ].join('-');
}

/**
 * Which workspace of which repository a key belongs to: two workspaces of one repository (a
 * crate and its `fuzz/`), or two repositories sharing a cache directory, never prune each
 * other's entries. The root counts relative to the checkout, so every runner agrees; without a
 * repository name (a run outside GitHub) the absolute path tells repositories apart.
 */
export function workspaceIdentity(w: { repository: string | null; checkout: string | null; root: string }): {
  id: string;
  label: string;
} {
  const rel = w.checkout ? path.relative(path.resolve(w.checkout), path.resolve(w.root)) : null;
  const inside = rel !== null && !rel.startsWith('..') && !path.isAbsolute(rel);
  const where = inside && w.repository ? rel.split(path.sep).join('/') || '.' : path.resolve(w.root);
  const label = w.repository ? `${w.repository}, ${where}` : where;
  return { id: shortHash(`${w.repository ?? ''}\n${where}`, 8), label };
}
