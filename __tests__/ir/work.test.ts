// Compile work (src/ir, src/report/work.ts) on synthetic IR and real symbols: demangling both
// Rust schemes with rust-lang's demangler, grouping a generic function's copies, and the exact
// change against a baseline.
import { existsSync, mkdirSync, mkdtempSync, renameSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { demangle, genericGroup } from '../../src/ir/demangle.js';
import { WorkCollector } from '../../src/ir/index.js';
import { functionsInIr, groupOf, summarizeWork } from '../../src/ir/summary.js';
import { compareWork, groupChangeText, workSentence } from '../../src/report/work.js';
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

const IR = `; ModuleID = 'x'
source_filename = "x"

declare void @llvm.dbg.declare(metadata, metadata, metadata)

; tools::search::<String>
define internal void @_RINvCs1234_5tools6searchNtCs5678_3std6StringEB4_(ptr %0) unnamed_addr #0 !dbg !10 {
start:
  %x = alloca [24 x i8], align 8
  ret void
}

define internal void @_RINvCs1234_5tools6searchReEB4_(ptr %0) unnamed_addr #0 {
start:
  ret void
}

define void @"_ZN5tools4main17h0123456789abcdefE"() {
start:
  ret void
}
`;

describe('the measure', () => {
  test('functions and their lines of IR, from define to the closing brace; declarations are not definitions', () => {
    const fns = functionsInIr(IR);
    expect(fns.map((f) => f.lines)).toEqual([5, 4, 4]);
    expect(fns[2]!.symbol).toBe('_ZN5tools4main17h0123456789abcdefE');
  });

  test('grouped as cargo-llvm-lines does: copies of a generic function add up', () => {
    const work = summarizeWork(functionsInIr(IR));
    expect(work).toEqual({
      lines: 13,
      functions: 3,
      groups: [
        { name: 'tools::search::<T>', copies: 2, lines: 9 },
        { name: 'tools::main', copies: 1, lines: 4 },
      ],
    });
    expect(groupOf('not_rust')).toBe('not_rust');
  });

  test('the same IR gives the same numbers, byte for byte', () => {
    expect(JSON.stringify(summarizeWork(functionsInIr(IR)))).toBe(JSON.stringify(summarizeWork(functionsInIr(IR))));
  });
});

describe('against the baseline', () => {
  const withWork = (lines: Record<string, [number, number]>, release = '1.95.0'): RunRecord => {
    const r = record({ crates: Object.fromEntries(Object.keys(lines).map((k) => [k, 1])) });
    r.toolchain.release = release;
    for (const c of r.crates) {
      const [copies, perCopy] = lines[c.crate]!;
      c.work = { lines: copies * perCopy + 100, functions: copies + 10, groups: [{ name: `${c.crate}::search::<T>`, copies, lines: copies * perCopy }] };
    }
    return r;
  };

  test('the exact change per crate and in total, and the generic function that grew', () => {
    const w = compareWork([withWork({ 'ws-a': [10, 231], 'ws-b': [2, 50] })], [withWork({ 'ws-a': [4, 231], 'ws-b': [2, 50] })])!;
    expect(w.total).toEqual({ baseLines: 4 * 231 + 100 + 200, headLines: 10 * 231 + 100 + 200, change: (6 * 231) / (4 * 231 + 300) });
    expect(w.crates[0]!.crate).toBe('ws-a');
    expect(groupChangeText(w.crates[0]!.groups[0]!, (n) => `\`${n}\``)).toBe('`ws-a::search::<T>`: 4 → 10 copies, +1,386 lines');
    expect(w.crates[1]!.groups).toEqual([]);
    expect(workSentence(w)).toBe('compile work grew by 1,386 lines of LLVM IR (+113.2%), exactly');
    expect(w.compilerDiffers).toBe(false);
  });

  test('identical work is no change at all; another rustc is noted; a side without the measure compares nothing', () => {
    const same = compareWork([withWork({ 'ws-a': [3, 10] })], [withWork({ 'ws-a': [3, 10] })])!;
    expect(same.total.change).toBe(0);
    expect(workSentence(same)).toBeNull();
    expect(compareWork([withWork({ 'ws-a': [3, 10] }, '1.96.0')], [withWork({ 'ws-a': [3, 10] })])!.compilerDiffers).toBe(true);
    expect(compareWork([withWork({ 'ws-a': [3, 10] })], [record({ crates: { 'ws-a': 1 } })])).toBeNull();
  });
});

describe('collecting while the build goes on', () => {
  test('finished units are summarised and deleted; a unit still being written waits; a package that failed is left out', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'wm-ir-'));
    const unit = (pkg: string, name: string) => {
      mkdirSync(path.join(dir, pkg, name), { recursive: true });
      writeFileSync(path.join(dir, pkg, name, 'x.ll'), IR);
      return path.join(dir, pkg, name);
    };
    const collector = new WorkCollector(dir);
    const done = unit('tools', 'tools-0123');
    const partial = unit('tools', 'tools-4567.partial');
    collector.drain();
    expect(existsSync(done)).toBe(false);
    expect(existsSync(partial)).toBe(true);
    renameSync(partial, partial.replace(/\.partial$/, ''));
    unit('broken', 'broken-89ab');
    const work = collector.finish(new Set(['broken']));
    expect([...work.keys()]).toEqual(['tools']);
    expect(work.get('tools')).toMatchObject({ lines: 26, functions: 6 });
    expect(work.get('tools')!.groups[0]).toEqual({ name: 'tools::search::<T>', copies: 4, lines: 18 });
    expect(existsSync(dir)).toBe(false);
  });
});
