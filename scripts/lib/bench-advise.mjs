// The bench's `advise` section (scripts/bench.mjs, BENCH_ONLY=advise): the profile advisor
// (src/advise) on ripgrep's library crates, run twice as two separate jobs (each a fresh checkout,
// no cache), with the same budget. It reports what the advisor costs (its own wall time and
// rounds) and whether each recommendation holds when re-measured: a candidate that wins in one run
// and not in the other is a false claim. A candidate with no measurable effect in one run and a
// claim in the other is counted too (the advisor said "no effect" where the other run saw one).
import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';

/** Each run's budget: about three rounds of the dev candidates on this workspace on 2 cores. */
export const ADVISE_BUDGET = process.env.BENCH_ADVISE_BUDGET ?? '12m';

async function adviseOnce(o, n) {
  const dir = path.join(o.scratch, 'advise-ws');
  rmSync(dir, { recursive: true, force: true });
  o.writeFiles(dir, o.files());
  o.prepare(dir);
  const r = await o.job(dir, path.join(o.scratch, `advise-cache-${n}`), {
    cache: 'false',
    comment: 'never',
    advise: 'profiles',
    'advise-budget': ADVISE_BUDGET,
  });
  const file = r.outputs.advice;
  if (!file || !existsSync(file)) throw new Error(`advisor run ${n} wrote no advice: ${r.main.output.slice(-3000)}`);
  return JSON.parse(readFileSync(file, 'utf8'));
}

/** A candidate's change per metric (percent, null when not compared) and what the samples supported. */
const metricsOf = (c) =>
  Object.fromEntries(
    Object.entries(c?.metrics ?? {}).map(([m, r]) => [
      m,
      { effect: r.effect, changePercent: r.change === null ? null : Math.round(r.change * 1000) / 10 },
    ]),
  );

/** Whether a candidate's claim in one run holds in the other. */
function agreement(a, b) {
  const byId = new Map(b.candidates.map((c) => [c.id, c]));
  return a.candidates.map((c) => {
    const other = byId.get(c.id);
    return {
      id: c.id,
      label: c.label,
      first: c.verdict,
      second: other?.verdict ?? 'absent',
      metrics: [metricsOf(c), metricsOf(other)],
    };
  });
}

const claims = new Set(['win', 'trade-off', 'worse']);
/** A claim the other run contradicts: the opposite claim, or no measurable effect where one run saw one. */
const GOOD = new Set(['win', 'trade-off']);
const contradicts = (x, y) =>
  (GOOD.has(x) && (y === 'worse' || y === 'no-effect')) || (x === 'worse' && (GOOD.has(y) || y === 'no-effect'));

/** @param {object} o scratch, job, writeFiles, files (the workspace's files), prepare (lockfile), progress */
export async function adviseSection(o) {
  const runs = [];
  for (let n = 1; n <= 2; n++) {
    runs.push(await adviseOnce(o, n));
    o.progress('.');
  }
  const pairs = agreement(runs[0], runs[1]);
  const wins = pairs.filter((p) => p.first === 'win' || p.second === 'win');
  const claimed = pairs.filter((p) => claims.has(p.first) || claims.has(p.second));
  return {
    budget: ADVISE_BUDGET,
    runs: runs.map((a) => ({
      seconds: a.seconds,
      rounds: a.rounds,
      candidates: a.candidates.length,
      skipped: a.skipped.map((s) => s.id),
      adopt: a.adopt.toml,
    })),
    pairs,
    recommendations: wins.length,
    reproduced: wins.filter((p) => p.first === 'win' && p.second === 'win').length,
    claims: claimed.length,
    claimsReproduced: claimed.filter((p) => p.first === p.second).length,
    contradicted: pairs.filter((p) => contradicts(p.first, p.second) || contradicts(p.second, p.first)).length,
  };
}

export function printAdvise(a) {
  console.log(`\nProfile advisor on ripgrep's library crates, two separate runs (budget ${a.budget} each)`);
  for (const [i, r] of a.runs.entries())
    console.log(`  run ${i + 1}: ${r.seconds.toFixed(0)} s, ${r.rounds} rounds, ${r.candidates} candidates`);
  for (const p of a.pairs) console.log(`  ${p.label.padEnd(36)} ${p.first.padEnd(12)} ${p.second}`);
  console.log(
    `  recommendations (a win in either run): ${a.recommendations}, won in both: ${a.reproduced}; ` +
      `claims of any kind: ${a.claims}, the same in both: ${a.claimsReproduced}, contradicted: ${a.contradicted}`,
  );
  for (const p of a.pairs) {
    const cells = (m) =>
      ['warm', 'cold', 'coldCpu', 'size'].map((k) => `${k} ${m[k]?.changePercent ?? 'n/a'}%`).join(', ');
    console.log(`    ${p.id}: ${cells(p.metrics[0])} | ${cells(p.metrics[1])}`);
  }
}
