// Compile work, the shell: after the build, the object code cargo reported for each measured
// crate it compiled (its `compiler-artifact` messages' files: a library's `.rlib`, a binary) is
// read on another thread with a deadline per file (reader.ts) and summarised per package and
// target. A linked file (a binary, cdylib, proc macro) holds the code of every library it links
// too, std's and the dependencies': its own code is the functions none of the build's libraries
// nor the toolchain's defines, so those are read first. Nothing is added to the build, written
// or cached: the measure only observes. The measure itself is in summary.ts.
import * as core from '@actions/core';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { logText } from '../log.js';
import { capture } from '../proc.js';
import { crateKey } from '../record.js';
import { NoMachineCode, ObjectError, READ } from './objects.js';
import { ObjectReader } from './reader.js';
import { addGroups, emptyTally, packageWork, rustName, type CrateWork, type WorkTally } from './summary.js';

export type { CrateWork } from './summary.js';

const NO_LIBDIR = (triple: string, detail: string) =>
  `rustc did not name the toolchain's libraries for ${triple} (${detail})`;
const LTO_BITCODE = (names: string[]) =>
  `Watchmaker: ${names.join(', ')}: compiled to LLVM bitcode for link-time optimisation (lto), ` +
  'so no machine code of their own; the binaries that link them count it.';
const UNREADABLE_WORK = (crate: string, why: string) =>
  `Watchmaker could not read the compile work of ${crate} (${why}); ` +
  'that crate is reported as not measured, the others are not affected.';

/** What compile work needs of cargo's `compiler-artifact` message (timings/messages.ts ArtifactMessage extends it). */
export interface WorkArtifact {
  package: { name: string; version: string | null };
  targetName: string;
  targetKinds: string[];
  filenames: string[];
  executable: string | null;
  /** True when rustc did not run for this unit. */
  fresh: boolean;
  /** A test build of the target (`cargo test`, `--tests`): not measured for compile work. */
  test: boolean;
}

/** A file to read, and whose work it is. */
export interface WorkFile {
  /** The package, `name@version`. */
  key: string;
  /** `lib tools`, `bin app`, `example demo`. */
  target: string;
  /** The file with its machine code; null: cargo reported none. */
  file: string | null;
}

const LIBRARY_KINDS = ['lib', 'rlib', 'dylib', 'cdylib', 'staticlib', 'proc-macro'];

/** A target as the record names it: its kind and its crate name (`lib my_tool`). */
export function targetLabel(a: WorkArtifact): string {
  const kind = a.targetKinds.includes('example')
    ? 'example'
    : a.targetKinds.some((k) => LIBRARY_KINDS.includes(k))
      ? 'lib'
      : 'bin';
  return `${kind} ${a.targetName.replace(/-/g, '_')}`;
}

/**
 * The file with a target's machine code: a library's own code is in its `.rlib` (a cdylib built
 * beside it holds the same code again, with std's); a binary, cdylib, dylib or proc macro is its
 * linked file; a staticlib its archive. Null when cargo reported none.
 */
export function codeFileOf(a: WorkArtifact): string | null {
  const named = (pattern: RegExp) => a.filenames.find((f) => pattern.test(f));
  return named(/\.rlib$/) ?? a.executable ?? named(/\.(so|dylib|dll)$/) ?? named(/\.(a|lib)$/) ?? null;
}

/** A library's own code is its `.rlib`; any other file is linked (a binary, cdylib, dylib, proc macro, staticlib). */
const isLibrary = (file: string | null) => file !== null && file.endsWith('.rlib');

/** Every library the build reported, compiled or fresh: what its linked files may hold besides their own code. */
export function librariesOf(artifacts: readonly WorkArtifact[]): string[] {
  return [...new Set(artifacts.flatMap((a) => a.filenames.filter(isLibrary)))].sort();
}

/**
 * The toolchain's precompiled libraries for `triple` (std, core, alloc, …: the rlibs in rustc's
 * target libdir), or why they cannot be listed.
 */
