// The timed build on real cargo: the record matches what was compiled, the wrapper leaves
// cargo's fingerprints and artifacts alone, chains the user's wrapper, is built once and kept in
// target/ for later jobs, and a failing build (or a wrapper that cannot be built) still yields a record.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { jest } from '@jest/globals';
import { parseTimingsHtml } from '../../src/timings/html.js';
import { readRunRecord, runTimedBuild } from '../../src/timings/index.js';
import { targetedRun } from '../helpers/run.js';
import { parseRustcVersion } from '../../src/toolchain.js';
import { smallWorkspace, writeTree } from '../helpers/fixtures.js';
import { repoRoot } from '../helpers/action-runner.js';
import { cleanTargetDir } from '../../src/cache/clean.js';

const rustc = parseRustcVersion(execFileSync('rustc', ['-vV'], { encoding: 'utf8' }));
const wrapperPath = path.join(repoRoot, 'tools/rustc-wrapper/main.rs');
// One tool cache for the file: the wrapper is built once, then found there.
const baseEnv: NodeJS.ProcessEnv = {
  ...process.env,
  RUNNER_TOOL_CACHE: mkdtempSync(path.join(os.tmpdir(), 'wm-tool-cache-')),
};
delete baseEnv.RUSTC_WRAPPER;
delete baseEnv.RUSTFLAGS;

/** The timed build of a workspace, as the main step runs it (a fresh Run for each build). */
async function timedBuild(
  workspace: string,
  env: NodeJS.ProcessEnv = baseEnv,
  withWrapper: boolean | string = true,
  log: (line: string) => void = () => {},
  inputs: Record<string, string> = {},
) {
  const run = await targetedRun(workspace, env, inputs, { RUNNER_TEMP: path.join(workspace, 'runner-temp') });
  return runTimedBuild(run, { wrapperPath: withWrapper === true ? wrapperPath : withWrapper || null, log });
}

/** sha256 of every file cargo left in target/debug (not the dep-info or fingerprints, which name the files they hash). */
function artifactHashes(workspace: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) {
        if (!['.fingerprint', 'incremental'].includes(e.name)) walk(full);
      } else if (e.isFile() && !e.name.endsWith('.d') && !e.name.startsWith('.')) {
        out[path.relative(workspace, full)] = createHash('sha256').update(readFileSync(full)).digest('hex');
      }
    }
  };
  walk(path.join(workspace, 'target', 'debug'));
  return out;
}

describe('a timed build of a three-crate workspace', () => {
  const workspace = smallWorkspace();
  let result: Awaited<ReturnType<typeof runTimedBuild>>;
  beforeAll(async () => {
    result = await timedBuild(workspace);
  });

  test('succeeds with a versioned record with one entry per compiled crate', () => {
    expect(result.exitCode).toBe(0);
    const record = readRunRecord(JSON.stringify(result.record));
    expect(record.success).toBe(true);
    expect(record.crates.map((c) => c.crate).sort()).toEqual(['core-lib', 'gen', 'tool']);
    expect(record.crates.every((c) => c.workspaceMember)).toBe(true);
    expect(record.command).toEqual(
      expect.arrayContaining(['build', '--profile', 'dev', '--timings', '--message-format=json-render-diagnostics']),
    );
    expect(record.toolchain.release).toBe(rustc.release);
    expect(record.measurement.wrapper).toBe(true);
    // The wrapper's scratch files are gone; only the record, its units and the report remain.
    const dir = path.dirname(result.recordPath);
    expect(readdirSync(dir).filter((f) => f.includes('.measure') || /\.units\.jsonl\./.test(f))).toEqual([]);
  });

  test('per-unit figures: lib, bin, build script compile and build script run, with CPU and memory for rustc units', () => {
    const kinds = result.record.units.map((u) => `${u.crate}:${u.kind}`).sort();
    expect(kinds).toEqual(['core-lib:lib', 'gen:build-script', 'gen:build-script-run', 'gen:lib', 'tool:bin']);
    for (const u of result.record.units.filter((x) => x.kind !== 'build-script-run')) {
      expect(u.cpuSeconds).not.toBeNull();
      expect(u.peakRssKiB).toBeGreaterThan(1000);
      expect(u.wallSeconds).toBeGreaterThan(0);
    }
    expect(result.record.totals.unitsCompiled).toBe(5);
    expect(result.record.totals.unitsFresh).toBe(0);
    expect(result.record.totals.cpuSeconds).toBeGreaterThan(0);
    expect(result.record.criticalPath!.units.at(-1)).toMatch(/^tool /);
  });

  test('the timings report is copied next to the record and parses', () => {
    expect(result.timingsHtml).toBe(path.join(path.dirname(result.recordPath), 'cargo-timing-dev.html'));
    const report = parseTimingsHtml(readFileSync(result.timingsHtml!, 'utf8'));
    expect(report.units.filter((u) => u.ran).length).toBe(5);
    expect(result.record.measurement.timingsHtmlParsed).toBe(true);
  });

  test('the artifact list names what cargo produced', () => {
    expect(result.artifacts!.some((f) => f.endsWith('/target/debug/tool'))).toBe(true);
    expect(result.artifacts!.some((f) => /\/target\/debug\/build\/gen-[0-9a-f]+\/out$/.test(f))).toBe(true);
  });

  test('the wrapper does not change fingerprints: a plain cargo build afterwards is all fresh', () => {
    const out = spawnSync('cargo', ['build', '--profile', 'dev', '--message-format=json'], {
      cwd: workspace,
      env: baseEnv,
      encoding: 'utf8',
    });
    expect(out.status).toBe(0);
    const artifacts = out.stdout
      .split('\n')
      .filter((l) => l.includes('"compiler-artifact"'))
      .map((l) => JSON.parse(l) as { fresh: boolean });
    expect(artifacts.length).toBe(4);
    expect(artifacts.every((a) => a.fresh)).toBe(true);
  });

  test('a second timed build compiles nothing and says so', async () => {
    const again = await timedBuild(workspace);
    expect(again.record.totals.unitsCompiled).toBe(0);
    expect(again.record.totals.unitsFresh).toBe(5);
    expect(again.record.crates).toEqual([]);
  });
});

