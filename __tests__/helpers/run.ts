// A Run for module-level tests, built the way the main step builds it (prepareRun), from
// inputs given by their action.yml names.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { restoreCache, saveCache, staleDependencies, type BuildOutcome } from '../../src/cache/index.js';
import { parseConfig, type Config } from '../../src/config.js';
import { runTimedBuild } from '../../src/timings/index.js';
import { repoRoot } from './action-runner.js';
import { readRunContext } from '../../src/context.js';
import { prepareRun, withTarget, type TargetedRun } from '../../src/run.js';
import { parseRustcVersion, type RustcVersion } from '../../src/toolchain.js';

export const hostRustc: RustcVersion = parseRustcVersion(execFileSync('rustc', ['-vV'], { encoding: 'utf8' }));

/** Config for a workspace: inputs by name, env for parseConfig (RUNNER_TEMP, CI...). */
export function configFor(workspace: string, inputs: Record<string, string> = {}, configEnv: NodeJS.ProcessEnv = {}) {
  return parseConfig((n) => inputs[n] ?? '', configEnv, workspace);
}

/** The whole run (cargo metadata included), targeted at the host with a fixed flags hash. */
export async function targetedRun(
  workspace: string,
  env: NodeJS.ProcessEnv,
  inputs: Record<string, string> = {},
  configEnv: NodeJS.ProcessEnv = {},
): Promise<TargetedRun> {
  const run = await prepareRun({
    config: configFor(workspace, inputs, configEnv),
    context: readRunContext({}, null),
    env,
    rustc: hostRustc,
  });
  return withTarget(run, { triple: hostRustc.host, flagsHash: 'f'.repeat(64) });
}

/** One job of the cache's life on a workspace, as main and post run it: restore, timed build, clean and save. */
export async function cacheJob(config: Config, env: NodeJS.ProcessEnv, build?: BuildOutcome) {
  const run = await prepareRun({ config, context: readRunContext({}, null), env });
  const targeted = withTarget(run, { triple: run.rustc.host, flagsHash: 'f'.repeat(64) });
  const state = await restoreCache(targeted);
  const timed = await runTimedBuild(targeted, {
    wrapperPath: path.join(repoRoot, 'tools/rustc-wrapper/main.rs'),
    log: () => {},
  });
  const rebuiltDependencies = staleDependencies(state.hit, timed.record);
  const saved = await saveCache(targeted, {
    state,
    artifacts: timed.artifacts,
    build: build ?? {
      interrupted: false,
      success: timed.exitCode === 0,
      rebuiltDependencies,
      rebuiltMembers: timed.record.crates.filter((c) => c.workspaceMember).length,
    },
  });
  return { state, build: timed, saved, rebuiltDependencies };
}
