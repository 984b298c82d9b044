// Compile work, the pure core: how much LLVM IR the compiler generated for a crate, and which
// functions it came from. The same measure as cargo-llvm-lines: lines of IR per function
// definition, functions grouped by their demangled path without generic arguments, so a generic
// function's copies (one per set of types it is used with) add up in one group. Identical inputs
// give identical IR on any machine: the measure has no noise.
import type { CompileWork } from '../record.js';
import { demangle, genericGroup } from './demangle.js';

export interface IrFunction {
  /** The symbol as LLVM names it (mangled). */
  symbol: string;
  /** Lines of IR from `define` to the closing brace. */
  lines: number;
}

/** One group of functions: a non-generic function, or every copy of a generic one. */
export interface WorkGroup {
  name: string;
  copies: number;
  lines: number;
}

/** Per crate: lines of IR in all its function definitions, their number, and the biggest groups (at most TOP_GROUPS). */
export type CrateWork = CompileWork;

/** Groups kept per crate in the record: enough to name what grew, small enough to store. */
export const TOP_GROUPS = 40;

const DEFINE = /^define\b[^@]*@("(?:[^"\\]|\\.)*"|[-A-Za-z$._0-9]+)\(/;

/** The function definitions of one `.ll` file. */
export function functionsInIr(text: string): IrFunction[] {
  const out: IrFunction[] = [];
  let current: IrFunction | null = null;
  for (const line of text.split('\n')) {
    if (current) {
      current.lines++;
      if (line.startsWith('}')) {
        out.push(current);
        current = null;
      }
      continue;
    }
    const m = DEFINE.exec(line);
    if (m) current = { symbol: m[1]!.replace(/^"|"$/g, ''), lines: 1 };
  }
  return out;
}

/** A function's group: its demangled path without generic arguments (the symbol itself when not Rust). */
export function groupOf(symbol: string): string {
  const path = demangle(symbol);
  return path === null ? symbol : genericGroup(path);
}

/** Work being added up, unit by unit, before it is summarised. */
export interface WorkTally {
  lines: number;
  functions: number;
  groups: Map<string, WorkGroup>;
}

export const emptyTally = (): WorkTally => ({ lines: 0, functions: 0, groups: new Map() });

export function addFunctions(tally: WorkTally, functions: IrFunction[]): void {
  for (const f of functions) {
    tally.lines += f.lines;
    tally.functions++;
    const name = groupOf(f.symbol);
    const g = tally.groups.get(name) ?? { name, copies: 0, lines: 0 };
    g.copies++;
    g.lines += f.lines;
    tally.groups.set(name, g);
  }
}

export function tallyWork(tally: WorkTally, top = TOP_GROUPS): CrateWork {
  const sorted = [...tally.groups.values()].sort((a, b) => b.lines - a.lines || a.name.localeCompare(b.name));
  return { lines: tally.lines, functions: tally.functions, groups: sorted.slice(0, top) };
}

export function summarizeWork(functions: IrFunction[], top = TOP_GROUPS): CrateWork {
  const tally = emptyTally();
  addFunctions(tally, functions);
  return tallyWork(tally, top);
}

/** One group's change between two runs of a crate. */
export interface GroupChange {
  name: string;
  baseCopies: number;
  headCopies: number;
  baseLines: number;
  headLines: number;
}

/**
 * The groups that grew or shrank the most between two summaries, by lines. A group outside a
 * side's top list counts as absent there, so only groups in both lists or clearly new ones are
 * exact; the crate totals always are.
 */
export function groupChanges(base: CrateWork, head: CrateWork, limit = 5): GroupChange[] {
  const names = new Set([...base.groups, ...head.groups].map((g) => g.name));
  const find = (w: CrateWork, name: string) => w.groups.find((g) => g.name === name);
  return [...names]
    .map((name) => {
      const [b, h] = [find(base, name), find(head, name)];
      return { name, baseCopies: b?.copies ?? 0, headCopies: h?.copies ?? 0, baseLines: b?.lines ?? 0, headLines: h?.lines ?? 0 };
    })
    .filter((c) => c.baseLines !== c.headLines || c.baseCopies !== c.headCopies)
    .sort((a, b) => Math.abs(b.headLines - b.baseLines) - Math.abs(a.headLines - a.baseLines) || a.name.localeCompare(b.name))
    .slice(0, limit);
}
