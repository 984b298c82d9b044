// Cargo's `--message-format=json` stream (stdout): one JSON object per line. Parsed tolerantly:
// unknown reasons and non-JSON lines are kept aside, never fatal.
import path from 'node:path';
import type { WorkArtifact } from '../ir/index.js';
import { crateKey } from '../record.js';

export interface PackageRef {
  name: string;
  version: string | null;
  /** Source kind: path, registry, git, directory, ... */
  source: string | null;
}

/** Cargo's `compiler-artifact` message: what compile work reads of it (ir's WorkArtifact), and more. */
export interface ArtifactMessage extends WorkArtifact {
  packageId: string;
  package: PackageRef;
  /** The directory of the package's Cargo.toml. */
  manifestDir: string | null;
}

export interface BuildScriptRun {
  packageId: string;
  package: PackageRef;
  outDir: string | null;
}

export interface CargoMessages {
  artifacts: ArtifactMessage[];
  buildScripts: BuildScriptRun[];
  /** `build-finished` success, or null when cargo stopped before saying. */
  finished: boolean | null;
  /** Lines that were not cargo JSON messages (passed to the log). */
  otherLines: string[];
  /** Called for each artifact as cargo reports it (compile work reads libraries while the build goes on). */
  onArtifact?: (artifact: ArtifactMessage) => void;
  /** Cargo's first error, as rustc rendered it, and the crate it came from ('' when cargo's own). */
  firstError?: { crate: string; text: string };
  /** The first error's rendered lines are still coming on stderr. */
  errorOpen?: boolean;
}

/**
 * Package ids, old and new:
 *   `memchr 2.5.0 (registry+https://…)`                      (cargo ≤ 1.76)
 *   `registry+https://…#memchr@2.5.0`, `path+file:///w/x#other@0.1.0`
 *   `path+file:///w/crates/utils#0.1.0`                      (name = last path segment)
 */
export function parsePackageId(id: string): PackageRef {
  const old = /^(\S+) (\S+) \(([^+)]+)\+.*\)$/.exec(id);
  if (old) return { name: old[1]!, version: old[2]!, source: old[3]! };
  const hash = id.lastIndexOf('#');
  if (hash === -1) return { name: id, version: null, source: null };
  const url = id.slice(0, hash);
  const fragment = id.slice(hash + 1);
  const source = /^([a-z]+)\+/.exec(url)?.[1] ?? null;
  const at = fragment.lastIndexOf('@');
  if (at !== -1) return { name: fragment.slice(0, at), version: fragment.slice(at + 1), source };
  const pathPart = url
    .replace(/^[a-z]+\+[a-z]+:\/\//, '')
    .replace(/\?.*$/, '')
    .replace(/\/+$/, '');
  const lastSegment = pathPart.slice(pathPart.lastIndexOf('/') + 1);
  // `#0.1.0`: a version only, the name is the directory's; `#name`: a name only.
  if (/^\d+\.\d+/.test(fragment)) return { name: lastSegment, version: fragment, source };
  return { name: fragment, version: null, source };
}

