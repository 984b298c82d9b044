// Compile work against the baseline: the exact change in bytes of machine code of the crates
// measured on both sides, and the generic functions that grew the most. Pure. Identical inputs
// give identical object code, so the change needs no noise threshold: any difference is real
// (for the same rustc; another compiler version is noted).
import { groupChanges, rustName, type GroupChange } from '../ir/summary.js';
import { crateKey, crateOfKey, type CompileWork, type CrateCost, type RunRecord } from '../record.js';

export interface CrateWorkChange {
  /** `name@version`, or `name@version#target` for one target of a crate compiled only in part. */
  key: string;
  /** As the report names it: a workspace crate by name, a dependency with its version. */
  crate: string;
  /** Measured with compile-work: all. */
  dependency: boolean;
  base: Omit<CompileWork, 'targets'>;
  head: Omit<CompileWork, 'targets'>;
  /** Relative change in bytes; null when the base has none. */
  change: number | null;
  /**
   * The function groups whose bytes or copies changed: those defined in your crates first (`own`), then the others that
   * changed the most.
   */
  groups: GroupChange[];
}

export interface WorkComparison {
  /** Crates with a measure on both sides, biggest change in bytes first. */
  crates: CrateWorkChange[];
  /** How many of them were fresh from the cache on a side, their work carried from the run that compiled them. */
  carried: number;
  /** Crates a side compiled without a complete measure (nor a target compared), so they are not compared. */
  uncompared: Array<{ crate: string; why: NonNullable<CrateCost['workMissing']>; side: 'head' | 'base' }>;
  total: { baseBytes: number; headBytes: number; change: number | null };
  /** Another rustc built the baseline: part of a difference may be the compiler's. */
  compilerDiffers: boolean;
}

/** A count as the report writes it: 2,310. */
export const formatCount = (n: number) => n.toLocaleString('en-US');

const relative = (base: number, head: number) => (base > 0 ? (head - base) / base : null);

interface WorkEntry {
  /** The crate as the report names it: a member by name, a dependency with its version. */
  label: string;
  dependency: boolean;
  work: CompileWork;
  carried: boolean;
}

/**
 * Work measured in a record: of the crates it compiled, and carried for the ones that were fresh (bytes of machine code
 * only).
 */
function workEntries(r: RunRecord): Array<[string, WorkEntry]> {
  if (r.measurement.compileWork !== 'machine-code') return [];
  const label = (c: { crate: string; version: string | null; workspaceMember?: boolean }) =>
    c.workspaceMember === false ? `${c.crate} ${c.version ?? ''}`.trim() : c.crate;
  const entry = (
    c: { crate: string; version: string | null; workspaceMember?: boolean },
    work: CompileWork,
    carried: boolean,
  ): [string, WorkEntry] => [
    crateKey(c.crate, c.version),
    { label: label(c), dependency: c.workspaceMember === false, work, carried },
  ];
  const compiled = r.crates.filter((c) => c.work).map((c) => entry(c, c.work!, false));
  const fresh = (r.freshCrates ?? []).filter((f) => f.work).map((f) => entry(f, f.work!, true));
  return [...compiled, ...fresh];
}

/** The measured crates of a side, by name and version (the first record of a side that has any). */
function workOf(records: RunRecord[]): Map<string, WorkEntry> {
  const r = records.find((x) => workEntries(x).length > 0);
  return new Map(r ? workEntries(r) : []);
}

const sameRustc = (a: RunRecord, b: RunRecord) =>
  a.toolchain.release === b.toolchain.release && a.toolchain.commitHash === b.toolchain.commitHash;

/** Records whose work is the same measure of the same compilations when the inputs are the same. */
function measuredAlike(a: RunRecord, b: RunRecord): boolean {
  return (
    a.measurement.compileWork === 'machine-code' &&
    b.measurement.compileWork === 'machine-code' &&
    a.flagsHash === b.flagsHash &&
    a.profile === b.profile &&
    a.targetTriple === b.targetTriple &&
    sameRustc(a, b)
  );
}

/**
 * Gives this run's fresh crates the work `earlier` has for the very same inputs (crate, version
 * and input fingerprint: cargo's unit hashes and the git blobs of its files), measured by that run
 * or carried by it in turn. Identical inputs and compiler give identical object code, so the carried
 * numbers are as exact as measured ones; without them a pull request could only compare the
 * crates that both it and the base's run happened to compile. Returns how many were carried.
 */
export function carryWork(record: RunRecord, earlier: RunRecord): number {
  if (!measuredAlike(record, earlier)) return 0;
  const key = (c: { crate: string; version: string | null; inputFingerprint?: string | null }) =>
    `${crateKey(c.crate, c.version)}@${c.inputFingerprint}`;
  const known = new Map<string, { work: CompileWork; from: string | null }>();
  for (const c of earlier.crates)
    if (c.work && c.inputFingerprint) known.set(key(c), { work: c.work, from: earlier.git.commit });
  for (const f of earlier.freshCrates ?? [])
    if (f.work && f.inputFingerprint) known.set(key(f), { work: f.work, from: f.workFrom ?? null });
  let carried = 0;
  for (const f of record.freshCrates ?? []) {
    const found = f.inputFingerprint && !f.work ? known.get(key(f)) : undefined;
    if (!found) continue;
    f.work = found.work;
    f.workFrom = found.from;
    carried++;
  }
  return carried;
}

/**
 * The targets measured on a side, by `name@version#target`: of whole packages with several
 * targets, and of the packages this side compiled only in part (their other targets were fresh).
 */
