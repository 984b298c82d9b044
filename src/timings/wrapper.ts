// The measuring rustc wrapper's setup: it chains the wrapper the user already has (such as
// sccache), writes one JSON line per compilation, and counts instructions where perf works.
import * as core from '@actions/core';
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { configValue, type CargoConfigFile } from '../cargo-config.js';
import { logText } from '../log.js';
import { capture } from '../proc.js';

/** `perf stat` counts instructions only where the kernel allows it; probe once. */
async function perfWorks(env: NodeJS.ProcessEnv): Promise<boolean> {
  try {
    const r = await capture('perf', ['stat', '-x,', '-e', 'instructions:u', '--', 'true'], { env });
    return r.code === 0 && /^\d+,/m.test(r.stderr);
  } catch {
    return false;
  }
}

/** The wrapper the user already has (env, then cargo config), which ours must chain. */
export function userWrapper(env: NodeJS.ProcessEnv, cargoConfig: CargoConfigFile[]): string | null {
  if (env.RUSTC_WRAPPER !== undefined) return env.RUSTC_WRAPPER || null;
  if (env.CARGO_BUILD_RUSTC_WRAPPER !== undefined) return env.CARGO_BUILD_RUSTC_WRAPPER || null;
  const v = configValue(cargoConfig, ['build', 'rustc-wrapper']);
  if (v === undefined || v.value === '') return null;
  if (typeof v.value !== 'string') {
    core.warning(logText(`build.rustc-wrapper in ${v.file} is not a string, so it is not chained in the timed build; cargo rejects it too.`));
    return null;
  }
  // Config paths with a slash are relative to the directory holding `.cargo/`.
  return v.value.includes('/') ? path.resolve(path.dirname(path.dirname(v.file)), v.value) : v.value;
}

export interface WrapperFiles {
  /** One JSON line per compilation. */
  unitsFile: string;
  /** Scratch files of GNU time, deleted after the build (the wrapper spends no process on `rm`). */
  measureDir: string;
}

export function wrapperFiles(recordPath: string): WrapperFiles {
  return { unitsFile: `${recordPath}.units.jsonl`, measureDir: `${recordPath}.measure` };
}

/** Sets up the wrapper in `buildEnv`; returns whether instructions are counted. */
export async function installWrapper(wrapperPath: string, files: WrapperFiles, buildEnv: NodeJS.ProcessEnv, cargoConfig: CargoConfigFile[]): Promise<boolean> {
  rmSync(files.unitsFile, { force: true });
  rmSync(files.measureDir, { recursive: true, force: true });
  mkdirSync(files.measureDir, { recursive: true });
  const perf = await perfWorks(buildEnv);
  Object.assign(buildEnv, {
    RUSTC_WRAPPER: wrapperPath,
    WATCHMAKER_UNITS_FILE: files.unitsFile,
    WATCHMAKER_MEASURE_DIR: files.measureDir,
    WATCHMAKER_INNER_WRAPPER: userWrapper(buildEnv, cargoConfig) ?? '',
    WATCHMAKER_PERF: perf ? '1' : '0',
  });
  delete buildEnv.CARGO_BUILD_RUSTC_WRAPPER;
  return perf;
}
