// The advisor's scratch copy of the checkout: a git worktree of HEAD in the action's own scratch
// directory, so the one-line edits of the warm rebuilds never touch the user's files ("observe,
// never alter"), with the user's Cargo.lock (what the job's build resolved), and what
// `cargo metadata` says of the workspace there. Removed afterwards with everything in it.
import { copyFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { capture, captureOk } from '../proc.js';
import { configArgs } from '../workspace.js';
import { addWorktree, inWorktree, type Worktree } from '../worktree.js';
import type { MetadataPackage } from './plan.js';

export interface ScratchCheckout extends Worktree {
  /** The working directory's place in the worktree. */
  dir: string;
  commit: string;
  /** The user's checkout has uncommitted changes to tracked files, which the worktree of HEAD lacks. */
  dirty: boolean;
}

const NOT_A_CHECKOUT = (dir: string) =>
  `${dir} is not in a git checkout: the advisor builds HEAD in a scratch worktree, so your files are never edited`;

/** HEAD of the working directory's repository in a detached worktree at `into`. */
export async function checkoutHead(
  workingDirectory: string,
  workspaceRoot: string,
  into: string,
  env: NodeJS.ProcessEnv,
): Promise<ScratchCheckout> {
  const git = (args: string[], cwd: string) => captureOk('git', args, { cwd, env });
  const top = await capture('git', ['rev-parse', '--show-toplevel'], { cwd: workingDirectory, env });
  if (top.code !== 0) throw new Error(NOT_A_CHECKOUT(workingDirectory));
  const gitRoot = top.stdout.trim();
  const commit = (await git(['rev-parse', 'HEAD'], gitRoot)).trim();
  const dirty = (await git(['status', '--porcelain', '--untracked-files=no'], gitRoot)).trim() !== '';
  const worktree = await addWorktree(gitRoot, commit, into, env);
  // The lockfile the job's build used (often not committed by libraries): the same versions, no resolving again.
  const lock = path.join(workspaceRoot, 'Cargo.lock');
  if (existsSync(lock) && !path.relative(gitRoot, lock).startsWith('..'))
    copyFileSync(lock, inWorktree(worktree, lock));
  return { ...worktree, dir: inWorktree(worktree, workingDirectory), commit, dirty };
}

export interface WorkspaceMetadata {
  packages: MetadataPackage[];
  memberIds: Set<string>;
  /** The build compiles packages from a registry or git (not only local path packages). */
  hasDependencies: boolean;
}

/** `cargo metadata` offline: with the dependency graph when cargo can give it, else the members alone. */
export async function readMetadata(
  dir: string,
  env: NodeJS.ProcessEnv,
  cargoArgs: string[],
): Promise<WorkspaceMetadata> {
  const base = ['metadata', '--format-version', '1', '--offline', ...configArgs(cargoArgs)];
  let r = await capture('cargo', base, { cwd: dir, env });
  const full = r.code === 0;
  if (!full) r = await capture('cargo', [...base, '--no-deps'], { cwd: dir, env });
  if (r.code !== 0)
    throw new Error(`cargo metadata failed in the scratch checkout: ${r.stderr.trim().split('\n').at(-1)}`);
  const meta = JSON.parse(r.stdout) as { packages: MetadataPackage[]; workspace_members: string[] };
  const memberIds = new Set(meta.workspace_members);
  const hasDependencies = full
    ? meta.packages.some((p) => p.source !== null)
    : meta.packages.some((p) => memberIds.has(p.id) && p.dependencies.some((d) => d.path === undefined));
  return { packages: meta.packages, memberIds, hasDependencies };
}

/**
 * Downloads (and unpacks) every dependency before any sample: a job whose own build found every
 * crate fresh in the cache may never have needed their sources, and no cold build here may pay
 * for a download the others do not. Offline first (nothing to fetch, no index update).
 */
export async function fetchDependencies(dir: string, env: NodeJS.ProcessEnv, cargoArgs: string[]): Promise<boolean> {
  const args = ['fetch', ...configArgs(cargoArgs)];
  if ((await capture('cargo', [...args, '--offline'], { cwd: dir, env })).code === 0) return true;
  return (await capture('cargo', args, { cwd: dir, env })).code === 0;
}
