// The README's "Benchmarks" section, rendered from bench/results.json. Pure: no I/O.
// `npm run bench` rewrites the README section between the markers below with this output, and
// __tests__/docs/docs.test.ts fails when the README differs from it, so every figure in the
// README is the one in bench/results.json, rounded the same way.
//
// Rounding: `fixed(x, digits)` rounds half up after dropping binary floating-point noise
// (49.949999999999996, a sum of 0.01 s CPU figures, is 49.95 and prints as 50.0 with one digit).
// Seconds get 1 decimal from 10 s up and 2 below; MiB, ms and percentages 1 decimal; speed-ups
// none.

export const BENCH_START =
  '<!-- bench:start: generated from bench/results.json by scripts/lib/bench-table.mjs (npm run bench rewrites it); edit that file, not this section -->';
export const BENCH_END = '<!-- bench:end -->';

/** `x` rounded half up to `digits` decimals, ignoring floating-point noise; 'n/a' when not a number. */
export function fixed(x, digits) {
  if (typeof x !== 'number' || !Number.isFinite(x)) return 'n/a';
  const scaled = Number((Math.abs(x) * 10 ** digits).toPrecision(12));
  const rounded = Math.floor(scaled + 0.5);
  return `${x < 0 && rounded !== 0 ? '-' : ''}${(rounded / 10 ** digits).toFixed(digits)}`;
}

/** Seconds: 1 decimal from 10 s up, 2 below (the precision of the median decides for a range). */
const secondsDigits = (median) => (Math.abs(median) >= 10 ? 1 : 2);
const seconds = (x) => fixed(x, secondsDigits(x));

/** `26.0 s (25.8–27.5)`: median and range of a {median, min, max} spread. */
function spread(s, unit, digits) {
  const d = digits ?? secondsDigits(s.median);
  return `${fixed(s.median, d)}${unit} (${fixed(s.min, d)}–${fixed(s.max, d)})`;
}
const secondsSpread = (s) => spread(s, ' s');

const signedPercent = (x) => (x < 0 ? `−${fixed(-x, 1)}%` : `+${fixed(x, 1)}%`);

const WORDS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten'];
const inWords = (n) => WORDS[n] ?? String(n);

/** How the README names the bench's growth commits (scripts/bench.mjs labels them). */
const COMMIT_LABELS = {
  'dependency added': 'dependency added (`base64`)',
  'rustflags changed': 'RUSTFLAGS changed (`.cargo/config.toml`)',
  'opt-level changed': '`opt-level` changed and source edit',
};
const MISS_NOTES = {
  'rustflags changed': 'by design: never restore other flags',
  'opt-level changed': 'by design: never restore other profile settings',
};

/** The report's default threshold for CPU time (src/report), quoted in the noise paragraph. */
const DEFAULT_CPU_THRESHOLD_PERCENT = 10;

function section(results, key) {
  if (results?.[key] == null)
    throw new Error(
      `bench/results.json has no "${key}" section: the README's bench section needs a full run (npm run bench without BENCH_ONLY)`,
    );
  return results[key];
}

/** `Linux 6.18.44-fc-v782` → `Linux 6.18`; `v20.20.2` → `20.20`; `cargo 1.95.0 (…)` → `cargo 1.95.0`. */
const majorMinor = (s) => /(\d+\.\d+)/.exec(s ?? '')?.[1] ?? String(s);
const osName = (s) =>
  /^(\S+) (\d+\.\d+)/
    .exec(s ?? '')
    ?.slice(1)
    .join(' ') ?? String(s);
const cargoName = (s) => /^cargo \S+/.exec(s ?? '')?.[0] ?? 'cargo (unknown version)';

