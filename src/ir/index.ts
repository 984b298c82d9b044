// Compile work, the shell: the wrapper moved each workspace crate's LLVM IR into
// <irDir>/<package>/<unit>/*.ll during the build; here it is summarised and deleted (it is large,
// and never cached). The measure itself is in summary.ts.
import * as core from '@actions/core';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { functionsInIr, summarizeWork, type CrateWork, type IrFunction } from './summary.js';

export type { CrateWork } from './summary.js';

/** Where the wrapper puts IR for a build whose record is `recordPath`. */
export const irDirFor = (recordPath: string) => `${recordPath}.ir`;

/** Every .ll file under `dir` (one unit's codegen units). */
function irFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return irFiles(full);
    return e.isFile() && e.name.endsWith('.ll') ? [full] : [];
  });
}

/**
 * Summarises and deletes the IR of one build: per package, its units' functions together.
 * Packages in `failed` (a unit of theirs did not compile) are left out: their IR is partial.
 */
export function collectCompileWork(irDir: string, failed: ReadonlySet<string>): Map<string, CrateWork> {
  const work = new Map<string, CrateWork>();
  if (!existsSync(irDir)) return work;
  try {
    for (const entry of readdirSync(irDir, { withFileTypes: true })) {
      if (!entry.isDirectory() || failed.has(entry.name)) continue;
      const functions: IrFunction[] = [];
      for (const file of irFiles(path.join(irDir, entry.name))) functions.push(...functionsInIr(readFileSync(file, 'utf8')));
      work.set(entry.name, summarizeWork(functions));
    }
  } catch (e) {
    core.warning(`Watchmaker could not read the compile-work IR (${(e as Error).message}); the report goes on without it.`);
    core.debug((e as Error).stack ?? String(e));
    work.clear();
  } finally {
    rmSync(irDir, { recursive: true, force: true });
  }
  return work;
}
