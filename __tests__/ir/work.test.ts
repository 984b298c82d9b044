// Compile work (src/ir, src/report/work.ts): the functions in the object code this machine's
// rustc wrote (a library's .rlib, a linked binary, COFF objects from the Windows target), each
// checked against a second, independent count of the same files by binutils' nm; demangling both
// Rust schemes with rust-lang's demangler, grouping a generic function's copies, collecting the
// files cargo reported, and the exact change against a baseline.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { demangle, genericGroup } from '../../src/ir/demangle.js';
import {
  codeFileOf,
  filesToRead,
  librariesOf,
  targetLabel,
  toolchainLibraries,
  WorkCollector,
  type WorkArtifact,
} from '../../src/ir/index.js';
import { functionsInObject, type ObjectFunction } from '../../src/ir/objects.js';
import { fileWork, ObjectReader } from '../../src/ir/reader.js';
import { groupOf, summarizeWork } from '../../src/ir/summary.js';
import { carryWork, compareWork, groupChangeText, workSentence } from '../../src/report/work.js';
import type { RunRecord } from '../../src/record.js';
import { captureStdout } from '../helpers/capture.js';
import { sharedNameBomb } from '../helpers/elf-writer.js';
import { record } from '../helpers/records.js';
import { parseCargoMessages } from '../../src/timings/messages.js';

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
    expect(genericGroup('<alloc::vec::Vec<u8> as core::ops::drop::Drop>::drop')).toBe(
      '<alloc::vec::Vec<T> as core::ops::drop::Drop>::drop',
    );
    expect(genericGroup('core::ptr::drop_in_place::<fn() -> u8>')).toBe('core::ptr::drop_in_place::<T>');
    expect(genericGroup('plain::function')).toBe('plain::function');
  });
});

/** Types `search` is instantiated with: one copy of it each. */
const TYPES = ['u8', 'u16', 'u32', 'u64', 'i8', 'i16', 'i32'];

/** A library with a generic function instantiated for every type above, a `match`, and data (a table, strings) that is not code. */
const LIB = `pub fn search<T: std::fmt::Debug>(items: &[T], needle: usize) -> Option<String> {
    items.get(needle).map(|x| format!("{:?} of {}", x, TABLE[needle % 64]))
}
pub static TABLE: [u64; 64] = [7; 64];
pub fn run() -> usize {
    let mut n = 0;
${TYPES.map((t) => `    n += search(&[1 as ${t}, 2], 1).map_or(0, |s| s.len());`).join('\n')}
    n
}
pub fn classify(x: u8) -> u8 { match x { 0 => 3, 1 => 7, 2 => 9, 5 => 1, _ => 0 } }
`;
/** The binary instantiates `search` once more itself (u128). */
const MAIN =
  'fn main() { println!("{} {} {:?}", tools::run(), tools::classify(std::env::args().count() as u8), tools::search(&[1u128], 0)); }\n';

/** The toolchain's precompiled libraries (std, core, alloc, …), as rustc names their directory. */
const sysroot = (() => {
  const dir = execFileSync('rustc', ['--print', 'target-libdir'], { encoding: 'utf8' }).trim();
  return readdirSync(dir)
    .filter((f) => f.endsWith('.rlib'))
    .map((f) => path.join(dir, f));
})();

/** The library and a binary that uses it, compiled by this machine's rustc as cargo's dev profile would (several codegen units). */
function build(
  mangling: 'legacy' | 'v0',
  dir = mkdtempSync(path.join(os.tmpdir(), 'wm-obj-')),
): { rlib: string; bin: string } {
  writeFileSync(path.join(dir, 'lib.rs'), LIB);
  writeFileSync(path.join(dir, 'main.rs'), MAIN);
  // Legacy is stable's default (asking for it by name needs -Z unstable-options).
  const v0 = mangling === 'v0' ? ['-Csymbol-mangling-version=v0'] : [];
  execFileSync('rustc', [
    '--edition',
    '2021',
    '--crate-type',
    'lib',
    '--crate-name',
    'tools',
    '-g',
    '-Ccodegen-units=8',
    ...v0,
    '--out-dir',
    dir,
    path.join(dir, 'lib.rs'),
  ]);
  execFileSync('rustc', [
    '--edition',
    '2021',
    '--crate-name',
    'app',
    '-g',
    ...v0,
    '--extern',
    `tools=${path.join(dir, 'libtools.rlib')}`,
    '--out-dir',
    dir,
    path.join(dir, 'main.rs'),
  ]);
  return { rlib: path.join(dir, 'libtools.rlib'), bin: path.join(dir, 'app') };
}

