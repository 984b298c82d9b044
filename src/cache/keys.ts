// Cache keys: every input that changes what target/ holds is in the key; restore keys fall
// back only across inputs whose change leaves most artifacts reusable (the lockfile, then the
// manifests), never across toolchain, target, profile or flags. An entry is saved under the
// primary key, and a stale one is superseded by a new generation (`<primary key>-g2`, …) rather
// than deleted first, so a token that may not delete entries still moves the cache on. Pure.
import { createHash } from 'node:crypto';
import { parse } from 'smol-toml';
import { shortHash } from '../hashing.js';
import { keyScope } from '../key-scope.js';

export { shortHash };

export interface CacheKeyInput {
  prefix: string;
  /** workspaceIdentity(): the repository and the workspace's place in it. */
  workspace: { id: string; label: string };
  os: string;
  arch: string;
  /** rustc release, e.g. 1.95.0. */
  rustcRelease: string;
  /** The whole `rustc -vV` text: release, commit, host, LLVM. */
  rustcVerbose: string;
  targetTriple: string;
  profile: string;
  /** The profile's effective settings (resolveProfileSettings), as canonical JSON. */
  profileSettings: string;
  flagsHash: string;
  /** Hash of the dependency-relevant parts of the manifests and the rust-toolchain file. */
  manifestsHash: string;
  lockfileHash: string | null;
  userKey: string;
  /**
   * Cargo's subcommand when it is not `build` (`check`, `clippy`, `test`, `doc`): each keeps its
   * own units, and a job of one would find the other's entry stale and replace it, back and forth.
   */
  commandKind: string | null;
}

export interface CacheKeys {
  primaryKey: string;
  /** Most specific first; each is a prefix of the primary key. */
  restoreKeys: string[];
  /** Every hashed input, for the log. */
  inputs: Array<{ name: string; value: string }>;
}

export function buildCacheKeys(k: CacheKeyInput): CacheKeys {
  const toolchain = `rust${k.rustcRelease}-${shortHash(k.rustcVerbose, 8)}`;
  // The profile's settings are in the scope: entries built with other settings are never restored.
  const scope = keyScope({
    prefix: k.prefix,
    kind: null,
    workspace: k.workspace.id,
    os: k.os,
    arch: k.arch,
    qualifiers: [toolchain, k.targetTriple, ...(k.commandKind ? [k.commandKind] : [])],
    profile: `${k.profile}-p${shortHash(k.profileSettings, 8)}`,
    flagsHash: k.flagsHash,
    suffix: [k.userKey],
  });
  const withManifests = `${scope}-m${k.manifestsHash.slice(0, 12)}`;
  const primaryKey = `${withManifests}-l${k.lockfileHash ? k.lockfileHash.slice(0, 12) : 'none'}`;
  return {
    primaryKey,
    restoreKeys: [`${withManifests}-`, `${scope}-`],
    inputs: [
      { name: 'prefix', value: k.prefix },
      { name: 'workspace', value: k.workspace.label },
      { name: 'os/arch', value: `${k.os}/${k.arch}` },
      { name: 'rustc -vV', value: k.rustcVerbose.replace(/\n/g, '; ') },
      { name: 'target triple', value: k.targetTriple },
      { name: 'profile', value: k.profile },
      { name: 'profile settings (resolved)', value: k.profileSettings },
      { name: 'effective RUSTFLAGS hash', value: k.flagsHash },
      ...(k.userKey ? [{ name: 'cache-key input', value: k.userKey }] : []),
      ...(k.commandKind ? [{ name: 'cargo command', value: k.commandKind }] : []),
      { name: 'manifests + rust-toolchain hash', value: k.manifestsHash },
      { name: 'Cargo.lock hash', value: k.lockfileHash ?? '(no Cargo.lock)' },
    ],
  };
}

/**
 * The restore lookup for a primary key: no entry is saved under `<primary key>-`, so no exact
 * match can shadow a newer generation; the newest generation wins, then the fallbacks.
 */
export function restoreLookup(keys: Pick<CacheKeys, 'primaryKey' | 'restoreKeys'>): {
  key: string;
  restoreKeys: string[];
} {
  return { key: `${keys.primaryKey}-`, restoreKeys: [keys.primaryKey, ...keys.restoreKeys] };
}

/** The generation of the primary key that `matchedKey` is (1 for the key itself), or null for another key. */
export function generationOf(matchedKey: string | null, primaryKey: string): number | null {
  if (matchedKey === primaryKey) return 1;
  if (!matchedKey?.startsWith(`${primaryKey}-g`)) return null;
  const n = matchedKey.slice(primaryKey.length + 2);
  return /^[1-9]\d*$/.test(n) ? Number(n) : null;
}