function targetsOf(records: RunRecord[], whole: Map<string, WorkEntry>): Map<string, WorkEntry> {
  const out = new Map<string, WorkEntry>();
  for (const [key, e] of whole)
    for (const t of e.work.targets ?? [])
      out.set(`${key}#${t.target}`, { ...e, label: `${crateOfKey(key)} (${t.target})`, work: t });
  for (const c of records[0]?.crates ?? [])
    for (const t of c.partialWork?.targets ?? [])
      out.set(`${crateKey(c.crate, c.version)}#${t.target}`, {
        label: `${c.crate} (${t.target})`,
        dependency: !c.workspaceMember,
        work: t,
        carried: false,
      });
  return out;
}

/**
 * The Rust names of your crates in a record (the local path packages: workspace members and path
 * dependencies): package names, and the crate names of their compiled targets (a library may be
 * named otherwise), not build scripts.
 */
function ownCrates(r: RunRecord): string[] {
  const targets = (w: CompileWork | null | undefined) =>
    (w?.targets ?? []).map((t) => t.target.slice(t.target.indexOf(' ') + 1));
  const members = r.crates.filter((c) => c.workspaceMember);
  return [
    ...(r.workspaceMembers ?? []),
    ...members.flatMap((c) => [c.crate, ...targets(c.work), ...targets(c.partialWork)]),
    ...(r.freshCrates ?? []).filter((f) => f.workspaceMember).flatMap((f) => [f.crate, ...targets(f.work)]),
    ...r.units.filter((u) => u.workspaceMember && !u.kind.startsWith('build-script')).map((u) => u.target),
  ].map(rustName);
}

function change(key: string, h: WorkEntry, b: WorkEntry, own: ReadonlySet<string>): CrateWorkChange {
  return {
    key,
    crate: h.label,
    dependency: h.dependency,
    base: b.work,
    head: h.work,
    change: relative(b.work.bytes, h.work.bytes),
    groups: groupChanges(b.work, h.work, own),
  };
}

/** Whole crates measured on both sides; then, for crates compiled only in part, the targets measured on both. */
function changes(
  head: RunRecord[],
  base: RunRecord[],
  h: Map<string, WorkEntry>,
  b: Map<string, WorkEntry>,
): CrateWorkChange[] {
  // Your crates on either side (one may add or remove a crate).
  const own = new Set([...head, ...base].flatMap(ownCrates));
  const whole = [...h.keys()].filter((key) => b.has(key)).map((key) => change(key, h.get(key)!, b.get(key)!, own));
  const compared = new Set(whole.map((c) => c.key));
  const [ht, bt] = [targetsOf(head, h), targetsOf(base, b)];
  const targets = [...ht.keys()]
    .filter((key) => bt.has(key) && !compared.has(key.slice(0, key.indexOf('#'))))
    .map((key) => change(key, ht.get(key)!, bt.get(key)!, own));
  return [...whole, ...targets]
    .sort((x, y) => x.key.localeCompare(y.key))
    .sort((x, y) => Math.abs(y.head.bytes - y.base.bytes) - Math.abs(x.head.bytes - x.base.bytes));
}

export function compareWork(head: RunRecord[], base: RunRecord[]): WorkComparison | null {
  const [h, b] = [workOf(head), workOf(base)];
  const crates = changes(head, base, h, b);
  // Named, so a missing row is not read as no change (each crate once, this run's side first).
  const byTarget = new Set(
    crates.filter((c) => c.key.includes('#')).map((c) => crateOfKey(c.key.slice(0, c.key.indexOf('#')))),
  );
  const missing = (r: RunRecord, side: 'head' | 'base') =>
    r.crates
      .filter((c) => c.workMissing && !byTarget.has(c.crate))
      .map((c) => ({ crate: c.crate, why: c.workMissing!, side }));
  const uncompared = [...missing(head[0]!, 'head'), ...missing(base[0]!, 'base')].filter(
    (u, i, all) => all.findIndex((x) => x.crate === u.crate) === i,
  );
  if (crates.length === 0 && uncompared.length === 0) return null;
  const carried = crates.filter((c) => h.get(c.key)?.carried || b.get(c.key)?.carried).length;
  const baseBytes = crates.reduce((a, c) => a + c.base.bytes, 0);
  const headBytes = crates.reduce((a, c) => a + c.head.bytes, 0);
  const compilerDiffers = !sameRustc(head[0]!, base[0]!);
  return {
    crates,
    carried,
    uncompared,
    total: { baseBytes, headBytes, change: relative(baseBytes, headBytes) },
    compilerDiffers,
  };
}

/** "`path::search::<T>`: 4 → 10 copies, +2,310 bytes" (the name escaped by the caller's function). */
export function groupChangeText(g: GroupChange, code: (name: string) => string): string {
  const noun = g.headCopies === 1 ? 'copy' : 'copies';
  const copies =
    g.baseCopies === g.headCopies ? `${g.headCopies} ${noun}` : `${g.baseCopies} → ${g.headCopies} ${noun}`;
  const delta = g.headBytes - g.baseBytes;
  const bytes = Math.abs(delta);
  return `${code(g.name)}: ${copies}, ${delta >= 0 ? '+' : '−'}${formatCount(bytes)} byte${bytes === 1 ? '' : 's'}`;
}

/** The sentence the headline and the verdict use when the work moved. */
export function workSentence(w: WorkComparison): string | null {
  const delta = w.total.headBytes - w.total.baseBytes;
  if (delta === 0) return null;
  const sign = delta > 0 ? '+' : '−';
  const pct = w.total.change === null ? '' : ` (${sign}${Math.abs(w.total.change * 100).toFixed(1)}%)`;
  return `compile work ${delta > 0 ? 'grew' : 'shrank'} by ${formatCount(Math.abs(delta))} bytes of machine code${pct}`;
}