/** This machine's ELF flavour for nm (Debian's nm otherwise hands rustc's objects, which embed bitcode, to an LLVM plugin too old for them). */
const NM_TARGET = process.arch === 'x64' ? ['--target=elf64-x86-64'] : [];

/** The sized functions nm lists (`T`, `t`, weak `W`, indirect `i`), with their addresses. */
function nmFunctions(
  file: string,
  args: string[] = NM_TARGET,
): Array<{ symbol: string; size: number; address: string }> {
  const out = execFileSync('nm', [...args, '-S', '--size-sort', '--defined-only', file], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
    maxBuffer: 1 << 28,
  });
  return out
    .split('\n')
    .map((line) => line.split(' '))
    .filter((p) => p.length === 4 && /^[TtWi]$/.test(p[2]!))
    .map(([address, size, , symbol]) => ({ symbol: symbol!, size: parseInt(size!, 16), address: address! }));
}

const asRows = (functions: Array<{ symbol: string; size: number }>) =>
  functions.map((f) => `${f.size} ${f.symbol}`).sort();
const total = (functions: Array<{ size: number }>) => functions.reduce((a, f) => a + f.size, 0);
const read = (file: string) => functionsInObject(readFileSync(file));

describe('the measure: sizes of the functions in the object code rustc wrote', () => {
  const builds = { legacy: build('legacy'), v0: build('v0') };

  test.each(['legacy', 'v0'] as const)(
    '%s mangling, a library (.rlib, 8 object files): every function and its size as nm lists them, and the total',
    (mangling) => {
      const { rlib } = builds[mangling];
      const mine = read(rlib);
      const nm = nmFunctions(rlib);
      expect(mine.length).toBeGreaterThan(30);
      expect(asRows(mine)).toEqual(asRows(nm));
      expect(total(mine)).toBe(total(nm));
    },
  );

  /** The binary's functions as nm lists them, one per address (functions LLVM merged are one body under several names). */
  const nmByAddress = (bin: string) => {
    const byAddress = new Map<string, { size: number; symbols: string[] }>();
    for (const f of nmFunctions(bin)) {
      const at = byAddress.get(f.address) ?? { size: f.size, symbols: [] };
      at.symbols.push(f.symbol);
      byAddress.set(f.address, at);
    }
    return [...byAddress.values()];
  };
  // Each counted once, under the smallest of its names.
  const nmRows = (functions: Array<{ size: number; symbols: string[] }>) =>
    asRows(functions.map((f) => ({ size: f.size, symbol: [...f.symbols].sort()[0]! })));

  test.each(['legacy', 'v0'] as const)(
    '%s mangling, the whole linked binary (std and the library in it): one function per address, sizes and total as nm lists them',
    (mangling) => {
      const { bin } = builds[mangling];
      const mine = read(bin);
      const nm = nmByAddress(bin);
      expect(mine.length).toBeGreaterThan(300);
      expect(asRows(mine)).toEqual(nmRows(nm));
      expect(total(mine)).toBe(total(nm));
    },
  );

  test.each(['legacy', 'v0'] as const)(
    "%s mangling, the binary's own code: the functions of the linked file that neither the library nor the toolchain's libraries define",
    (mangling) => {
      const { bin, rlib } = builds[mangling];
      const mine = functionsInObject(
        readFileSync(bin),
        [rlib, ...sysroot].map((f) => readFileSync(f)),
      );
      const defined = new Set([rlib, ...sysroot].flatMap((f) => nmFunctions(f).map((x) => x.symbol)));
      const own = nmByAddress(bin).filter((f) => !f.symbols.some((s) => defined.has(s)));
      expect(asRows(mine)).toEqual(nmRows(own));
      // Its own: main, and the copy of `search` it instantiated itself; not std's runtime, not the library's `run`.
      expect(mine.some((f) => f.path === 'app::main')).toBe(true);
      expect(mine.filter((f) => /^tools::search(::<u128>)?$/.test(f.path ?? '')).length).toBe(1);
      expect(mine.some((f) => f.path === 'tools::run' || f.path?.startsWith('std::rt::lang_start_internal'))).toBe(
        false,
      );
      expect(total(mine)).toBeLessThan(total(read(bin)) / 10);
    },
  );

  test('grouped as cargo-llvm-lines does: the copies of a generic function add up in one group, in the crate that instantiated them', () => {
    for (const { rlib } of Object.values(builds)) {
      const work = summarizeWork(read(rlib));
      // v0 symbols carry the generic arguments (`search::<T>`), legacy ones only a hash (`search`).
      const search = work.groups.find((g) => /^tools::search(::<T>)?$/.test(g.name))!;
      expect(search.copies).toBe(TYPES.length);
      expect(search.bytes).toBe(total(read(rlib).filter((f) => groupOf(f.symbol, f.path) === search.name)));
      expect(search.bytes).toBeGreaterThan(0);
      expect(work.bytes).toBe(total(read(rlib)));
      expect(work.bytes).toBe(summarizeWork(read(rlib), Infinity).groups.reduce((a, g) => a + g.bytes, 0));
    }
    expect(
      summarizeWork([
        { symbol: '_RINvCs1234_5tools6searchNtCs5678_3std6StringEB4_', size: 30, path: 'tools::search::<std::String>' },
        { symbol: '_RINvCs1234_5tools6searchReEB4_', size: 20, path: 'tools::search::<&str>' },
        { symbol: '_ZN5tools4main17h0123456789abcdefE', size: 40, path: 'tools::main' },
      ]),
    ).toEqual({
      bytes: 90,
      functions: 3,
      groups: [
        { name: 'tools::search::<T>', copies: 2, bytes: 50 },
        { name: 'tools::main', copies: 1, bytes: 40 },
      ],
    });
    expect(groupOf('not_rust')).toBe('not_rust');
  });

  test('exact: the same files read twice, and the same code compiled again elsewhere, give identical bytes', () => {
    const again = build('v0');
    const own = (b: { rlib: string; bin: string }) => functionsInObject(readFileSync(b.bin), [readFileSync(b.rlib)]);
    for (const functions of [(b: typeof again) => read(b.rlib), (b: typeof again) => read(b.bin), own]) {
      const first = JSON.stringify(summarizeWork(functions(builds.v0)));
      expect(JSON.stringify(summarizeWork(functions(builds.v0)))).toBe(first);
      expect(JSON.stringify(summarizeWork(functions(again)))).toBe(first);
    }
  });

  test('demangled by the reader as the demangler does', () => {
    const functions = read(builds.v0.rlib);
    expect(functions.map((f) => f.path)).toEqual(functions.map((f) => demangle(f.symbol)));
  });

  // Debian's rustc and its Windows standard library (libstd-rust-dev-windows) write COFF objects, which have no symbol sizes.
  const windows = existsSync('/usr/bin/rustc') && existsSync('/usr/lib/rustlib/x86_64-pc-windows-gnu');
  (windows ? test : test.skip)(
    'COFF objects (the Windows target): a function runs to the next symbol of its section or its end, as nm and objdump place them',
    () => {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'wm-coff-'));
      writeFileSync(path.join(dir, 'lib.rs'), LIB);
      execFileSync('/usr/bin/rustc', [
        '--edition',
        '2021',
        '--crate-type',
        'lib',
        '--crate-name',
        'tools',
        '--target',
        'x86_64-pc-windows-gnu',
        '-Ccodegen-units=4',
        '--out-dir',
        dir,
        path.join(dir, 'lib.rs'),
      ]);
      const members = path.join(dir, 'members');
      mkdirSync(members);
      execFileSync('ar', ['x', path.join(dir, 'libtools.rlib')], { cwd: members });
      const expected: Array<{ symbol: string; size: number }> = [];
      for (const member of readdirSync(members).filter((m) => m.endsWith('.o'))) {
        const file = path.join(members, member);
        const textSize = parseInt(
          /\s\.text\s+([0-9a-f]+)/.exec(execFileSync('objdump', ['-h', file], { encoding: 'utf8' }))![1]!,
          16,
        );
        const text = execFileSync('nm', ['--target=pe-x86-64', '-n', '--defined-only', file], { encoding: 'utf8' })
          .split('\n')
          .map((l) => l.split(' '))
          .filter((p) => p.length === 3 && /^[Tt]$/.test(p[1]!) && !p[2]!.startsWith('.'));
        text.forEach(([address, , symbol], i) =>
          expected.push({
            symbol: symbol!,
            size: (i + 1 < text.length ? parseInt(text[i + 1]![0]!, 16) : textSize) - parseInt(address!, 16),
          }),
        );
      }
      const mine = read(path.join(dir, 'libtools.rlib'));
      expect(mine.length).toBeGreaterThan(30);
      expect(asRows(mine)).toEqual(asRows(expected.filter((f) => f.size > 0)));
    },
  );
});

