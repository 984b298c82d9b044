// Compile work, the shell: during the build the wrapper moves each measured unit's LLVM bitcode
// into <irDir>/<package>@<version>/<unit>/ (renamed into place once complete). A collector
// summarises and deletes finished units while cargo goes on, so the IR (tens of MB for a big
// workspace) never piles up and is never cached; what is left is collected when the build ends.
// The measure itself is in summary.ts.
import * as core from '@actions/core';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { functionsInBitcode } from './bitcode.js';
import { addFunctions, emptyTally, packageWork, type CrateWork, type WorkTally } from './summary.js';

export type { CrateWork } from './summary.js';

/** Where the wrapper puts the bitcode for a build whose record is `recordPath`. */
export const irDirFor = (recordPath: string) => `${recordPath}.ir`;

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
  #error: Error | null = null;
  #busyNs = 0n;

  constructor(readonly dir: string) {}

  /** Summarises and deletes every unit the wrapper has finished so far. */
  drain(): void {
    if (this.#error) return;
    const started = process.hrtime.bigint();
    try {
      for (const pkg of subdirs(this.dir)) {
        for (const unit of subdirs(path.join(this.dir, pkg.name))) {
          if (unit.name.endsWith(PARTIAL)) continue;
          const unitDir = path.join(this.dir, pkg.name, unit.name);
          const [targets, target] = [this.#tallies.get(pkg.name) ?? new Map<string, WorkTally>(), targetOf(unit.name)];
          const tally = targets.get(target) ?? emptyTally();
          for (const file of readdirSync(unitDir)) if (file.endsWith('.bc')) addFunctions(tally, functionsInBitcode(readFileSync(path.join(unitDir, file))));
          targets.set(target, tally);
          this.#tallies.set(pkg.name, targets);
          rmSync(unitDir, { recursive: true, force: true });
        }
      }
    } catch (e) {
      this.#error = e as Error;
    } finally {
      this.#busyNs += process.hrtime.bigint() - started;
    }
  }

  /** Seconds spent reading and summarising IR so far: what the measure costs the job. */
  get busySeconds(): number {
    return Number(this.#busyNs) / 1e9;
  }

  /**
   * The work per package (`name@version`) after the build, and the IR directory deleted.
   * Packages in `left` (a unit did not compile, or some targets were fresh) are left out: their IR is partial.
   */
  finish(left: ReadonlySet<string>): Map<string, CrateWork> {
    this.drain();
    rmSync(this.dir, { recursive: true, force: true });
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