test("the user's own RUSTC_WRAPPER (e.g. sccache) is chained, not replaced", async () => {
  const workspace = smallWorkspace();
  const tools = writeTree({
    'logging-wrapper.sh': '#!/usr/bin/env bash\necho "$*" >> "$(dirname "$0")/calls.log"\nexec "$@"\n',
  });
  chmodSync(path.join(tools, 'logging-wrapper.sh'), 0o755);
  const result = await timedBuild(workspace, { ...baseEnv, RUSTC_WRAPPER: path.join(tools, 'logging-wrapper.sh') });
  expect(result.exitCode).toBe(0);
  const calls = readFileSync(path.join(tools, 'calls.log'), 'utf8');
  expect(calls).toMatch(/--crate-name core_lib/);
  expect(calls).toMatch(/--crate-name tool/);
  expect(result.record.units.filter((u) => u.kind !== 'build-script-run')).toHaveLength(4);
});

test('a failing build still has a record, with success false and what was measured', async () => {
  const workspace = smallWorkspace({ 'tool/src/main.rs': 'fn main() {\n    let x: u32 = "text";\n}\n' });
  const lines: string[] = [];
  const result = await timedBuild(workspace, baseEnv, true, (l) => lines.push(l));
  expect(result.exitCode).not.toBe(0);
  expect(lines.join('\n')).toContain('mismatched types');
  const record = readRunRecord(JSON.stringify(result.record));
  expect(record.success).toBe(false);
  expect(record.exitCode).toBe(result.exitCode);
  // The libraries compiled before the failure are measured.
  expect(record.crates.map((c) => c.crate)).toEqual(expect.arrayContaining(['core-lib', 'gen']));
  expect(existsSync(result.timingsHtml!)).toBe(true);
});

test('without the wrapper, units come from the timings report (wall time only)', async () => {
  const result = await timedBuild(smallWorkspace(), baseEnv, false);
  expect(result.record.measurement.wrapper).toBe(false);
  expect(result.record.crates.map((c) => c.crate).sort()).toEqual(['core-lib', 'gen', 'tool']);
  expect(result.record.totals.cpuSeconds).toBeNull();
});

describe('observe, never alter: the wrapper changes nothing cargo makes', () => {
  test('every artifact is byte for byte what a plain cargo build makes', async () => {
    const workspace = smallWorkspace();
    // Incremental compilation names its codegen units at random: builds are reproducible without it (as the action's are: CARGO_INCREMENTAL=0).
    const env = { ...baseEnv, CARGO_INCREMENTAL: '0' };
    const plain = spawnSync('cargo', ['build', '--profile', 'dev'], { cwd: workspace, env, encoding: 'utf8' });
    expect(plain.status).toBe(0);
    const without = artifactHashes(workspace);
    execFileSync('cargo', ['clean'], { cwd: workspace, env, stdio: 'ignore' });
    // With compile work on (all crates): the measure reads what cargo made, it asks rustc for nothing more.
    const result = await timedBuild(workspace, env, true, () => {}, { 'compile-work': 'all' });
    expect(result.exitCode).toBe(0);
    expect(result.record.measurement.wrapper).toBe(true);
    expect(Object.keys(without).length).toBeGreaterThan(5);
    expect(artifactHashes(workspace)).toEqual(without);
  });

  test.each([['cargo check'], ['cargo clippy']])(
    '%s runs through the wrapper and every crate is measured',
    async (command) => {
      const result = await timedBuild(smallWorkspace(), baseEnv, true, () => {}, { 'build-command': command });
      expect(result.exitCode).toBe(0);
      const measured = result.record.units.filter((u) => u.kind !== 'build-script-run');
      expect(measured.map((u) => u.crate).sort()).toEqual(['core-lib', 'gen', 'gen', 'tool']);
      expect(measured.every((u) => u.cpuSeconds !== null)).toBe(true);
    },
  );
});

