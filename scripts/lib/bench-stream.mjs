// The bench's `stream` section (scripts/bench.mjs, BENCH_ONLY=stream): what the action costs on
// an ordinary stream of pushes and pull requests, against the action as a plain cache and against
// no cache at all. The workspace is ripgrep's library crates as members, their dependencies from
// the Debian directory source the bench uses (the local registry here). Every job is a fresh
// depth-1 clone at one fixed path with a fresh, empty CARGO_HOME and temp directory, as on a new
// hosted runner. The three configurations run interleaved job by job, each with its own cache
// directory (the local backend keeps the baseline records there too):
//  - defaults: the action with its defaults (only `cache-dir`, and `comment: never`);
//  - plainCache: the action with `build: false` and `keep-fresh: false`, then a plain
//    `cargo build` between its main and post steps, as a workflow would run it;
//  - noCache: `cargo build` alone.
// BENCH_STREAM_JOBS=4 runs only the first 4 jobs of the stream (a quick check; such a partial
// result is not written to bench/results.json).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, realpathSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { Job, runLocalJob } from './runner.mjs';

/** A member nothing in the workspace depends on. */
export const LEAF = 'ignore';
/** The lowest member: grep-searcher, grep-regex, grep-printer and grep depend on it. */
export const CORE = 'grep-matcher';
/** The member that gains a dependency, and the dependency (in the Debian directory, not yet in the lockfile's graph). */
export const DEPENDENT = 'grep-cli';
export const ADDED_DEPENDENCY = { name: 'humantime', version: '2' };
/** The member whose generic function gets instantiated for many types, and how many. */
export const SLOW = 'grep';
export const SLOW_TYPES = 400;

export const CONFIGS = ['defaults', 'plainCache', 'noCache'];
export const CONFIG_INPUTS = {
  defaults: { comment: 'never' },
  plainCache: { comment: 'never', build: 'false', 'keep-fresh': 'false' },
  noCache: null,
};

/** Appends `text` to a file of the commit being made. */
const append = (rel, text) => (read) => ({ [rel]: `${read(rel)}${text}` });

const leafEdit = (n) =>
  append(
    `crates/${LEAF}/src/lib.rs`,
    `\n/// A small helper (the bench's edit ${n}).\npub fn bench_edit_${n}(x: u32) -> u32 {\n    x.wrapping_mul(${n + 3}) ^ ${n}\n}\n`,
  );

const coreEdit = (n) =>
  append(
    `crates/${CORE}/src/lib.rs`,
    `\n/// The number of bytes in \`haystack\` equal to \`byte\` (the bench's edit ${n}).\npub fn bench_count_${n}(haystack: &[u8], byte: u8) -> usize {\n    haystack.iter().filter(|&&b| b == byte).count()\n}\n`,
  );

const docsEdit = (rel, n) => append(rel, `\nA documentation change (the bench's edit ${n}).\n`);

/** `DEPENDENT` gains ADDED_DEPENDENCY and uses it; the commit's lockfile is updated (offline). */
const dependencyEdit = (n) => (read) => ({
  [`crates/${DEPENDENT}/Cargo.toml`]: `${read(`crates/${DEPENDENT}/Cargo.toml`)}\n[dependencies.${ADDED_DEPENDENCY.name}]\nversion = "${ADDED_DEPENDENCY.version}"\n`,
  [`crates/${DEPENDENT}/src/lib.rs`]: `${read(`crates/${DEPENDENT}/src/lib.rs`)}\n/// A duration for people, as \`1h 2m 3s\` (the bench's edit ${n}).\npub fn human_duration(d: std::time::Duration) -> String {\n    ${ADDED_DEPENDENCY.name}::format_duration(d).to_string()\n}\n`,
});

