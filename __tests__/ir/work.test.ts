// Compile work (src/ir, src/report/work.ts): bitcode written by this machine's rustc, read and
// checked against the IR rustc prints for the same crate; demangling both Rust schemes with
// rust-lang's demangler, grouping a generic function's copies, and the exact change against a
// baseline.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { demangle, genericGroup } from '../../src/ir/demangle.js';
import { WorkCollector } from '../../src/ir/index.js';
import { BitcodeError, functionsInBitcode } from '../../src/ir/bitcode.js';
import { BitcodeReader } from '../../src/ir/reader.js';
import { bitcodeModule, blockInfoBomb, literalArrayBomb } from '../helpers/bitcode-writer.js';
import { captureStdout } from '../helpers/capture.js';
import { groupOf, summarizeWork } from '../../src/ir/summary.js';
import { carryWork, compareWork, groupChangeText, workSentence } from '../../src/report/work.js';
import type { RunRecord } from '../../src/record.js';
import { record } from '../helpers/records.js';

describe('demangling (rustc-demangle compiled to WebAssembly)', () => {
  test('legacy and v0 symbols, without the hash; anything else is not Rust', () => {
    expect(demangle('_ZN4core3fmt5Write9write_fmt17h8f2b1c3f5a6e7d90E')).toBe('core::fmt::Write::write_fmt');
    expect(demangle('_RNvNtCs1234_7mycrate3foo3bar')).toBe('mycrate::foo::bar');
    expect(demangle('_RINvCs1234_5tools6searchNtCs5678_3std6StringEB4_')).toBe('tools::search::<std::String>');
    expect(demangle('main')).toBeNull();
    expect(demangle('llvm.dbg.declare')).toBeNull();
  });

  test("a generic function's copies share one group; a qualified path keeps its brackets", () => {
    expect(genericGroup('tools::search::<std::String>')).toBe('tools::search::<T>');
    expect(genericGroup('tools::search::<alloc::vec::Vec<u8>>')).toBe('tools::search::<T>');
    expect(genericGroup('<alloc::vec::Vec<u8> as core::ops::drop::Drop>::drop')).toBe('<alloc::vec::Vec<T> as core::ops::drop::Drop>::drop');
    expect(genericGroup('core::ptr::drop_in_place::<fn() -> u8>')).toBe('core::ptr::drop_in_place::<T>');
    expect(genericGroup('plain::function')).toBe('plain::function');
  });
});

/** A crate with a generic function used with three types, and a `match` (a switch). */
const SOURCE = `pub fn search<T: std::fmt::Debug>(items: &[T], needle: usize) -> Option<String> {
    items.get(needle).map(|x| format!("{:?}", x))
}
pub fn run() -> usize {
    let a = search(&[1u8, 2, 3], 1);
    let b = search(&["x", "y"], 0);
    let c = search(&[1.5f64], 0);
    match (a, b, c) { (Some(a), Some(b), _) => a.len() + b.len(), _ => 0 }
}
pub fn classify(x: u8) -> u8 { match x { 0 => 3, 1 => 7, 2 => 9, 5 => 1, _ => 0 } }
`;

/** The crate compiled by this machine's rustc as cargo's dev profile would, writing bitcode and, to check it against, printed IR. */
function compile(mangling: 'legacy' | 'v0'): { bitcode: Buffer; text: string } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'wm-bc-'));
  writeFileSync(path.join(dir, 'lib.rs'), SOURCE);
  execFileSync('rustc', [
    '--edition',
    '2021',
    '--crate-type',
    'lib',
    '--crate-name',
    'tools',
    '-g',
    // Legacy is stable's default (asking for it by name needs -Z unstable-options).
    ...(mangling === 'v0' ? ['-Csymbol-mangling-version=v0'] : []),
    '--emit=llvm-bc,llvm-ir',
    '--out-dir',
    dir,
    path.join(dir, 'lib.rs'),
  ]);
  const out = { bitcode: readFileSync(path.join(dir, 'tools.bc')), text: readFileSync(path.join(dir, 'tools.ll'), 'utf8') };
  rmSync(dir, { recursive: true, force: true });
  return out;
}

/**
 * Instructions per function as the printed IR shows them: a body's lines indented by exactly
 * two spaces (a switch's cases, an invoke's second line and debug records are indented further;
 * labels and comments are not indented; a switch's closing `]` is not an instruction).
 */
