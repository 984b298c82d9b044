// Compile work, the pure core: how much LLVM IR the compiler generated for a crate, and which
// functions it came from. Counted as cargo-llvm-lines counts it, but in IR instructions per
// function (read from the bitcode rustc writes, bitcode.ts) rather than lines of printed IR:
// functions grouped by their demangled path without generic arguments, so a generic function's
// copies (one per set of types it is used with) add up in one group. Identical inputs give
// identical IR on any machine: the measure has no noise.
import type { CompileWork } from '../record.js';
import type { BitcodeFunction } from './bitcode.js';
import { demangle, genericGroup } from './demangle.js';

/** One group of functions: a non-generic function, or every copy of a generic one. */
export interface WorkGroup {
  name: string;
  copies: number;
  instructions: number;
}

/** Per crate: IR instructions in all its function definitions, their number, and the biggest groups (at most TOP_GROUPS). */
export type CrateWork = CompileWork;

/** Groups kept per crate in the record: enough to name what grew, small enough to store. */
export const TOP_GROUPS = 40;

/** A function's group: its demangled path without generic arguments (the symbol itself when not Rust). */
export function groupOf(symbol: string, demangled?: string | null): string {
  const path = demangled === undefined ? demangle(symbol) : demangled;
  return path === null ? symbol : genericGroup(path);
}

/** Work being added up, unit by unit, before it is summarised. */
export interface WorkTally {
  instructions: number;
  functions: number;
  groups: Map<string, WorkGroup>;
}

export const emptyTally = (): WorkTally => ({ instructions: 0, functions: 0, groups: new Map() });

/** Adds `copies` functions of `instructions` in all to the group `name` and to the totals. */
function addToGroup(tally: WorkTally, name: string, copies: number, instructions: number): void {
  tally.instructions += instructions;
  tally.functions += copies;
  const g = tally.groups.get(name) ?? { name, copies: 0, instructions: 0 };
  g.copies += copies;
  g.instructions += instructions;
  tally.groups.set(name, g);
}

export function addFunctions(tally: WorkTally, functions: BitcodeFunction[]): void {
  for (const f of functions) addToGroup(tally, groupOf(f.symbol, f.path), 1, f.instructions);
}

/** Several tallies added up (a package's targets). */
export function mergeTallies(tallies: Iterable<WorkTally>): WorkTally {
  const merged = emptyTally();
  for (const t of tallies) for (const g of t.groups.values()) addToGroup(merged, g.name, g.copies, g.instructions);
  return merged;
}

/** A package's work from its targets' tallies: the sum, and each target apart when there are several (or always, for a partial package). */
export function packageWork(targets: ReadonlyMap<string, WorkTally>, withTargets = targets.size > 1): CrateWork {
  const work = tallyWork(mergeTallies(targets.values()));
  if (!withTargets) return work;
  const each = [...targets].sort(([a], [b]) => a.localeCompare(b)).map(([target, t]) => ({ target, ...tallyWork(t) }));
  return { ...work, targets: each };
}

export function tallyWork(tally: WorkTally, top = TOP_GROUPS): CrateWork {
  const sorted = [...tally.groups.values()].sort((a, b) => b.instructions - a.instructions || a.name.localeCompare(b.name));
  return { instructions: tally.instructions, functions: tally.functions, groups: sorted.slice(0, top) };
}

export function summarizeWork(functions: BitcodeFunction[], top = TOP_GROUPS): CrateWork {
  const tally = emptyTally();
  addFunctions(tally, functions);
  return tallyWork(tally, top);
}

/** One group's change between two runs of a crate. */
export interface GroupChange {
  name: string;
  baseCopies: number;
  headCopies: number;
  baseInstructions: number;
  headInstructions: number;
}

/**
 * The groups that grew or shrank the most between two summaries, by instructions. A group outside a
 * side's top list counts as absent there, so only groups in both lists or clearly new ones are
 * exact; the crate totals always are.
 */
export function groupChanges(base: CrateWork, head: CrateWork, limit = 5): GroupChange[] {
  const names = new Set([...base.groups, ...head.groups].map((g) => g.name));
  const find = (w: CrateWork, name: string) => w.groups.find((g) => g.name === name);
  return [...names]
    .map((name) => {
      const [b, h] = [find(base, name), find(head, name)];
      return { name, baseCopies: b?.copies ?? 0, headCopies: h?.copies ?? 0, baseInstructions: b?.instructions ?? 0, headInstructions: h?.instructions ?? 0 };
    })
    .filter((c) => c.baseInstructions !== c.headInstructions || c.baseCopies !== c.headCopies)
    .sort((a, b) => Math.abs(b.headInstructions - b.baseInstructions) - Math.abs(a.headInstructions - a.baseInstructions) || a.name.localeCompare(b.name))
    .slice(0, limit);
}
