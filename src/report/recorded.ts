// The base side of your crates this run compiled but the baseline's run found fresh (with
// keep-fresh, the normal case: the push job of the base commit compiled only what that commit
// changed). The baseline's record knows each such crate's inputs then (its input fingerprint); the
// history it carries knows what compiling those very inputs took when the default branch last did.
// Only fingerprints that cover the crate's local dependencies count (measurement.inputsTransitive):
// equal ones mean the same files, local dependencies, rustc, profile, target and flags. The CPU
// model must match too. One sample per side: the verdict's noise rules for one sample apply. Pure.
import { crateKey, type CrateCost, type HistoryEntry, type RunRecord } from '../record.js';

/** A crate whose base time came from the history, and the commit whose run recorded it. */
export interface RecordedTime {
  crate: string;
  commit: string | null;
}

type Recorded = HistoryEntry['crates'][number];

/**
 * The newest history entry that compiled `key` from `fingerprint` on `cpuModel`, with fingerprints that cover local
 * dependencies.
 */
function findRecorded(
  history: HistoryEntry[],
  key: string,
  fingerprint: string,
  cpuModel: string | null,
): { entry: HistoryEntry; crate: Recorded } | null {
  for (const entry of history) {
    if (cpuModel === null || entry.cpuModel !== cpuModel || !entry.inputsTransitive) continue;
    const crate = entry.crates.find((c) => crateKey(c.crate, c.version) === key && c.inputFingerprint === fingerprint);
    if (crate) return { entry, crate };
  }
  return null;
}

const asCost = (c: Recorded, units: number): CrateCost => ({
  crate: c.crate,
  version: c.version,
  workspaceMember: true,
  units,
  wallSeconds: c.wallSeconds,
  cpuSeconds: c.cpuSeconds,
  instructions: c.instructions,
  peakRssKiB: null,
  inputFingerprint: c.inputFingerprint,
  contention: c.contention ?? null,
});

/**
 * The baseline with the recorded times of your crates this run compiled and it found fresh, and
 * which ones they are. `history` is newest first (the baseline's own entry first).
 */
export function withRecordedTimes(
  head: RunRecord,
  base: RunRecord,
  history: HistoryEntry[],
): { base: RunRecord; recorded: RecordedTime[] } {
  if (!head.measurement.inputsTransitive || !base.measurement.inputsTransitive) return { base, recorded: [] };
  const compiledThere = new Set(base.crates.map((c) => crateKey(c.crate, c.version)));
  const freshThere = new Map((base.freshCrates ?? []).map((f) => [crateKey(f.crate, f.version), f.inputFingerprint]));
  const added: CrateCost[] = [];
  const recorded: RecordedTime[] = [];
  for (const c of head.crates) {
    const key = crateKey(c.crate, c.version);
    const fingerprint = freshThere.get(key);
    if (!c.workspaceMember || compiledThere.has(key) || !fingerprint) continue;
    const found = findRecorded(history, key, fingerprint, head.runner.cpuModel);
    if (!found) continue;
    added.push(asCost(found.crate, c.units));
    recorded.push({ crate: c.crate, commit: found.entry.commit });
  }
  if (added.length === 0) return { base, recorded };
  return { base: { ...base, crates: [...base.crates, ...added] }, recorded };
}

/** "gen was fresh in the baseline's run, so its base time is the one recorded when … (c9026a0)". */
export function recordedText(recorded: RecordedTime[]): string | null {
  if (recorded.length === 0) return null;
  const names = recorded.map((r) => r.crate).join(', ');
  const commits = [...new Set(recorded.map((r) => (r.commit ? r.commit.slice(0, 7) : 'an earlier commit')))].join(', ');
  const one = recorded.length === 1;
  return (
    `${names} ${one ? 'was' : 'were'} fresh in the baseline's run, so ${one ? 'its' : 'their'} base time ` +
    `is the one recorded when the default branch last compiled the same inputs (${commits})`
  );
}