function instructionsInText(text: string): Map<string, number> {
  const out = new Map<string, number>();
  let current: string | null = null;
  for (const line of text.split('\n')) {
    const define = /^define\b[^@]*@("(?:[^"\\]|\\.)*"|[-A-Za-z$._0-9]+)\(/.exec(line);
    if (current === null && define) current = define[1]!.replace(/^"|"$/g, '');
    else if (current !== null && line.startsWith('}')) current = null;
    else if (current !== null && /^ {2}[^ \]]/.test(line)) out.set(current, (out.get(current) ?? 0) + 1);
    if (define) out.set(current!, out.get(current!) ?? 0);
  }
  return out;
}

describe('the measure, read from the bitcode rustc writes', () => {
  const crates = { legacy: compile('legacy'), v0: compile('v0') };

  test.each(['legacy', 'v0'] as const)('%s mangling: every function and its instruction count agree with the IR rustc prints', (mangling) => {
    const { bitcode, text } = crates[mangling];
    const fromBitcode = functionsInBitcode(bitcode);
    expect(fromBitcode.length).toBeGreaterThan(10);
    expect(new Map(fromBitcode.map((f) => [f.symbol, f.instructions]))).toEqual(instructionsInText(text));
  });

  test('grouped as cargo-llvm-lines does: the copies of a generic function add up in one group', () => {
    for (const { bitcode } of Object.values(crates)) {
      const work = summarizeWork(functionsInBitcode(bitcode));
      // v0 symbols carry the generic arguments (`search::<T>`), legacy ones only a hash (`search`).
      const search = work.groups.find((g) => /^tools::search(::<T>)?$/.test(g.name))!;
      expect(search.copies).toBe(3);
      expect(work.instructions).toBe(work.groups.reduce((a, g) => a + g.instructions, 0));
    }
    expect(
      summarizeWork([
        { symbol: '_RINvCs1234_5tools6searchNtCs5678_3std6StringEB4_', instructions: 3 },
        { symbol: '_RINvCs1234_5tools6searchReEB4_', instructions: 2 },
        { symbol: '_ZN5tools4main17h0123456789abcdefE', instructions: 4 },
      ]),
    ).toEqual({
      instructions: 9,
      functions: 3,
      groups: [
        { name: 'tools::search::<T>', copies: 2, instructions: 5 },
        { name: 'tools::main', copies: 1, instructions: 4 },
      ],
    });
    expect(groupOf('not_rust')).toBe('not_rust');
  });

  test('the same bitcode gives the same numbers, byte for byte; a truncated or foreign file is an error, not a number', () => {
    const { bitcode } = crates.legacy;
    expect(JSON.stringify(summarizeWork(functionsInBitcode(bitcode)))).toBe(JSON.stringify(summarizeWork(functionsInBitcode(Buffer.from(bitcode)))));
    expect(() => functionsInBitcode(bitcode.subarray(0, bitcode.length / 2))).toThrow(BitcodeError);
    expect(() => functionsInBitcode(Buffer.from('; ModuleID = text IR\n'))).toThrow('not LLVM bitcode');
    // Darwin's wrapper header (magic, version, offset, size, CPU type) around the same bitcode.
    const header = Buffer.alloc(20);
    [0x0b17c0de, 0, 20, bitcode.length, 7].forEach((v, i) => header.writeUInt32LE(v, 4 * i));
    expect(functionsInBitcode(Buffer.concat([header, bitcode]))).toEqual(functionsInBitcode(bitcode));
  });

  test('a damaged file is read or refused, never a crash or a hang, and the next file reads as before', () => {
    const { bitcode } = crates.legacy;
    const expected = functionsInBitcode(bitcode);
    // A fixed pseudo-random sequence: every run damages the same bytes.
    let seed = 42;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
    let refused = 0;
    for (let i = 0; i < 300; i++) {
      const damaged = Buffer.from(bitcode);
      for (let k = 0; k < 1 + (i % 4); k++) damaged[4 + (next() % (damaged.length - 4))] = next() % 256;
      try {
        expect(Array.isArray(functionsInBitcode(damaged))).toBe(true);
      } catch (e) {
        expect(e).toBeInstanceOf(BitcodeError);
        refused++;
      }
    }
    expect(refused).toBeGreaterThan(0);
    expect(functionsInBitcode(bitcode)).toEqual(expected);
  });
});

