// What more or fewer parallel jobs would do to a build, from the build's own --timings units, at
// no extra build cost. Pure. The schedule is replayed (schedule.ts) first at the build's own job
// count: only when that reproduces the measured wall time is anything predicted, so a prediction
// never rests on a model that missed the one build it can be checked against.
import { PARALLEL_JOBS, type Parallelism } from '../record.js';
import { buildGraph, onCores, replay, simulate, type Graph, type ScheduleUnit } from './schedule.js';

export { buildGraph, replay, simulate, type ScheduleUnit } from './schedule.js';

/** Predictions are withheld when the replay at the build's own job count misses its wall time by more than this. */
export const MODEL_TOLERANCE = 0.15;

/** The timings the model reads (src/timings/html.ts's TimingsReport has them). */
export interface ScheduleInput {
  units: ScheduleUnit[];
  summary: { maxConcurrency: string | null };
}

const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;
const compiled = (units: ScheduleUnit[]) => units.filter((u) => u.ran && u.duration > 0);

/** Cargo's -j: its timings summary says it ("3 (jobs=2 ncpu=2)"); cargo's default is the CPU count. */
export function buildJobs(maxConcurrency: string | null, cpus: number): number {
  const jobs = Number(/\bjobs=(\d+)/.exec(maxConcurrency ?? '')?.[1] ?? 0);
  return jobs > 0 ? jobs : Math.max(1, cpus);
}

/** Seconds from the first unit's start to the last one's end. */
export function measuredWall(units: ScheduleUnit[]): number {
  const ran = compiled(units);
  if (ran.length === 0) return 0;
  return (
    ran.reduce((last, u) => Math.max(last, u.start + u.duration), 0) -
    ran.reduce((first, u) => Math.min(first, u.start), Infinity)
  );
}

/** Seconds with exactly one unit compiling: no number of jobs shortens them. */
export function serialSeconds(units: ScheduleUnit[]): number {
  // An end sorts before a start at the same moment: units that touch do not overlap.
  const points = compiled(units)
    .flatMap((u) => [[u.start, 1] as const, [u.start + u.duration, -1] as const])
    .sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let [active, previous, alone] = [0, 0, 0];
  for (const [at, change] of points) {
    if (active === 1) alone += at - previous;
    active += change;
    previous = at;
  }
  return alone;
}

/** `syn`, `app (bin)`, `gen (build-script-run)`: the crate, and the target when not its library. */
export const unitLabel = (u: Pick<ScheduleUnit, 'name' | 'kind'>) =>
  u.kind === 'lib' ? u.name : `${u.name} (${u.kind})`;

/**
 * The chain that bounds the build whatever the number of jobs: in a replay without a limit on
 * jobs, from the unit that ends last back through the unit whose end (or .rmeta) made it ready
 * latest. Each holds the chain from its start until the next one started (its .rmeta when the
 * next waited only for that); the last one for its whole run. Fresh units hold it for nothing.
 */
export function criticalChain(g: Graph, wall: number): Parallelism['criticalPath'] {
  if (wall <= 0 || !g.cost.some((c) => c > 0)) return [];
  const { starts } = replay(g, Infinity);
  const readyBy = g.units.map(() => [] as Array<{ from: number; holds: number }>);
  g.edges.forEach((edges, from) => edges.forEach((e) => readyBy[e.to]!.push({ from, holds: e.after })));
  const end = (i: number) => starts[i]! + g.cost[i]!;
  // A dependent that ends with its dependency (pipelining) is the later link.
  const later = (i: number, j: number) => end(i) > end(j) || (end(i) === end(j) && starts[i]! > starts[j]!);
  let current = g.units.reduce((last, _, i) => (later(i, last) ? i : last), 0);
  const chain = [{ from: current, holds: g.cost[current]! }];
  for (;;) {
    const links = readyBy[current]!.filter((l) => !chain.some((c) => c.from === l.from));
    if (links.length === 0) break;
    const latest = links.reduce((a, b) => (starts[b.from]! + b.holds > starts[a.from]! + a.holds ? b : a));
    chain.unshift(latest);
    current = latest.from;
  }
  return chain
    .filter((c) => g.cost[c.from]! > 0)
    .map((c) => ({ unit: unitLabel(g.units[c.from]!), seconds: round(c.holds, 2), share: round(c.holds / wall, 3) }));
}