/** The Markdown between BENCH_START and BENCH_END (without the markers), ending in a newline. */
export function renderBenchSection(results) {
  const machine = section(results, 'machine');
  const coldWarm = section(results, 'coldWarm');
  const growth = section(results, 'growth');
  const overhead = section(results, 'overhead');
  const noise = section(results, 'noise');

  const minutes = benchMinutes(results);
  const duration = Number.isFinite(minutes) ? `about ${Math.max(5, Math.round(minutes / 5) * 5)} minutes` : 'a while';
  const compilations = overhead.rustcInvocationsPerColdBuild;
  const lines = [];
  const push = (...l) => lines.push(...l);

  // What each default costs, then the table the README leads its benchmarks with (section `stream`).
  if (results.stream) push(...costSection(results), '', ...streamSection(results.stream), '');

  push(
    `\`npm run bench\` (${duration}) measures everything side by side in one run on a workspace`,
    "of ripgrep's library crates (`grep`, `ignore`, `globset`, `regex`) and `serde`/`serde_json` from",
    `Debian's \`librust-*-dev\` packages: 3 path crates, ${compilations} rustc compilations for a cold dev build.`,
    'Every job is a fresh checkout at the same path, as on a runner, and the local cache backend',
    `stands in for the GitHub cache. Figures are medians of ${results.runs} runs with the range in brackets.`,
    `Latest run: ${String(results.startedAt).slice(0, 10)}, on ${machine.cpus} vCPUs (${machine.cpu}), ${machine.memoryGiB} GiB, ${osName(machine.os)}, Node ${majorMinor(machine.node)}, ${cargoName(machine.cargo)}.`,
    'The raw figures are in [`bench/results.json`](bench/results.json).',
    '',
  );

  push(
    '**Cold vs warm.** A warm job restores the cache that a cold job saved. The workspace crates',
    'are rebuilt; the dependencies are fresh.',
    '',
    '| profile | cold build | warm build | speed-up | archive | restore step | post step (clean + save) |',
    '|---|---:|---:|---:|---:|---:|---:|',
  );
  for (const [profile, r] of Object.entries(coldWarm)) {
    push(
      `| ${profile} | ${secondsSpread(r.coldBuildSeconds)} | ${secondsSpread(r.warmBuildSeconds)} | ×${fixed(r.speedup, 0)} | ${fixed(r.archiveMiB.median, 1)} MiB | ${secondsSpread(r.restoreStepSeconds)} | ${secondsSpread(r.postStepSeconds)} |`,
    );
  }
  push('');

  push(...growthTable(growth, results.growthNewLayout ?? null));

  const without = overhead.coldBuildWithoutWrapperSeconds;
  const withWrapper = overhead.coldBuildWithWrapperSeconds;
  const wrapperCpuSeconds = (overhead.wrapperMillisecondsPerInvocation.median * compilations) / 1000;
  const buildToBuildPercent = ((without.max - without.min) / without.median) * 100;
  const overheadVerdict =
    Math.abs(overhead.wrapperOverheadPercent) <= buildToBuildPercent
      ? 'within build-to-build noise'
      : `more than the build-to-build spread of ${fixed(buildToBuildPercent, 1)}%`;
  push(
    "**The action's own overhead.**",
    '',
    '| what | figure |',
    '|---|---|',
    ...wrapperRows(results.wrapper ?? null),
    `| ${results.wrapper ? 'the earlier bash wrapper' : 'rustc wrapper'}, per compilation (measured around a no-op compiler) | ${spread(overhead.wrapperMillisecondsPerInvocation, ' ms', 1)} × ${compilations} compilations ≈ ${fixed(wrapperCpuSeconds, 1)} s CPU per cold build |`,
    `| cold build wall without / with the ${results.wrapper ? 'earlier ' : ''}wrapper (alternating) | ${secondsSpread(without)} / ${secondsSpread(withWrapper)}: ${signedPercent(overhead.wrapperOverheadPercent)}, ${overheadVerdict} |`,
    `| cold build CPU without / with the ${results.wrapper ? 'earlier ' : ''}wrapper | ${secondsSpread(overhead.coldBuildCpuWithoutWrapperSeconds)} / ${secondsSpread(overhead.coldBuildCpuWithWrapperSeconds)} |`,
    `| main step outside the build (rustc probe, guard, key, restore, parse, report) | ${secondsSpread(overhead.mainStepOutsideBuildSeconds)} |`,
    `| post step (clean, save, prune, store baseline) | ${secondsSpread(overhead.postStepSeconds)} |`,
    '',
  );

  const percentRow = (label, s) =>
    s ? `| ${label} | ${fixed(s.median, 1)}% | ${fixed(s.min, 1)}–${fixed(s.max, 1)}% |` : `| ${label} | n/a | n/a |`;
  const verdicts = noise.verdicts ?? [];
  const worstNoise = Math.max(noise.cpuChangePercent?.max ?? Infinity, noise.reportedChangePercent?.max ?? Infinity);
  // The verdict sentence ends at the start of the line that goes on with the cold builds.
  const [verdictLine, verdictTail] =
    verdicts.length > 0 && verdicts.every((v) => v === 'unchanged')
      ? [
          `All ${inWords(verdicts.length)} verdicts were \`unchanged\`: the default CPU threshold of ${DEFAULT_CPU_THRESHOLD_PERCENT}% ${worstNoise * 2 <= DEFAULT_CPU_THRESHOLD_PERCENT ? 'has wide headroom over' : 'is above'}`,
          'this noise. ',
        ]
      : [`The verdicts were: ${verdicts.map((v) => `\`${v}\``).join(', ')}.`, ''];
  push(
    `**The comparison's noise (A/A).** The same commit was built ${verdicts.length + 1} times in a row, warm, and each`,
    'run compared with the previous one. The absolute change between consecutive runs was:',
    '',
    '| metric | median | range |',
    '|---|---:|---:|',
    percentRow('wall time of the workspace crates', noise.wallChangePercent),
    percentRow('CPU time of the workspace crates', noise.cpuChangePercent),
    percentRow('change the report showed (CPU time)', noise.reportedChangePercent),
    '',
    verdictLine,
    `${verdictTail}Cold builds on the same machine varied more (wall ${seconds(without.min)}–${seconds(without.max)} s). That is why the`,
    'report compares only the crates compiled on both sides, and why it prefers CPU time over wall',
    'time.',
  );
  if (results.verdicts) push('', ...verdictsSection(results.verdicts));
  if (results.freshness) push('', ...freshnessSection(results.freshness));
  if (results.work) push('', ...workSection(results.work));
  if (results.parallelism || results.advise)
    push('', ...optimiseSection(results.parallelism ?? null, results.advise ?? null));
  return `${lines.join('\n')}\n`;
}

