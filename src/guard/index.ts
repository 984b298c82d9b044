// The portable-flags guard's shell: reads cargo's config files, asks rustc for the target's
// cfg, resolves the effective RUSTFLAGS, logs them, and annotates non-portable flags.
import * as core from '@actions/core';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Config, GuardMode } from '../config.js';
import { relativeToWorkspace } from '../context.js';
import { loadCargoConfig } from '../cargo-config.js';
import { logText } from '../log.js';
import { probeCfg, type CfgSet, type RustcVersion } from '../toolchain.js';
import { findNonPortableFlags, resolveEffectiveRustflags, rustflagsHash, selectTargetTriple, type EffectiveRustflags, type GuardFinding } from './flags.js';

export type { EffectiveRustflags, GuardFinding, SourcedFlag, FlagOrigin } from './flags.js';

export interface GuardResult {
  mode: GuardMode;
  targetTriple: string;
  effective: EffectiveRustflags;
  findings: GuardFinding[];
  /** Hash of the effective flags and triple: part of the cache key even when the guard is off. */
  hash: string;
  /** True when the step must fail: mode error, in CI, and an error finding. */
  failed: boolean;
  /** Findings as they were reported: errors only where the guard enforces (mode error, in CI). */
  annotated: { errors: number; warnings: number };
}

export async function runGuard(config: Config, rustc: RustcVersion, env: NodeJS.ProcessEnv): Promise<GuardResult> {
  const cwd = config.workingDirectory;
  const files = loadCargoConfig(cwd, env, config.cargoArgs);
  const targetTriple = selectTargetTriple(config.cargoArgs, env, files, rustc.host);
  const cfgFor = async (flags: string[]): Promise<CfgSet> => {
    try {
      return await probeCfg(cwd, flags, targetTriple === rustc.host ? null : targetTriple, env);
    } catch (e) {
      core.warning(
        `Watchmaker could not ask rustc for the cfg of ${targetTriple} (${(e as Error).message.split('\n')[0]}); target.'cfg(...)' rustflags are matched as if no cfg were set.`,
      );
      return [];
    }
  };
  // Cargo matches cfg() keys against `rustc --print cfg` run with the candidate flags, and
  // iterates once more when those flags change the answer (target_info.rs).
  let effective = resolveEffectiveRustflags({ env, files, targetTriple, cfg: await cfgFor([]) });
  const hasCfgKeys = files.some((f) => Object.keys((f.data.target ?? {}) as object).some((k) => k.startsWith('cfg(')));
  if (hasCfgKeys && effective.flags.length > 0) {
    const again = resolveEffectiveRustflags({ env, files, targetTriple, cfg: await cfgFor(effective.flags.map((f) => f.flag)) });
    if (again.flags.map((f) => f.flag).join('\x1f') !== effective.flags.map((f) => f.flag).join('\x1f')) effective = again;
  }

  const hash = rustflagsHash(
    effective.flags.map((f) => f.flag),
    targetTriple,
  );
  const readArgfile = (file: string): string | null => {
    try {
      return readFileSync(path.resolve(cwd, file), 'utf8');
    } catch {
      core.warning(`RUSTFLAGS names the argfile @${file}, which cannot be read from ${cwd}; its flags were not checked.`);
      return null;
    }
  };
  const findings = config.guard === 'off' ? [] : findNonPortableFlags(effective.flags, readArgfile);
  const failed = config.guard === 'error' && config.inCI && findings.some((f) => f.severity === 'error');

  core.startGroup('Watchmaker: effective RUSTFLAGS');
  core.info(logText(`target: ${targetTriple}`));
  core.info(logText(`source: ${effective.source}`));
  core.info(logText(`flags: ${effective.flags.length ? effective.flags.map((f) => f.flag).join(' ') : '(none)'}`));
  core.info(logText(`config: ${files.length ? files.map((f) => f.path).join(', ') : '(none)'}`));
  core.info(`hash: ${hash.slice(0, 16)}`);
  core.info(`guard: ${config.guard}${config.guard === 'off' ? '' : `, ${findings.length} finding(s)`}`);
  core.endGroup();

  const annotated = { errors: 0, warnings: 0 };
  for (const finding of findings) {
    const properties: core.AnnotationProperties = { title: finding.severity === 'error' ? 'Non-portable RUSTFLAGS' : 'Watchmaker: CPU-specific flag' };
    if (finding.origin.file) {
      properties.file = relativeToWorkspace(finding.origin.file, env);
      if (finding.origin.line) properties.startLine = finding.origin.line;
    }
    if (finding.severity === 'error' && config.guard === 'error' && config.inCI) {
      core.error(finding.message, properties);
      annotated.errors++;
    } else {
      core.warning(finding.message, properties);
      annotated.warnings++;
    }
  }
  return { mode: config.guard, targetTriple, effective, findings, hash, failed, annotated };
}