/** A generic function used with SLOW_TYPES types in `SLOW` (as the e2e tests' SLOW_GEN): each type gets its own copy. */
const slowdownEdit = () => (read) => {
  const kinds = Array.from({ length: SLOW_TYPES }, (_, i) => `K${i}`).join(', ');
  return {
    [`crates/${SLOW}/src/lib.rs`]: `${read(`crates/${SLOW}/src/lib.rs`)}\n/// Rows of values, formatted (generic: one copy per type it is used with).\npub mod rows;\n`,
    [`crates/${SLOW}/src/rows.rs`]: [
      '//! Rows of values, formatted.',
      '#![allow(missing_docs)]',
      '',
      '/// One row per value, formatted.',
      'pub fn table<T: Copy + std::fmt::Debug + Into<f64>>(xs: &[T]) -> Vec<String> {',
      '    xs.iter().map(|x| format!("{:?}={:.1}", x, (*x).into() * 2.0)).collect()',
      '}',
      '',
      'macro_rules! kinds {',
      '    ($($k:ident),*) => {',
      '        $(',
      '            #[derive(Clone, Copy, Debug)]',
      '            pub struct $k(pub u32);',
      '            impl From<$k> for f64 { fn from(k: $k) -> f64 { k.0 as f64 } }',
      '        )*',
      '        pub fn describe() -> String { let mut n = 0; $( n += table(&[$k(1), $k(2)]).len(); )* format!("rows {}", n) }',
      '    };',
      '}',
      `kinds!(${kinds});`,
      '',
    ].join('\n'),
  };
};

/**
 * The stream, in order. Pull requests are based on the latest push; `edit(n)` gives the files of
 * the commit (from the files at its parent); A/A has no commit of its own (head = base).
 */
export const STREAM = [
  { kind: 'push cold', event: 'push', label: 'push: first commit, empty cache' },
  { kind: 'push leaf', event: 'push', label: `push: leaf edit (\`${LEAF}\`)`, edit: leafEdit },
  { kind: 'PR leaf', event: 'pull_request', label: `pull request: leaf edit (\`${LEAF}\`)`, edit: leafEdit },
  { kind: 'push core', event: 'push', label: `push: core edit (\`${CORE}\`, 4 members depend on it)`, edit: coreEdit },
  {
    kind: 'PR docs',
    event: 'pull_request',
    label: `pull request: documentation only (\`crates/${CORE}/README.md\`)`,
    edit: (n) => docsEdit(`crates/${CORE}/README.md`, n),
  },
  {
    kind: 'PR dependency',
    event: 'pull_request',
    label: `pull request: dependency added (\`${ADDED_DEPENDENCY.name}\` to \`${DEPENDENT}\`)`,
    edit: dependencyEdit,
    lockfile: true,
  },
  {
    kind: 'PR slowdown',
    event: 'pull_request',
    label: `pull request: a real slowdown (\`${SLOW}\`: a generic function × ${SLOW_TYPES} types)`,
    edit: slowdownEdit,
  },
  { kind: 'push leaf', event: 'push', label: `push: leaf edit (\`${LEAF}\`)`, edit: leafEdit },
  { kind: 'PR A/A', event: 'pull_request', label: 'pull request: A/A (head = base)', sameAsBase: true },
  { kind: 'PR core', event: 'pull_request', label: `pull request: core edit (\`${CORE}\`)`, edit: coreEdit },
  {
    kind: 'push docs',
    event: 'push',
    label: 'push: documentation only (`README.md`)',
    edit: (n) => docsEdit('README.md', n),
  },
];

/** Phases that are cargo or cache transfer, not the action's own work. */
export const NOT_OWN_PHASES = ['build', 'restore', 'save', 'confirm'];

// ---------- environment ----------

/**
 * PATH with the real toolchain's bin directory first: with an empty CARGO_HOME, rustup's proxies
 * in ~/.cargo/bin would still work (they read RUSTUP_HOME), but cargo and rustc are then the
 * toolchain's own, whatever a proxy would pick; RUSTUP_TOOLCHAIN pins any proxy still reached.
 */
function toolchainEnv() {
  const sysroot = execFileSync('rustc', ['--print', 'sysroot'], { encoding: 'utf8' }).trim();
  const env = { PATH: `${path.join(sysroot, 'bin')}${path.delimiter}${process.env.PATH ?? ''}` };
  const which = spawnSync('sh', ['-c', 'command -v cargo'], { encoding: 'utf8' }).stdout.trim();
  let proxy;
  try {
    proxy = which !== '' && path.basename(realpathSync(which)).startsWith('rustup');
  } catch {
    proxy = false;
  }
  if (proxy) env.RUSTUP_TOOLCHAIN = path.basename(sysroot);
  return { env, sysroot, proxied: proxy };
}

