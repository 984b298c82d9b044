// Keeping workspace crates fresh across checkouts, the shell: look at the working tree, set file
// times after the restore (main step), and write the manifest for the next run before saving
// (post step). The rule itself is in manifest.ts; what the tree holds, in tree.ts.
import * as core from '@actions/core';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { shortHash } from '../hashing.js';
import { formatBytes } from '../format.js';
import { logText } from '../log.js';
import { capture } from '../proc.js';
import { libuvNs, utimesSeconds } from './file-times.js';
import {
  buildManifest,
  changedLinks,
  describable,
  futureTimes,
  msToNs,
  parseManifest,
  planFreshness,
  worthHashing,
  type FreshnessManifest,
  type SnapshotEntry,
  type TrackedFile,
} from './manifest.js';
import { hashFile, reachedThrough, readWorkingTree, stampOf, untrackedFiles, type WorkingTree } from './tree.js';

const OTHER_MANIFEST_VERSION = (file: string) =>
  `Freshness across checkouts: ${file} is from another version of the action, ` +
  'so no file is proven unchanged this time.';

/** The main step's part, handed to post with the cache state. */
export interface FreshnessState {
  gitRoot: string;
  /** Where the manifest lives: inside the cached target directory. */
  manifestPath: string;
  /** Cargo's directories (target and build dirs, CARGO_HOME): never listed, never touched. */
  cargoDirs: string[];
  /** Set after the file times were set, before any build of the job. */
  builtAfterMs: number;
  /** A JSON file (runner temp) of every tracked file as main left it: the bytes the build read. */
  snapshotFile: string;
  /** The target directory held files before the restore (a reused runner): the restore was not all there is. */
  targetExisted: boolean;
}

/** The manifest's place: one per profile, at the top of the target directory (cargo leaves it alone there). */
export function manifestPathFor(targetDir: string, profile: string): string {
  return path.join(targetDir, `.watchmaker-fresh-${profile.replace(/[^A-Za-z0-9_-]/g, '_')}.json`);
}

/** The repository's top directory, or null when the workspace is not in a git working tree. */
export async function gitRootOf(dir: string, env: NodeJS.ProcessEnv): Promise<string | null> {
  const r = await capture('git', ['rev-parse', '--show-toplevel'], { cwd: dir, env }).catch(() => null);
  return r && r.code === 0 ? path.resolve(r.stdout.trim()) : null;
}

function readManifest(file: string): FreshnessManifest | null {
  if (!existsSync(file)) return null;
  const manifest = parseManifest(readFileSync(file, 'utf8'));
  if (!manifest) core.info(logText(OTHER_MANIFEST_VERSION(file)));
  return manifest;
}

/** Sets a file's mtime (atime: now); false when the file system refuses. */
function setMtime(file: string, seconds: number): boolean {
  try {
    utimesSync(file, Date.now() / 1000, seconds);
    return true;
  } catch (e) {
    core.debug(`utimes ${file}: ${(e as Error).message}`);
    return false;
  }
}

export interface FreshnessSummary {
  proven: number;
  changed: number;
  bumped: number;
  manifestFound: boolean;
  /** Why nothing was proven and the restored units were made to look old, or null. */
  distrusted: string | null;
}

/** A restored unit's time that no source file can be older than (2000-01-01). */
const DISTRUSTED_UNIT_S = 946684800;

/** The newest time among the restored dirs' top two levels (profile dirs, deps/, .fingerprint/, build/). */
function newestUnitMs(dirs: readonly string[]): number {
  let newest = 0;
  const look = (dir: string, depth: number) => {
    for (const name of existsSync(dir) ? readdirSync(dir) : []) {
      const stat = lstatSync(path.join(dir, name), { throwIfNoEntry: false });
      if (!stat || stat.isSymbolicLink()) continue;
      newest = Math.max(newest, stat.mtimeMs);
      if (stat.isDirectory() && depth < 2) look(path.join(dir, name), depth + 1);
    }
  };
  dirs.forEach((d) => look(d, 1));
  return newest;
}

/** Gives every restored file one old time: every workspace unit then looks older than its sources. */
function distrustUnits(dirs: readonly string[]): void {
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (entry.isFile()) setMtime(p, DISTRUSTED_UNIT_S);
    }
  };
  for (const dir of dirs) if (existsSync(path.join(dir, 'CACHEDIR.TAG'))) walk(dir);
}