export async function toolchainLibraries(
  rustc: string,
  triple: string,
  options: { cwd: string; env: NodeJS.ProcessEnv },
): Promise<{ files: string[] } | { error: string }> {
  const r = await capture(rustc, ['--print', 'target-libdir', '--target', triple], options).catch((e: Error) => ({
    code: 1,
    stdout: '',
    stderr: e.message,
  }));
  const dir = r.stdout.trim();
  if (r.code !== 0 || !dir || !existsSync(dir))
    return { error: NO_LIBDIR(triple, r.stderr.trim().split('\n')[0] || dir || 'no directory') };
  return {
    files: readdirSync(dir)
      .filter(isLibrary)
      .sort()
      .map((f) => path.join(dir, f)),
  };
}

/**
 * The Rust names of your crates (`yours`: the local path packages by name) in this build: each
 * package's name and its targets' crate names (a library may be named otherwise), not build scripts.
 * Groups defined in them are kept beyond the biggest (summary.ts tallyWork).
 */
export function ownCrateNames(artifacts: readonly WorkArtifact[], yours: ReadonlySet<string>): Set<string> {
  const names = new Set([...yours].map(rustName));
  for (const a of artifacts)
    if (yours.has(a.package.name) && !a.targetKinds.includes('custom-build')) names.add(rustName(a.targetName));
  return names;
}

/**
 * The files to read after the build: the compiled (not fresh) libraries and binaries of the measured packages; not
 * tests, not build scripts.
 */
export function filesToRead(
  artifacts: readonly WorkArtifact[],
  measured: (p: WorkArtifact['package']) => boolean,
): WorkFile[] {
  return artifacts
    .filter((a) => !a.fresh && !a.test && !a.targetKinds.includes('custom-build') && measured(a.package))
    .map((a) => ({ key: crateKey(a.package.name, a.package.version), target: targetLabel(a), file: codeFileOf(a) }));
}

export class WorkCollector {
  /** Per package (`name@version`), per target. */
  readonly #tallies = new Map<string, Map<string, WorkTally>>();
  /** Packages with a file that could not be read, and why: they are not measured, the others are. */
  readonly #unreadable = new Map<string, string>();
  /**
   * Packages compiled to LLVM bitcode (`lto`): no machine code of their own, it is generated in the binaries that link
   * them.
   */
  readonly #bitcode = new Set<string>();
  #error: Error | null = null;
  /** Why a linked file's own code cannot be told from its libraries' (one of them could not be read), or null. */
  #librariesUnread: string | null = null;
  #seconds = 0;
  /** Libraries read while cargo was still building (queued in order on the one reader). */
  #early: Promise<void> = Promise.resolve();
  readonly #readEarly = new Set<string>();
  #earlySeconds = 0;
  #files = 0;
  #libraries = 0;
  #bytes = 0;

  constructor(private readonly reader = new ObjectReader()) {}

