// The timed build on real cargo: the record matches what was compiled, the wrapper leaves
// cargo's fingerprints alone, chains the user's wrapper, and a failing build still yields a record.
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseTimingsHtml } from '../../src/timings/html.js';
import { readRunRecord, runTimedBuild } from '../../src/timings/index.js';
import { targetedRun } from '../helpers/run.js';
import { parseRustcVersion } from '../../src/toolchain.js';
import { smallWorkspace, writeTree } from '../helpers/fixtures.js';
import { repoRoot } from '../helpers/action-runner.js';

const rustc = parseRustcVersion(execFileSync('rustc', ['-vV'], { encoding: 'utf8' }));
const wrapperPath = path.join(repoRoot, 'src/timings/rustc-wrapper.sh');
const baseEnv = { ...process.env };
delete baseEnv.RUSTC_WRAPPER;
delete baseEnv.RUSTFLAGS;

/** The timed build of a workspace, as the main step runs it (a fresh Run for each build). */
async function timedBuild(workspace: string, env: NodeJS.ProcessEnv = baseEnv, withWrapper = true, log: (line: string) => void = () => {}) {
  const run = await targetedRun(workspace, env, {}, { RUNNER_TEMP: path.join(workspace, 'runner-temp') });
  return runTimedBuild(run, { wrapperPath: withWrapper ? wrapperPath : null, log });
}

describe('a timed build of a three-crate workspace', () => {
  const workspace = smallWorkspace();
  let result: Awaited<ReturnType<typeof runTimedBuild>>;
  beforeAll(async () => {
    result = await timedBuild(workspace);
  });

  test('succeeds and writes a versioned record with one entry per compiled crate', () => {
    expect(result.exitCode).toBe(0);
    const record = readRunRecord(readFileSync(result.recordPath, 'utf8'));
    expect(record.success).toBe(true);
    expect(record.crates.map((c) => c.crate).sort()).toEqual(['core-lib', 'gen', 'tool']);
    expect(record.crates.every((c) => c.workspaceMember)).toBe(true);
    expect(record.command).toEqual(expect.arrayContaining(['build', '--profile', 'dev', '--timings', '--message-format=json-render-diagnostics']));
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
    expect(result.artifacts.some((f) => f.endsWith('/target/debug/tool'))).toBe(true);
    expect(result.artifacts.some((f) => /\/target\/debug\/build\/gen-[0-9a-f]+\/out$/.test(f))).toBe(true);
  });

  test('the wrapper does not change fingerprints: a plain cargo build afterwards is all fresh', () => {
    const out = spawnSync('cargo', ['build', '--profile', 'dev', '--message-format=json'], { cwd: workspace, env: baseEnv, encoding: 'utf8' });
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
  const tools = writeTree({ 'logging-wrapper.sh': '#!/usr/bin/env bash\necho "$*" >> "$(dirname "$0")/calls.log"\nexec "$@"\n' });
  chmodSync(path.join(tools, 'logging-wrapper.sh'), 0o755);
  const result = await timedBuild(workspace, { ...baseEnv, RUSTC_WRAPPER: path.join(tools, 'logging-wrapper.sh') });
  expect(result.exitCode).toBe(0);
  const calls = readFileSync(path.join(tools, 'calls.log'), 'utf8');
  expect(calls).toMatch(/--crate-name core_lib/);
  expect(calls).toMatch(/--crate-name tool/);
  expect(result.record.units.filter((u) => u.kind !== 'build-script-run')).toHaveLength(4);
});

test('a failing build still writes a record, with success false and what was measured', async () => {
  const workspace = smallWorkspace({ 'tool/src/main.rs': 'fn main() {\n    let x: u32 = "text";\n}\n' });
  const lines: string[] = [];
  const result = await timedBuild(workspace, baseEnv, true, (l) => lines.push(l));
  expect(result.exitCode).not.toBe(0);
  expect(lines.join('\n')).toContain('mismatched types');
  const record = readRunRecord(readFileSync(result.recordPath, 'utf8'));
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

test('readRunRecord rejects other schemas and versions with a clear message', () => {
  expect(() => readRunRecord('{"schema":"other"}')).toThrow(/Not a Watchmaker run record/);
  expect(() => readRunRecord('{"schema":"watchmaker/run-record","version":4}')).toThrow(/schema version 4; this Watchmaker reads versions 1, 2 and 3/);
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