/** Settings of this process (or a developer's shell) that a fresh hosted runner does not have. */
const HOST_SETTINGS =
  /^(JEST_|NODE_OPTIONS$|RUSTFLAGS$|CARGO_ENCODED_RUSTFLAGS$|CARGO_TARGET_DIR$|CARGO_BUILD_|CARGO_INCREMENTAL$|GITHUB_|RUNNER_|INPUT_|STATE_|ACTIONS_)/;

/** The environment of a workflow step running `cargo build` on a hosted runner. */
function stepEnv(jobEnv) {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !HOST_SETTINGS.test(k)) env[k] = v;
  return { ...env, CI: 'true', GITHUB_ACTIONS: 'true', ...jobEnv };
}

const CLOCK_TICKS = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout?.trim()) || 100;

/** CPU seconds (user + sys) of this process's waited-for children and their waited-for descendants. */
function childrenCpuSeconds() {
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
  return (Number(fields[13]) + Number(fields[14])) / CLOCK_TICKS;
}

function dirBytes(dir) {
  if (!existsSync(dir)) return 0;
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) total += dirBytes(full);
    else if (entry.isFile()) total += statSync(full).size;
  }
  return total;
}

const emptyDir = (dir) => {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
};

/** `   Compiling name v1.0 (...)` lines: the packages cargo compiled. */
const compilingLines = (text) => (text.match(/^\s+Compiling \S+ v/gm) ?? []).length;

const sum = (xs) => xs.reduce((a, x) => a + x, 0);

// ---------- the section ----------

/**
 * Runs the stream `h.runs` times (a new origin and new cache directories each time) and returns
 * the section's results. `h`: the bench's helpers (createRepository, git, writeFiles, checkout,
 * checkoutDir, ripgrepWorkspaceFiles, spread, median, readRecord), `scratch`, `runs`, `jobLimit`.
 */
export async function streamSection(h) {
  const started = Date.now();
  const stream = STREAM.slice(0, Math.max(1, Math.min(STREAM.length, h.jobLimit ?? STREAM.length)));
  const toolchain = toolchainEnv();
  const cargoHome = path.join(h.scratch, 'stream-cargo-home');
  const tmp = path.join(h.scratch, 'stream-tmp');
  let counter = 0;
  let prNumber = 500;
  const repetitions = [];
  for (let rep = 0; rep < h.runs; rep++) {
    const repo = createStream(h, rep, stream);
    const cacheDirs = Object.fromEntries(CONFIGS.map((c) => [c, path.join(h.scratch, `cache-stream-${rep}-${c}`)]));
    // Rotated per repetition: each configuration runs first, second and third equally often.
    const order = CONFIGS.map((_, i) => CONFIGS[(i + rep) % CONFIGS.length]);
    const jobs = [];
    for (const step of repo.steps) {
      const event =
        step.event === 'push'
          ? { event: 'push', sha: step.sha }
          : { event: 'pull_request', sha: step.sha, baseSha: step.baseSha, prNumber: ++prNumber };
      const samples = {};
      for (const config of order) {
        h.checkout(repo.dir, step.sha, { fresh: true });
        emptyDir(cargoHome);
        emptyDir(tmp);
        const jobEnv = { ...toolchain.env, CARGO_HOME: cargoHome, TMPDIR: tmp };
        const runnerTemp = path.join(h.scratch, `stream-runner-${++counter}`);
        samples[config] = await runOne(h, config, {
          workspace: h.checkoutDir(),
          cacheDir: cacheDirs[config],
          event,
          jobEnv,
          runnerTemp,
        });
        h.progress?.(config === 'defaults' ? 'a' : config === 'plainCache' ? 'b' : 'c');
      }
      jobs.push({ kind: step.kind, event: step.event, samples });
      h.progress?.(' ');
    }
    repetitions.push({ order, jobs });
    h.progress?.('| ');
  }
  return {
    startedAt: new Date(started).toISOString(),
    ...summarize(h, stream, repetitions, { toolchain, seconds: (Date.now() - started) / 1000 }),
  };
}

