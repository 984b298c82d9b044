// Synthetic run records for the comparison and rendering tests.
import { RECORD_SCHEMA, type RunRecord } from '../../src/record.js';

/** Deterministic noise so the A/A runs are the same on every machine. */
export function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

export interface RecordSpec {
  crates: Record<string, number>;
  /** Per-crate relative jitter of CPU time (uniform ±noise); wall time jitters twice as much. */
  noise?: number;
  /** Whole-run jitter (machine speed), applied on top. */
  runNoise?: number;
  rand?: () => number;
  instructions?: boolean;
  wrapper?: boolean;
  success?: boolean;
}

export function record(spec: RecordSpec): RunRecord {
  const r = spec.rand ?? Math.random;
  const jitter = (v: number, n: number) => v * (1 + (r() * 2 - 1) * n);
  const run = jitter(1, spec.runNoise ?? 0);
  const crates = Object.entries(spec.crates).map(([crate, cpu]) => {
    const c = jitter(cpu, spec.noise ?? 0) * run;
    // Retired instructions barely move between identical builds (~0.5%).
    const instructions = spec.instructions ? Math.round(jitter(cpu * 3e9, 0.005)) : null;
    return {
      crate,
      version: '1.0.0',
      workspaceMember: crate.startsWith('ws-'),
      units: 1,
      wallSeconds: jitter(cpu, (spec.noise ?? 0) * 2) * run,
      cpuSeconds: spec.wrapper === false ? null : c,
      instructions,
      peakRssKiB: null,
    };
  });
  const sum = (k: 'cpuSeconds' | 'wallSeconds') => crates.reduce((a, c) => a + (c[k] ?? 0), 0);
  return {
    schema: RECORD_SCHEMA,
    version: 1,
    createdAt: '2026-11-25T00:00:00Z',
    git: { commit: 'a'.repeat(40), ref: 'refs/heads/main', baseRef: null, eventName: 'push' },
    repository: 'o/r',
    runUrl: null,
    job: 'build',
    profile: 'dev',
    flagsHash: 'f'.repeat(64),
    targetTriple: 'x86_64-unknown-linux-gnu',
    toolchain: { release: '1.95.0', commitHash: '59807616e', host: 'x86_64-unknown-linux-gnu', cargo: null },
    runner: { os: 'linux', arch: 'x64', cpus: 2, cpuModel: 'cpu', memoryBytes: 1 },
    command: ['cargo', 'build'],
    success: spec.success ?? true,
    exitCode: spec.success === false ? 101 : 0,
    totals: {
      wallSeconds: sum('wallSeconds'),
      cpuSeconds: spec.wrapper === false ? null : sum('cpuSeconds'),
      instructions: spec.instructions ? crates.reduce((a, c) => a + (c.instructions ?? 0), 0) : null,
      unitsCompiled: crates.length,
      unitsFresh: 0,
      unitsTotal: crates.length,
    },
    criticalPath: null,
    units: [],
    crates,
    timingsHtml: null,
    measurement: { wrapper: spec.wrapper !== false, perf: spec.instructions === true, timingsHtmlParsed: true },
  };
}

/** The push job of a base commit: `compiled` compiled, your crates in `fresh` fresh with these input fingerprints. */
export function basePush(compiled: Record<string, number>, fresh: Record<string, string>): RunRecord {
  const r = record({ crates: compiled });
  r.freshCrates = Object.entries(fresh).map(([crate, fp]) => ({
    crate,
    version: '1.0.0',
    workspaceMember: true,
    inputFingerprint: fp,
    work: null,
  }));
  return r;
}
