// Compile work, the pure core: how much machine code the compiler generated for a crate, and
// which functions it came from: the sizes of the functions in the object code cargo wrote
// (objects.ts), grouped as cargo-llvm-lines groups them, by their demangled path without generic
// arguments, so a generic function's copies (one per set of types it is used with) add up in one
// group. Identical inputs and compiler give identical object code: the measure has no noise.
import type { CompileWork } from '../record.js';
import type { ObjectFunction } from './objects.js';
import { closingBracket, demangle, genericGroup } from './demangle.js';

/** One group of functions: a non-generic function, or every copy of a generic one. */
export interface WorkGroup {
  name: string;
  copies: number;
  bytes: number;
}

/**
 * Per crate: bytes of machine code in all its functions, their number, and the biggest groups (TOP_GROUPS, and up to
 * OWN_GROUPS of your own).
 */
export type CrateWork = CompileWork;

/** Groups kept per crate in the record: enough to name what grew, small enough to store. */
export const TOP_GROUPS = 40;

/**
 * Groups defined in your own crates kept besides the biggest (a small generic function of yours
 * is rarely among them), so they can be compared: at most this many more per crate.
 */
export const OWN_GROUPS = 40;

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

/** A crate's name as Rust paths spell it: a package or target name with `-` as `_` (`my-crate` → `my_crate`). */
export const rustName = (name: string) => name.replace(/-/g, '_');

/**
 * The crates a path names first: `engine` of `engine::tables::build::<T>`; of `<A as B>::f`, A's and B's; none when it
 * is not a Rust path.
 */
function pathCrates(path: string): string[] {
  // A reference, pointer, slice, tuple or trait object type is defined where the type in it is.
  const p = path.replace(/^(?:&(?:mut )?|\*(?:const|mut) |\[|\(|dyn |impl )+/, '');
  if (p.startsWith('<')) {
    const close = closingBracket(p, 0);
    const inner = p.slice(1, close);
    // ` as ` at the qualified path's own depth separates the type from the trait.
    let depth = 0;
    for (let i = 0; i < inner.length; i++) {
      if (inner[i] === '<') depth++;
      else if (inner[i] === '>' && inner[i - 1] !== '-') depth--;
      else if (depth === 0 && inner.startsWith(' as ', i))
        return [...pathCrates(inner.slice(0, i)), ...pathCrates(inner.slice(i + 4))];
    }
    return pathCrates(inner);
  }
  const first = /^([A-Za-z_][A-Za-z0-9_]*)(?:\[[0-9a-f]+\])?::/.exec(p);
  return first ? [first[1]!] : [];
}

/**
 * Whether a group (a demangled path, generic arguments as `<T>`) is defined in one of `crates`
 * (Rust names, see rustName): its path's first segment is one of them, or for `<A as B>::f` the
 * first segment of A's or B's path (an impl is in the crate of its type or of its trait). Where
 * its copies were compiled does not matter: `engine::build::<T>` instantiated in `app` is engine's.
 */
export function definedIn(group: string, crates: ReadonlySet<string>): boolean {
  return crates.size > 0 && pathCrates(group).some((c) => crates.has(c));
}

/**
 * A package's work from its targets' tallies: the sum, and each target apart when there are
 * several (or always, for a partial package). `own`: your crates' Rust names (see tallyWork).
 */
export function packageWork(
  targets: ReadonlyMap<string, WorkTally>,
  withTargets = targets.size > 1,
  own?: ReadonlySet<string>,
): CrateWork {
  const work = tallyWork(mergeTallies(targets.values()), TOP_GROUPS, own);
  if (!withTargets) return work;
  const each = [...targets]
    .sort(([a], [b]) => compareNames(a, b))
    .map(([target, t]) => ({ target, ...tallyWork(t, TOP_GROUPS, own) }));
  return { ...work, targets: each };
}

/**
 * The `top` biggest groups; with `own` (the Rust names of your crates), also the groups defined
 * in them (definedIn) beyond those, at most OWN_GROUPS more, and whether that is all of them.
 */
export function tallyWork(tally: WorkTally, top = TOP_GROUPS, own?: ReadonlySet<string>): CrateWork {
  const sorted = [...tally.groups.values()].sort((a, b) => b.bytes - a.bytes || compareNames(a.name, b.name));
  const work = { bytes: tally.bytes, functions: tally.functions, groups: sorted.slice(0, top) };
  if (!own?.size) return work;
  const more = sorted.slice(top).filter((g) => definedIn(g.name, own));
  return {
    ...work,
    groups: [...work.groups, ...more.slice(0, OWN_GROUPS)],
    ownGroupsComplete: more.length <= OWN_GROUPS,
  };
}

export function summarizeWork(functions: ObjectFunction[], top = TOP_GROUPS, own?: ReadonlySet<string>): CrateWork {
  const tally = emptyTally();
  addFunctions(tally, functions);
  return tallyWork(tally, top, own);
}

/** One group's change between two runs of a crate. */
export interface GroupChange {
  name: string;
  baseCopies: number;
  headCopies: number;
  baseBytes: number;
  headBytes: number;
  /** Defined in one of your crates (definedIn), wherever its copies were compiled. */
  own: boolean;
}

/**
 * Whether a group absent from a side's list of your groups is absent from its code: the side kept every one of them, or
 * every group.
 */
const keptAllOwn = (w: Omit<CrateWork, 'targets'>) => w.ownGroupsComplete === true || w.groups.length < TOP_GROUPS;

/**
 * The groups whose bytes or copies changed between two summaries: those defined in your `crates`
 * (Rust names) first, however small, then the others that changed the most; at most `limit` of
 * each, biggest change in bytes first. A group outside a side's list counts as absent there, so
 * only groups in both lists or clearly new ones are exact; the crate totals always are. One of
 * yours kept only beyond the biggest (tallyWork) is compared only when the other side kept all of
 * yours too (a record from before they were kept has only its biggest): else it is left out.
 */
export function groupChanges(
  base: CrateWork,
  head: CrateWork,
  crates: ReadonlySet<string> = new Set(),
  limit = 5,
): GroupChange[] {
  const names = new Set([...base.groups, ...head.groups].map((g) => g.name));
  const index = (w: CrateWork) => new Map(w.groups.map((g, i) => [g.name, { ...g, top: i < TOP_GROUPS }]));
  const [bs, hs] = [index(base), index(head)];
  // A group of yours one side kept only beyond its biggest: known absent from the other side, or not compared.
  const compared = (kept: { top: boolean } | undefined, other: unknown, otherWork: CrateWork) =>
    !kept || kept.top || other !== undefined || keptAllOwn(otherWork);
  const changes = [...names]
    .map((name) => ({ name, b: bs.get(name), h: hs.get(name), own: definedIn(name, crates) }))
    .filter(({ b, h, own }) => !own || (compared(b, h, head) && compared(h, b, base)))
    .map(({ name, b, h, own }) => ({
      name,
      baseCopies: b?.copies ?? 0,
      headCopies: h?.copies ?? 0,
      baseBytes: b?.bytes ?? 0,
      headBytes: h?.bytes ?? 0,
      own,
    }))
    .filter((c) => c.baseBytes !== c.headBytes || c.baseCopies !== c.headCopies)
    .sort(
      (a, b) =>
        Math.abs(b.headBytes - b.baseBytes) - Math.abs(a.headBytes - a.baseBytes) || compareNames(a.name, b.name),
    );
  return [...changes.filter((c) => c.own).slice(0, limit), ...changes.filter((c) => !c.own).slice(0, limit)];
}