/** A cargo artifact message, as far as compile work reads it. */
const artifact = (over: Partial<WorkArtifact> & { name: string }): WorkArtifact => ({
  package: { name: over.name, version: '0.1.0' },
  targetName: over.name,
  targetKinds: ['lib'],
  filenames: [],
  executable: null,
  fresh: false,
  test: false,
  ...over,
});

describe('the files cargo reported', () => {
  test('a library is read from its .rlib, a binary from its executable, a cdylib or proc macro from its linked file; a check build reports none', () => {
    expect(codeFileOf(artifact({ name: 'a', filenames: ['/t/deps/liba-1.rlib', '/t/deps/liba-1.rmeta'] }))).toBe(
      '/t/deps/liba-1.rlib',
    );
    expect(
      codeFileOf(artifact({ name: 'a', targetKinds: ['rlib', 'cdylib'], filenames: ['/t/liba.so', '/t/liba.rlib'] })),
    ).toBe('/t/liba.rlib');
    expect(codeFileOf(artifact({ name: 'm', targetKinds: ['proc-macro'], filenames: ['/t/deps/libm-1.so'] }))).toBe(
      '/t/deps/libm-1.so',
    );
    expect(
      codeFileOf(
        artifact({
          name: 'app',
          targetKinds: ['bin'],
          filenames: ['/t/app.exe', '/t/app.pdb'],
          executable: '/t/app.exe',
        }),
      ),
    ).toBe('/t/app.exe');
    expect(codeFileOf(artifact({ name: 's', targetKinds: ['staticlib'], filenames: ['/t/libs.a'] }))).toBe('/t/libs.a');
    expect(codeFileOf(artifact({ name: 'a', filenames: ['/t/deps/liba-1.rmeta'] }))).toBeNull();
    expect(targetLabel(artifact({ name: 'my-tool', targetKinds: ['bin'] }))).toBe('bin my_tool');
    expect(targetLabel(artifact({ name: 'm', targetKinds: ['proc-macro'] }))).toBe('lib m');
    expect(targetLabel(artifact({ name: 'demo', targetKinds: ['example'] }))).toBe('example demo');
  });

  test('only compiled targets of measured packages: not fresh ones, tests or build scripts', () => {
    const files = filesToRead(
      [
        artifact({ name: 'mine', filenames: ['/t/libmine.rlib'] }),
        artifact({ name: 'mine', targetKinds: ['bin'], executable: '/t/mine' }),
        artifact({ name: 'mine', targetKinds: ['bin'], test: true, executable: '/t/mine-test' }),
        artifact({ name: 'mine', targetKinds: ['custom-build'], filenames: ['/t/build-script-build'] }),
        artifact({ name: 'fresh', filenames: ['/t/libfresh.rlib'], fresh: true }),
        artifact({ name: 'dep', filenames: ['/t/libdep.rlib'] }),
      ],
      (p) => p.name !== 'dep',
    );
    expect(files).toEqual([
      { key: 'mine@0.1.0', target: 'lib mine', file: '/t/libmine.rlib' },
      { key: 'mine@0.1.0', target: 'bin mine', file: '/t/mine' },
    ]);
  });

  /** Reads `artifacts` as the build does (every package measured), the libraries from `libraries`; returns the work and the warnings. */
  async function collect(
    artifacts: WorkArtifact[],
    libraries = async (): Promise<{ files: string[] } | { error: string }> => ({
      files: [...librariesOf(artifacts), ...sysroot],
    }),
  ) {
    const collector = new WorkCollector();
    await collector.read(
      filesToRead(artifacts, () => true),
      libraries,
    );
    const out = captureStdout();
    try {
      const work = collector.finish(new Set());
      return {
        collector,
        work,
        warnings: out
          .annotations()
          .filter((a) => a.level === 'warning')
          .map((a) => a.message),
      };
    } finally {
      out.restore();
    }
  }

  test("a package's library and binary, each apart and their sum; the binary's own code, read after the libraries", async () => {
    const { rlib, bin } = build('legacy');
    const { collector, work, warnings } = await collect([
      artifact({ name: 'good', filenames: [rlib] }),
      artifact({ name: 'good', targetKinds: ['bin'], executable: bin }),
    ]);
    const own = total(
      functionsInObject(
        readFileSync(bin),
        [rlib, ...sysroot].map((f) => readFileSync(f)),
      ),
    );
    const good = work.get('good@0.1.0')!;
    expect(good.targets!.map((t) => [t.target, t.bytes])).toEqual([
      ['bin good', own],
      ['lib good', total(read(rlib))],
    ]);
    expect(good.bytes).toBe(own + total(read(rlib)));
    expect(collector.filesRead.files).toBe(2);
    expect(warnings).toEqual([]);
  });

  test('one unreadable file: its crate is not measured (and the log says why), every other crate keeps its work', async () => {
    const { rlib, bin } = build('legacy');
    const dir = mkdtempSync(path.join(os.tmpdir(), 'wm-evil-'));
    writeFileSync(path.join(dir, 'evil'), sharedNameBomb(20_000, 5_000));
    const { work, warnings } = await collect([
      artifact({ name: 'good', filenames: [rlib] }),
      artifact({ name: 'good', targetKinds: ['bin'], executable: bin }),
      artifact({ name: 'evil', targetKinds: ['bin'], executable: path.join(dir, 'evil') }),
      artifact({ name: 'gone', targetKinds: ['bin'], executable: path.join(dir, 'gone') }),
      artifact({ name: 'other', filenames: [rlib] }),
    ]);
    expect([...work.keys()].sort()).toEqual(['good@0.1.0', 'other@0.1.0']);
    expect(work.get('other@0.1.0')).toEqual(summarizeWork(read(rlib)));
    expect(warnings).toEqual([
      expect.stringMatching(
        /^Watchmaker could not read the compile work of evil 0\.1\.0 \(evil: it asks for more work than its size allows .*\); that crate is reported as not measured, the others are not affected\.$/,
      ),
      expect.stringMatching(
        /^Watchmaker could not read the compile work of gone 0\.1\.0 \(gone: it could not be read \(ENOENT\)\)/,
      ),
    ]);
  });

  test("a library that cannot be read leaves the linked files' own code unknown: they are not measured, the libraries are", async () => {
    const { rlib, bin } = build('legacy');
    const dir = mkdtempSync(path.join(os.tmpdir(), 'wm-evil-'));
    const evil = path.join(dir, 'libevil.rlib');
    writeFileSync(evil, sharedNameBomb(20_000, 5_000));
    const artifacts = [
      artifact({ name: 'lib', filenames: [rlib] }),
      artifact({ name: 'app', targetKinds: ['bin'], executable: bin }),
    ];
    // A dependency's library (fresh, so not measured itself) planted with a crafted file.
    const planted = await collect([...artifacts, artifact({ name: 'dep', filenames: [evil], fresh: true })]);
    expect([...planted.work.keys()]).toEqual(['lib@0.1.0']);
    expect(planted.warnings).toEqual([
      expect.stringMatching(
        /^Watchmaker could not read the compile work of app 0\.1\.0 \(app: its own code cannot be told from the libraries it links \(libevil\.rlib: it asks for more work/,
      ),
    ]);
    // The toolchain's libraries not found: the same.
    const noToolchain = await collect(artifacts, async () => ({
      error: "rustc did not name the toolchain's libraries",
    }));
    expect([...noToolchain.work.keys()]).toEqual(['lib@0.1.0']);
    expect(noToolchain.warnings).toEqual([
      expect.stringMatching(
        /app: its own code cannot be told from the libraries it links \(rustc did not name the toolchain's libraries\)/,
      ),
    ]);
  });

  test('with link-time optimisation (lto = true) the libraries are LLVM bitcode: said once, not warned; the binary counts the code it generated', async () => {
    const workspace = mkdtempSync(path.join(os.tmpdir(), 'wm-lto-'));
    const tree: Record<string, string> = {
      'Cargo.toml': '[workspace]\nmembers = ["app", "lib"]\nresolver = "2"\n\n[profile.release]\nlto = true\n',
      'app/Cargo.toml':
        '[package]\nname = "app"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\nlib = { path = "../lib" }\n',
      'app/src/main.rs': 'fn main() {\n    println!("{}", lib::describe(std::env::args().count()));\n}\n',
      'lib/Cargo.toml': '[package]\nname = "lib"\nversion = "0.1.0"\nedition = "2021"\n',
      'lib/src/lib.rs': 'pub fn describe<T: std::fmt::Debug>(value: T) -> String {\n    format!("{:?}", value)\n}\n',
    };
    for (const [rel, text] of Object.entries(tree)) {
      mkdirSync(path.dirname(path.join(workspace, rel)), { recursive: true });
      writeFileSync(path.join(workspace, rel), text);
    }
    const out = execFileSync('cargo', ['build', '--release', '--message-format=json'], {
      cwd: workspace,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    const messages = parseCargoMessages(out);
    const logged = captureStdout();
    const collector = new WorkCollector();
    let work: ReturnType<WorkCollector['finish']>;
    try {
      await collector.read(
        filesToRead(messages.artifacts, (p) => p.name === 'app' || p.name === 'lib'),
        async () => ({ files: [...librariesOf(messages.artifacts), ...sysroot] }),
      );
      work = collector.finish(new Set());
    } finally {
      logged.restore();
    }
    expect([...collector.bitcode]).toEqual(['lib@0.1.0']);
    expect([...work.keys()]).toEqual(['app@0.1.0']);
    expect(work.get('app@0.1.0')!.bytes).toBeGreaterThan(0);
    expect(logged.annotations().filter((a) => a.level === 'warning')).toEqual([]);
    expect(logged.text()).toContain(
      'Watchmaker: lib 0.1.0: compiled to LLVM bitcode for link-time optimisation (lto), so no machine code of their own; the binaries that link them count it.',
    );
  });

  test("the toolchain's libraries as rustc names them; a rustc that cannot say is an error, not an empty list", async () => {
    const host = /host: (\S+)/.exec(execFileSync('rustc', ['-vV'], { encoding: 'utf8' }))![1]!;
    const found = await toolchainLibraries('rustc', host, { cwd: os.tmpdir(), env: process.env });
    expect('files' in found && found.files.some((f) => /\/libstd-[0-9a-f]+\.rlib$/.test(f))).toBe(true);
    expect(await toolchainLibraries('rustc', 'no-such-target', { cwd: os.tmpdir(), env: process.env })).toEqual({
      error: expect.stringMatching(/toolchain's libraries for no-such-target/),
    });
  });

  test('a package left out (a unit failed, or some targets were fresh) has no whole work; its compiled targets are kept apart', async () => {
    const { rlib, bin } = build('legacy');
    const collector = new WorkCollector();
    await collector.read(
      filesToRead(
        [
          artifact({ name: 'tool', targetKinds: ['bin'], executable: bin }),
          artifact({ name: 'lib', filenames: [rlib] }),
        ],
        () => true,
      ),
      async () => ({ files: sysroot }),
    );
    const work = collector.finish(new Set(['tool@0.1.0']));
    expect([...work.keys()]).toEqual(['lib@0.1.0']);
    expect(collector.compiledTargets('tool@0.1.0')!.targets!.map((t) => t.target)).toEqual(['bin tool']);
  });

  test('the reading thread groups as this thread does, and leaves it free meanwhile', async () => {
    const { bin } = build('v0');
    const reader = new ObjectReader();
    try {
      let done = false;
      const reading = reader.read(bin).then((w) => ((done = true), w));
      await new Promise((resolve) => setImmediate(resolve));
      expect(done).toBe(false);
      const functions: ObjectFunction[] = read(bin);
      expect(await reading).toEqual(fileWork(functions, readFileSync(bin).length));
    } finally {
      await reader.close();
    }
  });
});

describe('against the baseline', () => {
  const withWork = (bytes: Record<string, [number, number]>, release = '1.95.0'): RunRecord => {
    const r = record({ crates: Object.fromEntries(Object.keys(bytes).map((k) => [k, 1])) });
    r.toolchain.release = release;
    r.measurement.compileWork = 'machine-code';
    for (const c of r.crates) {
      const [copies, perCopy] = bytes[c.crate]!;
      c.work = {
        bytes: copies * perCopy + 100,
        functions: copies + 10,
        groups: [{ name: `${c.crate}::search::<T>`, copies, bytes: copies * perCopy }],
      };
    }
    return r;
  };

  test('the exact change per crate and in total, and the generic function that grew', () => {
    const w = compareWork(
      [withWork({ 'ws-a': [10, 231], 'ws-b': [2, 50] })],
      [withWork({ 'ws-a': [4, 231], 'ws-b': [2, 50] })],
    )!;
    expect(w.total).toEqual({
      baseBytes: 4 * 231 + 100 + 200,
      headBytes: 10 * 231 + 100 + 200,
      change: (6 * 231) / (4 * 231 + 300),
    });
    expect(w.crates[0]!.crate).toBe('ws-a');
    expect(groupChangeText(w.crates[0]!.groups[0]!, (n) => `\`${n}\``)).toBe(
      '`ws-a::search::<T>`: 4 → 10 copies, +1,386 bytes',
    );
    expect(w.crates[1]!.groups).toEqual([]);
    expect(workSentence(w)).toBe('compile work grew by 1,386 bytes of machine code (+113.2%)');
    expect(w.compilerDiffers).toBe(false);
  });

  test('identical work is no change at all; another rustc is noted; a side without the measure compares nothing', () => {
    const same = compareWork([withWork({ 'ws-a': [3, 10] })], [withWork({ 'ws-a': [3, 10] })])!;
    expect(same.total.change).toBe(0);
    expect(workSentence(same)).toBeNull();
    expect(
      compareWork([withWork({ 'ws-a': [3, 10] }, '1.96.0')], [withWork({ 'ws-a': [3, 10] })])!.compilerDiffers,
    ).toBe(true);
    expect(compareWork([withWork({ 'ws-a': [3, 10] })], [record({ crates: { 'ws-a': 1 } })])).toBeNull();
  });

  test('a crate compiled only in part is compared target by target where the baseline has its targets, else named as not compared', () => {
    const target = (name: string, bytes: number) => ({ target: name, bytes, functions: 1, groups: [] });
    const base = withWork({ 'ws-tool': [1, 100] });
    base.crates[0]!.work!.targets = [target('bin tool', 40), target('lib tool', 160)];
    const head = withWork({ 'ws-tool': [1, 100] });
    Object.assign(head.crates[0]!, {
      work: null,
      workMissing: 'partly-fresh',
      partialWork: { bytes: 55, functions: 1, groups: [], targets: [target('bin tool', 55)] },
    });
    const w = compareWork([head], [base])!;
    expect(w.crates.map((c) => [c.crate, c.base.bytes, c.head.bytes])).toEqual([['ws-tool (bin tool)', 40, 55]]);
    expect(w.uncompared).toEqual([]);
    delete base.crates[0]!.work!.targets;
    const older = compareWork([head], [base])!;
    expect(older.crates).toEqual([]);
    expect(older.uncompared).toEqual([{ crate: 'ws-tool', why: 'partly-fresh', side: 'head' }]);
    expect(workSentence(older)).toBeNull();
  });

  describe('fresh members carry the work measured when their same inputs were compiled', () => {
    /** A run that compiled `compiled` (with work) and found `fresh` fresh, each with a fingerprint. */
    const run = (
      commit: string,
      compiled: Record<string, [number, number]>,
      fresh: Record<string, string | null>,
    ): RunRecord => {
      const r = withWork(compiled);
      r.git.commit = commit;
      for (const c of r.crates) c.inputFingerprint = `fp-${c.crate}`;
      r.freshCrates = Object.entries(fresh).map(([crate, inputFingerprint]) => ({
        crate,
        version: '1.0.0',
        inputFingerprint,
        work: null,
      }));
      return r;
    };

    test('a push that compiled only one crate still carries every crate forward, and a pull request compares them all', () => {
      const first = run('c1', { 'ws-app': [2, 100], 'ws-lib': [1, 50] }, {});
      // The second push changed only ws-lib: ws-app was fresh, with the inputs the first push compiled.
      const second = run('c2', { 'ws-lib': [1, 60] }, { 'ws-app': 'fp-ws-app' });
      expect(carryWork(second, first)).toBe(1);
      expect(second.freshCrates![0]).toMatchObject({
        work: first.crates.find((c) => c.crate === 'ws-app')!.work,
        workFrom: 'c1',
      });
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
      expect(w.crates[0]).toMatchObject({ crate: 'ws-app', base: { bytes: 300 }, head: { bytes: 900 } });
      expect(w.total.headBytes - w.total.baseBytes).toBe(600);
    });

    test('nothing is carried for other inputs, an unproven fingerprint, another compiler or flags, or work measured otherwise', () => {
      const first = run('c1', { 'ws-app': [2, 100] }, {});
      expect(carryWork(run('c2', {}, { 'ws-app': 'fp-other' }), first)).toBe(0);
      expect(carryWork(run('c2', {}, { 'ws-app': null }), first)).toBe(0);
      const newerRustc = run('c2', {}, { 'ws-app': 'fp-ws-app' });
      newerRustc.toolchain.release = '1.96.0';
      expect(carryWork(newerRustc, first)).toBe(0);
      const otherFlags = run('c2', {}, { 'ws-app': 'fp-ws-app' });
      otherFlags.flagsHash = 'e'.repeat(64);
      expect(carryWork(otherFlags, first)).toBe(0);
      for (const older of ['llvm-bc', 'llvm-ir'] as const) {
        const irRecord = run('c1', { 'ws-app': [2, 100] }, {});
        irRecord.measurement.compileWork = older;
        expect(carryWork(run('c2', {}, { 'ws-app': 'fp-ws-app' }), irRecord)).toBe(0);
      }
      expect(carryWork(run('c2', {}, { 'ws-app': 'fp-ws-app' }), first)).toBe(1);
    });
  });
});
