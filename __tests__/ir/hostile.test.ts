// The files compile work reads come from the build, so a build script or proc macro can plant a
// crafted one where cargo's artifact goes. Each damaged or hostile file (truncated, huge counts,
// bogus offsets, names repeated to multiply the work, a FIFO) is refused with an error, quickly,
// on this thread and on the reading thread; the reader is never left broken for the next file;
// a file that is slow anyway is given up at its deadline.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { functionsInObject, ObjectError } from '../../src/ir/objects.js';
import { ObjectReader } from '../../src/ir/reader.js';
import { arArchive, elfObject, manyFunctions, sharedNameBomb } from '../helpers/elf-writer.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'wm-hostile-'));

/** A small library and binary compiled by this machine's rustc. */
function realFiles(): { rlib: Buffer; bin: string } {
  writeFileSync(
    path.join(dir, 'lib.rs'),
    'pub fn f<T: std::fmt::Debug>(t: T) -> String { format!("{:?}", t) }\npub fn g() -> String { f(1u8) + &f("x") }\n',
  );
  writeFileSync(path.join(dir, 'main.rs'), 'fn main() { println!("{}", tools::g()); }\n');
  execFileSync('rustc', [
    '--edition',
    '2021',
    '--crate-type',
    'lib',
    '--crate-name',
    'tools',
    '-g',
    '-Ccodegen-units=4',
    '--out-dir',
    dir,
    path.join(dir, 'lib.rs'),
  ]);
  execFileSync('rustc', [
    '--edition',
    '2021',
    '--crate-name',
    'app',
    '--extern',
    `tools=${path.join(dir, 'libtools.rlib')}`,
    '--out-dir',
    dir,
    path.join(dir, 'main.rs'),
  ]);
  return { rlib: readFileSync(path.join(dir, 'libtools.rlib')), bin: path.join(dir, 'app') };
}

const { rlib, bin } = realFiles();
const expected = functionsInObject(rlib);
const WORK = /it asks for more work than its size allows/;
/** A defect in the reader (a WebAssembly trap), never a refusal of a bad file. */
const TRAP = /the object reader failed/;

const file = (name: string, bytes: Buffer) => {
  const at = path.join(dir, name);
  writeFileSync(at, bytes);
  return at;
};