/** Why this job must not prove anything from the restored cache, or null when it may. */
function distrustReason(
  gitRoot: string,
  manifest: FreshnessManifest | null,
  tree: WorkingTree,
  unitDirs: readonly string[],
): string | null {
  const future = futureTimes(manifest, newestUnitMs(unitDirs), Date.now());
  if (future) return future;
  if (tree.throughLinks.length)
    return logText(`${tree.throughLinks[0]} is reached through a symbolic link that replaced a tracked directory`);
  for (const link of manifest ? changedLinks(manifest, tree.links) : []) {
    if (reachedThrough(gitRoot, link, tree.files) === null)
      return logText(`the link ${link} now leads out of the repository`);
  }
  return null;
}

/** Files proven identical to the manifest get their old times back; old unproven ones move to now. */
async function prove(
  opts: ApplyOptions,
  manifest: FreshnessManifest,
  tree: WorkingTree,
  summary: FreshnessSummary,
): Promise<Set<string>> {
  for (const f of worthHashing(manifest, tree.files)) f.hash = hashFile(path.join(opts.gitRoot, f.path));
  const unprovable = new Set(tree.unprovable);
  for (const link of changedLinks(manifest, tree.links))
    reachedThrough(opts.gitRoot, link, tree.files)?.forEach((p) => unprovable.add(p));
  const plan = planFreshness(
    manifest,
    tree.files,
    await untrackedFiles(opts.gitRoot, opts.env, opts.cargoDirs),
    unprovable,
  );
  const proven = new Set<string>();
  for (const change of plan.proven)
    if (setMtime(path.join(opts.gitRoot, change.path), utimesSeconds(change.mtimeNs))) proven.add(change.path);
  const now = Date.now() / 1000;
  for (const p of plan.bumped) setMtime(path.join(opts.gitRoot, p), now);
  Object.assign(summary, { proven: proven.size, changed: plan.changed, bumped: plan.bumped.length });
  return proven;
}

/** Distrusted: units made old, and any source older than them moved to now. */
async function distrust(opts: ApplyOptions, tree: WorkingTree, summary: FreshnessSummary): Promise<void> {
  distrustUnits(opts.unitDirs);
  const old = msToNs(DISTRUSTED_UNIT_S * 1000);
  const now = Date.now() / 1000;
  const stale = [...tree.files, ...(await untrackedFiles(opts.gitRoot, opts.env, opts.cargoDirs))].filter(
    (f) => f.mtimeNs <= old,
  );
  for (const f of stale) setMtime(path.join(opts.gitRoot, f.path), now);
  summary.bumped = stale.length;
}

/**
 * Unproven files whose time Node could not give back exactly (a checkout's nanoseconds) move back
 * to the microsecond before: still newer than every cached unit, and the next job can restore it
 * exactly, so a build script's package fingerprint does not change again then.
 */
function settle(gitRoot: string, files: readonly TrackedFile[], proven: ReadonlySet<string>): void {
  for (const f of files) {
    const mtimeNs = proven.has(f.path)
      ? null
      : lstatSync(path.join(gitRoot, f.path), { bigint: true, throwIfNoEntry: false })?.mtimeNs;
    if (!mtimeNs) continue;
    const seconds = utimesSeconds(mtimeNs);
    if (libuvNs(seconds, process.platform) !== mtimeNs) setMtime(path.join(gitRoot, f.path), seconds);
  }
}

/** Every tracked file as main leaves it (stamps read again: setting a time changes the change time). */
function writeSnapshot(file: string, gitRoot: string, tree: WorkingTree, proven: ReadonlySet<string>): void {
  const rows = tree.files.map((f) => {
    const s = lstatSync(path.join(gitRoot, f.path), { bigint: true, throwIfNoEntry: false });
    if (!s?.isFile() || tree.unprovable.has(f.path)) return null;
    const stamp = stampOf(s);
    return [f.path, stamp.size, stamp.mtimeNs.toString(), stamp.ctimeNs.toString(), f.hash, proven.has(f.path) ? 1 : 0];
  });
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify({ files: rows.filter(Boolean), links: [...tree.links] }));
}

