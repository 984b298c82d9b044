// The measuring rustc wrapper (tools/rustc-wrapper/main.rs), built for a test file the way the
// action builds it (src/timings/wrapper.ts, prepareWrapper), in a temp directory of its own.
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { prepareWrapper } from '../../src/timings/wrapper.js';
import { repoRoot } from './action-runner.js';

export const wrapperSourcePath = path.join(repoRoot, 'tools/rustc-wrapper/main.rs');

/** Builds the wrapper once (about a second) and returns the binary's path. */
export async function buildWrapper(log: (line: string) => void = () => {}): Promise<string> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'wm-wrapper-bin-'));
  const env = { ...process.env, RUNNER_TOOL_CACHE: '' };
  const binary = await prepareWrapper(wrapperSourcePath, {
    cwd: dir,
    env,
    targetDir: path.join(dir, 'target'),
    ownTempDir: dir,
    log,
    cargoConfig: [],
  });
  if (!binary) throw new Error('the rustc wrapper did not build (see the warning above)');
  return binary;
}
