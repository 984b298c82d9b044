// Your crates this run compiled and the baseline's run found fresh (the normal case with
// keep-fresh): the verdict names them and asks baseline auto to rebuild the base commit, the only
// place an honest base time for them exists.
import { compareRecords } from '../../src/report/compare.js';
import { decide } from '../../src/report/verdict.js';
import { basePush, record } from '../helpers/records.js';

test("a crate compiled only here (fresh in the baseline's run) is named, and baseline auto is asked to rebuild the base", () => {
  const head = record({ crates: { 'ws-engine': 1.8 } });
  const base = basePush({}, { 'ws-engine': 'fp-engine-1' });
  const c = compareRecords([head], [base], { threshold: null })!;
  const d = decide(c, [head], [base], { threshold: null, history: [] });
  expect(d.verdict).toBe('inconclusive');
  expect(d.reason).toBe('nothing-compared');
  expect(d.suggestsChange).toBe(true);
  expect(d.sentence).toMatch(
    /this run compiled ws-engine, which the baseline's run found fresh, and no run of the default branch recorded compiling it/,
  );
  expect(d.toConclude).toMatch(/baseline: auto or rebuild/);
});

test('your crates compiled only here, beside crates compiled on both sides: inconclusive, not unchanged, and auto rebuilds', () => {
  const head = record({ crates: { 'ws-app': 0.5, 'ws-gen': 1.4 } });
  const base = basePush({ 'ws-app': 0.5 }, { 'ws-gen': 'fp-gen-1' });
  const c = compareRecords([head], [base], { threshold: null })!;
  const d = decide(c, [head], [base], { threshold: null, history: [] });
  expect(d.verdict).toBe('inconclusive');
  expect(d.reason).toBe('compiled-here-only');
  expect(d.suggestsChange).toBe(true);
  expect(d.sentence).toMatch(
    /ws-gen compiled only in this run \(fresh in the baseline's run\) and took 1\.40 s: without a base time for it/,
  );
  // Too small to matter: the comparison stands as it is, and nothing is rebuilt.
  const small = record({ crates: { 'ws-app': 0.5, 'ws-gen': 0.3 } });
  const s = decide(compareRecords([small], [base], { threshold: null })!, [small], [base], {
    threshold: null,
    history: [],
  });
  expect(s.reason).not.toBe('compiled-here-only');
  expect(s.suggestsChange).toBe(false);
});

test('when only dependencies compiled on one side, nothing asks for a rebuild', () => {
  const head = record({ crates: { dep: 1.8 } });
  const base = basePush({}, {});
  const c = compareRecords([head], [base], { threshold: null })!;
  const d = decide(c, [head], [base], { threshold: null, history: [] });
  expect(d.reason).toBe('nothing-compared');
  expect(d.suggestsChange).toBe(false);
});
