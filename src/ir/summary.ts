// Compile work, the pure core: how much machine code the compiler generated for a crate, and
// which functions it came from: the sizes of the functions in the object code cargo wrote
// (objects.ts), grouped as cargo-llvm-lines groups them, by their demangled path without generic
// arguments, so a generic function's copies (one per set of types it is used with) add up in one
// group. Identical inputs and compiler give identical object code: the measure has no noise.
import type { CompileWork } from '../record.js';
import type { ObjectFunction } from './objects.js';
import { demangle, genericGroup } from './demangle.js';

/** One group of functions: a non-generic function, or every copy of a generic one. */
export interface WorkGroup {
  name: string;
  copies: number;
  bytes: number;
}

/** Per crate: bytes of machine code in all its functions, their number, and the biggest groups (at most TOP_GROUPS). */
export type CrateWork = CompileWork;

/** Groups kept per crate in the record: enough to name what grew, small enough to store. */
export const TOP_GROUPS = 40;

/** By code unit, not locale: the same order on every machine. */
const compareNames = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** A function's group: its demangled path without generic arguments (the symbol itself when not Rust). */
export function groupOf(symbol: string, demangled?: string | null): string {
  const path = demangled === undefined ? demangle(symbol) : demangled;
  return path === null ? symbol : genericGroup(path);
}

/** Work being added up, file by file, before it is summarised. */
export interface WorkTally {
  bytes: number;
  functions: number;
  groups: Map<string, WorkGroup>;
}

export const emptyTally = (): WorkTally => ({ bytes: 0, functions: 0, groups: new Map() });

/** Adds `copies` functions of `bytes` in all to the group `name` and to the totals. */
function addToGroup(tally: WorkTally, name: string, copies: number, bytes: number): void {
  tally.bytes += bytes;
  tally.functions += copies;
  const g = tally.groups.get(name) ?? { name, copies: 0, bytes: 0 };
  g.copies += copies;
  g.bytes += bytes;
  tally.groups.set(name, g);
}

export function addFunctions(tally: WorkTally, functions: ObjectFunction[]): void {
  for (const f of functions) addToGroup(tally, groupOf(f.symbol, f.path), 1, f.size);
}

/** One file's groups as the reading thread sends them: name, copies, bytes. */
export type FileGroups = Array<[name: string, copies: number, bytes: number]>;

export function addGroups(tally: WorkTally, groups: FileGroups): void {
  for (const [name, copies, bytes] of groups) addToGroup(tally, name, copies, bytes);
}

/** Several tallies added up (a package's targets). */
export function mergeTallies(tallies: Iterable<WorkTally>): WorkTally {
  const merged = emptyTally();
  for (const t of tallies) for (const g of t.groups.values()) addToGroup(merged, g.name, g.copies, g.bytes);
  return merged;
}

/** A package's work from its targets' tallies: the sum, and each target apart when there are several (or always, for a partial package). */
export function packageWork(targets: ReadonlyMap<string, WorkTally>, withTargets = targets.size > 1): CrateWork {
  const work = tallyWork(mergeTallies(targets.values()));
  if (!withTargets) return work;
  const each = [...targets].sort(([a], [b]) => compareNames(a, b)).map(([target, t]) => ({ target, ...tallyWork(t) }));
  return { ...work, targets: each };
}

export function tallyWork(tally: WorkTally, top = TOP_GROUPS): CrateWork {
  const sorted = [...tally.groups.values()].sort((a, b) => b.bytes - a.bytes || compareNames(a.name, b.name));
  return { bytes: tally.bytes, functions: tally.functions, groups: sorted.slice(0, top) };
}

export function summarizeWork(functions: ObjectFunction[], top = TOP_GROUPS): CrateWork {
  const tally = emptyTally();
  addFunctions(tally, functions);
  return tallyWork(tally, top);
}

/** One group's change between two runs of a crate. */
export interface GroupChange {
  name: string;
  baseCopies: number;
  headCopies: number;
  baseBytes: number;
  headBytes: number;
}

/**
 * The groups that grew or shrank the most between two summaries, by bytes. A group outside a
 * side's top list counts as absent there, so only groups in both lists or clearly new ones are
 * exact; the crate totals always are.
 */
export function groupChanges(base: CrateWork, head: CrateWork, limit = 5): GroupChange[] {
  const names = new Set([...base.groups, ...head.groups].map((g) => g.name));
  const find = (w: CrateWork, name: string) => w.groups.find((g) => g.name === name);
  return [...names]
    .map((name) => {
      const [b, h] = [find(base, name), find(head, name)];
      return { name, baseCopies: b?.copies ?? 0, headCopies: h?.copies ?? 0, baseBytes: b?.bytes ?? 0, headBytes: h?.bytes ?? 0 };
    })
    .filter((c) => c.baseBytes !== c.headBytes || c.baseCopies !== c.headCopies)
    .sort((a, b) => Math.abs(b.headBytes - b.baseBytes) - Math.abs(a.headBytes - a.baseBytes) || compareNames(a.name, b.name))
    .slice(0, limit);
}
