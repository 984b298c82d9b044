// Cargo's schedule rebuilt from its --timings units and replayed with another number of jobs.
// Pure. The edges are cargo's own: a unit lists the units its end (`unblocked`) or its .rmeta
// (`unblockedRmeta`, pipelining) made ready. Cargo records only the dependency that finished last
// in the real build, so at other job counts a unit may in truth wait for another one: the model
// is checked against the build it came from before anything is predicted (index.ts).
import type { TimingsUnit } from '../timings/html.js';

/** What the model reads of a timings unit. */
export type ScheduleUnit = Pick<
  TimingsUnit,
  'id' | 'name' | 'kind' | 'start' | 'duration' | 'rmetaTime' | 'unblocked' | 'unblockedRmeta' | 'ran'
>;

interface Edge {
  to: number;
  /** Seconds from the unit's start until this edge is met: its .rmeta, or its end. */
  after: number;
}

export interface Graph {
  units: ScheduleUnit[];
  /** Seconds each unit occupies a job: 0 for fresh units (cargo runs them without a token). */
  cost: number[];
  edges: Edge[][];
  /** How many edges each unit waits for. */
  waits: number[];
}

/** Seconds until a unit's .rmeta was ready, within its run; its end when unknown. */
const rmetaAfter = (u: ScheduleUnit, cost: number) => Math.min(cost, Math.max(0, u.rmetaTime ?? cost));

/** The units with cargo's edges between them; an edge to a unit cargo did not list is dropped. */
export function buildGraph(units: ScheduleUnit[]): Graph {
  const index = new Map(units.map((u, i) => [u.id, i]));
  const cost = units.map((u) => (u.ran ? Math.max(0, u.duration) : 0));
  const waits = units.map(() => 0);
  const edges = units.map((u, i) => {
    const out: Edge[] = [];
    const add = (id: number, after: number) => {
      const to = index.get(id);
      if (to === undefined || to === i) return;
      out.push({ to, after });
      waits[to]! += 1;
    };
    for (const id of u.unblocked) add(id, cost[i]!);
    for (const id of u.unblockedRmeta) add(id, rmetaAfter(u, cost[i]!));
    return out;
  });
  return { units, cost, edges, waits };
}

/** Inserts into an array kept in descending order of `key`, so the least is popped from the end. */
function insertDescending<T>(items: T[], item: T, key: (x: T) => number): void {
  let [lo, hi] = [0, items.length];
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (key(items[mid]!) > key(item)) lo = mid + 1;
    else hi = mid;
  }
  items.splice(lo, 0, item);
}

/** Ready units: fresh ones (they need no job), and the rest in the order cargo started them in the real build. */
class ReadyQueue {
  private readonly fresh: number[] = [];
  private readonly queued: number[] = [];
  /** A unit's place in the real start order. */
  private readonly order: number[];
  constructor(private readonly g: Graph) {
    const byStart = g.units.map((_, i) => i).sort((a, b) => g.units[a]!.start - g.units[b]!.start || a - b);
    this.order = g.units.map(() => 0);
    byStart.forEach((unit, place) => (this.order[unit] = place));
  }
  add(i: number): void {
    if (this.g.cost[i] === 0) this.fresh.push(i);
    else insertDescending(this.queued, i, (u) => this.order[u]!);
  }
  /** A ready unit that may start now: a fresh one, else the first when a job is free. */
  take(jobFree: boolean): number | undefined {
    return this.fresh.pop() ?? (jobFree ? this.queued.pop() : undefined);
  }
}

/** Sums of floating seconds: closer than this is the same moment. */
const EPS = 1e-9;

/** A replay in progress: the clock, the units waiting, the jobs busy, the edges still to be met. */
class Replay {
  now = 0;
  last = 0;
  started = 0;
  /** When each unit started (NaN: not yet). */
  readonly starts: number[];
  readonly waits: number[];
  readonly ready: ReadyQueue;
  /** End times of the units holding a job, latest first. */
  readonly running: number[] = [];
  /** Edges to meet, latest first. */
  readonly due: Array<{ at: number; to: number }> = [];

