// A commit checked out beside the user's checkout, in a detached git worktree of the action's own:
// rebuild mode's base commit (report/rebuild.ts) and the profile advisor's HEAD (advise/). The
// user's files are never touched; the worktree goes again, with git's note of it, afterwards.
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { capture, captureOk } from './proc.js';

export interface Worktree {
  /** The repository's top directory, where git keeps its note of the worktree. */
  gitRoot: string;
  /** The worktree's own directory. */
  worktree: string;
}

/** `commit` of the repository at `gitRoot`, detached, at `into` (whatever was there is replaced). */
export async function addWorktree(gitRoot: string, commit: string, into: string, env: NodeJS.ProcessEnv) {
  rmSync(into, { recursive: true, force: true });
  mkdirSync(path.dirname(into), { recursive: true });
  await captureOk('git', ['worktree', 'add', '--detach', '--', into, commit], { cwd: gitRoot, env });
  return { gitRoot, worktree: into } satisfies Worktree;
}

/** Where `file`, a path in the user's checkout, is in the worktree. */
export const inWorktree = (w: Worktree, file: string): string => path.join(w.worktree, path.relative(w.gitRoot, file));

/** Removes the worktree, its directory and git's note of it. Never throws: a leftover costs only disk. */
export async function removeWorktree(w: Worktree, env: NodeJS.ProcessEnv): Promise<void> {
  const opts = { cwd: w.gitRoot, env };
  await capture('git', ['worktree', 'remove', '--force', '--', w.worktree], opts).catch(() => null);
  rmSync(w.worktree, { recursive: true, force: true });
  await capture('git', ['worktree', 'prune'], opts).catch(() => null);
}