/** A new origin with the stream's commits: the steps, each with the commit its job checks out. */
function createStream(h, rep, stream) {
  const files = {
    ...h.ripgrepWorkspaceFiles(),
    'README.md': "# A search tool\n\nripgrep's library crates, as one workspace.\n",
  };
  const dir = h.createRepository(`stream-origin-${rep}`, files);
  let latestPush = h.git(dir, 'rev-parse', 'HEAD');
  const steps = [];
  for (const [n, step] of stream.entries()) {
    let sha;
    if (n === 0) sha = latestPush;
    else if (step.sameAsBase) sha = latestPush;
    else
      sha = commitOn(
        h,
        dir,
        step.edit(n),
        `${step.kind} (${n})`,
        step.event === 'push' ? null : latestPush,
        step.lockfile,
      );
    steps.push({ kind: step.kind, event: step.event, sha, baseSha: step.event === 'push' ? null : latestPush });
    if (step.event === 'push') latestPush = sha;
  }
  return { dir, steps };
}

/** A commit on main (a push) or on `base` without moving main (a pull request's head), with `edit` applied to its parent's files. */
function commitOn(h, repo, edit, message, base, lockfile = false) {
  h.git(repo, 'checkout', '-q', ...(base ? ['--detach', base] : ['main']));
  h.writeFiles(
    repo,
    edit((rel) => readFileSync(path.join(repo, rel), 'utf8')),
  );
  if (lockfile) execFileSync('cargo', ['generate-lockfile', '--offline'], { cwd: repo, stdio: 'ignore' });
  h.git(repo, 'add', '-A');
  h.git(repo, 'commit', '-q', '-m', message);
  const sha = h.git(repo, 'rev-parse', 'HEAD');
  h.git(repo, 'checkout', '-q', 'main');
  return sha;
}

/** One job of one configuration: wall and CPU time, packages compiled, bytes the cache directory gained, and the defaults' record. */
async function runOne(h, config, { workspace, cacheDir, event, jobEnv, runnerTemp }) {
  const bytesBefore = dirBytes(cacheDir);
  const cpu0 = childrenCpuSeconds();
  const t0 = process.hrtime.bigint();
  const elapsed = () => Number(process.hrtime.bigint() - t0) / 1e9;
  let sample;
  if (config === 'defaults') {
    const r = await runLocalJob({
      workspace,
      runnerTemp,
      quiet: true,
      event,
      inputs: { 'cache-dir': cacheDir, ...CONFIG_INPUTS.defaults },
      env: jobEnv,
    });
    const wallSeconds = elapsed();
    if (r.main.code !== 0 || r.post.code !== 0) {
      console.error(r.main.output.slice(-4000), r.post.output.slice(-2000));
      throw new Error(`the action failed in a ${event.event} job (defaults)`);
    }
    sample = { wallSeconds, ...defaultsDetails(h, r) };
  } else if (config === 'plainCache') {
    const job = new Job({
      ...event,
      workspace,
      inputs: { 'cache-backend': 'local', 'cache-dir': cacheDir, ...CONFIG_INPUTS.plainCache },
      env: jobEnv,
      runnerTemp,
      filesDir: runnerTemp,
      github: true,
      stdio: 'capture',
    });
    const main = await job.main();
    if (main.exitCode !== 0)
      throw new Error(`the action's main step failed (plain cache): ${main.output.slice(-3000)}`);
    const build = cargoBuild(workspace, { ...jobEnv, ...main.exportedEnv });
    const post = await job.post();
    if (post.exitCode !== 0)
      throw new Error(`the action's post step failed (plain cache): ${post.output.slice(-3000)}`);
    sample = {
      wallSeconds: elapsed(),
      mainSeconds: main.seconds,
      buildSeconds: build.seconds,
      postSeconds: post.seconds,
      cacheHit: main.outputs['cache-hit'] ?? null,
      crates: build.crates,
    };
  } else {
    const build = cargoBuild(workspace, jobEnv);
    sample = { wallSeconds: elapsed(), buildSeconds: build.seconds, crates: build.crates };
  }
  return {
    ...sample,
    cpuSeconds: childrenCpuSeconds() - cpu0,
    bytesStored: config === 'noCache' ? 0 : dirBytes(cacheDir) - bytesBefore,
  };
}

