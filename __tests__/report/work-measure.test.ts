// Which compile-work measure a record used (measurement.compileWork), and what follows: records
// of this version measure machine code and add nothing to the build, so their time compares
// with records built without the measure; older records (version 3: LLVM bitcode emitted in 4
// codegen units; version 2: printed IR) were built differently, so time against them is
// inconclusive (measurement), and their work is read as not measured, never compared with bytes.
import { readRunContext } from '../../src/context.js';
import { readRunRecord, RECORD_SCHEMA, type RunRecord } from '../../src/record.js';
import { compareRecords } from '../../src/report/compare.js';
import { decide } from '../../src/report/verdict.js';
import { carryWork, compareWork } from '../../src/report/work.js';
import { emptyMessages } from '../../src/timings/messages.js';
import { buildRunRecord } from '../../src/timings/assemble.js';
import { record } from '../helpers/records.js';
import { hostRustc } from '../helpers/run.js';

function judge(head: RunRecord, base: RunRecord) {
  const c = compareRecords([head], [base], { threshold: 0.1, history: [] })!;
  return decide(c, [head], [base], { threshold: 0.1, history: [] });
}

const measured = (compileWork: RunRecord['measurement']['compileWork'], cpu: number, bytes = 100): RunRecord => {
  const r = record({ crates: { 'ws-a': cpu } });
  r.measurement.compileWork = compileWork;
  if (compileWork === 'machine-code')
    r.crates[0]!.work = { bytes, functions: 1, groups: [{ name: 'ws_a::f', copies: 1, bytes }] };
  return r;
};

test('machine code is measured without touching the build: time compares with records built without the measure', () => {
  expect(judge(measured('machine-code', 2), measured(false, 1)).reason).not.toBe('measurement');
  expect(judge(measured('machine-code', 2), record({ crates: { 'ws-a': 1 } })).reason).not.toBe('measurement');
  expect(judge(measured(false, 2), measured('machine-code', 1)).reason).not.toBe('measurement');
});

test('against a baseline whose build emitted IR for the old measure: time is inconclusive (measurement), and no work is compared', () => {
  const d = judge(measured('machine-code', 2), measured('llvm-bc', 1));
  expect(d.verdict).toBe('inconclusive');
  expect(d.reason).toBe('measurement');
  expect(d.sentence).toMatch(/this run emitted nothing extra, the baseline emitted LLVM bitcode/);
  expect(d.toConclude).toMatch(/a baseline recorded by this version/);
  const bitcode = measured('llvm-bc', 1);
  bitcode.crates[0]!.work = { bytes: 5, functions: 1, groups: [] };
  // Work is compared only between records that measured machine code (a version 3 record read back has none, below).
  expect(compareWork([measured('machine-code', 2)], [bitcode])).toBeNull();
  bitcode.crates[0]!.inputFingerprint = 'fp';
  const head = measured('machine-code', 2);
  head.freshCrates = [{ crate: 'ws-a', version: '1.0.0', inputFingerprint: 'fp', work: null }];
  expect(carryWork(head, bitcode)).toBe(0);
});

test('a version 3 record (LLVM IR instructions) is read with its work dropped and its build marked as having emitted bitcode', () => {
  const v3 = readRunRecord(
    JSON.stringify({
      schema: RECORD_SCHEMA,
      version: 3,
      crates: [
        {
          crate: 'app',
          version: '0.1.0',
          work: { instructions: 10, functions: 1, groups: [] },
          workMissing: 'partly-fresh',
          partialWork: { instructions: 5, functions: 1, groups: [] },
        },
      ],
      freshCrates: [
        {
          crate: 'lib',
          version: '0.1.0',
          inputFingerprint: 'fp',
          work: { instructions: 3, functions: 1, groups: [] },
          workFrom: 'abc',
        },
      ],
      totals: {},
      measurement: { wrapper: true, perf: false, timingsHtmlParsed: true, compileWork: 'llvm-bc' },
    }),
  );
  expect(v3.crates[0]).toEqual({ crate: 'app', version: '0.1.0' });
  expect(v3.freshCrates).toEqual([{ crate: 'lib', version: '0.1.0', inputFingerprint: 'fp', work: null }]);
  expect(v3.measurement.compileWork).toBe('llvm-bc');
});

test('the record says which measure was used, and why there is none when the command compiles no code', () => {
  const input = {
    profile: 'dev',
    flagsHash: 'f'.repeat(64),
    targetTriple: hostRustc.host,
    rustc: hostRustc,
    cargoVersion: null,
    context: readRunContext({}, null),
    commit: null,
    command: ['cargo', 'check'],
    exitCode: 0,
    wallSeconds: 2,
    startedAtMs: 1_000_000,
    wrapperUnits: [],
    perf: false,
    messages: emptyMessages(),
    timings: null,
    timingsHtml: null,
    workspaceMembers: new Set<string>(),
  };
  const check = buildRunRecord({
    ...input,
    compileWork: null,
    compileWorkNote: 'not measured: check builds produce no code',
  });
  expect(check.measurement).toMatchObject({
    compileWork: false,
    compileWorkNote: 'not measured: check builds produce no code',
  });
  const built = buildRunRecord({ ...input, command: ['cargo', 'build'], compileWork: new Map() });
  expect(built.measurement.compileWork).toBe('machine-code');
  expect(built.measurement.compileWorkNote).toBeUndefined();
  expect(built.version).toBe(4);
});

test('a library compiled to LLVM bitcode for link-time optimisation is marked so in the record, and named as not compared', () => {
  const head = measured('machine-code', 2);
  const base = measured('machine-code', 2);
  head.crates.push({ ...head.crates[0]!, crate: 'ws-lib', work: null, workMissing: 'lto' });
  const w = compareWork([head], [base])!;
  expect(w.uncompared).toEqual([{ crate: 'ws-lib', why: 'lto', side: 'head' }]);
  const record = buildRunRecord({
    profile: 'release',
    flagsHash: 'f'.repeat(64),
    targetTriple: hostRustc.host,
    rustc: hostRustc,
    cargoVersion: null,
    context: readRunContext({}, null),
    commit: null,
    command: ['cargo', 'build'],
    exitCode: 0,
    wallSeconds: 2,
    startedAtMs: 1_000_000,
    wrapperUnits: [
      {
        crateName: 'lib',
        crateTypes: ['lib'],
        test: false,
        package: 'lib',
        version: '0.1.0',
        manifestDir: '/w/lib',
        start: 1000,
        end: 1001,
        user: 0.5,
        sys: 0.1,
        maxRssKiB: 1,
        instructions: null,
        exit: 0,
      },
    ],
    perf: false,
    messages: emptyMessages(),
    timings: null,
    timingsHtml: null,
    workspaceMembers: new Set(['lib']),
    compileWork: new Map(),
    ltoWork: new Set(['lib@0.1.0']),
  });
  expect(record.crates[0]).toMatchObject({ crate: 'lib', work: null, workMissing: 'lto' });
});
