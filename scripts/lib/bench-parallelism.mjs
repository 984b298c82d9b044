// The bench's `parallelism` section (scripts/bench.mjs, BENCH_ONLY=parallelism): how well the
// parallelism model (src/parallelism) predicts a build at another job count. Each bench workspace
// is built cold with cargo's -j1 and -j2, alternating which goes first; the -j1 build's record
// predicts the -j2 wall time and the reverse. The error is |predicted - measured| / measured.
// The model predicts k jobs on a k-core runner, so the -j1 build runs pinned to one core (taskset:
// the bench process and everything it starts), as a 1-core runner would; -j2 uses this machine's 2.
// A record whose model failed its own check (over 15% replaying itself) predicts nothing: such
// builds are counted as withheld, not as errors.
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const JOBS = [1, 2];

/** Pins this process's threads (and so what it starts later) to the first `cores` cores (Linux). */
function pin(cores) {
  const list = cores >= os.cpus().length ? `0-${os.cpus().length - 1}` : `0-${cores - 1}`;
  execFileSync('taskset', ['-a', '-p', '-c', list, String(process.pid)], { stdio: 'ignore' });
}

/** One cold build of `files` at `-j jobs` on `jobs` cores, with the cache off: its wall time and the record's model. */
async function coldBuild(o, name, jobs) {
  pin(jobs);
  try {
    return await coldBuildHere(o, name, jobs);
  } finally {
    pin(os.cpus().length);
  }
}

async function coldBuildHere(o, name, jobs) {
  const dir = path.join(o.scratch, `parallelism-${name}`);
  rmSync(dir, { recursive: true, force: true });
  o.writeFiles(dir, o.workspaces[name]());
  o.withLockfile?.(dir, name);
  const r = await o.job(dir, path.join(o.scratch, `parallelism-cache-${name}`), {
    cache: 'false',
    comment: 'never',
    'cargo-args': `--jobs ${jobs}`,
  });
  const p = r.record?.parallelism ?? null;
  return { wall: r.record.totals.wallSeconds, modelError: p?.modelError ?? null, predicted: p?.predicted ?? null };
}

/** The relative error of predicting `to`'s wall time from `from`'s record, or null when withheld. */
function errorOf(from, to, toJobs) {
  const predicted = from.predicted?.[String(toJobs)];
  return predicted == null ? null : Math.abs(predicted - to.wall) / to.wall;
}

/**
 * @param {object} o scratch, runs, job (the bench's job runner), writeFiles, workspaces (name → files()),
 *   withLockfile (optional), spread, progress
 */
export async function parallelismSection(o) {
  const out = { workspaces: {}, errors: [], selfErrors: [], withheld: 0 };
  for (const name of Object.keys(o.workspaces)) {
    const rows = [];
    for (let run = 0; run < o.runs; run++) {
      const order = run % 2 === 0 ? JOBS : [...JOBS].reverse();
      const builds = {};
      for (const jobs of order) {
        builds[jobs] = await coldBuild(o, name, jobs);
        o.progress('.');
      }
      const oneFromTwo = errorOf(builds[2], builds[1], 1);
      const twoFromOne = errorOf(builds[1], builds[2], 2);
      rows.push({ wallJ1: builds[1].wall, wallJ2: builds[2].wall, oneFromTwo, twoFromOne });
      for (const e of [oneFromTwo, twoFromOne]) {
        if (e === null) out.withheld++;
        else out.errors.push(e);
      }
      for (const b of Object.values(builds)) if (b.modelError !== null) out.selfErrors.push(b.modelError);
    }
    out.workspaces[name] = rows;
  }
  return {
    ...out,
    errorPercent: o.spread(out.errors.map((e) => e * 100)),
    selfErrorPercent: o.spread(out.selfErrors.map((e) => e * 100)),
  };
}

export function printParallelism(p, fmtSpread) {
  console.log(
    '\nParallelism model: a -j1 build on 1 core predicted from a -j2 build on 2, and the reverse (cold builds)',
  );
  console.log(`  error ${fmtSpread(p.errorPercent, '%', 1)}; withheld ${p.withheld}`);
  console.log(`  replaying each build at its own job count: ${fmtSpread(p.selfErrorPercent, '%', 1)}`);
  for (const [name, rows] of Object.entries(p.workspaces))
    for (const r of rows)
      console.log(
        `  ${name.padEnd(10)} -j1 ${r.wallJ1.toFixed(1)} s, -j2 ${r.wallJ2.toFixed(1)} s; ` +
          `errors ${[r.oneFromTwo, r.twoFromOne].map((e) => (e === null ? 'withheld' : `${(e * 100).toFixed(1)}%`))}`,
      );
}