/** The key of a generation: the first is the primary key itself. */
export const generationKey = (primaryKey: string, generation: number) =>
  generation <= 1 ? primaryKey : `${primaryKey}-g${generation}`;

/** Sections of a Cargo.toml that change what gets compiled (not the crate's own version or metadata). */
const MANIFEST_SECTIONS = [
  'dependencies',
  'dev-dependencies',
  'build-dependencies',
  'target',
  'features',
  'profile',
  'patch',
  'replace',
  'lib',
  'bin',
  'lints',
];
const WORKSPACE_SECTIONS = ['dependencies', 'lints', 'resolver'];

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value as object)
        .sort()
        .map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}

/** Path dependencies' versions follow the workspace's own version bumps: drop them. */
function withoutPathVersions(section: unknown): unknown {
  if (!section || typeof section !== 'object') return section;
  return Object.fromEntries(
    Object.entries(section as Record<string, unknown>).map(([name, dep]) => {
      if (dep && typeof dep === 'object' && 'path' in dep) {
        const { version: _version, path: _path, ...rest } = dep as Record<string, unknown>;
        return [name, { ...rest, path: true }];
      }
      return [name, dep];
    }),
  );
}

/**
 * The dependency-relevant projection of one manifest, canonical JSON. Throws with the file's
 * name when it is not TOML (cargo would fail too).
 */
export function manifestProjection(text: string, file: string): string {
  let data: Record<string, unknown>;
  try {
    data = parse(text) as Record<string, unknown>;
  } catch (e) {
    throw new Error(`${file} is not valid TOML: ${(e as Error).message.split('\n')[0]}`, { cause: e });
  }
  const picked: Record<string, unknown> = {};
  for (const s of MANIFEST_SECTIONS) {
    if (data[s] === undefined) continue;
    picked[s] = s.endsWith('dependencies') ? withoutPathVersions(data[s]) : data[s];
  }
  if (data.target && typeof data.target === 'object') {
    picked.target = Object.fromEntries(
      Object.entries(data.target as Record<string, Record<string, unknown>>).map(([t, v]) => [
        t,
        Object.fromEntries(
          Object.entries(v ?? {}).map(([k, d]) => [k, k.endsWith('dependencies') ? withoutPathVersions(d) : d]),
        ),
      ]),
    );
  }
  const pkg = data.package as Record<string, unknown> | undefined;
  if (pkg)
    picked.package = {
      edition: pkg.edition ?? null,
      build: pkg.build ?? null,
      links: pkg.links ?? null,
      'rust-version': pkg['rust-version'] ?? null,
    };
  const ws = data.workspace as Record<string, unknown> | undefined;
  if (ws)
    picked.workspace = Object.fromEntries(
      WORKSPACE_SECTIONS.filter((s) => ws[s] !== undefined).map((s) => [
        s,
        s === 'dependencies' ? withoutPathVersions(ws[s]) : ws[s],
      ]),
    );
  return JSON.stringify(sortKeys(picked));
}

/** Hash of all manifests (by workspace-relative path), cargo config profile sections and the toolchain file. */
export function manifestsHash(
  manifests: Array<{ relativePath: string; text: string }>,
  extra: Array<{ name: string; text: string }>,
): string {
  const parts = [...manifests]
    .sort((a, b) => a.relativePath.localeCompare(b.relativePath))
    .map((m) => `${m.relativePath}\n${manifestProjection(m.text, m.relativePath)}`);
  for (const e of [...extra].sort((a, b) => a.name.localeCompare(b.name))) parts.push(`${e.name}\n${e.text}`);
  return createHash('sha256').update(parts.join('\n\n')).digest('hex');
}

export interface LockedPackages {
  /** Packages from a registry or git, as `name-version`: what registry/cache must hold. */
  downloaded: Set<string>;
  /** Every package name (members, path and registry packages). */
  names: Set<string>;
}

/** Cargo.lock's packages; null when the file is not TOML (the caller says what that costs). */
export function parseLockfile(lockText: string): LockedPackages | null {
  let lock: { package?: Array<{ name?: string; version?: string; source?: string }> };
  try {
    lock = parse(lockText) as typeof lock;
  } catch {
    return null;
  }
  const downloaded = new Set<string>();
  const names = new Set<string>();
  for (const p of lock.package ?? []) {
    if (p.name) names.add(p.name);
    if (p.source && p.name && p.version) downloaded.add(`${p.name}-${p.version}`);
  }
  return { downloaded, names };
}

/** Cargo.lock packages that came from a registry or git (name-version); empty when unreadable. */
export function lockedRegistryCrates(lockText: string): Set<string> {
  return parseLockfile(lockText)?.downloaded ?? new Set();
}
