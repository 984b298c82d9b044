// Keeping workspace crates fresh across checkouts, the shell: read what git knows about the
// working tree, set file times after the restore (main step), and write the manifest for the next
// run before saving (post step). The rule itself is in manifest.ts.
import * as core from '@actions/core';
import { existsSync, lstatSync, mkdirSync, readFileSync, renameSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { shortHash } from '../hashing.js';
import { formatBytes } from '../format.js';
import { logText } from '../log.js';
import { capture } from '../proc.js';
import { buildManifest, parseManifest, planFreshness, type FreshnessManifest, type TrackedFile } from './manifest.js';

/** The main step's part, handed to post with the cache state. */
export interface FreshnessState {
  gitRoot: string;
  /** Where the manifest lives: inside the cached target directory. */
  manifestPath: string;
  /** Cargo's directories (target and build dirs, CARGO_HOME): never listed, never touched. */
  cargoDirs: string[];
  /** Set after the file times were set, before any build of the job. */
  builtAfterMs: number;
  /**
   * A JSON file of the files proven at the restore, with the mtime they were given (in the
   * runner's temp dir: the list can be long for the step state).
   */
  provenFile: string;
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
  return r && r.code === 0 ? r.stdout.trim() : null;
}

async function gitOk(args: string[], gitRoot: string, env: NodeJS.ProcessEnv, input?: string): Promise<string> {
  const r = await capture('git', args, { cwd: gitRoot, env, input });
  if (r.code !== 0) throw new Error(`git ${args[0]} failed: ${r.stderr.trim().split('\n').at(-1) ?? ''}`);
  return r.stdout;
}

const splitZ = (text: string) => text.split('\0').filter(Boolean);

/**
 * Regular tracked files with the blob id of their working-tree content: the index's id when git
 * sees the file unmodified (its own stat check, as `git status` trusts it), else hashed now.
 * Symlinks, submodules, conflicted and missing files are left out: they are never proven.
 */
export async function trackedFiles(gitRoot: string, env: NodeJS.ProcessEnv, cargoDirs: readonly string[]): Promise<TrackedFile[]> {
  const index = new Map<string, string>();
  for (const line of splitZ(await gitOk(['ls-files', '-s', '-z', ...excluding(gitRoot, cargoDirs)], gitRoot, env))) {
    const m = /^(100644|100755) ([0-9a-f]+) 0\t(.+)$/s.exec(line);
    if (m) index.set(m[3]!, m[2]!);
  }
  const dirty = splitZ(await gitOk(['diff-files', '--name-only', '-z', ...excluding(gitRoot, cargoDirs)], gitRoot, env)).filter((p) => index.has(p));
  // Paths with a line break cannot be fed to --stdin-paths: they stay unproven.
  const hashable = dirty.filter((p) => !/[\r\n]/.test(p) && existsSync(path.join(gitRoot, p)));
  dirty.forEach((p) => index.delete(p));
  if (hashable.length) {
    const ids = (await gitOk(['hash-object', '--stdin-paths'], gitRoot, env, `${hashable.join('\n')}\n`)).trim().split('\n');
    hashable.forEach((p, i) => ids[i] && index.set(p, ids[i]!));
  }
  const files: TrackedFile[] = [];
  for (const [p, blob] of index) {
    const stat = lstatSync(path.join(gitRoot, p), { throwIfNoEntry: false });
    if (stat?.isFile()) files.push({ path: p, blob, mtimeMs: stat.mtimeMs });
  }
  return files;
}

/** Pathspecs that leave out the given directories (those inside the repository). */
function excluding(gitRoot: string, dirs: readonly string[]): string[] {
  const inside = dirs.map((d) => path.relative(gitRoot, d)).filter((rel) => rel && !rel.startsWith('..') && !path.isAbsolute(rel));
  return inside.length ? ['--', '.', ...inside.map((rel) => `:(exclude,top)${rel.split(path.sep).join('/')}`)] : [];
}

/**
 * Files git does not track and does not ignore (new files of the change, generated inputs),
 * never inside cargo's directories: a newer time on a unit's own files would make it look fresh.
 */
async function untrackedFiles(gitRoot: string, env: NodeJS.ProcessEnv, cargoDirs: readonly string[]): Promise<Array<{ path: string; mtimeMs: number }>> {
  const out: Array<{ path: string; mtimeMs: number }> = [];
  for (const p of splitZ(await gitOk(['ls-files', '--others', '--exclude-standard', '-z', ...excluding(gitRoot, cargoDirs)], gitRoot, env))) {
    const stat = lstatSync(path.join(gitRoot, p), { throwIfNoEntry: false });
    if (stat?.isFile()) out.push({ path: p, mtimeMs: stat.mtimeMs });
  }
  return out;
}

function readManifest(file: string): FreshnessManifest | null {
  if (!existsSync(file)) return null;
  const manifest = parseManifest(readFileSync(file, 'utf8'));
  if (!manifest) core.warning(logText(`Watchmaker: ${file} is not a freshness manifest this version reads, so no file is proven unchanged (workspace crates are rebuilt).`));
  return manifest;
}

/** Sets a file's mtime (atime: now); false when the file system refuses. */
function setMtime(file: string, mtimeMs: number): boolean {
  try {
    utimesSync(file, new Date(), new Date(mtimeMs));
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
}

/**
 * After the restore: prove what can be proven and set the times. Returns the state post needs
 * (the reference time is taken after the times are set, so every build of the job is later).
 */
export async function applyFreshness(opts: {
  gitRoot: string;
  manifestPath: string;
  env: NodeJS.ProcessEnv;
  targetExisted: boolean;
  cargoDirs: string[];
}): Promise<{ state: FreshnessState; summary: FreshnessSummary }> {
  const manifest = readManifest(opts.manifestPath);
  const proven: Array<[string, number]> = [];
  const summary: FreshnessSummary = { proven: 0, changed: 0, bumped: 0, manifestFound: manifest !== null };
  if (manifest) {
    const plan = planFreshness(manifest, await trackedFiles(opts.gitRoot, opts.env, opts.cargoDirs), await untrackedFiles(opts.gitRoot, opts.env, opts.cargoDirs));
    const now = Date.now();
    for (const change of plan.proven) if (setMtime(path.join(opts.gitRoot, change.path), change.mtimeMs)) proven.push([change.path, change.mtimeMs]);
    for (const p of plan.bumped) setMtime(path.join(opts.gitRoot, p), now);
    Object.assign(summary, { proven: proven.length, changed: plan.changed, bumped: plan.bumped.length });
  }
  const provenFile = path.join(opts.env.RUNNER_TEMP || os.tmpdir(), 'watchmaker', `fresh-proven-${shortHash(opts.manifestPath)}.json`);
  mkdirSync(path.dirname(provenFile), { recursive: true });
  writeFileSync(provenFile, JSON.stringify(proven));
  const state: FreshnessState = {
    gitRoot: opts.gitRoot,
    manifestPath: opts.manifestPath,
    cargoDirs: opts.cargoDirs,
    builtAfterMs: Date.now(),
    provenFile,
    targetExisted: opts.targetExisted,
  };
  return { state, summary };
}

/** Post step, before saving: the manifest of what the cache about to be saved was built from. */
export async function writeManifest(state: FreshnessState, opts: { env: NodeJS.ProcessEnv; timedBuildRan: boolean; restoredAnything: boolean }): Promise<void> {
  const files = await trackedFiles(state.gitRoot, opts.env, state.cargoDirs);
  const manifest = buildManifest(files, {
    builtAfterMs: state.builtAfterMs,
    proven: new Map(existsSync(state.provenFile) ? (JSON.parse(readFileSync(state.provenFile, 'utf8')) as Array<[string, number]>) : []),
    unitsVouchedFor: opts.timedBuildRan || (!opts.restoredAnything && !state.targetExisted),
    nowMs: Date.now(),
  });
  mkdirSync(path.dirname(state.manifestPath), { recursive: true });
  const text = JSON.stringify(manifest);
  const temp = `${state.manifestPath}.tmp-${process.pid}`;
  writeFileSync(temp, text);
  renameSync(temp, state.manifestPath);
  const listed = Object.keys(manifest.files).length;
  core.info(`  freshness manifest: ${listed} of ${files.length} tracked files described (${formatBytes(text.length)})`);
}
