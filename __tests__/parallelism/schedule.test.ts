// The parallelism model on synthetic schedules whose answers are known by hand, and on cargo
// 1.95's real timings: the replay, pipelining, fresh units, the check against the build itself,
// the bounding chain and the serial time.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  buildGraph,
  buildJobs,
  criticalChain,
  measuredWall,
  MODEL_TOLERANCE,
  parallelismOf,
  parallelismOutput,
  serialSeconds,
  simulate,
  type ScheduleUnit,
} from '../../src/parallelism/index.js';
import { parseTimingsHtml } from '../../src/timings/html.js';

let nextId = 0;
/** A unit that ran from `start` for `duration` seconds; `to`/`rmetaTo` name what its end/.rmeta made ready. */
function unit(name: string, start: number, duration: number, over: Partial<ScheduleUnit> = {}): ScheduleUnit {
  return {
    id: nextId++,
    name,
    kind: 'lib',
    start,
    duration,
    rmetaTime: null,
    unblocked: [],
    unblockedRmeta: [],
    ran: true,
    ...over,
  };
}
const timings = (units: ScheduleUnit[], jobs = 2) => ({
  units,
  summary: { maxConcurrency: `${jobs} (jobs=${jobs} ncpu=${jobs})` },
});

/**
 * A serial chain c1 → c2 → c3 → c4 of 2 s each, and 8 independent leaves of 1 s, as cargo ran
 * them with 2 jobs: one job walks the chain, the other the leaves beside it. Wall: 8 s.
 */
function chainAndLeaves(): ScheduleUnit[] {
  const chain = [0, 2, 4, 6].map((start, i) => unit(`c${i + 1}`, start, 2));
  chain.slice(0, -1).forEach((c, i) => c.unblocked.push(chain[i + 1]!.id));
  const leaves = [0, 1, 2, 3, 4, 5, 6, 7].map((start, i) => unit(`leaf${i + 1}`, start, 1));
  return [...chain, ...leaves];
}

describe('the replay', () => {
  test('a long serial chain plus wide leaves: one job sums them, many are bound by the chain', () => {
    const g = buildGraph(chainAndLeaves());
    expect(simulate(g, 1)).toBeCloseTo(16);
    expect(simulate(g, 2)).toBeCloseTo(8);
    expect(simulate(g, 4)).toBeCloseTo(8);
    expect(simulate(g, 16)).toBeCloseTo(8);
  });

  test('rmeta pipelining: a dependent starts at its dependency .rmeta, while the dependency still holds a job', () => {
    const a = unit('a', 0, 4, { rmetaTime: 1 });
    const b = unit('b', 1, 3);
    a.unblockedRmeta.push(b.id);
    const g = buildGraph([a, b]);
    expect(simulate(g, 2)).toBeCloseTo(4);
    expect(simulate(g, 1)).toBeCloseTo(7);
    // The same edge on the dependency's end: no overlap at any job count.
    const c = unit('c', 0, 4, { rmetaTime: 1 });
    const d = unit('d', 4, 3);
    c.unblocked.push(d.id);
    expect(simulate(buildGraph([c, d]), 16)).toBeCloseTo(7);
  });

  test('an .rmeta time past the end, or unknown, is the end', () => {
    const a = unit('a', 0, 2, { rmetaTime: 5 });
    const b = unit('b', 2, 1);
    a.unblockedRmeta.push(b.id);
    expect(simulate(buildGraph([a, b]), 4)).toBeCloseTo(3);
  });

  test('fresh units cost nothing and take no job, yet still pass readiness on', () => {
    const a = unit('a', 0, 2);
    const fresh = unit('fresh', 0, 0, { ran: false });
    const b = unit('b', 2, 3);
    a.unblocked.push(fresh.id);
    fresh.unblocked.push(b.id);
    const other = unit('other', 0, 5);
    const g = buildGraph([a, fresh, b, other]);
    expect(simulate(g, 2)).toBeCloseTo(5);
    expect(simulate(g, 1)).toBeCloseTo(10);
    expect(measuredWall([a, fresh, b, other])).toBeCloseTo(5);
  });

  test('edges to units cargo did not list, and cycles, do not stop the replay', () => {
    const a = unit('a', 0, 1, { unblocked: [9999] });
    const b = unit('b', 1, 1);
    const c = unit('c', 2, 1);
    b.unblocked.push(c.id);
    c.unblocked.push(b.id);
    expect(simulate(buildGraph([a, b, c]), 1)).toBeCloseTo(3);
  });
});