/** The parallelism model's error at another job count, and the profile advisor's reproducibility. */
function optimiseSection(p, a) {
  const lines = ['**Measure before you optimise** ([Make your build faster](docs/faster.md)).', ''];
  lines.push('| what | figure |', '|---|---|');
  if (p) {
    const n = p.errors?.length ?? 0;
    lines.push(
      `| parallelism model: a cold build's wall time at -j1 on 1 core predicted from a -j2 build on 2 cores, and the reverse (${plural(n, 'prediction')}; ${p.withheld} withheld) | error ${spread(p.errorPercent, '%', 1)} |`,
      `| the model replaying each build at its own job count (the check that gates predictions at 15%) | error ${spread(p.selfErrorPercent, '%', 1)} |`,
    );
  }
  if (a) {
    const times = a.runs.map((r) => `${fixed(r.seconds / 60, 1)} min (${plural(r.rounds, 'round')})`).join(' and ');
    lines.push(
      `| profile advisor on ripgrep's library crates, dev, two separate runs (budget ${a.budget} each) | ${times}, ${plural(a.runs[0].candidates, 'candidate')} |`,
      `| its recommendations (a win in either run) that won in both | ${a.reproduced} of ${a.recommendations} |`,
      `| its claims of any kind (win, trade-off, worse) the same in both runs | ${a.claimsReproduced} of ${a.claims} |`,
      `| claims the other run contradicted (the opposite, or no measurable effect) | ${a.contradicted ?? 'n/a'} |`,
    );
  }
  return lines;
}

const CONFIG_NAMES = { defaults: 'defaults', plainCache: 'plain cache', noCache: 'no cache' };
const STREAM_CONFIGS = Object.keys(CONFIG_NAMES);
const ratio = (x) => `${fixed(x, 2)}×`;
const ratioSpread = (s) => (s ? `${ratio(s.median)} (${fixed(s.min, 2)}–${fixed(s.max, 2)})` : 'n/a');
const metText = (met, by, unit) =>
  met === null || met === undefined
    ? 'n/a'
    : `${met ? 'met' : '**missed**'}, by ${fixed(Math.abs(by), unit === 's' ? 2 : 2)}${unit === 's' ? ' s' : '×'}`;
