// The action's own time per phase (src/phases.ts): what a phase is charged, and the lines that say it.
import { costLine, ownSeconds, PhaseClock, phasesText } from '../src/phases.js';

test('a mark charges the time since the last one, less the seconds added inside it as their own phases', async () => {
  const started = performance.now();
  const clock = new PhaseClock();
  await new Promise((r) => setTimeout(r, 30));
  clock.add('build', 0.02);
  clock.mark('measure');
  const elapsed = (performance.now() - started) / 1000;
  expect(clock.seconds.build).toBe(0.02);
  // Every second counted once: the phases add up to the time that passed.
  expect(clock.seconds.build! + clock.seconds.measure!).toBeLessThanOrEqual(elapsed);
  expect(clock.seconds.build! + clock.seconds.measure!).toBeGreaterThan(elapsed - 0.01);
});

test("the action's own time leaves out cargo's build, cache transfers and confirming rebuilds", () => {
  const phases = {
    setup: 0.3,
    guard: 0.01,
    restore: 2,
    freshness: 0.1,
    build: 5,
    measure: 0.2,
    report: 0.2,
    confirm: 40,
    describe: 0.1,
    clean: 0.2,
    save: 1.5,
    store: 0.1,
  };
  expect(ownSeconds(phases)).toBeCloseTo(1.21, 5);
  expect(phasesText({ setup: 0.31, build: 3.2, guard: 0.001 })).toBe('setup 0.31 s · cargo build 3.20 s');
  expect(costLine({ setup: 0.31, build: 3.2 })).toBe(
    "The action's own time so far: 0.3 s beside cargo and the cache (setup 0.31 s · cargo build 3.20 s).",
  );
});
