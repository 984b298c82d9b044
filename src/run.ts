// What every capability of a job needs, worked out once per step: the config, where the run
// happens, the toolchain, cargo's configuration, the workspace and the cache backend. After the
// guard, the run also knows its target: the triple and the hash of the effective RUSTFLAGS.
import { loadCargoConfig, type CargoConfigFile } from './cargo-config.js';
import type { CacheBackend } from './cache/backend.js';
import { createBackend } from './cache/select.js';
import type { Config } from './config.js';
import type { RunContext } from './context.js';
import { probeRustcVersion, type RustcVersion } from './toolchain.js';
import { workspaceInfo, type WorkspaceInfo } from './workspace.js';

export interface Run {
  config: Config;
  context: RunContext;
  /** The step's environment (children get childEnv(env), never this). */
  env: NodeJS.ProcessEnv;
  rustc: RustcVersion;
  /** Cargo's config sources, highest precedence first (`--config` arguments, then files). */
  cargoConfig: CargoConfigFile[];
  workspace: WorkspaceInfo;
  backend: CacheBackend;
}

/** What the build compiles for: known once the guard has resolved the effective RUSTFLAGS. */
export interface Target {
  triple: string;
  /** Hash of the effective RUSTFLAGS and the triple: in the cache key, the baseline key and the record. */
  flagsHash: string;
}

export type TargetedRun = Run & { target: Target };

export async function prepareRun(parts: {
  config: Config;
  context: RunContext;
  env: NodeJS.ProcessEnv;
  rustc?: RustcVersion;
  backend?: CacheBackend;
}): Promise<Run> {
  const { config, context, env } = parts;
  const rustc = parts.rustc ?? (await probeRustcVersion(config.workingDirectory, env));
  // Read before `cargo metadata`, so a broken config file is reported at its file and line.
  const cargoConfig = loadCargoConfig(config.workingDirectory, env, config.build.cargoArgs);
  const workspace = await workspaceInfo(config.workingDirectory, env, config.build.cargoArgs);
  const backend = parts.backend ?? createBackend(config, context, env);
  return { config, context, env, rustc, cargoConfig, workspace, backend };
}

export function withTarget(run: Run, target: Target): TargetedRun {
  return { ...run, target };
}
