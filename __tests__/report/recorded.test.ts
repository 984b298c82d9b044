// The base side of a crate this run compiled and the baseline's run found fresh
// (src/report/recorded.ts): the time recorded when the default branch last compiled the same
// inputs, only with fingerprints that cover local dependencies and on the same CPU model.
import type { HistoryEntry, RunRecord } from '../../src/record.js';
import { compareRecords } from '../../src/report/compare.js';
import { recordedText, withRecordedTimes } from '../../src/report/recorded.js';
import { historyEntry } from '../../src/report/store.js';
import { decide } from '../../src/report/verdict.js';
import { basePush, record } from '../helpers/records.js';

const transitive = (r: RunRecord) => ((r.measurement.inputsTransitive = true), r);

/** The push of the base commit, with fingerprints that cover local dependencies. */
const transitivePush = (compiled: Record<string, number>, fresh: Record<string, string>) =>
  transitive(basePush(compiled, fresh));

/** An earlier push that compiled `crates` from the given fingerprints. */
function earlier(crates: Record<string, [cpu: number, fp: string]>, commit: string, cpuModel = 'cpu'): HistoryEntry {
  const r = transitive(record({ crates: Object.fromEntries(Object.entries(crates).map(([k, [cpu]]) => [k, cpu])) }));
  r.crates.forEach((c) => (c.inputFingerprint = crates[c.crate]![1]));
  r.git.commit = commit;
  return { ...historyEntry(r), cpuModel };
}

test("a crate compiled here and fresh in the baseline's run gets the time recorded for the baseline's inputs", () => {
  const head = transitive(record({ crates: { 'ws-engine': 1.8, 'ws-app': 0.5 } }));
  const base = transitivePush({}, { 'ws-engine': 'fp-engine-1', 'ws-app': 'fp-app-1' });
  const history = [
    historyEntry(base),
    earlier({ 'ws-engine': [1.0, 'fp-engine-1'] }, 'b'.repeat(40)),
    earlier({ 'ws-engine': [9.0, 'fp-engine-0'], 'ws-app': [0.4, 'fp-app-1'] }, 'c'.repeat(40)),
  ];
  const { base: withTimes, recorded } = withRecordedTimes(head, base, history);
  expect(recorded).toEqual([
    { crate: 'ws-engine', commit: 'b'.repeat(40) },
    { crate: 'ws-app', commit: 'c'.repeat(40) },
  ]);
  expect(withTimes.crates.map((c) => [c.crate, c.cpuSeconds])).toEqual([
    ['ws-engine', 1.0],
    ['ws-app', 0.4],
  ]);
  expect(base.crates).toHaveLength(0);
  const c = compareRecords([head], [withTimes], { threshold: null })!;
  expect(c.crates.map((x) => x.crate).sort()).toEqual(['ws-app', 'ws-engine']);
  // One sample per side and no learned noise: no claim; material, so baseline auto confirms it.
  const d = decide(c, [head], [withTimes], { threshold: null, history });
  expect(d.verdict).toBe('inconclusive');
  expect(d.suggestsChange).toBe(true);
  expect(recordedText(recorded)).toBe(
    "ws-engine, ws-app were fresh in the baseline's run, so their base time is the one recorded when the default branch last compiled the same inputs (bbbbbbb, ccccccc)",
  );
});

test('nothing is taken from another CPU model, another fingerprint, a dependency, or fingerprints that do not cover local dependencies', () => {
  const head = transitive(record({ crates: { 'ws-engine': 1.8, dep: 0.3 } }));
  const base = transitivePush({}, { 'ws-engine': 'fp-engine-1', dep: 'fp-dep' });
  const history = [
    earlier({ 'ws-engine': [1.0, 'fp-engine-1'], dep: [0.3, 'fp-dep'] }, 'b'.repeat(40), 'other cpu'),
    earlier({ 'ws-engine': [1.0, 'fp-engine-2'] }, 'c'.repeat(40)),
  ];
  expect(withRecordedTimes(head, base, history).recorded).toEqual([]);
  const perCrate = { ...earlier({ 'ws-engine': [1.0, 'fp-engine-1'] }, 'd'.repeat(40)), inputsTransitive: undefined };
  expect(withRecordedTimes(head, base, [perCrate]).recorded).toEqual([]);
  const olderHead = record({ crates: { 'ws-engine': 1.8 } });
  expect(
    withRecordedTimes(olderHead, base, [earlier({ 'ws-engine': [1.0, 'fp-engine-1'] }, 'e'.repeat(40))]).recorded,
  ).toEqual([]);
});