/** A workflow step's plain `cargo build` (the dev profile, as the action's default). */
function cargoBuild(workspace, jobEnv) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync('cargo', ['build'], {
    cwd: workspace,
    env: stepEnv(jobEnv),
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) throw new Error(`cargo build failed in ${workspace}: ${(r.stderr ?? '').slice(-3000)}`);
  return { seconds, crates: compilingLines(r.stderr ?? '') };
}

/** The post step's phases, from its log line (the record holds the main step's). */
const POST_PHASE = {
  'keep-fresh manifest': 'describe',
  clean: 'clean',
  'cache save': 'save',
  'baseline store': 'store',
};
function postPhases(output) {
  const line = /time by phase in the post step: (.*?); the action's own/.exec(output ?? '')?.[1] ?? '';
  const out = {};
  for (const part of line.split(' · ')) {
    const m = /^(.*) ([\d.]+) s$/.exec(part);
    if (m && POST_PHASE[m[1]]) out[POST_PHASE[m[1]]] = Number(m[2]);
  }
  return out;
}

/** What the defaults' job left: its record (phases, units, rustc CPU), outputs and whether it rebuilt the base commit to confirm. */
function defaultsDetails(h, r) {
  const record = h.readRecord(r.outputs.report);
  // "…; confirming by rebuilding the base commit here (3 samples per side, …)" in the log, "rebuilt here 5× alternating" in the report.
  const why = /Watchmaker: (.*); confirming by rebuilding the base commit here/.exec(r.main.output)?.[1] ?? null;
  const samples = /rebuilt here (\d+)× alternating/.exec(r.summary)?.[1];
  const phases =
    record?.phases && typeof record.phases === 'object'
      ? {
          ...Object.fromEntries(Object.entries(record.phases).filter(([, v]) => Number.isFinite(v))),
          ...postPhases(r.post.output),
        }
      : null;
  const buildSeconds = Number(r.outputs['build-seconds'] ?? NaN);
  return {
    mainSeconds: r.main.seconds,
    postSeconds: r.post.seconds,
    buildSeconds,
    cacheHit: r.outputs['cache-hit'] ?? null,
    verdict: r.outputs.verdict || null,
    verdictReason: r.outputs['verdict-reason'] || null,
    changePercent: r.outputs['change-percent'] ? Number(r.outputs['change-percent']) : null,
    confirmed: /so the base commit was rebuilt here to confirm/.test(r.summary),
    confirmWhy: why,
    confirmSamples: samples ? Number(samples) : null,
    sentence: /\*\*Verdict: [a-z-]+\.\*\* (.*)/.exec(r.summary)?.[1] ?? null,
    crates: record ? record.crates.length : compilingLines(r.main.output),
    compilingLines: compilingLines(r.main.output),
    unitsCompiled: record?.totals?.unitsCompiled ?? null,
    rustcCpuSeconds: record?.totals?.cpuSeconds ?? null,
    membersCompiled: record ? record.crates.filter((c) => c.workspaceMember).map((c) => c.crate) : null,
    phases,
    // Outside cargo and cache transfer: every phase but build, restore, save and confirm. Without
    // phases in the record, an upper bound: the steps' wall time less the build's.
    ownSeconds: phases
      ? sum(
          Object.entries(phases)
            .filter(([k]) => !NOT_OWN_PHASES.includes(k))
            .map(([, v]) => v),
        )
      : null,
    ownSecondsUpperBound: r.main.seconds + r.post.seconds - (Number.isFinite(buildSeconds) ? buildSeconds : 0),
  };
}

// ---------- summary ----------

