// Compile work against the baseline: the exact change in LLVM IR of the workspace crates
// measured on both sides, and the generic functions that grew the most. Pure. Identical inputs
// give identical IR, so the change needs no noise threshold: any difference is real (for the
// same rustc; another compiler version is noted).
import { groupChanges, type GroupChange } from '../ir/summary.js';
import type { CompileWork, RunRecord } from '../record.js';

export interface CrateWorkChange {
  crate: string;
  base: CompileWork;
  head: CompileWork;
  /** Relative change in instructions; null when the base has none. */
  change: number | null;
  /** The function groups whose instructions or copies changed the most. */
  groups: GroupChange[];
}

export interface WorkComparison {
  /** Crates with a measure on both sides, biggest change in instructions first. */
  crates: CrateWorkChange[];
  total: { baseInstructions: number; headInstructions: number; change: number | null };
  /** Another rustc built the baseline: part of a difference may be the compiler's. */
  compilerDiffers: boolean;
}

/** A count as the report writes it: 2,310. */
export const formatCount = (n: number) => n.toLocaleString('en-US');

const relative = (base: number, head: number) => (base > 0 ? (head - base) / base : null);

/** The measured crates of a record, by name (the first record of a side that has any). */
function workOf(records: RunRecord[]): Map<string, CompileWork> {
  const r = records.find((x) => x.crates.some((c) => c.work));
  return new Map((r?.crates ?? []).filter((c) => c.work).map((c) => [c.crate, c.work!]));
}

export function compareWork(head: RunRecord[], base: RunRecord[]): WorkComparison | null {
  const [h, b] = [workOf(head), workOf(base)];
  const crates: CrateWorkChange[] = [...h.keys()]
    .filter((name) => b.has(name))
    .sort()
    .map((crate) => {
      const [bw, hw] = [b.get(crate)!, h.get(crate)!];
      return { crate, base: bw, head: hw, change: relative(bw.instructions, hw.instructions), groups: groupChanges(bw, hw) };
    })
    .sort((x, y) => Math.abs(y.head.instructions - y.base.instructions) - Math.abs(x.head.instructions - x.base.instructions));
  if (crates.length === 0) return null;
  const baseInstructions = crates.reduce((a, c) => a + c.base.instructions, 0);
  const headInstructions = crates.reduce((a, c) => a + c.head.instructions, 0);
  const compilerDiffers = head[0]!.toolchain.release !== base[0]!.toolchain.release || head[0]!.toolchain.commitHash !== base[0]!.toolchain.commitHash;
  return { crates, total: { baseInstructions, headInstructions, change: relative(baseInstructions, headInstructions) }, compilerDiffers };
}

/** "`path::search::<T>`: 4 → 10 copies, +2,310 instructions" (the name escaped by the caller's function). */
export function groupChangeText(g: GroupChange, code: (name: string) => string): string {
  const copies = g.baseCopies === g.headCopies ? `${g.headCopies} ${g.headCopies === 1 ? 'copy' : 'copies'}` : `${g.baseCopies} → ${g.headCopies} copies`;
  const delta = g.headInstructions - g.baseInstructions;
  return `${code(g.name)}: ${copies}, ${delta >= 0 ? '+' : '−'}${formatCount(Math.abs(delta))} instructions`;
}

/** The sentence the headline and the verdict use when the work moved. */
export function workSentence(w: WorkComparison): string | null {
  const delta = w.total.headInstructions - w.total.baseInstructions;
  if (delta === 0) return null;
  const pct = w.total.change === null ? '' : ` (${delta > 0 ? '+' : '−'}${Math.abs(w.total.change * 100).toFixed(1)}%)`;
  return `compile work ${delta > 0 ? 'grew' : 'shrank'} by ${formatCount(Math.abs(delta))} LLVM IR instructions${pct}, exactly`;
}