const medianOf = (xs) => {
  const v = [...xs].sort((a, b) => a - b);
  return v.length % 2 ? v[(v.length - 1) / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
};
const plural = (n, word) => `${n} ${word}${n === 1 ? '' : /(s|sh|ch)$/.test(word) ? 'es' : 's'}`;
/** The step times the stream reports when the records carry no phases. */
const STEP_TIME_NAMES = {
  build: 'the build',
  mainOutsideBuild: 'the main step outside the build',
  post: 'the post step',
};

/**
 * "What each default costs": every default's price on the stream (the record's phases, per job)
 * and the other sections, and the input that turns it off.
 */
function costSection(results) {
  const s = results.stream;
  const per = (name) => (s.phases.perStream?.[name]?.median ?? 0) / s.jobsPerStream;
  const ms = results.wrapper?.millisecondsPerCompilation?.median;
  const prs = s.verdicts.length;
  const confirm = s.phases.perStream?.confirm?.median ?? 0;
  const row = (what, price, off) => `| ${what} | ${price} | ${off} |`;
  return [
    "**What each default costs**, measured on the stream below (the action's own time per phase, from each job's run record,",
    `per job: the stream's total over its ${s.jobsPerStream} jobs, median of the repetitions):`,
    '',
    '| default | what it costs | to turn it off |',
    '|---|---|---|',
    row(
      'the cache (`cache: true`)',
      `restore ${seconds(per('restore'))} s, save ${seconds(per('save'))} s, cleaning ${seconds(per('clean'))} s per job`,
      '`cache: false`',
    ),
    row(
      'keep-fresh (`keep-fresh: true`)',
      `${seconds(per('freshness') + per('describe'))} s per job (proving files unchanged, and the manifest)`,
      '`keep-fresh: false` (pull requests then compile every member)',
    ),
    row(
      'the timed build (`build: true`)',
      `${ms === undefined ? 'n/a' : fixed(ms, 2)} ms per compilation (the wrapper); ${seconds(per('measure'))} s per job around the build (the wrapper's setup, compile work, the record)`,
      '`build: false` (no report)',
    ),
    row(
      'compile work (`compile-work: true`)',
      'read while cargo builds: inside the figure above',
      '`compile-work: false`',
    ),
    row(
      'the baseline (`baseline: auto`)',
      `the base commit rebuilt in ${s.confirmingRebuilds} of ${prs} pull-request jobs: ${seconds(confirm / Math.max(1, s.confirmingRebuilds / s.repetitions))} s each`,
      '`baseline: cache` (or a smaller `baseline-confirm-budget`)',
    ),
    row(
      'calibration',
      `${seconds(s.phases.perStream?.calibration?.median ?? 0)} s once per CPU model, on the default branch`,
      'none needed: it runs only then',
    ),
    row(
      'the report and the baseline store',
      `${seconds(per('report') + per('store'))} s per job`,
      '`comment: never` (the job summary stays)',
    ),
    row('setup and the guard', `${seconds(per('setup') + per('guard'))} s per job`, '`guard: off`'),
  ];
}

/** "**The stream**" (results.stream): what the action costs on a stream of pushes and pull requests, against a plain cache and no cache. */
function streamSection(s) {
  const repetitions = `${s.repetitions === 1 ? 'one repetition' : `${inWords(s.repetitions)} repetitions`}`;
  const pr = s.totals.pullRequests;
  const pushes = s.totals.pushes;
  const lines = [
    `**The stream.** What CI pays on an ordinary stream of ${s.jobsPerStream} jobs on one repository: ${plural(pushes.jobs, 'push')} to the default`,
    `branch and ${plural(pr.jobs, 'pull request')} based on the latest push, on ripgrep's ${s.workspace.members.length} library crates as workspace members (their`,
    "dependencies from Debian's packages). Every job is a fresh depth-1 clone at the same path with an empty `CARGO_HOME`,",
    'under three configurations, interleaved job by job, each with its own cache: **defaults** (the action as it comes),',
    '**plain cache** (`build: false`, `keep-fresh: false`, then a plain `cargo build`) and **no cache** (`cargo build` alone).',
    `Median wall time of the whole job over ${repetitions}${s.startedAt ? ` (run ${String(s.startedAt).slice(0, 10)})` : ''}, with the packages compiled in brackets:`,
    '',
    `| job | ${STREAM_CONFIGS.map((c) => CONFIG_NAMES[c]).join(' | ')} | defaults' verdict |`,
    '|---|---:|---:|---:|---|',
  ];
  const cell = (k) => (k?.wallSeconds ? `${seconds(k.wallSeconds.median)} s (${fixed(k.crates?.median, 0)})` : 'n/a');
  const verdictCell = (k) => {
    if (!k.verdicts) return '';
    // Reasons are given only with `inconclusive`.
    const reasons = Object.keys(k.verdictReasons ?? {});
    const counts = Object.entries(k.verdicts).map(
      ([v, n]) =>
        `\`${v}\`${n > 1 ? ` ×${n}` : ''}${v === 'inconclusive' && reasons.length ? ` (${reasons.join(', ')})` : ''}`,
    );
    return `${counts.join(', ')}${k.confirmedByRebuild ? `; base rebuilt ×${k.confirmedByRebuild}` : ''}`;
  };
  for (const k of s.kinds)
    lines.push(
      `| ${k.label}${k.jobsPerStream > 1 ? `, ${inWords(k.jobsPerStream)} per stream` : ''} | ${STREAM_CONFIGS.map((c) => cell(k[c])).join(' | ')} | ${verdictCell(k)} |`,
    );
  const total = (t) => STREAM_CONFIGS.map((c) => (t[c] ? `**${secondsSpread(t[c])}**` : 'n/a')).join(' | ');
  lines.push(`| **pull requests, total** | ${total(pr)} | |`, `| **pushes, total** | ${total(pushes)} | |`);

  const r = s.ratios;
  const [prTarget, quickTarget, ownTarget] = s.targets;
  const quickMet = (x) => (Number.isFinite(x) ? metText(x <= quickTarget.limit, quickTarget.limit - x, '×') : 'n/a');
  const own = s.ownSeconds;
  lines.push(
    '',
    `Defaults against the plain cache (wall time, median and range over the repetitions): pull requests ${ratioSpread(r.pullRequestsDefaultsOverPlainCache)},`,
    `pushes ${ratioSpread(r.pushesDefaultsOverPlainCache)}. The targets:`,
    '',
    '| target | measured | |',
    '|---|---|---|',
    `| defaults' pull-request jobs in total ≤ ${prTarget.limit}× the plain cache's | ${ratioSpread(r.pullRequestsDefaultsOverPlainCache)} | ${metText(prTarget.met, prTarget.by, '×')} |`,
    `| documentation-only pull request ≤ ${quickTarget.limit}× the plain cache | ${ratioSpread(r.docsPullRequestOverPlainCache)} | ${quickMet(quickTarget.docs)} |`,
    `| A/A pull request (head = base) ≤ ${quickTarget.limit}× the plain cache | ${ratioSpread(r.aaPullRequestOverPlainCache)} | ${quickMet(quickTarget.aa)} |`,
    `| the action's own time outside cargo and cache transfer ≤ ${ownTarget.limit} s per job${ownTarget.exact ? '' : ' (upper bound: no phases recorded)'} | slowest job (${own.worstJob}) ${seconds(own.worstJobMedian)} s; median per job ${seconds(own.perJob?.median)} s | ${metText(ownTarget.met, ownTarget.by, 's')} |`,
    '',
    ...plainCacheNote(s),
    ...missesText(s),
    ...phasesText(s),
  );
  return lines;
}

/** Why a missed target was missed, from the kinds' medians: the confirming rebuild, and the first push's one-time work. */
function missesText(s) {
  const prs = s.kinds.filter((k) => k.event === 'pull_request');
  const sum = (config, kinds) =>
    kinds.reduce((a, k) => a + (k[config]?.wallSeconds?.median ?? 0) * (k.jobsPerStream ?? 1), 0);
  // The kinds whose median job rebuilt the base (in most repetitions).
  const rebuilt = prs.filter((k) => (k.confirmedByRebuild ?? 0) * 2 > s.repetitions);
  const lines = [];
  if (s.targets[0]?.met === false && rebuilt.length) {
    const rest = prs.filter((k) => !rebuilt.includes(k));
    const ratioWithout = sum('defaults', rest) / sum('plainCache', rest);
    lines.push(
      `Why the pull-request target is missed: the defaults' total includes the confirming rebuilds (${rebuilt.map((k) => `${k.kind}: ${seconds(k.defaults.wallSeconds.median)} s against the plain cache's ${seconds(k.plainCache.wallSeconds.median)} s`).join('; ')}),`,
      `the price of a confirmed verdict instead of a guess; the other pull requests take ${ratio(ratioWithout)} the plain cache's time. Keep-fresh compiles`,
      'a package or none where the plain cache compiles every member, but these crates compile in seconds, so the restore is most of what is left.',
    );
  }
  if (s.targets[2]?.met === false)
    lines.push(
      `Why the own-time target is missed: the slowest job is the ${s.ownSeconds.worstJob.replace('push cold', 'first push')} (${seconds(s.ownSeconds.worstJobMedian)} s): it builds the measuring wrapper (once per toolchain, then cached) and`,
      `measures the calibration workload (once per CPU model); the median job's own time is ${seconds(s.ownSeconds.perJob?.median)} s.`,
    );
  return lines.length ? ['', ...lines, ''] : [];
}

/** Why the plain cache's warm jobs compile the members, when they all did. */
function plainCacheNote(s) {
  const n = s.workspace.members.length;
  const docs = s.kinds.find((k) => k.kind === 'PR docs')?.plainCache?.crates;
  if (!docs || docs.min < n) return [];
  return [
    `The plain cache's \`cargo build\` is not a no-op on a fresh clone: every file is newer than the cached build, so even a`,
    `documentation-only pull request recompiles all ${n} members; the defaults' \`keep-fresh\` gives unchanged files their old times back.`,
    '',
  ];
}

/** Where the defaults' time goes: the record's phases summed over a stream (median over repetitions), or the step times without them. */
function phasesText(s) {
  const per = Object.entries(s.phases.perStream ?? {})
    .filter(([, x]) => x && Number.isFinite(x.median))
    .sort((a, b) => b[1].median - a[1].median);
  const list = per
    .map(
      ([name, x]) =>
        `${s.phases.source === 'step-times' ? (STEP_TIME_NAMES[name] ?? name) : name} ${seconds(x.median)} s`,
    )
    .join(', ');
  const rebuilt = s.confirmingRebuilds;
  const confirmed = s.verdicts.filter((v) => v.confirmed);
  const byKind = [...new Set(confirmed.map((v) => v.kind))].map((kind) => {
    const times = confirmed
      .filter((v) => v.kind === kind && Number.isFinite(v.confirmSeconds))
      .map((v) => v.confirmSeconds);
    const n = confirmed.filter((v) => v.kind === kind).length;
    return `${kind} ×${n}${times.length ? `, ${seconds(medianOf(times))} s each (median)` : ''}`;
  });
  const confirm = `The base commit was rebuilt to confirm in ${rebuilt} of ${s.verdicts.length} pull-request jobs${rebuilt ? ` (${byKind.join('; ')})` : ''}.`;
  if (s.phases.source === 'step-times')
    return [
      `Where the defaults' time goes, summed over the stream's ${s.jobsPerStream} jobs (median of the repetitions; the records carry no phases): ${list}.`,
      confirm,
    ];
  return [
    `Where the defaults' time goes, by phase, summed over the stream's ${s.jobsPerStream} jobs (median of the repetitions): ${list}.`,
    `The action's own part (every phase but build, restore, save and confirm): ${seconds(s.ownSeconds.perJob?.median)} s per job (median), at most ${seconds(s.ownSeconds.perJob?.max)} s. ${confirm}`,
  ];
}

/**
 * How long a whole `npm run bench` takes: the last full run, plus the sections run alone after it
 * that were not part of it (they record their own seconds).
 */
function benchMinutes(results) {
  const full = (Date.parse(results.finishedAt) - Date.parse(results.startedAt)) / 60000;
  const later = Object.entries(results.sectionRuns ?? {})
    .filter(
      ([name, run]) =>
        Date.parse(run.startedAt) > Date.parse(results.finishedAt) && Number.isFinite(results[name]?.seconds),
    )
    .reduce((a, [name]) => a + results[name].seconds / 60, 0);
  return full + later;
}

/** The "Freshness across checkouts" subsection (results.freshness). */
function freshnessSection(f) {
  const out = [
    `**Freshness across checkouts (\`keep-fresh\`).** Warm pull-request jobs, each on a new clone (every file at the`,
    `checkout's time), on the bench workspace with a fourth member \`tables\` (generated code) that \`cli\` uses.`,
    'Without `keep-fresh` (as caching actions do today) every member is compiled in every job; with it, only',
    'the members a commit changed and their dependents.',
    '',
    '| pull request | today: build | today: compiled | keep-fresh: build | keep-fresh: compiled |',
    '|---|---:|---|---:|---|',
  ];
  const names = (xs) => (xs.length ? xs.map((x) => `\`${x}\``).join(', ') : 'nothing');
  for (const [name, t] of Object.entries(f.today.edits)) {
    const k = f.keepFresh.edits[name];
    out.push(
      `| ${name} (${t.description}) | ${secondsSpread(t.buildSeconds)} | ${names(t.membersCompiled)} | ${secondsSpread(k.buildSeconds)} | ${names(k.membersCompiled)} |`,
    );
  }
  out.push(
    '',
    `A leaf edit builds in ${fixed(f.leafEditRatio * 100, 0)}% of today's warm build. The default branch's archive is ${fixed(f.today.archiveMiB, 1)} MiB today and ${fixed(f.keepFresh.archiveMiB, 1)} MiB`,
    'with the members cached (one version of each, by the cleaning by use).',
  );
  return out;
}

/** The Rust wrapper's own cost (results.wrapper, section `wrapper`), when measured. */
function wrapperRows(w) {
  if (!w) return [];
  return [
    `| rustc wrapper (a Rust program the runner's rustc builds once, in ${fixed(w.buildSeconds, 1)} s), per compilation around a no-op compiler, ${w.callsPerRun} calls × ${w.millisecondsPerCompilation.n} runs | ${spread(w.millisecondsPerCompilation, ' ms', 1)} wall, ${spread(w.cpuMillisecondsPerCompilation, ' ms', 1)} CPU |`,
  ];
}

/** The "Compile work" subsection (results.work): bytes of machine code, read after the build. */
function workSection(w) {
  const detected = w.detection;
  const cost = (what, c) => [
    `| ${what}, ${c.members} members: the job's build with / without the measure | ${secondsSpread(c.buildSecondsOn)} / ${secondsSpread(c.buildSecondsOff)} |`,
    `| ${what}: extra wall time per pair of jobs, median (range; job-to-job noise included) | ${percentRange(c.extraWallPercentOfBuild)} |`,
    `| ${what}: the action reading the object code after the build, ${c.pairs} jobs | ${secondsSpread(c.summarySeconds)}: ${fixed(c.summaryPercentOfBuild.median, 1)}% of the member build (middle half ${fixed(c.summaryPercentOfBuild.low, 1)}–${fixed(c.summaryPercentOfBuild.high, 1)}%) |`,
  ];
  return [
    "**Compile work.** What the measure costs a pull request job, on ripgrep's library crates as members (realistic)",
    'and on the bench workspace (a generated `tables` crate: much code for little compile time): jobs with the measure',
    'on and off, adjacent, the order alternating, every member compiled. The measure adds nothing to the build, so its',
    'cost is the reading of the object code after it, given as a share of the member build of the same job. Identical',
    'code measured again, and a pull request that makes `cli` instantiate a generic `report::describe::<T>` for 6 more types:',
    '',
    '| what | figure |',
    '|---|---|',
    ...cost("ripgrep's libraries", w.realistic),
    ...cost('bench workspace', w.generated),
    `| identical code: work change exactly 0.00% | ${w.aaExactlyZero} of ${w.aaWorkChangePercent.length} |`,
    `| 6 more instantiations found, the function named | ${detected.detected} of ${detected.runs} (work ${detected.outcomes.map((d) => signedPercent(d.workChangePercent)).join(', ')}; time verdicts: ${[...new Set(detected.outcomes.map((d) => d.timeVerdict))].map((x) => `\`${x}\``).join(', ')}) |`,
  ];
}

const VERDICT_KINDS = ['unchanged', 'inconclusive', 'regression', 'improvement'];
const percentRange = (s) => `${signedPercent(s.median)} (${signedPercent(s.min)} to ${signedPercent(s.max)})`;

/** What the bench's A/A scenarios (scripts/bench.mjs) do, for the README. */
const SCENARIO_NOTES = {
  'warm baseline, warm pull request': 'both jobs restore the cache and compile only the workspace crates',
  'cold baseline, warm pull request':
    'the push finds an empty cache and compiles everything; the pull request restores what it saved',
  'fresh clone, cold page cache':
    "the pull request's job is a new shallow clone (the base commit is fetched to confirm), with a new runner temp and the toolchain dropped from the page cache",
  'baseline on a busy machine': 'another process keeps one core busy during the push job only',
};

/** "±10.0%" or "±41.2–72.0%": the range of a list of threshold percentages. */
const thresholdRange = (xs) =>
  Math.min(...xs) === Math.max(...xs)
    ? `±${fixed(xs[0], 1)}%`
    : `±${fixed(Math.min(...xs), 1)}–${fixed(Math.max(...xs), 1)}%`;

/** The "Verdicts" subsection: A/A comparisons per scenario and detection per slowdown (results.verdicts). */
function verdictsSection(v) {
  const { aa, detection } = v;
  const lines = [
    '**Verdicts on pull requests (`baseline: auto`, the default).** Simulated push and pull_request',
    'jobs on one repository: each push to the default branch stores its record, each pull request',
    "compares with its base commit's record and, when that suggests a change, rebuilds the base",
    'commit in the same job to confirm it. The workspace is the one above plus a generated member,',
    `\`tables\` (${v.workspace.tablesFunctions} functions). A/A: ${aa.total} pull requests that change only documentation,`,
    'so a regression or an improvement is a false verdict.',
    '',
    `| scenario | pull requests | ${VERDICT_KINDS.join(' | ')} | rebuilt to confirm |`,
    '|---|---:|---:|---:|---:|---:|---:|',
  ];
  for (const s of aa.scenarios)
    lines.push(
      `| ${s.name} | ${s.n} | ${VERDICT_KINDS.map((k) => s.verdicts[k] ?? 0).join(' | ')} | ${s.confirmedByRebuild} |`,
    );
  const notes = aa.scenarios.filter((s) => SCENARIO_NOTES[s.name]);
  if (notes.length) lines.push('', ...notes.map((s) => `- ${s.name}: ${SCENARIO_NOTES[s.name]}.`));
  const others = [
    ...new Set(aa.scenarios.flatMap((s) => Object.keys(s.verdicts)).filter((k) => !VERDICT_KINDS.includes(k))),
  ];
  lines.push(
    '',
    `False verdicts: ${aa.falseVerdicts} of ${aa.total}.${others.length ? ` Other verdicts: ${others.map((k) => `\`${k}\``).join(', ')}.` : ''}`,
  );
  const learned = (v.defaultBranch ?? [])
    .filter((p) => p.noise === 'history' && Number.isFinite(p.thresholdPercent))
    .map((p) => p.thresholdPercent);
  if (learned.length)
    lines.push(
      'One-sample comparisons were judged against the default threshold until the default branch had',
      `10 pairs of runs with unchanged inputs, then against the threshold learned from them (${thresholdRange(learned)} in this run).`,
    );
  if (detection?.length) {
    const share = detection[0].sharePercent;
    lines.push(
      '',
      `Detection: pull requests that add functions to \`tables\` (${share ? `${fixed(share.median, 0)}%` : 'part'} of the compared CPU time),`,
      `${detection[0].runs} per slowdown. Measured: the CPU time of \`tables\`, head against base, from the confirming`,
      "rebuild's samples when it ran, else from the two records.",
      '',
      '| slowdown asked | measured (median, range) | rebuilt to confirm | detected as a regression |',
      '|---:|---:|---:|---:|',
    );
    for (const d of detection)
      lines.push(
        `| +${d.targetPercent}% | ${d.measuredPercent ? percentRange(d.measuredPercent) : 'n/a'} | ${d.confirmedByRebuild} | ${d.detected} of ${d.runs} |`,
      );
    const best = v.smallestReliable;
    lines.push(
      '',
      best
        ? `The smallest slowdown detected in at least 80% of its runs: +${best.targetPercent}% (${best.detected} of ${best.runs}; measured ${signedPercent(best.measuredPercent)}).`
        : 'No slowdown was detected in at least 80% of its runs.',
    );
  }
  return lines;
}

