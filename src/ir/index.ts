// Compile work, the shell: during the build the wrapper moves each measured unit's LLVM bitcode
// into <irDir>/<package>@<version>/<unit>/ (renamed into place once complete). A collector
// summarises and deletes finished units while cargo goes on, so the IR (tens of MB for a big
// workspace) never piles up and is never cached; what is left is collected when the build ends.
// The measure itself is in summary.ts.
import * as core from '@actions/core';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { logText } from '../log.js';
import { BitcodeError } from './bitcode.js';
import { BitcodeReader } from './reader.js';
import { addFunctions, emptyTally, packageWork, type CrateWork, type WorkTally } from './summary.js';

export type { CrateWork } from './summary.js';

/** Where the wrapper puts the bitcode for a build whose side files start with `scratch` (in the action's own directory). */
export const irDirFor = (scratch: string) => `${scratch}.ir`;

/** A unit directory the wrapper is still filling (renamed to its final name when complete). */
const PARTIAL = '.partial';

const subdirs = (dir: string) => (existsSync(dir) ? readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory()) : []);

/** `lib tool` from the wrapper's `lib.tool-1a2b3c4d5e6f7a8b` (a unit directory: target kind, crate, hash). */
export function targetOf(unitDir: string): string {
  const m = /^(lib|bin)\.(.+?)(-[0-9a-f]{16})?$/.exec(unitDir);
  return m ? `${m[1]} ${m[2]}` : unitDir;
}

export class WorkCollector {
  /** Per package (`name@version`), per target. */
  readonly #tallies = new Map<string, Map<string, WorkTally>>();
  /** Packages with a unit whose IR could not be read, and why: they are not measured, the others are. */
  readonly #unreadable = new Map<string, string>();
  #error: Error | null = null;
  #busyNs = 0n;
  #draining: Promise<void> | null = null;

  constructor(
    readonly dir: string,
    private readonly reader = new BitcodeReader(),
  ) {}

  /** Summarises and deletes every unit the wrapper has finished so far (one pass at a time). */
  drain(): Promise<void> {
    this.#draining ??= this.#drainOnce().finally(() => (this.#draining = null));
    return this.#draining;
  }

  async #drainOnce(): Promise<void> {
    if (this.#error) return;
    const started = process.hrtime.bigint();
    try {
      for (const pkg of subdirs(this.dir)) {
        for (const unit of subdirs(path.join(this.dir, pkg.name))) {
          if (!unit.name.endsWith(PARTIAL)) await this.#readUnit(pkg.name, unit.name);
        }
      }
    } catch (e) {
      this.#error = e as Error;
    } finally {
      this.#busyNs += process.hrtime.bigint() - started;
    }
  }

  /** One finished unit's bitcode into its package's tally, then deleted; an unreadable file costs only its package. */
  async #readUnit(pkg: string, unitName: string): Promise<void> {
    const unitDir = path.join(this.dir, pkg, unitName);
    let file = '';
    try {
      if (this.#unreadable.has(pkg)) return;
      const [targets, target] = [this.#tallies.get(pkg) ?? new Map<string, WorkTally>(), targetOf(unitName)];
      const tally = targets.get(target) ?? emptyTally();
      for (file of readdirSync(unitDir)) if (file.endsWith('.bc')) addFunctions(tally, await this.reader.read(readFileSync(path.join(unitDir, file))));
      targets.set(target, tally);
      this.#tallies.set(pkg, targets);
    } catch (e) {
      if (!(e instanceof BitcodeError)) throw e;
      // Its other units' work is incomplete without this one: the whole package is not measured.
      this.#unreadable.set(pkg, `${file}: ${e.message}`);
      this.#tallies.delete(pkg);
    } finally {
      rmSync(unitDir, { recursive: true, force: true });
    }
  }

  /** Seconds spent reading and summarising IR so far: what the measure costs the job. */
  get busySeconds(): number {
    return Number(this.#busyNs) / 1e9;
  }

  /** Packages (`name@version`) whose IR could not be read: not measured, each with the reason. */
  get unreadable(): ReadonlyMap<string, string> {
    return this.#unreadable;
  }

  /**
   * The work per package (`name@version`) after the build, and the IR directory deleted.
   * Packages in `left` (a unit did not compile, or some targets were fresh) are left out: their IR is partial.
   */
  async finish(left: ReadonlySet<string>): Promise<Map<string, CrateWork>> {
    await this.drain();
    await this.drain();
    await this.reader.close();
    rmSync(this.dir, { recursive: true, force: true });
    for (const [pkg, why] of this.#unreadable) {
      core.warning(
        logText(`Watchmaker could not read the compile-work IR of ${pkg.replace('@', ' ')} (${why}); that crate is reported as not measured, the others are not affected.`),
      );
    }
    if (this.#error) {
      core.warning(`Watchmaker could not read the compile-work IR (${this.#error.message}); the report goes on without it.`);
      core.debug(this.#error.stack ?? String(this.#error));
      return new Map();
    }
    return new Map([...this.#tallies].filter(([pkg]) => !left.has(pkg)).map(([pkg, targets]) => [pkg, packageWork(targets)]));
  }

  /** After finish: the work of the targets a package compiled, each apart (for a package some of whose targets were fresh). */
  compiledTargets(pkg: string): CrateWork | null {
    const targets = this.#error ? undefined : this.#tallies.get(pkg);
    return targets ? packageWork(targets, true) : null;
  }
}