function summarize(h, stream, repetitions, { toolchain, seconds }) {
  const { spread, median } = h;
  const finite = (xs) => xs.filter((x) => typeof x === 'number' && Number.isFinite(x));
  const spreadOf = (xs) => (finite(xs).length ? spread(finite(xs)) : null);
  const metrics = ['wallSeconds', 'cpuSeconds', 'crates', 'bytesStored'];
  const statsOf = (samples) => Object.fromEntries(metrics.map((m) => [m, spreadOf(samples.map((s) => s[m]))]));

  const jobs = stream.map((step, i) => {
    const per = Object.fromEntries(CONFIGS.map((c) => [c, repetitions.map((r) => r.jobs[i].samples[c])]));
    return {
      index: i + 1,
      kind: step.kind,
      event: step.event,
      label: step.label,
      ...Object.fromEntries(CONFIGS.map((c) => [c, statsOf(per[c])])),
      samples: per,
    };
  });

  const kindNames = [...new Set(stream.map((s) => s.kind))];
  const kinds = kindNames.map((kind) => {
    const of = jobs.filter((j) => j.kind === kind);
    const samples = (c) => of.flatMap((j) => j.samples[c]);
    const defaults = samples('defaults');
    return {
      kind,
      label: of[0].label,
      event: of[0].event,
      jobsPerStream: of.length,
      ...Object.fromEntries(CONFIGS.map((c) => [c, statsOf(samples(c))])),
      verdicts: of[0].event === 'pull_request' ? countBy(defaults.map((s) => s.verdict ?? 'none')) : null,
      verdictReasons:
        of[0].event === 'pull_request'
          ? countBy(defaults.filter((s) => s.verdictReason).map((s) => s.verdictReason))
          : null,
      confirmedByRebuild: defaults.filter((s) => s.confirmed).length,
      ownSeconds: spreadOf(defaults.map((s) => s.ownSeconds)),
      ownSecondsUpperBound: spreadOf(defaults.map((s) => s.ownSecondsUpperBound)),
    };
  });

  // Totals per repetition, then median and range over repetitions.
  const totalOf = (rep, event, config) =>
    sum(rep.jobs.filter((j) => j.event === event).map((j) => j.samples[config].wallSeconds));
  const totals = {};
  for (const [name, event] of [
    ['pullRequests', 'pull_request'],
    ['pushes', 'push'],
  ]) {
    const n = stream.filter((s) => s.event === event).length;
    totals[name] = {
      jobs: n,
      ...Object.fromEntries(CONFIGS.map((c) => [c, n ? spreadOf(repetitions.map((r) => totalOf(r, event, c))) : null])),
    };
  }
  const ratioOver = (select) =>
    spreadOf(
      repetitions.map((r) => {
        const jobsOf = r.jobs.filter(select);
        return jobsOf.length
          ? sum(jobsOf.map((j) => j.samples.defaults.wallSeconds)) /
              sum(jobsOf.map((j) => j.samples.plainCache.wallSeconds))
          : NaN;
      }),
    );
  const ratios = {
    pullRequestsDefaultsOverPlainCache: ratioOver((j) => j.event === 'pull_request'),
    pushesDefaultsOverPlainCache: ratioOver((j) => j.event === 'push'),
    docsPullRequestOverPlainCache: ratioOver((j) => j.kind === 'PR docs'),
    aaPullRequestOverPlainCache: ratioOver((j) => j.kind === 'PR A/A'),
  };

  // The defaults' time by phase: per job, and summed over each stream.
  const defaultsSamples = repetitions.flatMap((r) => r.jobs.map((j) => j.samples.defaults));
  const withPhases = defaultsSamples.filter((s) => s.phases);
  const phaseNames = [...new Set(withPhases.flatMap((s) => Object.keys(s.phases)))];
  const phases = withPhases.length
    ? {
        source:
          withPhases.length === defaultsSamples.length
            ? 'record'
            : `record (${withPhases.length} of ${defaultsSamples.length} jobs)`,
        perStream: Object.fromEntries(
          phaseNames.map((p) => [
            p,
            spreadOf(repetitions.map((r) => sum(r.jobs.map((j) => j.samples.defaults.phases?.[p] ?? 0)))),
          ]),
        ),
        perJob: Object.fromEntries(phaseNames.map((p) => [p, spreadOf(withPhases.map((s) => s.phases[p] ?? 0))])),
      }
    : {
        source: 'step-times',
        note: 'the records carry no phases: main and post step wall times and the build-seconds output instead',
        perStream: {
          build: spreadOf(repetitions.map((r) => sum(r.jobs.map((j) => j.samples.defaults.buildSeconds)))),
          mainOutsideBuild: spreadOf(
            repetitions.map((r) =>
              sum(r.jobs.map((j) => j.samples.defaults.mainSeconds - j.samples.defaults.buildSeconds)),
            ),
          ),
          post: spreadOf(repetitions.map((r) => sum(r.jobs.map((j) => j.samples.defaults.postSeconds)))),
        },
      };
  const ownByJob = jobs.map((j) => median(finite(j.samples.defaults.map((s) => s.ownSeconds ?? NaN))));
  const ownUpperByJob = jobs.map((j) => median(j.samples.defaults.map((s) => s.ownSecondsUpperBound)));
  const ownExact = finite(defaultsSamples.map((s) => s.ownSeconds)).length === defaultsSamples.length;
  const ownAll = ownExact
    ? defaultsSamples.map((s) => s.ownSeconds)
    : defaultsSamples.map((s) => s.ownSecondsUpperBound);
  const ownPerJobMedians = ownExact ? ownByJob : ownUpperByJob;
  const own = {
    source: ownExact
      ? 'phases: every phase but build, restore, save and confirm'
      : 'upper bound: main + post step wall time less the build (the records carry no phases)',
    perJob: spreadOf(ownAll),
    worstJobMedian: Math.max(...ownPerJobMedians),
    worstJob: jobs[ownPerJobMedians.indexOf(Math.max(...ownPerJobMedians))]?.kind ?? null,
  };

  const target = (name, limit, value, extra = {}) => ({
    name,
    limit,
    value,
    met: Number.isFinite(value) ? value <= limit : null,
    by: Number.isFinite(value) ? limit - value : null,
    ...extra,
  });
  const docsRatio = ratios.docsPullRequestOverPlainCache?.median ?? NaN;
  const aaRatio = ratios.aaPullRequestOverPlainCache?.median ?? NaN;
  const targets = [
    target(
      "defaults' pull-request jobs in total ≤ 0.6× the plain cache's",
      0.6,
      ratios.pullRequestsDefaultsOverPlainCache?.median ?? NaN,
      { unit: '×' },
    ),
    target('documentation-only and A/A pull-request jobs ≤ 1.2× the plain cache', 1.2, Math.max(docsRatio, aaRatio), {
      unit: '×',
      docs: docsRatio,
      aa: aaRatio,
    }),
    target("the action's own time outside cargo and cache transfer ≤ 1 s per job", 1, own.worstJobMedian, {
      unit: 's',
      judgedOn: 'the slowest job of the stream (median over repetitions)',
      median: own.perJob?.median ?? null,
      exact: ownExact,
    }),
  ];

  return {
    description:
      'A stream of pushes and pull requests on one repository, each job a fresh depth-1 clone at one path with an empty CARGO_HOME, under three configurations interleaved job by job, each with its own cache directory',
    workspace: {
      members: h.members,
      source: 'the Debian directory source of the bench (the local registry)',
      leaf: LEAF,
      core: CORE,
      addedDependency: { member: DEPENDENT, ...ADDED_DEPENDENCY },
      slowdown: { member: SLOW, types: SLOW_TYPES },
    },
    configs: {
      defaults: { inputs: CONFIG_INPUTS.defaults, description: "the action's defaults" },
      plainCache: {
        inputs: CONFIG_INPUTS.plainCache,
        description: 'the action as a plain cache, then a plain `cargo build` between its main and post steps',
      },
      noCache: { inputs: null, description: '`cargo build` alone' },
    },
    toolchain: { sysroot: toolchain.sysroot, rustupProxies: toolchain.proxied, env: Object.keys(toolchain.env) },
    repetitions: repetitions.length,
    jobsPerStream: stream.length,
    partial: stream.length < STREAM.length,
    orders: repetitions.map((r) => r.order),
    measures: {
      wallSeconds:
        'the whole job: main + post steps (defaults), main + cargo build + post (plain cache), cargo build (no cache); the checkout not included',
      cpuSeconds:
        "user + sys of every process of the job (this process's waited-for children, from /proc/self/stat): the steps' Node processes, cargo, rustc, tar",
      rustcCpuSeconds: "defaults only: the record's totals.cpuSeconds (rustc invocations only)",
      crates: "packages compiled: cargo's Compiling lines (plain cache, no cache); the record's crates (defaults)",
      bytesStored:
        'bytes the cache directory gained in the job (archives and index; negative when superseded entries were deleted)',
    },
    jobs,
    kinds,
    totals,
    ratios,
    phases,
    ownSeconds: own,
    targets,
    verdicts: repetitions.flatMap((r, rep) =>
      r.jobs
        .filter((j) => j.event === 'pull_request')
        .map((j) => ({
          repetition: rep + 1,
          kind: j.kind,
          verdict: j.samples.defaults.verdict,
          reason: j.samples.defaults.verdictReason,
          changePercent: j.samples.defaults.changePercent,
          confirmed: j.samples.defaults.confirmed,
          confirmWhy: j.samples.defaults.confirmWhy,
          confirmSamples: j.samples.defaults.confirmSamples,
          confirmSeconds: j.samples.defaults.phases?.confirm ?? null,
          sentence: j.samples.defaults.sentence,
        })),
    ),
    confirmingRebuilds: defaultsSamples.filter((s) => s.confirmed).length,
    seconds,
  };
}