  constructor(
    private readonly g: Graph,
    private readonly jobs: number,
  ) {
    this.waits = [...g.waits];
    this.starts = g.units.map(() => NaN);
    this.ready = new ReadyQueue(g);
    g.units.forEach((_, i) => this.waits[i] === 0 && this.ready.add(i));
  }

  /** Frees the jobs of units ended by now, and meets the edges due by now; true when any edge was. */
  meetDue(): boolean {
    while (this.running.length && this.running.at(-1)! <= this.now + EPS) this.running.pop();
    let any = false;
    while (this.due.length && this.due.at(-1)!.at <= this.now + EPS) {
      const { to } = this.due.pop()!;
      if (--this.waits[to]! === 0) this.ready.add(to);
      any = true;
    }
    return any;
  }

  /** Starts every ready unit a job is free for (fresh ones need none); true when any started. */
  startReady(): boolean {
    let any = false;
    for (
      let i = this.ready.take(this.running.length < this.jobs);
      i !== undefined;
      i = this.ready.take(this.running.length < this.jobs)
    ) {
      const cost = this.g.cost[i]!;
      for (const e of this.g.edges[i]!) insertDescending(this.due, { at: this.now + e.after, to: e.to }, (d) => d.at);
      this.starts[i] = this.now;
      if (cost > 0) insertDescending(this.running, this.now + cost, (end) => end);
      this.last = Math.max(this.last, this.now + cost);
      this.started += 1;
      any = true;
    }
    return any;
  }

  /** The next moment something happens (an edge met, a job freed), or null. */
  next(): number | null {
    const next = Math.min(this.due.at(-1)?.at ?? Infinity, this.running.at(-1) ?? Infinity);
    return next === Infinity ? null : next;
  }

  /** A cycle or a dangling wait (cargo's data is not a contract): what is stuck starts anyway. */
  unstick(): void {
    this.g.units.forEach((_, i) => {
      if (this.waits[i]! <= 0) return;
      this.waits[i] = 0;
      this.ready.add(i);
    });
  }
}

/**
 * List scheduling as cargo does it: up to `jobs` units at a time (Infinity: no limit), each
 * started as soon as it is ready and a job is free, ready units in their real start order.
 * Returns the wall seconds from the first start to the last end, and when each unit started.
 */
export function replay(g: Graph, jobs: number): { wall: number; starts: number[] } {
  const r = new Replay(g, Math.max(1, jobs));
  for (;;) {
    // Fresh units and edges met at once can make more ready at the same moment.
    while (r.meetDue() || r.startReady());
    const next = r.next();
    if (next === null) {
      if (r.started >= g.units.length) return { wall: r.last, starts: r.starts };
      r.unstick();
      continue;
    }
    r.now = next;
  }
}

/** The wall seconds of a replay with `jobs` jobs. */
export const simulate = (g: Graph, jobs: number): number => replay(g, jobs).wall;

/**
 * The graph on a runner with `cores` cores: a unit takes at least its CPU seconds spread over
 * them (a unit that used two cores through rustc's codegen threads takes twice as long alone on
 * one), its .rmeta edges moved in proportion. `cpu[i]` is unit i's CPU seconds, null when not
 * measured (its wall time stands). More cores than the build had never shorten a unit: how far
 * rustc's own threads would spread is not known from one build.
 */
export function onCores(g: Graph, cpu: ReadonlyArray<number | null>, cores: number): Graph {
  const cost = g.cost.map((c, i) => (c > 0 && cpu[i] != null ? Math.max(c, cpu[i]! / Math.max(1, cores)) : c));
  const edges = g.edges.map((out, i) => {
    const factor = g.cost[i]! > 0 ? cost[i]! / g.cost[i]! : 1;
    return factor === 1 ? out : out.map((e) => ({ to: e.to, after: e.after * factor }));
  });
  return { ...g, cost, edges };
}