describe('against the baseline', () => {
  const withWork = (instructions: Record<string, [number, number]>, release = '1.95.0'): RunRecord => {
    const r = record({ crates: Object.fromEntries(Object.keys(instructions).map((k) => [k, 1])) });
    r.toolchain.release = release;
    for (const c of r.crates) {
      const [copies, perCopy] = instructions[c.crate]!;
      c.work = { instructions: copies * perCopy + 100, functions: copies + 10, groups: [{ name: `${c.crate}::search::<T>`, copies, instructions: copies * perCopy }] };
    }
    return r;
  };

  test('the exact change per crate and in total, and the generic function that grew', () => {
    const w = compareWork([withWork({ 'ws-a': [10, 231], 'ws-b': [2, 50] })], [withWork({ 'ws-a': [4, 231], 'ws-b': [2, 50] })])!;
    expect(w.total).toEqual({ baseInstructions: 4 * 231 + 100 + 200, headInstructions: 10 * 231 + 100 + 200, change: (6 * 231) / (4 * 231 + 300) });
    expect(w.crates[0]!.crate).toBe('ws-a');
    expect(groupChangeText(w.crates[0]!.groups[0]!, (n) => `\`${n}\``)).toBe('`ws-a::search::<T>`: 4 → 10 copies, +1,386 instructions');
    expect(w.crates[1]!.groups).toEqual([]);
    expect(workSentence(w)).toBe('compile work grew by 1,386 LLVM IR instructions (+113.2%), exactly');
    expect(w.compilerDiffers).toBe(false);
  });

  test('identical work is no change at all; another rustc is noted; a side without the measure compares nothing', () => {
    const same = compareWork([withWork({ 'ws-a': [3, 10] })], [withWork({ 'ws-a': [3, 10] })])!;
    expect(same.total.change).toBe(0);
    expect(workSentence(same)).toBeNull();
    expect(compareWork([withWork({ 'ws-a': [3, 10] }, '1.96.0')], [withWork({ 'ws-a': [3, 10] })])!.compilerDiffers).toBe(true);
    expect(compareWork([withWork({ 'ws-a': [3, 10] })], [record({ crates: { 'ws-a': 1 } })])).toBeNull();
  });

  test('a crate compiled only in part is compared target by target where the baseline has its targets, else named as not compared', () => {
    const target = (name: string, instructions: number) => ({ target: name, instructions, functions: 1, groups: [] });
    const base = withWork({ 'ws-tool': [1, 100] });
    base.crates[0]!.work!.targets = [target('bin tool', 40), target('lib tool', 160)];
    const head = withWork({ 'ws-tool': [1, 100] });
    Object.assign(head.crates[0]!, { work: null, workMissing: 'partly-fresh', partialWork: { instructions: 55, functions: 1, groups: [], targets: [target('bin tool', 55)] } });
    const w = compareWork([head], [base])!;
    expect(w.crates.map((c) => [c.crate, c.base.instructions, c.head.instructions])).toEqual([['ws-tool (bin tool)', 40, 55]]);
    expect(w.uncompared).toEqual([]);
    delete base.crates[0]!.work!.targets;
    const older = compareWork([head], [base])!;
    expect(older.crates).toEqual([]);
    expect(older.uncompared).toEqual([{ crate: 'ws-tool', why: 'partly-fresh', side: 'head' }]);
    expect(workSentence(older)).toBeNull();
  });

  describe('fresh members carry the work measured when their same inputs were compiled', () => {
    /** A run that compiled `compiled` (with work) and found `fresh` fresh, each with a fingerprint. */
    const run = (commit: string, compiled: Record<string, [number, number]>, fresh: Record<string, string | null>): RunRecord => {
      const r = withWork(compiled);
      r.git.commit = commit;
      r.measurement = { ...r.measurement, compileWork: 'llvm-bc' };
      for (const c of r.crates) c.inputFingerprint = `fp-${c.crate}`;
      r.freshCrates = Object.entries(fresh).map(([crate, inputFingerprint]) => ({ crate, version: '1.0.0', inputFingerprint, work: null }));
      return r;
    };

    test('a push that compiled only one crate still carries every crate forward, and a pull request compares them all', () => {
      const first = run('c1', { 'ws-app': [2, 100], 'ws-lib': [1, 50] }, {});
      // The second push changed only ws-lib: ws-app was fresh, with the inputs the first push compiled.
      const second = run('c2', { 'ws-lib': [1, 60] }, { 'ws-app': 'fp-ws-app' });
      expect(carryWork(second, first)).toBe(1);
      expect(second.freshCrates![0]).toMatchObject({ work: first.crates.find((c) => c.crate === 'ws-app')!.work, workFrom: 'c1' });
      // A third push changed ws-lib again: ws-app's work is carried from the carried copy, still from c1.
      const third = run('c3', { 'ws-lib': [1, 70] }, { 'ws-app': 'fp-ws-app' });
      expect(carryWork(third, second)).toBe(1);
      expect(third.freshCrates![0]!.workFrom).toBe('c1');
      // The pull request compiled only ws-app (more copies): it is compared with the carried base.
      const pr = run('c4', { 'ws-app': [8, 100] }, { 'ws-lib': 'fp-ws-lib' });
      expect(carryWork(pr, third)).toBe(1);
      const w = compareWork([pr], [third])!;
      expect(w.crates.map((c) => c.crate).sort()).toEqual(['ws-app', 'ws-lib']);
      expect(w.carried).toBe(2);
      expect(w.crates[0]).toMatchObject({ crate: 'ws-app', base: { instructions: 300 }, head: { instructions: 900 } });
      expect(w.total.headInstructions - w.total.baseInstructions).toBe(600);
    });

    test('nothing is carried for other inputs, an unproven fingerprint, another compiler or flags, or work not measured alike', () => {
      const first = run('c1', { 'ws-app': [2, 100] }, {});
      expect(carryWork(run('c2', {}, { 'ws-app': 'fp-other' }), first)).toBe(0);
      expect(carryWork(run('c2', {}, { 'ws-app': null }), first)).toBe(0);
      const newerRustc = run('c2', {}, { 'ws-app': 'fp-ws-app' });
      newerRustc.toolchain.release = '1.96.0';
      expect(carryWork(newerRustc, first)).toBe(0);
      const otherFlags = run('c2', {}, { 'ws-app': 'fp-ws-app' });
      otherFlags.flagsHash = 'e'.repeat(64);
      expect(carryWork(otherFlags, first)).toBe(0);
      const printedIr = run('c1', { 'ws-app': [2, 100] }, {});
      printedIr.measurement.compileWork = 'llvm-ir';
      expect(carryWork(run('c2', {}, { 'ws-app': 'fp-ws-app' }), printedIr)).toBe(0);
      expect(carryWork(run('c2', {}, { 'ws-app': 'fp-ws-app' }), first)).toBe(1);
    });
  });
});

