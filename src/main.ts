// The action's main step: config → toolchain → timed build → summary.
import * as core from '@actions/core';
import { spawn } from 'node:child_process';
import { InputError } from './config.js';
import { loadRunContext } from './context.js';
import { readConfig } from './inputs.js';
import { probeRustcVersion } from './toolchain.js';

async function runMain(): Promise<void> {
  const env = process.env;
  const config = readConfig(env);
  const context = loadRunContext(env);
  const rustc = await probeRustcVersion(config.workingDirectory, env);
  core.info(`Watchmaker: rustc ${rustc.release} (${rustc.host}), profile ${config.profile}, event ${context.eventName ?? 'local'}`);
  if (!config.build) return;
  const args = [...config.buildCommand.slice(1), '--profile', config.profile, '--timings', ...config.cargoArgs];
  const started = Date.now();
  const code = await new Promise<number>((resolve, reject) => {
    const child = spawn(config.buildCommand[0]!, args, { cwd: config.workingDirectory, stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('error', reject);
    child.on('close', (c) => resolve(c ?? 1));
  });
  const seconds = (Date.now() - started) / 1000;
  core.setOutput('build-seconds', seconds.toFixed(2));
  if (env.GITHUB_STEP_SUMMARY) {
    await core.summary.addHeading(`Watchmaker: ${config.profile} build`, 3).addRaw(`Build took ${seconds.toFixed(1)} s.`, true).write();
  }
  if (code !== 0) core.setFailed(`'${config.buildCommand.join(' ')}' failed with exit code ${code}.`);
}

try {
  await runMain();
} catch (e) {
  core.setFailed(e instanceof InputError ? e.message : `Watchmaker failed: ${(e as Error).stack ?? e}`);
}
