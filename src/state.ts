// The one hand-off from the main step to the post step: a versioned PostState, written once when
// main ends (also when it fails or is interrupted) and read once by post. Every channel from main
// to post is declared here, and steps/post.ts reads no handed file itself:
//
// - the PostState itself (a step state): written by steps/main.ts run() when main ends; read by readPostState.
// - build.recordPath, the run record: written once, by steps/main.ts when main ends (with what the report
//   added: history, calibration, phases); read by readHandedRecord (the cleaner's local packages,
//   storeBaseline). Post never writes it.
// - build.artifactsFile, every artifact cargo reported: written by handArtifacts (from steps/main.ts); read by
//   readHandedArtifacts (the cleaner).
// - cache.freshness.snapshotFile, every tracked file as main left it and which were proven unchanged: written by
//   freshness/ applyFreshness after the restore; read by freshness/ writeManifest (from cache/save.ts) before the
//   save. Its format is freshness/'s own, so both ends stay there.
//
// Files that look like hand-offs but are not (no value passes from main to post through them):
// - the keep-fresh manifest in target/ (freshness/ manifestPathFor): post writes it for the next job,
//   saved in the cache; main reads the one restored from an earlier job's post;
// - the baseline record (report/store.ts baselineRecordPath): post stores this run's record for
//   later jobs; main loads an earlier job's;
// - report-<profile>.md beside the record: main writes it for the workflow's later steps.
// Values reach post as environment variables, which Linux limits to 128 KiB each: a list that can be
// long (the artifacts) goes in a file named here, never in the state itself.
import * as core from '@actions/core';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { CacheRestoreState } from './cache/restore.js';
import { readRunRecord, type RunRecord } from './record.js';

export const POST_STATE_VERSION = 2;
const STATE_NAME = 'watchmaker';

export interface BuildHandOff {
  /** The JSON run record (readHandedRecord). */
  recordPath: string;
  success: boolean;
  /** File listing every artifact cargo reported (the cleaner keeps their units; readHandedArtifacts). */
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

/** Main: the artifacts cargo reported, in the action's own directory (record-path may be in the checkout). */
export function handArtifacts(scratchDir: string, artifacts: string[] | null): string {
  const file = path.join(scratchDir, 'artifacts.json');
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(artifacts));
  return file;
}

/** Post: the artifacts main handed over, or null when there is no list (no build, or the file is gone). */
export function readHandedArtifacts(state: PostState | null): string[] | null {
  const file = state?.build?.artifactsFile;
  return file && existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as string[] | null) : null;
}

/** Post: the run record main wrote, or null when there is none; throws when it cannot be read. */
export function readHandedRecord(state: PostState | null): RunRecord | null {
  const file = state?.build?.recordPath;
  if (!file || !existsSync(file)) return null;
  return readRunRecord(readFileSync(file, 'utf8'));
}