describe("the wrapper binary: built once by the runner's rustc, kept in target/ for later jobs", () => {
  test('the first job builds it (saying how long it took) and leaves a copy in target/.watchmaker; the next job uses that copy', async () => {
    const workspace = smallWorkspace();
    const fresh = () => ({ ...baseEnv, RUNNER_TOOL_CACHE: mkdtempSync(path.join(os.tmpdir(), 'wm-tool-cache-')) });
    const firstLog: string[] = [];
    const first = await timedBuild(workspace, fresh(), true, (l) => firstLog.push(l));
    expect(first.exitCode).toBe(0);
    expect(firstLog.join('\n')).toMatch(/Watchmaker: built the rustc wrapper in \d+\.\d s with the runner's rustc/);
    const kept = readdirSync(path.join(workspace, 'target', '.watchmaker'));
    expect(kept).toEqual([expect.stringMatching(/^rustc-wrapper-[0-9a-f]{16}$/)]);
    // The cache cleaner keeps it (a loose folder it does not know), so the cache carries it.
    const cleaned = cleanTargetDir({
      targetDir: path.join(workspace, 'target'),
      profileDirs: ['debug'],
      artifacts: first.artifacts,
      restoredAtMs: 0,
      members: new Set(['tool', 'core-lib', 'gen']),
      keepMembers: false,
      places: {
        workspaceRoot: workspace,
        checkout: null,
        home: os.homedir(),
        cargoHome: path.join(os.homedir(), '.cargo'),
      },
      lockedPackages: null,
      deleteFiles: true,
    });
    expect(cleaned.skipped).toBeNull();
    expect(cleaned.removed.length).toBeGreaterThan(0);
    expect(readdirSync(path.join(workspace, 'target', '.watchmaker'))).toEqual(kept);

    const secondLog: string[] = [];
    const second = await timedBuild(workspace, fresh(), true, (l) => secondLog.push(l));
    expect(second.record.measurement.wrapper).toBe(true);
    expect(secondLog.join('\n')).not.toMatch(/built the rustc wrapper/);
    expect(secondLog.join('\n')).toContain(
      `using the rustc wrapper built before (${path.join(workspace, 'target', '.watchmaker', kept[0]!)})`,
    );
  });

  test('a wrapper that cannot be built costs one warning: the build is timed without it and succeeds', async () => {
    const broken = path.join(writeTree({ 'main.rs': 'fn main() { this is not rust }\n' }), 'main.rs');
    const out: string[] = [];
    const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      out.push(String(chunk));
      return true;
    });
    let results: Awaited<ReturnType<typeof timedBuild>>[];
    try {
      results = [
        await timedBuild(smallWorkspace(), baseEnv, broken),
        await timedBuild(smallWorkspace(), baseEnv, broken),
      ];
    } finally {
      spy.mockRestore();
    }
    for (const result of results) {
      expect(result.exitCode).toBe(0);
      expect(result.record.measurement.wrapper).toBe(false);
      expect(result.record.crates.map((c) => c.crate).sort()).toEqual(['core-lib', 'gen', 'tool']);
    }
    const warnings = out
      .join('')
      .split('\n')
      .filter((l) => l.startsWith('::warning::'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/could not build its rustc wrapper .*rustc failed with exit code 1.*timed without it/);
  });
});

test('readRunRecord rejects other schemas and versions with a clear message', () => {
  expect(() => readRunRecord('{"schema":"other"}')).toThrow(/Not a Watchmaker run record/);
  expect(() => readRunRecord('{"schema":"watchmaker/run-record","version":5}')).toThrow(
    /schema version 5; this Watchmaker reads versions 1, 2, 3 and 4/,
  );
  // Version 1 records (before compile work) are still read and compared.
  const v1 = JSON.stringify({ schema: 'watchmaker/run-record', version: 1, crates: [], totals: {}, measurement: {} });
  expect(readRunRecord(v1).version).toBe(1);
  // Version 2 counted work in lines of printed IR: not comparable with instructions, so read as
  // not measured; its time was measured with the IR printed, which the verdict must know.
  const v2 = readRunRecord(
    JSON.stringify({
      schema: 'watchmaker/run-record',
      version: 2,
      crates: [{ crate: 'app', work: { lines: 10, functions: 1, groups: [] } }],
      totals: {},
      measurement: { compileWork: true },
    }),
  );
  expect(v2.crates[0]!.work).toBeUndefined();
  expect(v2.measurement.compileWork).toBe('llvm-ir');
  expect(() => readRunRecord('nope')).toThrow(/not valid JSON/);
});

void writeFileSync;
