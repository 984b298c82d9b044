// The portable-flags guard's shell: reads cargo's config files, asks rustc for the target's
// cfg, resolves the effective RUSTFLAGS, logs them, and annotates non-portable flags.
import * as core from '@actions/core';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { BuildConfig, GuardMode } from '../config.js';
import type { Run } from '../run.js';
import { relativeToWorkspace } from '../context.js';
import { logText } from '../log.js';
import { probeCfg, type CfgSet } from '../toolchain.js';
import {
  cargoAlias,
  findNonPortableFlags,
  resolveEffectiveRustflags,
  rustcArgsOf,
  rustflagsHash,
  selectTargetTriple,
  type EffectiveRustflags,
  type GuardFinding,
  type SourcedFlag,
} from './flags.js';

export type { EffectiveRustflags, GuardFinding, SourcedFlag, FlagOrigin } from './flags.js';

const NO_CFG = (targetTriple: string, reason: string) =>
  `Watchmaker could not ask rustc for the cfg of ${targetTriple} (${reason}); ` +
  `target.'cfg(...)' rustflags are matched as if no cfg were set.`;

export interface GuardResult {
  mode: GuardMode;
  targetTriple: string;
  effective: EffectiveRustflags;
  /** What `cargo rustc -- …` (build-command, cargo-args or an alias) adds for the final target. */
  rustcArgs: SourcedFlag[];
  findings: GuardFinding[];
  /** Hash of the effective flags and triple: part of the cache key even when the guard is off. */
  hash: string;
  /** True when the step must fail: mode error, in CI, and an error finding. */
  failed: boolean;
  /** Findings as they were reported: errors only where the guard enforces (mode error, in CI). */
  annotated: { errors: number; warnings: number };
}

/** What the guard needs from the run: it works before the workspace is known. */
export type GuardRun = Pick<Run, 'config' | 'env' | 'rustc' | 'cargoConfig'>;

export async function runGuard(run: GuardRun): Promise<GuardResult> {
  const { config } = run;
  const { targetTriple, effective } = await resolveFlags(run);
  const rustcArgs = rustcArgsOf(commandWords(config.build), (name) => cargoAlias(run.cargoConfig, run.env, name));
  const hash = rustflagsHash(
    effective.flags.map((f) => f.flag),
    targetTriple,
    rustcArgs.map((f) => f.flag),
  );
  const findings =
    config.guard.mode === 'off' ? [] : checkFlags(effective.flags, rustcArgs, argfileReader(config.workingDirectory));
  const enforcing = config.guard.mode === 'error' && config.inCI;
  const failed = enforcing && findings.some((f) => f.severity === 'error');
  logFlags(run, targetTriple, effective, rustcArgs, hash, findings.length);
  const annotated = annotate(findings, enforcing, run.env);
  return { mode: config.guard.mode, targetTriple, effective, rustcArgs, findings, hash, failed, annotated };
}

/**
 * The build's arguments after the program, each with the input it came from, in the order cargo gets them (config.ts
 * buildArgs).
 */
function commandWords(build: Pick<BuildConfig, 'command' | 'cargoArgs'>): SourcedFlag[] {
  const tag = (words: string[], input: string): SourcedFlag[] =>
    words.map((flag) => ({ flag, origin: { kind: 'cli', name: `'${input}' (after the -- of cargo rustc)` } }));
  const [command, extra] = [tag(build.command.slice(1), 'build-command'), tag(build.cargoArgs, 'cargo-args')];
  const dashes = command.findIndex((w) => w.flag === '--');
  return dashes === -1 ? [...command, ...extra] : [...command.slice(0, dashes), ...extra, ...command.slice(dashes)];
}

/**
 * Every unit gets the RUSTFLAGS; the final target of `cargo rustc` gets its extra arguments
 * first, then the RUSTFLAGS (cargo's order, so a later target-cpu in RUSTFLAGS wins). Both are
 * checked; a finding both show is reported once.
 */