  /**
   * A library cargo has just reported, read while the build goes on (its file is complete; the
   * build often leaves a core idle), so little is left to read when it ends.
   */
  readEarly(f: WorkFile): void {
    if (!isLibrary(f.file) || this.#readEarly.has(f.file!)) return;
    this.#readEarly.add(f.file!);
    this.#early = this.#early.then(async () => {
      const started = process.hrtime.bigint();
      await this.#readFile(f, READ.work | READ.define).catch((e: Error) => void (this.#error ??= e));
      this.#earlySeconds += Number(process.hrtime.bigint() - started) / 1e9;
    });
  }

  /**
   * Reads the files, one at a time: the measured libraries, then (when a linked file is to be
   * read) the other `libraries` the build and the toolchain provide, then the linked files.
   * An unreadable file costs only its package; an unreadable library, the linked files too.
   */
  async read(
    files: readonly WorkFile[],
    libraries: () => Promise<{ files: string[] } | { error: string }>,
  ): Promise<void> {
    await this.#early;
    const started = process.hrtime.bigint();
    try {
      for (const f of files.filter((f) => isLibrary(f.file) && !this.#readEarly.has(f.file!)))
        await this.#readFile(f, READ.work | READ.define);
      const linked = files.filter((f) => !isLibrary(f.file));
      if (linked.length) await this.#readLibraries(await libraries(), new Set(files.map((f) => f.file)));
      for (const f of linked) await this.#readFile(f, READ.work | READ.own);
    } catch (e) {
      this.#error = e as Error;
    } finally {
      await this.reader.close();
      this.#seconds += Number(process.hrtime.bigint() - started) / 1e9;
    }
  }

  /** The names of the functions the libraries define, into the reader. */
  async #readLibraries(
    libraries: { files: string[] } | { error: string },
    read: ReadonlySet<string | null>,
  ): Promise<void> {
    if ('error' in libraries) {
      this.#librariesUnread ??= libraries.error;
      return;
    }
    for (const file of libraries.files.filter((f) => !read.has(f))) {
      try {
        const work = await this.reader.read(file, READ.define);
        this.#libraries += 1;
        this.#bytes += work.fileBytes;
      } catch (e) {
        if (!(e instanceof ObjectError)) throw e;
        this.#librariesUnread ??= `${path.basename(file)}: ${e.message}`;
      }
    }
  }

  async #readFile({ key, target, file }: WorkFile, mode: number): Promise<void> {
    if (this.#unreadable.has(key) || this.#bitcode.has(key)) return;
    try {
      if (file === null) throw new ObjectError(`cargo reported no file with machine code for ${target}`);
      if (mode & READ.own && this.#librariesUnread)
        throw new ObjectError(`its own code cannot be told from the libraries it links (${this.#librariesUnread})`);
      const work = await this.reader.read(file, mode);
      const targets = this.#tallies.get(key) ?? new Map<string, WorkTally>();
      const tally = targets.get(target) ?? emptyTally();
      addGroups(tally, work.groups);
      targets.set(target, tally);
      this.#tallies.set(key, targets);
      this.#files += 1;
      this.#bytes += work.fileBytes;
    } catch (e) {
      if (!(e instanceof ObjectError)) throw e;
      // Its other targets' work is incomplete without this one: the whole package is not measured.
      this.#tallies.delete(key);
      // Bitcode defines no machine code a binary could hold besides its own: not a library that failed.
      if (e instanceof NoMachineCode) {
        this.#bitcode.add(key);
        return;
      }
      this.#unreadable.set(key, file === null ? e.message : `${path.basename(file)}: ${e.message}`);
      if (mode & READ.define) this.#librariesUnread ??= `${file === null ? target : path.basename(file)}: ${e.message}`;
    }
  }

  /** Seconds spent reading and summarising after the build: what the measure adds to the job's time. */
  get seconds(): number {
    return this.#seconds;
  }

  /** Seconds spent reading while cargo still built (CPU the build shared). */
  get secondsDuringBuild(): number {
    return this.#earlySeconds;
  }

  /** Files measured, libraries read for the names they define, and the bytes of both. */
  get filesRead(): { files: number; libraries: number; bytes: number } {
    return { files: this.#files, libraries: this.#libraries, bytes: this.#bytes };
  }

  /** Packages (`name@version`) with a file that could not be read: not measured, each with the reason. */
  get unreadable(): ReadonlyMap<string, string> {
    return this.#unreadable;
  }

  /** Packages (`name@version`) compiled to LLVM bitcode for link-time optimisation: no machine code of their own. */
  get bitcode(): ReadonlySet<string> {
    return this.#bitcode;
  }

  /**
   * The work per package (`name@version`), each unreadable one warned about. Packages in `left`
   * (a unit did not compile, or some targets were fresh) are left out: their work is partial.
   * `own`: the Rust names of your crates, whose groups are kept beyond the biggest (ownCrateNames).
   */
  finish(left: ReadonlySet<string>, own?: ReadonlySet<string>): Map<string, CrateWork> {
    if (this.#bitcode.size) {
      const names = [...this.#bitcode].sort().map((pkg) => pkg.replace('@', ' '));
      core.info(logText(LTO_BITCODE(names)));
    }
    for (const [pkg, why] of this.#unreadable) {
      core.warning(logText(UNREADABLE_WORK(pkg.replace('@', ' '), why)));
    }
    if (this.#error) {
      core.warning(
        `Watchmaker could not read the compile work (${this.#error.message}); the report goes on without it.`,
      );
      core.debug(this.#error.stack ?? String(this.#error));
      return new Map();
    }
    return new Map(
      [...this.#tallies]
        .filter(([pkg]) => !left.has(pkg))
        .map(([pkg, targets]) => [pkg, packageWork(targets, targets.size > 1, own)]),
    );
  }

  /**
   * After finish: the work of the targets a package compiled, each apart (for a package some of whose targets were
   * fresh).
   */
  compiledTargets(pkg: string, own?: ReadonlySet<string>): CrateWork | null {
    const targets = this.#error ? undefined : this.#tallies.get(pkg);
    return targets ? packageWork(targets, true, own) : null;
  }
}