/** Wall seconds at each job count of PARALLEL_JOBS. */
function predict(graph: Graph, cpu: ReadonlyArray<number | null>): NonNullable<Parallelism['predicted']> {
  const out = {} as NonNullable<Parallelism['predicted']>;
  // In a fixed start order more jobs can end later (Graham's anomaly); cargo's order is not fixed,
  // so that is the model's artefact, not advice: a prediction never rises with more jobs.
  let best = Infinity;
  const totalCpu = cpu.reduce<number>((sum, c, i) => sum + (graph.cost[i]! > 0 ? (c ?? 0) : 0), 0);
  for (const k of PARALLEL_JOBS) {
    // k jobs on a runner with k cores (cargo's default -j is the core count): never less than
    // all the measured CPU seconds over those cores, however the units overlap.
    const cores = Number(k);
    best = Math.min(best, Math.max(simulate(onCores(graph, cpu, cores), cores), totalCpu / cores));
    out[k] = round(best, 2);
  }
  return out;
}

/** A unit's CPU seconds (the wrapper's measure of its rustc), or null when not measured. */
export type UnitCpu = (u: Pick<ScheduleUnit, 'name' | 'kind'>) => number | null;

/**
 * The model for one build; null without timings or when nothing was compiled. Predictions are for
 * k jobs on a k-core runner: with `cpuOf`, a unit takes at least its CPU seconds over k cores.
 */
export function parallelismOf(
  timings: ScheduleInput | null,
  cpus: number,
  cpuOf: UnitCpu = () => null,
): Parallelism | null {
  const wall = timings ? measuredWall(timings.units) : 0;
  if (!timings || wall <= 0) return null;
  const jobs = buildJobs(timings.summary.maxConcurrency, cpus);
  const graph = buildGraph(timings.units);
  const modelError = round(Math.abs(simulate(graph, jobs) - wall) / wall, 3);
  return {
    jobs,
    modelError,
    predicted:
      modelError > MODEL_TOLERANCE
        ? null
        : predict(
            graph,
            timings.units.map((u) => cpuOf(u)),
          ),
    criticalPath: criticalChain(graph, wall),
    serialSeconds: round(serialSeconds(timings.units), 2),
  };
}

/** The `parallelism` output: `{"1":61.2,"2":34.0,…}`, one decimal; empty when nothing is predicted. */
export function parallelismOutput(p: Parallelism | null | undefined): string {
  const predicted = p?.predicted;
  if (!predicted) return '';
  return `{${PARALLEL_JOBS.map((k) => `"${k}":${predicted[k].toFixed(1)}`).join(',')}}`;
}

/** A bounding chain that moved by less than this share and these seconds is the same chain, for the comment. */
const MATERIAL_CHAIN_SHARE = 0.2;
const MATERIAL_CHAIN_SECONDS = 1;

/** What the comparison of two chains needs from a record. */
export interface ChainSide {
  parallelism?: Parallelism | null;
  /** The compiled units (only builds that compiled the same units have comparable chains). */
  units: Array<{ crate: string; kind: string; target: string }>;
}

const unitSet = (s: ChainSide) => new Set(s.units.map((u) => `${u.crate}\0${u.kind}\0${u.target}`));
const chainSeconds = (p: Parallelism) => p.criticalPath.reduce((sum, u) => sum + u.seconds, 0);
const chainText = (p: Parallelism) =>
  `${p.criticalPath.map((u) => u.unit).join(' → ')} (${chainSeconds(p).toFixed(1)} s)`;

/**
 * The sentence for a bounding chain that changed materially against the baseline: other units,
 * or a length changed by 20% and 1 s. Null when it did not, or when the two builds compiled
 * different units (a warm build's chain differs from a cold one's because of the cache, not the
 * code), so a pull request comment names the chain only when the code moved it.
 */
export function criticalPathChange(head: ChainSide, base: ChainSide): string | null {
  const [h, b] = [head.parallelism, base.parallelism];
  if (!h?.criticalPath.length || !b?.criticalPath.length) return null;
  const [hu, bu] = [unitSet(head), unitSet(base)];
  if (hu.size !== bu.size || [...hu].some((u) => !bu.has(u))) return null;
  const sameUnits = h.criticalPath.map((u) => u.unit).join('\0') === b.criticalPath.map((u) => u.unit).join('\0');
  const delta = Math.abs(chainSeconds(h) - chainSeconds(b));
  const moved = delta >= MATERIAL_CHAIN_SECONDS && delta >= MATERIAL_CHAIN_SHARE * chainSeconds(b);
  if (sameUnits && !moved) return null;
  return `The chain that bounds the build changed: ${chainText(b)} in the baseline, ${chainText(h)} now.`;
}