function checkFlags(
  rustflags: SourcedFlag[],
  rustcArgs: SourcedFlag[],
  readArgfile: (file: string) => string | null,
): GuardFinding[] {
  const all = [
    ...findNonPortableFlags(rustflags, readArgfile),
    ...(rustcArgs.length ? findNonPortableFlags([...rustcArgs, ...rustflags], readArgfile) : []),
  ];
  const key = (f: GuardFinding) => JSON.stringify([f.flag, f.severity, f.origin]);
  return all.filter((f, i) => all.findIndex((g) => key(g) === key(f)) === i);
}

/** The effective RUSTFLAGS as cargo resolves them for the target triple. */
async function resolveFlags(run: GuardRun): Promise<{ targetTriple: string; effective: EffectiveRustflags }> {
  const { env, rustc, cargoConfig: files } = run;
  const cwd = run.config.workingDirectory;
  const targetTriple = selectTargetTriple(run.config.build.cargoArgs, env, files, rustc.host);
  const cfgFor = async (flags: string[]): Promise<CfgSet> => {
    try {
      return await probeCfg(cwd, flags, targetTriple === rustc.host ? null : targetTriple, env);
    } catch (e) {
      core.warning(NO_CFG(targetTriple, (e as Error).message.split('\n')[0]!));
      return [];
    }
  };
  // Cargo matches cfg() keys against `rustc --print cfg` run with the candidate flags, and
  // iterates once more when those flags change the answer (target_info.rs).
  const effective = resolveEffectiveRustflags({ env, files, targetTriple, cfg: await cfgFor([]) });
  const hasCfgKeys = files.some((f) => Object.keys((f.data.target ?? {}) as object).some((k) => k.startsWith('cfg(')));
  if (!hasCfgKeys || effective.flags.length === 0) return { targetTriple, effective };
  const again = resolveEffectiveRustflags({
    env,
    files,
    targetTriple,
    cfg: await cfgFor(effective.flags.map((f) => f.flag)),
  });
  const same = again.flags.map((f) => f.flag).join('\x1f') === effective.flags.map((f) => f.flag).join('\x1f');
  return { targetTriple, effective: same ? effective : again };
}

function argfileReader(cwd: string): (file: string) => string | null {
  return (file) => {
    try {
      return readFileSync(path.resolve(cwd, file), 'utf8');
    } catch {
      core.warning(
        logText(`RUSTFLAGS names the argfile @${file}, which cannot be read from ${cwd}; its flags were not checked.`),
      );
      return null;
    }
  };
}

function logFlags(
  run: GuardRun,
  targetTriple: string,
  effective: EffectiveRustflags,
  rustcArgs: SourcedFlag[],
  hash: string,
  findings: number,
): void {
  const mode = run.config.guard.mode;
  core.startGroup('Watchmaker: effective RUSTFLAGS');
  core.info(logText(`target: ${targetTriple}`));
  core.info(logText(`source: ${effective.source}`));
  core.info(logText(`flags: ${effective.flags.length ? effective.flags.map((f) => f.flag).join(' ') : '(none)'}`));
  if (rustcArgs.length)
    core.info(logText(`rustc arguments (cargo rustc, final target only): ${rustcArgs.map((f) => f.flag).join(' ')}`));
  core.info(logText(`config: ${run.cargoConfig.length ? run.cargoConfig.map((f) => f.path).join(', ') : '(none)'}`));
  core.info(`hash: ${hash.slice(0, 16)}`);
  core.info(`guard: ${mode}${mode === 'off' ? '' : `, ${findings} finding(s)`}`);
  core.endGroup();
}

/** Annotates each finding at its file and line: an error only where the guard enforces. */
function annotate(findings: GuardFinding[], enforcing: boolean, env: NodeJS.ProcessEnv): GuardResult['annotated'] {
  const annotated = { errors: 0, warnings: 0 };
  for (const finding of findings) {
    const properties: core.AnnotationProperties = {
      title: finding.severity === 'error' ? 'Non-portable RUSTFLAGS' : 'Watchmaker: CPU-specific flag',
    };
    if (finding.origin.file) {
      properties.file = relativeToWorkspace(finding.origin.file, env);
      if (finding.origin.line) properties.startLine = finding.origin.line;
    }
    if (finding.severity === 'error' && enforcing) {
      core.error(finding.message, properties);
      annotated.errors++;
    } else {
      core.warning(finding.message, properties);
      annotated.warnings++;
    }
  }
  return annotated;
}