function readSnapshot(file: string): { files: Map<string, SnapshotEntry>; links: Map<string, string> } {
  const files = new Map<string, SnapshotEntry>();
  if (!existsSync(file)) return { files, links: new Map() };
  const data = JSON.parse(readFileSync(file, 'utf8')) as {
    files: Array<[string, number, string, string, string | null, 0 | 1]>;
    links: Array<[string, string]>;
  };
  for (const [p, size, mtime, ctime, hash, proven] of data.files)
    files.set(p, { size, mtimeNs: BigInt(mtime), ctimeNs: BigInt(ctime), hash, proven: proven === 1 });
  return { files, links: new Map(data.links) };
}

interface ApplyOptions {
  gitRoot: string;
  manifestPath: string;
  env: NodeJS.ProcessEnv;
  targetExisted: boolean;
  cargoDirs: string[];
  /** The restored target and build directories (where units live). */
  unitDirs: string[];
}

/**
 * After the restore: prove what can be proven and set the times. Returns the state post needs
 * (the reference time is taken after the times are set, so every build of the job is later).
 */
export async function applyFreshness(
  opts: ApplyOptions,
): Promise<{ state: FreshnessState; summary: FreshnessSummary }> {
  const manifest = readManifest(opts.manifestPath);
  const tree = await readWorkingTree(opts.gitRoot, opts.env, opts.cargoDirs);
  const summary: FreshnessSummary = {
    proven: 0,
    changed: 0,
    bumped: 0,
    manifestFound: manifest !== null,
    distrusted: null,
  };
  summary.distrusted = distrustReason(opts.gitRoot, manifest, tree, opts.unitDirs);
  let proven = new Set<string>();
  if (summary.distrusted) await distrust(opts, tree, summary);
  else if (manifest) proven = await prove(opts, manifest, tree, summary);
  if (!summary.distrusted) settle(opts.gitRoot, tree.files, proven);
  const snapshotFile = path.join(
    opts.env.RUNNER_TEMP || os.tmpdir(),
    'watchmaker',
    `fresh-snapshot-${shortHash(opts.manifestPath)}.json`,
  );
  writeSnapshot(snapshotFile, opts.gitRoot, tree, proven);
  const state: FreshnessState = {
    gitRoot: opts.gitRoot,
    manifestPath: opts.manifestPath,
    cargoDirs: opts.cargoDirs,
    builtAfterMs: Date.now(),
    snapshotFile,
    targetExisted: opts.targetExisted,
  };
  return { state, summary };
}

/**
 * Post step, before saving: the manifest of what the cache about to be saved was built from.
 * Nothing is written (and no directory made) when the target directory is gone or not cargo's.
 */
export async function writeManifest(
  state: FreshnessState,
  opts: { env: NodeJS.ProcessEnv; timedBuildRan: boolean; restoredAnything: boolean },
): Promise<void> {
  const targetDir = path.dirname(state.manifestPath);
  if (!existsSync(path.join(targetDir, 'CACHEDIR.TAG'))) {
    core.info(logText(`  freshness manifest: not written (${targetDir} is gone or was not made by cargo)`));
    return;
  }
  const snapshot = readSnapshot(state.snapshotFile);
  const tree = await readWorkingTree(state.gitRoot, opts.env, state.cargoDirs);
  const input = {
    builtAfterMs: state.builtAfterMs,
    unitsVouchedFor: opts.timedBuildRan || (!opts.restoredAnything && !state.targetExisted),
    nowMs: Date.now(),
  };
  const described = describable(
    tree.files.filter((f) => !tree.unprovable.has(f.path)),
    snapshot.files,
    input,
  );
  for (const f of described) f.hash ??= hashFile(path.join(state.gitRoot, f.path));
  const links = new Map([...tree.links].filter(([p, text]) => snapshot.links.get(p) === text));
  const manifest = buildManifest(described, links, input);
  const text = JSON.stringify(manifest);
  const temp = `${state.manifestPath}.tmp-${process.pid}`;
  writeFileSync(temp, text);
  renameSync(temp, state.manifestPath);
  const listed = Object.keys(manifest.files).length;
  core.info(
    `  freshness manifest: ${listed} of ${tree.files.length} tracked files described (${formatBytes(text.length)})`,
  );
}