/** The churn table: the old build-dir layout, and the new one side by side when it was measured. */
function growthTable(growth, newLayout) {
  const hit = (g) =>
    g.cacheHit === 'miss' && MISS_NOTES[g.commit] ? `miss (${MISS_NOTES[g.commit]})` : String(g.cacheHit);
  const cells = (g) =>
    `${hit(g)} | ${fixed(g.buildSeconds, 1)} s | ${fixed(g.watchmakerArchiveMiB, 1)} MiB | ${fixed(g.naiveTargetArchiveMiB, 1)} MiB`;
  const lines = [
    `**Growth over ${inWords(growth.length - 1)} commits with churn.** Each commit is a new job that restores, builds and`,
    'saves. The naive column is one `target/` that every commit builds into and saves whole, which',
    'is what a plain `path: target` cache does.',
  ];
  if (!newLayout) {
    lines.push(
      '',
      '| commit | cache hit | build | Watchmaker archive | naive target/ archive |',
      '|---|---|---:|---:|---:|',
    );
    for (const g of growth) lines.push(`| ${COMMIT_LABELS[g.commit] ?? g.commit} | ${cells(g)} |`);
    return [...lines, ''];
  }
  lines.push(
    'Measured on both build-dir layouts: the old one (cargo up to 1.99) and the new one (the default',
    'from cargo 1.100; here cargo 1.95 with `-Zbuild-dir-new-layout`).',
    '',
    '| commit | old layout: hit | build | Watchmaker | naive | new layout: hit | build | Watchmaker | naive |',
    '|---|---|---:|---:|---:|---|---:|---:|---:|',
  );
  for (const [i, g] of growth.entries())
    lines.push(
      `| ${COMMIT_LABELS[g.commit] ?? g.commit} | ${cells(g)} | ${newLayout[i] ? cells(newLayout[i]) : 'n/a | n/a | n/a | n/a'} |`,
    );
  return [...lines, ''];
}

/**
 * `readme` with the text between BENCH_START and BENCH_END replaced by the rendered section.
 * Throws when the markers are missing or out of order (nothing is guessed).
 */
export function replaceBenchSection(readme, results) {
  const { before, after } = splitAtBenchSection(readme);
  return `${before}${BENCH_START}\n${renderBenchSection(results)}${BENCH_END}${after}`;
}

/** The README's current bench section (between the markers, without them). */
export function currentBenchSection(readme) {
  return splitAtBenchSection(readme).section;
}

function splitAtBenchSection(readme) {
  const start = readme.indexOf(BENCH_START);
  const end = readme.indexOf(BENCH_END);
  if (start < 0 || end < 0 || end < start || readme.indexOf(BENCH_START, start + 1) >= 0) {
    throw new Error(`README.md must contain the line ${BENCH_START} once, followed by ${BENCH_END}`);
  }
  const sectionStart = start + BENCH_START.length + 1; // the newline after the start marker
  return {
    before: readme.slice(0, start),
    section: readme.slice(sectionStart, end),
    after: readme.slice(end + BENCH_END.length),
  };
}