const refusals: Array<[string, () => Buffer, RegExp]> = [
  ['one name shared by 20,000 function symbols (5 KB each)', () => sharedNameBomb(20_000, 5_000), WORK],
  ['one name shared by 200,000 function symbols (300 bytes each)', () => sharedNameBomb(200_000, 300), WORK],
  [
    'a symbol table claiming 2^40 bytes',
    () =>
      elfObject({
        textSize: 4,
        symbols: [{ name: 1, value: 0, size: 4 }],
        strtab: Buffer.from('\0f\0'),
        symtabHeader: { size: 2n ** 40n },
      }),
    /damaged/,
  ],
  [
    'a symbol table past the end of the file',
    () =>
      elfObject({
        textSize: 4,
        symbols: [{ name: 1, value: 0, size: 4 }],
        strtab: Buffer.from('\0f\0'),
        symtabHeader: { offset: 2n ** 50n },
      }),
    /damaged/,
  ],
  [
    '65,535 section headers in a 500-byte file',
    () => elfObject({ textSize: 4, symbols: [], strtab: Buffer.from('\0'), sectionCount: 0xffff }),
    /damaged/,
  ],
  [
    'a name outside the string table',
    () => elfObject({ textSize: 4, symbols: [{ name: 1 << 30, value: 0, size: 4 }], strtab: Buffer.from('\0f\0') }),
    /damaged/,
  ],
  [
    'a function past the end of its section',
    () => elfObject({ textSize: 4, symbols: [{ name: 1, value: 2, size: 2 ** 40 }], strtab: Buffer.from('\0f\0') }),
    /a function outside its section/,
  ],
  [
    'a symbol in a section that does not exist',
    () =>
      elfObject({ textSize: 4, symbols: [{ name: 1, value: 0, size: 4, section: 900 }], strtab: Buffer.from('\0f\0') }),
    /does not exist|damaged/,
  ],
  ['the library cut in half', () => rlib.subarray(0, rlib.length / 2), /damaged/],
  ['the library cut after its first member header', () => rlib.subarray(0, 8 + 60 + 10), /damaged/],
  [
    'an archive member that is LLVM bitcode (linker-plugin LTO)',
    () => arArchive([{ name: 'x.o', data: Buffer.from([0x42, 0x43, 0xc0, 0xde, 1, 2, 3, 4]) }]),
    /its objects are LLVM bitcode, not machine code \(link-time optimisation/,
  ],
  [
    'an archive member that is not an object file',
    () => arArchive([{ name: 'notes.txt', data: Buffer.from('hello') }]),
    /notes\.txt is not an object file this reader knows/,
  ],
  ['text, not an object file', () => Buffer.from('; ModuleID = text IR\n'), /not an object file/],
];

describe('a hostile or damaged file is refused, quickly, never a crash or a hang', () => {
  test.each(refusals)('%s', (_name, craft, why) => {
    const bytes = craft();
    let error: unknown;
    try {
      functionsInObject(bytes);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ObjectError);
    expect((error as Error).message).toMatch(why);
    expect((error as Error).message).not.toMatch(TRAP);
    // The reader is as good as before for the next file.
    expect(functionsInObject(rlib)).toEqual(expected);
  });

  test('the same on the reading thread, which stays usable for the next file', async () => {
    const reader = new ObjectReader();
    try {
      for (const [name, craft, why] of refusals) {
        await expect(reader.read(file(name.replace(/\W+/g, '-'), craft()))).rejects.toThrow(why);
      }
      expect((await reader.read(file('good.rlib', rlib))).functions).toBe(expected.length);
    } finally {
      await reader.close();
    }
  });

  test('a stripped binary has no symbols to measure: said, not counted as empty', () => {
    const stripped = path.join(dir, 'app-stripped');
    copyFileSync(bin, stripped);
    execFileSync('strip', [stripped]);
    expect(() => functionsInObject(readFileSync(stripped))).toThrow(/has no symbol table \(stripped/);
  });

  test('a real file of many functions is well within the bound', () => {
    const functions = functionsInObject(manyFunctions(20_000, 16));
    expect(functions).toHaveLength(20_000);
    expect(functions.every((f, i) => f.size === 16 && f.path === `tools::f${i}`)).toBe(true);
  });

  test('300 randomly damaged copies of a library: each read or refused, never a trap, and the next file reads as before', () => {
    // A fixed pseudo-random sequence: every run damages the same bytes.
    let seed = 42;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
    let refused = 0;
    for (let i = 0; i < 300; i++) {
      const damaged = Buffer.from(rlib);
      for (let k = 0; k < 1 + (i % 4); k++) damaged[8 + (next() % (damaged.length - 8))] = next() % 256;
      try {
        expect(Array.isArray(functionsInObject(damaged))).toBe(true);
      } catch (e) {
        expect(e).toBeInstanceOf(ObjectError);
        expect((e as Error).message).not.toMatch(TRAP);
        refused++;
      }
    }
    expect(refused).toBeGreaterThan(0);
    expect(functionsInObject(rlib)).toEqual(expected);
  });
});

describe('the reading thread', () => {
  test('past its deadline a file is given up and the worker ended; the next file reads as before', async () => {
    // Any file over a megabyte (the binary, with std in it) gets 1 ms: less than the thread needs even to answer.
    const reader = new ObjectReader((bytes) => (bytes > 1_000_000 ? 1 : 60_000));
    try {
      expect(readFileSync(bin).length).toBeGreaterThan(1_000_000);
      await expect(reader.read(bin)).rejects.toThrow(/reading it took longer than 0\.0 s, so it was given up/);
      expect((await reader.read(file('again.rlib', rlib))).functions).toBe(expected.length);
    } finally {
      await reader.close();
    }
  });

  test('a FIFO, a directory or a missing file in place of an artifact: refused without waiting on it', async () => {
    const fifo = path.join(dir, 'libplanted.rlib');
    execFileSync('mkfifo', [fifo]);
    const reader = new ObjectReader();
    try {
      await expect(reader.read(fifo)).rejects.toThrow(/it is not a regular file/);
      await expect(reader.read(dir)).rejects.toThrow(/it is not a regular file/);
      await expect(reader.read(path.join(dir, 'nothing.rlib'))).rejects.toThrow(/it could not be read \(ENOENT\)/);
      expect((await reader.read(file('after.rlib', rlib))).functions).toBe(expected.length);
    } finally {
      await reader.close();
    }
  });
});