describe('the model for one build', () => {
  test('reproduces the build it came from, then predicts every job count, never rising', () => {
    const p = parallelismOf(timings(chainAndLeaves()), 64)!;
    expect(p.jobs).toBe(2);
    expect(p.modelError).toBe(0);
    expect(p.predicted).toEqual({ '1': 16, '2': 8, '4': 8, '8': 8, '16': 8 });
    expect(parallelismOutput(p)).toBe('{"1":16.0,"2":8.0,"4":8.0,"8":8.0,"16":8.0}');
    expect(JSON.parse(parallelismOutput(p))).toEqual({ '1': 16, '2': 8, '4': 8, '8': 8, '16': 8 });
  });

  test('the critical path is the chain, in order, each with its seconds and share of the wall time', () => {
    const p = parallelismOf(timings(chainAndLeaves()), 2)!;
    expect(p.criticalPath).toEqual(['c1', 'c2', 'c3', 'c4'].map((unit) => ({ unit, seconds: 2, share: 0.25 })));
  });

  test('with pipelining a unit holds the chain until its .rmeta; the last for its whole run; kinds are named', () => {
    const a = unit('a', 0, 4, { rmetaTime: 1 });
    const b = unit('b', 1, 3, { kind: 'bin' });
    a.unblockedRmeta.push(b.id);
    const g = buildGraph([a, b]);
    expect(criticalChain(g, 4)).toEqual([
      { unit: 'a', seconds: 1, share: 0.25 },
      { unit: 'b (bin)', seconds: 3, share: 0.75 },
    ]);
  });

  test('the chain skips fresh units and follows the dependency that made each unit ready latest', () => {
    const early = unit('early', 0, 1);
    const late = unit('late', 0, 3);
    const fresh = unit('fresh', 0, 0, { ran: false });
    const top = unit('top', 3, 1);
    early.unblocked.push(top.id);
    late.unblocked.push(fresh.id);
    fresh.unblocked.push(top.id);
    const p = parallelismOf(timings([early, late, fresh, top]), 2)!;
    expect(p.criticalPath.map((c) => c.unit)).toEqual(['late', 'top']);
    expect(p.criticalPath.map((c) => c.share)).toEqual([0.75, 0.25]);
  });

  test('serial time: only the stretches with exactly one unit compiling', () => {
    // a alone 0–1, with b 1–2, b alone 2–3, nothing 3–4, c alone 4–6; d touches c's end.
    const units = [unit('a', 0, 2), unit('b', 1, 2), unit('c', 4, 2), unit('d', 6, 0.5)];
    expect(serialSeconds(units)).toBeCloseTo(1 + 1 + 2 + 0.5);
    expect(parallelismOf(timings(units), 2)!.serialSeconds).toBe(4.5);
  });

  test('when the replay misses the build it came from by over 15%, predictions are withheld and the error kept', () => {
    // b waited 4 s after a made it ready (a job the model does not know of): measured 6 s, replayed 2 s.
    const a = unit('a', 0, 1);
    const b = unit('b', 5, 1);
    a.unblocked.push(b.id);
    const p = parallelismOf(timings([a, b]), 2)!;
    expect(p.modelError).toBeGreaterThan(MODEL_TOLERANCE);
    expect(p.modelError).toBeCloseTo(4 / 6, 3);
    expect(p.predicted).toBeNull();
    expect(p.criticalPath.map((c) => c.unit)).toEqual(['a', 'b']);
    expect(parallelismOutput(p)).toBe('');
  });

  test('no timings, or nothing compiled: no model', () => {
    expect(parallelismOf(null, 2)).toBeNull();
    expect(parallelismOf(timings([unit('f', 0, 0, { ran: false })]), 2)).toBeNull();
    expect(parallelismOutput(null)).toBe('');
    expect(parallelismOutput(undefined)).toBe('');
  });

  test("the build's own job count: cargo's jobs= in the timings summary, else the runner's CPUs", () => {
    expect(buildJobs('3 (jobs=2 ncpu=2)', 8)).toBe(2);
    expect(buildJobs('12 (jobs=16 ncpu=16)', 2)).toBe(16);
    expect(buildJobs(null, 4)).toBe(4);
    expect(buildJobs('3', 4)).toBe(4);
    expect(buildJobs('0 (jobs=0 ncpu=2)', 0)).toBe(1);
  });
});

describe("cargo 1.95's real timings", () => {
  const sample = (name: string) =>
    parseTimingsHtml(readFileSync(path.resolve(process.cwd(), '__tests__/fixtures/cargo-1.95', name), 'utf8'));

  test.each([
    'dev-clean-build.cargo-timing.html',
    'release-clean-build.cargo-timing.html',
    'dev-incremental-rebuild.cargo-timing.html',
  ])('%s: the replay at the build own jobs passes its check; one job is the sum of the units; never rising', (name) => {
    const report = sample(name);
    const p = parallelismOf(report, 2)!;
    expect(p.jobs).toBe(2);
    expect(p.modelError).toBeLessThanOrEqual(MODEL_TOLERANCE);
    const sum = report.units.filter((u) => u.ran).reduce((a, u) => a + u.duration, 0);
    expect(p.predicted!['1']).toBeCloseTo(sum, 1);
    const values = Object.values(p.predicted!);
    values.slice(1).forEach((v, i) => expect(v).toBeLessThanOrEqual(values[i]!));
    expect(p.criticalPath.length).toBeGreaterThan(0);
    expect(p.criticalPath.reduce((a, c) => a + c.share, 0)).toBeLessThanOrEqual(1.001);
  });

  test('a no-op rebuild compiled nothing: no model', () => {
    expect(parallelismOf(sample('dev-noop-rebuild.cargo-timing.html'), 2)).toBeNull();
  });
});

describe('k jobs on a k-core runner: a unit takes at least its CPU seconds over k cores', () => {
  // Two independent units that each used two cores (rustc's codegen threads) in a 2-job build on 4 cores.
  const units = () => [unit('a', 0, 3), unit('b', 0, 3)];
  const cpu = (u: Pick<ScheduleUnit, 'name'>) => (u.name === 'a' || u.name === 'b' ? 6 : null);

  test('one core runs them one after the other at their CPU time; two cores share them; more, as measured', () => {
    const p = parallelismOf(timings(units()), 4, cpu)!;
    expect(p.predicted!['1']).toBe(12);
    // 12 CPU seconds on 2 cores: at least 6 s, however the units overlap.
    expect(p.predicted!['2']).toBe(6);
    expect(p.predicted!['4']).toBe(3);
    // More cores than the build had: no unit gets shorter than it was.
    expect(p.predicted!['16']).toBe(3);
  });

  test('without CPU figures (no wrapper), the measured durations stand', () => {
    expect(parallelismOf(timings(units()), 2)!.predicted!['1']).toBe(6);
  });
});