const countBy = (xs) => xs.reduce((a, x) => ({ ...a, [x]: (a[x] ?? 0) + 1 }), {});

// ---------- terminal ----------

const f = (x, d = 2) => (typeof x === 'number' && Number.isFinite(x) ? x.toFixed(d) : 'n/a');
const fs = (s, unit = '', d = 2) => (s ? `${f(s.median, d)}${unit} (${f(s.min, d)}–${f(s.max, d)})` : 'n/a');

export function printStream(s) {
  console.log(
    `\nThe stream: ${s.jobsPerStream} jobs × ${s.repetitions} repetition(s); median wall time (range), packages compiled`,
  );
  console.log(
    `  ${'job'.padEnd(16)} ${'defaults'.padEnd(30)} ${'plain cache'.padEnd(30)} ${'no cache'.padEnd(30)} verdicts (defaults)`,
  );
  for (const k of s.kinds) {
    const cell = (c) => `${fs(k[c].wallSeconds, ' s', 1)} ${f(k[c].crates?.median, 0)}`.padEnd(30);
    const verdicts = k.verdicts
      ? Object.entries(k.verdicts)
          .map(([v, n]) => `${v} ${n}`)
          .join(', ')
      : '';
    console.log(
      `  ${`${k.kind}${k.jobsPerStream > 1 ? ` ×${k.jobsPerStream}` : ''}`.padEnd(16)} ${cell('defaults')} ${cell('plainCache')} ${cell('noCache')} ${verdicts}${k.confirmedByRebuild ? ` (rebuilt base ${k.confirmedByRebuild})` : ''}`,
    );
  }
  for (const [name, t] of Object.entries(s.totals))
    console.log(`  ${name.padEnd(16)} ${CONFIGS.map((c) => fs(t[c], ' s', 1).padEnd(30)).join(' ')}`);
  const r = s.ratios;
  console.log(
    `  defaults / plain cache: pull requests ${fs(r.pullRequestsDefaultsOverPlainCache)}, pushes ${fs(r.pushesDefaultsOverPlainCache)}, docs PR ${fs(r.docsPullRequestOverPlainCache)}, A/A PR ${fs(r.aaPullRequestOverPlainCache)}`,
  );
  console.log(
    `  action's own time per job (${s.ownSeconds.source}): ${fs(s.ownSeconds.perJob, ' s')}; slowest job ${s.ownSeconds.worstJob} ${f(s.ownSeconds.worstJobMedian)} s`,
  );
  console.log(
    `  phases per stream (${s.phases.source}): ${Object.entries(s.phases.perStream)
      .map(([p, x]) => `${p} ${f(x?.median, 1)} s`)
      .join(', ')}`,
  );
  for (const t of s.targets)
    console.log(
      `  target: ${t.name}: ${f(t.value)}${t.unit} → ${t.met === null ? 'n/a' : t.met ? 'met' : 'missed'} (by ${f(Math.abs(t.by ?? NaN))}${t.unit})`,
    );
  console.log(`  section took ${f(s.seconds / 60, 1)} min`);
}