describe('collecting while the build goes on', () => {
  test('finished units are summarised and deleted; a unit still being written waits; a package that failed is left out', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'wm-ir-'));
    const { bitcode } = compile('v0');
    const once = summarizeWork(functionsInBitcode(bitcode));
    const unit = (pkg: string, name: string) => {
      mkdirSync(path.join(dir, pkg, name), { recursive: true });
      writeFileSync(path.join(dir, pkg, name, 'x.bc'), bitcode);
      return path.join(dir, pkg, name);
    };
    const collector = new WorkCollector(dir);
    const done = unit('tools', 'tools-0123');
    const partial = unit('tools', 'tools-4567.partial');
    await collector.drain();
    expect(existsSync(done)).toBe(false);
    expect(existsSync(partial)).toBe(true);
    renameSync(partial, partial.replace(/\.partial$/, ''));
    unit('broken', 'broken-89ab');
    const work = await collector.finish(new Set(['broken']));
    expect([...work.keys()]).toEqual(['tools']);
    // Two units of the same code: every count doubled.
    expect(work.get('tools')).toMatchObject({ instructions: 2 * once.instructions, functions: 2 * once.functions });
    expect(work.get('tools')!.groups.find((g) => g.name === 'tools::search::<T>')).toMatchObject({ copies: 6 });
    expect(existsSync(dir)).toBe(false);
  });
});