/** A line of cargo's JSON messages, or null when it is none (then it is kept as another line). */
function jsonMessage(line: string): Record<string, unknown> | null {
  try {
    const parsed: unknown = JSON.parse(line);
    const ok = parsed && typeof parsed === 'object' && typeof (parsed as { reason?: unknown }).reason === 'string';
    return ok ? (parsed as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

export function parseCargoMessage(line: string, into: CargoMessages): void {
  const trimmed = line.trim();
  if (!trimmed) return;
  const msg = jsonMessage(trimmed);
  if (!msg) {
    into.otherLines.push(line);
    return;
  }
  const packageId = typeof msg.package_id === 'string' ? msg.package_id : '';
  switch (msg.reason) {
    case 'compiler-artifact': {
      const target = (msg.target ?? {}) as { name?: unknown; kind?: unknown };
      into.artifacts.push({
        packageId,
        package: parsePackageId(packageId),
        targetName: typeof target.name === 'string' ? target.name : '',
        targetKinds: Array.isArray(target.kind) ? target.kind.map(String) : [],
        filenames: Array.isArray(msg.filenames) ? msg.filenames.map(String) : [],
        executable: typeof msg.executable === 'string' ? msg.executable : null,
        fresh: msg.fresh === true,
        test: (msg.profile as { test?: unknown } | undefined)?.test === true,
        manifestDir: typeof msg.manifest_path === 'string' ? path.dirname(msg.manifest_path) : null,
      });
      into.onArtifact?.(into.artifacts.at(-1)!);
      break;
    }
    case 'build-script-executed':
      into.buildScripts.push({
        packageId,
        package: parsePackageId(packageId),
        outDir: typeof msg.out_dir === 'string' ? msg.out_dir : null,
      });
      break;
    case 'build-finished':
      into.finished = msg.success === true;
      break;
    case 'compiler-message':
      into.firstError ??= compilerError(msg, packageId);
      break;
    default:
      // Future reasons.
      break;
  }
}

/**
 * Measured crates (`name@version`) some of whose libraries and binaries cargo compiled while
 * others came fresh from the cache (a change to `main.rs` recompiles the binary, not the
 * library): the IR of such a crate is only part of it, so it is compared target by target, never
 * as a whole that seems to shrink.
 */
export function partlyFreshCrates(messages: CargoMessages, measured: (p: PackageRef) => boolean): Set<string> {
  const seen = new Map<string, { fresh: boolean; compiled: boolean }>();
  for (const a of messages.artifacts) {
    if (!measured(a.package) || a.test || a.targetKinds.includes('custom-build')) continue;
    const key = crateKey(a.package.name, a.package.version);
    const s = seen.get(key) ?? { fresh: false, compiled: false };
    if (a.fresh) s.fresh = true;
    else s.compiled = true;
    seen.set(key, s);
  }
  return new Set([...seen].filter(([, s]) => s.fresh && s.compiled).map(([key]) => key));
}

/**
 * The crates that are yours in this build: the local path packages it compiled or found fresh
 * (workspace members, path dependencies inside or outside the workspace, an excluded crate used
 * by path), whatever `cargo metadata` calls a member. A package of `known` (members and their
 * path dependencies) that rustc ran for counts too: a unit that failed to compile has no message.
 */
export function localPackagesOf(
  messages: CargoMessages,
  ranFor: Iterable<string>,
  known: ReadonlySet<string>,
): Set<string> {
  const local = new Set<string>();
  for (const m of [...messages.artifacts, ...messages.buildScripts])
    if (m.package.source === 'path') local.add(m.package.name);
  for (const name of ranFor) if (known.has(name)) local.add(name);
  return local;
}

/**
 * Cargo's stderr, line by line (with json-render-diagnostics rustc's diagnostics come only there):
 * keeps the first error block rustc rendered, up to its blank line, and the crate cargo names
 * when it gives up on it.
 */
export function parseCargoStderr(line: string, into: CargoMessages): void {
  // eslint-disable-next-line no-control-regex
  const plain = line.replace(/\u001b\[[0-9;]*m/g, '');
  const gaveUp = /^error: could not compile `([^`]+)`/.exec(plain);
  if (gaveUp) {
    if (into.firstError && !into.firstError.crate) into.firstError.crate = gaveUp[1]!;
    into.errorOpen = false;
  } else if (into.errorOpen) {
    if (plain.trim() === '') into.errorOpen = false;
    else into.firstError!.text += `\n${plain}`;
  } else if (!into.firstError && /^error(\[E\d+\])?: /.test(plain)) {
    into.firstError = { crate: '', text: plain };
    into.errorOpen = true;
  }
}

/** A compiler message that is an error, with the text rustc rendered (it is on stderr too), or undefined. */
function compilerError(msg: Record<string, unknown>, packageId: string): CargoMessages['firstError'] {
  const message = (msg.message ?? {}) as { level?: unknown; rendered?: unknown; message?: unknown };
  if (message.level !== 'error') return undefined;
  const text =
    typeof message.rendered === 'string'
      ? message.rendered
      : typeof message.message === 'string'
        ? message.message
        : '';
  return text ? { crate: parsePackageId(packageId).name, text } : undefined;
}

export function emptyMessages(): CargoMessages {
  return { artifacts: [], buildScripts: [], finished: null, otherLines: [] };
}

export function parseCargoMessages(jsonl: string): CargoMessages {
  const out = emptyMessages();
  for (const line of jsonl.split('\n')) parseCargoMessage(line, out);
  return out;
}

/** Every file cargo reported producing, and every build script's out dir (what the cleaner keeps). */
export function artifactsOf(messages: CargoMessages): string[] {
  const artifacts = new Set<string>();
  for (const a of messages.artifacts) {
    for (const f of a.filenames) artifacts.add(f);
    if (a.executable) artifacts.add(a.executable);
  }
  for (const b of messages.buildScripts) if (b.outDir) artifacts.add(b.outDir);
  return [...artifacts];
}
