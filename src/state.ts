// The one hand-off from the main step to the post step: a versioned PostState, written once
// when main ends (also when it fails or is interrupted) and read once by post.
import * as core from '@actions/core';
import type { CacheRestoreState } from './cache/restore.js';

export const POST_STATE_VERSION = 2;
const STATE_NAME = 'watchmaker';

export interface BuildHandOff {
  /** The JSON run record. */
  recordPath: string;
  success: boolean;
  /** File listing every artifact cargo reported (the cleaner keeps their units). */
  artifactsFile: string;
  /** Dependency units compiled although the exact cache key was restored. */
  rebuiltDependencies: number;
  /** Workspace members compiled (not fresh from the cache). */
  rebuiltMembers: number;
}

export interface PostState {
  version: typeof POST_STATE_VERSION;
  /** The restored cache, or null when the cache was off or main ended before restoring it. */
  cache: CacheRestoreState | null;
  /** The timed build, or null when it did not run. */
  build: BuildHandOff | null;
  flagsHash: string | null;
  /** Main was stopped by a signal: target/ may be half-written, so post saves nothing. */
  interrupted: boolean;
}

export function emptyPostState(): PostState {
  return { version: POST_STATE_VERSION, cache: null, build: null, flagsHash: null, interrupted: false };
}

export function writePostState(state: PostState): void {
  core.saveState(STATE_NAME, JSON.stringify(state));
}

/** Null when main wrote no state (it failed on its inputs) or a different version of the action did. */
export function readPostState(): PostState | null {
  const text = core.getState(STATE_NAME);
  if (!text) return null;
  const parsed = JSON.parse(text) as Partial<PostState>;
  return parsed.version === POST_STATE_VERSION ? (parsed as PostState) : null;
}