describe('bitcode from the build is untrusted: a crafted file costs seconds at most, and only its own crate', () => {
  const { bitcode } = compile('legacy');
  const WORK = /it asks for more reading than its size allows/;

  test.each([
    ['arrays of literal elements (64 KiB)', () => literalArrayBomb(64 * 1024)],
    ['arrays of literal elements (1 MiB)', () => literalArrayBomb(1024 * 1024)],
    ['thousands of BLOCKINFO abbreviations for thousands of function blocks', () => blockInfoBomb(20_000, 100_000)],
  ])('%s: refused, on this thread and on the reading thread', async (_name, craft) => {
    const file = craft();
    expect(() => functionsInBitcode(file)).toThrow(BitcodeError);
    const reader = new BitcodeReader();
    try {
      await expect(reader.read(file)).rejects.toThrow(BitcodeError);
      // The reader is still good for the next file.
      expect(await reader.read(bitcode)).toHaveLength(functionsInBitcode(bitcode).length);
    } finally {
      await reader.close();
    }
  });

  test('the literal bomb is refused by the work bound, not by running out of input', () => {
    expect(() => functionsInBitcode(literalArrayBomb(256 * 1024))).toThrow(WORK);
  });

  test('a real module of many functions is well within the bound', () => {
    const functions = Array.from({ length: 20_000 }, (_, i) => ({ name: `_ZN5tools1f${i}17h0123456789abcdefE`, instructions: 1 + (i % 50) }));
    const read = functionsInBitcode(bitcodeModule(functions));
    expect(read.map((f) => f.symbol)).toEqual(functions.map((f) => f.name));
    expect(read.map((f) => f.instructions)).toEqual(functions.map((f) => f.instructions));
  });

  test('the reading thread gives the same functions, demangled, and leaves this thread free meanwhile', async () => {
    const reader = new BitcodeReader();
    try {
      let done = false;
      const reading = reader.read(bitcode).then((f) => ((done = true), f));
      await new Promise((resolve) => setImmediate(resolve));
      expect(done).toBe(false);
      const functions = await reading;
      expect(functions.map(({ symbol, instructions }) => ({ symbol, instructions }))).toEqual(functionsInBitcode(bitcode));
      expect(functions.map((f) => f.path)).toEqual(functionsInBitcode(bitcode).map((f) => demangle(f.symbol)));
      expect(summarizeWork(functions)).toEqual(summarizeWork(functionsInBitcode(bitcode)));
    } finally {
      await reader.close();
    }
  });

  test('past its deadline a file is given up and the worker ended; the next file reads as before', async () => {
    // Any file over a megabyte gets 1 ms: less than the reading thread needs even to answer.
    const big = Buffer.concat([bitcode.subarray(0, 4), Buffer.alloc(2 ** 21)]);
    const reader = new BitcodeReader((bytes) => (bytes > 1_000_000 ? 1 : 60_000));
    try {
      await expect(reader.read(big)).rejects.toThrow(/reading it took longer than 0\.0 s, so it was given up/);
      expect(await reader.read(bitcode)).toHaveLength(functionsInBitcode(bitcode).length);
    } finally {
      await reader.close();
    }
  });

  test('one unreadable file: its crate is not measured (and the log says why), every other crate keeps its work', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'wm-ir-'));
    const unit = (pkg: string, name: string, file: Buffer) => {
      mkdirSync(path.join(dir, pkg, name), { recursive: true });
      writeFileSync(path.join(dir, pkg, name, 'x.bc'), file);
    };
    unit('good@0.1.0', 'lib.good-0123456789abcdef', bitcode);
    unit('evil@0.1.0', 'lib.evil-0123456789abcdef', bitcode);
    unit('evil@0.1.0', 'bin.evil-0123456789abcdef', literalArrayBomb(64 * 1024));
    unit('other@0.1.0', 'lib.other-0123456789abcdef', bitcode);
    const out = captureStdout();
    let work: Map<string, unknown>;
    const collector = new WorkCollector(dir);
    try {
      work = await collector.finish(new Set());
    } finally {
      out.restore();
    }
    expect([...work.keys()].sort()).toEqual(['good@0.1.0', 'other@0.1.0']);
    expect([...collector.unreadable.keys()]).toEqual(['evil@0.1.0']);
    expect(
      out
        .annotations()
        .filter((a) => a.level === 'warning')
        .map((a) => a.message),
    ).toEqual([
      expect.stringMatching(
        /^Watchmaker could not read the compile-work IR of evil 0\.1\.0 \(x\.bc: it asks for more reading .*\); that crate is reported as not measured, the others are not affected\.$/,
      ),
    ]);
    expect(existsSync(dir)).toBe(false);
  });
});
