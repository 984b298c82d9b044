// A Run for module-level tests, built the way the main step builds it (prepareRun), from
// inputs given by their action.yml names.
import { execFileSync } from 'node:child_process';
import { parseConfig } from '../../src/config.js';
import { readRunContext } from '../../src/context.js';
import { prepareRun, withTarget, type TargetedRun } from '../../src/run.js';
import { parseRustcVersion, type RustcVersion } from '../../src/toolchain.js';

export const hostRustc: RustcVersion = parseRustcVersion(execFileSync('rustc', ['-vV'], { encoding: 'utf8' }));

/** Config for a workspace: inputs by name, env for parseConfig (RUNNER_TEMP, CI...). */
export function configFor(workspace: string, inputs: Record<string, string> = {}, configEnv: NodeJS.ProcessEnv = {}) {
  return parseConfig((n) => inputs[n] ?? '', configEnv, workspace);
}

/** The whole run (cargo metadata included), targeted at the host with a fixed flags hash. */
export async function targetedRun(workspace: string, env: NodeJS.ProcessEnv, inputs: Record<string, string> = {}, configEnv: NodeJS.ProcessEnv = {}): Promise<TargetedRun> {
  const run = await prepareRun({ config: configFor(workspace, inputs, configEnv), context: readRunContext({}, null), env, rustc: hostRustc });
  return withTarget(run, { triple: hostRustc.host, flagsHash: 'f'.repeat(64) });
}
