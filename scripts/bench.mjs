#!/usr/bin/env node
// npm run bench: the figures that show what the action costs and saves, measured side by side
// in one run on a workspace of real crates (Debian's librust-*-dev packages, wired in through a
// [source] directory replacement; the bench installs them with apt-get when it runs as root).
// Prints a table and writes bench/results.json.
// Nothing here passes or fails on timing: it reports medians and spread.
//
//   BENCH_RUNS=3 npm run bench          (runs per measurement; default 3)
//   BENCH_ONLY=cold-warm,growth,overhead,noise,verdicts,freshness,work,wrapper,stream,parallelism,advise
//                                       (subset of sections)
//   BENCH_STREAM_JOBS=4                 (stream: only its first 4 jobs, a quick check; not written to bench/results.json)
//   BENCH_VERDICT_RUNS=2                (comparisons per verdict scenario; default max(5, BENCH_RUNS))
//   node scripts/bench.mjs --readme     (only rewrite README.md's bench section from bench/results.json)
//
// After a full run it also rewrites the README's bench section (scripts/lib/bench-table.mjs),
// which the docs test checks against bench/results.json.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { adviseSection, printAdvise } from './lib/bench-advise.mjs';
import { parallelismSection, printParallelism } from './lib/bench-parallelism.mjs';
import { printStream, streamSection } from './lib/bench-stream.mjs';
import { replaceBenchSection } from './lib/bench-table.mjs';
import { repoRoot, runLocalJob } from './lib/runner.mjs';

/** Rewrites README.md's bench section from `results`. A failure is reported (exit code 1); results.json is kept. */
function updateReadme(results) {
  const readmePath = path.join(repoRoot, 'README.md');
  try {
    writeFileSync(readmePath, replaceBenchSection(readFileSync(readmePath, 'utf8'), results));
    console.log('Rewrote the bench section of README.md');
  } catch (e) {
    console.error(`README.md not updated: ${e.message}`);
    process.exitCode = 1;
  }
}

if (process.argv.includes('--readme')) {
  updateReadme(JSON.parse(readFileSync(path.join(repoRoot, 'bench', 'results.json'), 'utf8')));
  process.exit();
}

const RUNS = Math.max(1, Number(process.env.BENCH_RUNS ?? 3));
const SECTIONS = [
  'cold-warm',
  'growth',
  'overhead',
  'noise',
  'verdicts',
  'freshness',
  'work',
  'wrapper',
  'stream',
  'parallelism',
  'advise',
];
const ONLY = new Set((process.env.BENCH_ONLY ?? SECTIONS.join(',')).split(','));
const DEBIAN_REGISTRY = '/usr/share/cargo/registry';
// The crates the bench workspace names (base64 is the growth scenario's added dependency,
// humantime the stream's), by the Debian package that provides them; each package brings the
// crates it depends on.
const DEBIAN_CRATES = [
  ['grep', 'librust-grep-dev'],
  ['ignore', 'librust-ignore-dev'],
  ['globset', 'librust-globset-dev'],
  ['regex', 'librust-regex-dev'],
  ['serde_json', 'librust-serde-json-dev'],
  ['serde_derive', 'librust-serde-derive-dev'],
  ['base64', 'librust-base64-dev'],
  ['humantime', 'librust-humantime-dev'],
];

// ---------- setup ----------

/**
 * The bench builds real third-party crates from Debian's librust-*-dev packages (the test suite
 * does not need them: it has its own local registry). Installs the missing ones with apt-get
 * when it can (root, apt-get present); otherwise says what to install and exits with 2.
 */
function ensureDebianCrates() {
  const missing = () => {
    const dirs = existsSync(DEBIAN_REGISTRY) ? readdirSync(DEBIAN_REGISTRY) : [];
    return DEBIAN_CRATES.filter(
      ([crate]) => !dirs.some((d) => d.startsWith(`${crate}-`) && /^\d/.test(d.slice(crate.length + 1))),
    ).map(([, pkg]) => pkg);
  };
  let packages = missing();
  if (packages.length === 0) return;
  let why;
  if (process.platform !== 'linux' || spawnSync('apt-get', ['--version'], { stdio: 'ignore' }).status !== 0)
    why = 'apt-get is not available on this machine';
  else if (process.getuid?.() !== 0)
    why = 'installing packages needs root (run the bench as root, or install them with sudo first)';
  else {
    console.log(`The bench needs Debian's packaged Rust crates; installing ${packages.join(' ')} with apt-get...`);
    try {
      execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
      execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...packages], {
        stdio: 'inherit',
        env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
      });
    } catch (e) {
      why = `apt-get failed (${e.message.split('\n')[0]})`;
    }
    packages = missing();
    if (packages.length && !why) why = `apt-get ran, but ${DEBIAN_REGISTRY} still lacks them`;
  }
  if (packages.length === 0) return;
  console.error(
    `The bench builds real crates from Debian's librust-*-dev packages (through a [source] directory replacement with ${DEBIAN_REGISTRY}), ` +
      `and these are missing: ${packages.join(' ')}.\nCould not install them: ${why}.\nInstall them, then run the bench again:\n  sudo apt-get install ${packages.join(' ')}`,
  );
  rmSync(scratch, { recursive: true, force: true });
  process.exit(2);
}

/**
 * The bench workspace: a small search tool over ripgrep's library crates and serde. With
 * `tables` (a number of functions) it has a fourth member, `tables`, that `cli` uses: generated
 * code whose compile cost grows with that number (the verdicts section sets a slowdown with it).
 */
function benchWorkspaceFiles({ extraDependency = false, optLevel = null, rustflags = null, tables = null } = {}) {
  return {
    'Cargo.toml': [
      '[workspace]',
      `members = ["crates/finder", "crates/report", "crates/cli"${tables === null ? '' : ', "crates/tables"'}]`,
      'resolver = "2"',
      '',
      ...(optLevel === null ? [] : ['[profile.dev]', `opt-level = ${optLevel}`, '']),
    ].join('\n'),
    '.cargo/config.toml':
      `[source.crates-io]\nreplace-with = "debian"\n\n[source.debian]\ndirectory = "${DEBIAN_REGISTRY}"\n` +
      (rustflags === null ? '' : `\n[build]\nrustflags = ${JSON.stringify(rustflags)}\n`),
    'crates/finder/Cargo.toml':
      '[package]\nname = "finder"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\ngrep = "0.2"\nignore = "0.4"\nglobset = "0.4"\nregex = "1"\n' +
      (extraDependency ? 'base64 = "0.13"\n' : ''),
    'crates/finder/src/lib.rs': [
      'use grep::regex::RegexMatcher;',
      'use grep::searcher::{sinks::UTF8, Searcher};',
      'use ignore::WalkBuilder;',
      '',
      '/// Lines matching `pattern` under `root`, as (path, line number, text).',
      'pub fn find(root: &str, pattern: &str, glob: &str) -> Vec<(String, u64, String)> {',
      '    let matcher = RegexMatcher::new(pattern).expect("valid pattern");',
      '    let filter = globset::Glob::new(glob).expect("valid glob").compile_matcher();',
      '    let mut hits = Vec::new();',
      '    for entry in WalkBuilder::new(root).build().flatten() {',
      '        let path = entry.path().to_path_buf();',
      '        if !path.is_file() || !filter.is_match(&path) { continue; }',
      '        let _ = Searcher::new().search_path(&matcher, &path, UTF8(|n, line| {',
      '            hits.push((path.display().to_string(), n, line.trim_end().to_string()));',
      '            Ok(true)',
      '        }));',
      '    }',
      '    hits',
      '}',
      '',
      'pub fn is_identifier(s: &str) -> bool { regex::Regex::new("^[A-Za-z_][A-Za-z0-9_]*$").unwrap().is_match(s) }',
      '',
    ].join('\n'),
    'crates/report/Cargo.toml':
      '[package]\nname = "report"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\nserde = { version = "1", features = ["derive"] }\nserde_json = "1"\n',
    'crates/report/src/lib.rs': [
      '#[derive(serde::Serialize, serde::Deserialize, Debug, PartialEq)]',
      'pub struct Hit { pub path: String, pub line: u64, pub text: String }',
      '',
      'pub fn to_json(hits: &[Hit]) -> String { serde_json::to_string_pretty(hits).unwrap() }',
      '',
    ].join('\n'),
    'crates/cli/Cargo.toml':
      '[package]\nname = "cli"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\nfinder = { path = "../finder" }\nreport = { path = "../report" }\n' +
      (tables === null ? '' : 'tables = { path = "../tables" }\n'),
    'crates/cli/src/main.rs': [
      'fn main() {',
      '    let args: Vec<String> = std::env::args().collect();',
      '    let pattern = args.get(1).map(String::as_str).unwrap_or("fn ");',
      '    let hits: Vec<report::Hit> = finder::find(".", pattern, "*.rs")',
      '        .into_iter().map(|(path, line, text)| report::Hit { path, line, text }).collect();',
      '    println!("{}", report::to_json(&hits));',
      ...(tables === null ? [] : ['    eprintln!("checksum {}", tables::checksum(hits.len() as u64));']),
      '}',
      '',
    ].join('\n'),
    ...(tables === null ? {} : tablesCrateFiles(tables)),
  };
}

/** The `tables` crate: `functions` small arithmetic functions, and one that calls a few of them. */
function tablesCrateFiles(functions) {
  const body = Array.from(
    { length: functions },
    (_, i) => `pub fn f${i}(x: u64) -> u64 { x.wrapping_mul(${i + 3}).rotate_left(${i % 63}) ^ (x >> ${i % 17}) }`,
  );
  return {
    'crates/tables/Cargo.toml': '[package]\nname = "tables"\nversion = "0.1.0"\nedition = "2021"\n',
    'crates/tables/src/lib.rs': `//! Generated: ${functions} functions.\n${body.join('\n')}\n\npub fn checksum(x: u64) -> u64 { f0(x) ^ f${functions - 1}(x) }\n`,
  };
}

function writeFiles(root, files) {
  for (const [rel, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    writeFileSync(path.join(root, rel), content);
  }
}

const scratch = mkdtempSync(path.join(os.tmpdir(), 'wm-bench-'));
let counter = 0;

/**
 * A fresh checkout of the bench workspace (no target/), as a new CI job would have. Jobs of one
 * scenario share the checkout path, as GitHub's runners do (the workspace path is stable, and
 * the cache archives absolute paths).
 */
function freshCheckout(options, name = 'main') {
  const dir = path.join(scratch, `ws-${name}`);
  rmSync(dir, { recursive: true, force: true });
  writeFiles(dir, benchWorkspaceFiles(options));
  return dir;
}

/** Generates Cargo.lock once (offline, from the Debian directory source) and copies it in. */
let lockfile = null;
function withLockfile(dir) {
  if (!lockfile) {
    execFileSync('cargo', ['generate-lockfile', '--offline'], { cwd: dir, stdio: 'ignore' });
    lockfile = readFileSync(path.join(dir, 'Cargo.lock'));
  } else if (!existsSync(path.join(dir, 'Cargo.lock'))) writeFileSync(path.join(dir, 'Cargo.lock'), lockfile);
  return dir;
}

// ---------- measuring ----------

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const spread = (xs) => ({ median: median(xs), min: Math.min(...xs), max: Math.max(...xs), n: xs.length });
const fmt = (x, digits = 2) => (Number.isFinite(x) ? x.toFixed(digits) : 'n/a');
const fmtSpread = (s, unit = '', digits = 2) =>
  `${fmt(s.median, digits)}${unit} (${fmt(s.min, digits)}–${fmt(s.max, digits)}, n=${s.n})`;
const mib = (bytes) => bytes / 1024 / 1024;

/** Target-cache archives written by the local backend (newest last; baseline records excluded). */
function archives(cacheDir) {
  const index = path.join(cacheDir, 'index.json');
  if (!existsSync(index)) return [];
  return JSON.parse(readFileSync(index, 'utf8'))
    .entries.filter((e) => !e.key.includes('-record-'))
    .map((e) => ({ name: e.file, bytes: e.sizeBytes, createdAt: e.createdAt }))
    .sort((a, b) => a.createdAt - b.createdAt);
}

async function job(workspace, cacheDir, inputs = {}, env = {}) {
  const runnerTemp = path.join(scratch, `runner-${++counter}`);
  const r = await runLocalJob({
    workspace,
    runnerTemp,
    quiet: true,
    inputs: { 'cache-dir': cacheDir, ...inputs },
    env,
  });
  if (r.main.code !== 0) {
    console.error(r.main.output.slice(-4000));
    throw new Error(`the action's main step failed on ${workspace}`);
  }
  const record =
    r.outputs.report && existsSync(r.outputs.report) ? JSON.parse(readFileSync(r.outputs.report, 'utf8')) : null;
  return { ...r, record, buildSeconds: Number(r.outputs['build-seconds'] ?? NaN) };
}

const results = { machine: machineInfo(), runs: RUNS, startedAt: new Date().toISOString() };

/**
 * A run limited with BENCH_ONLY replaces only its own sections of bench/results.json; the
 * others stay as the earlier run measured them (each section's run is in `sectionRuns`).
 */
function mergeWithEarlier(fresh) {
  const file = path.join(repoRoot, 'bench', 'results.json');
  const sections = [
    'coldWarm',
    'growth',
    'growthNewLayout',
    'overhead',
    'noise',
    'verdicts',
    'freshness',
    'work',
    'wrapper',
    'stream',
  ];
  const earlier = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};
  const merged = { ...earlier, ...fresh, sectionRuns: { ...(earlier.sectionRuns ?? {}) } };
  for (const s of sections) {
    if (fresh[s] !== undefined)
      merged.sectionRuns[s] = { startedAt: fresh.startedAt, finishedAt: fresh.finishedAt, runs: fresh.runs };
    else if (earlier[s] !== undefined) merged[s] = earlier[s];
  }
  // The README's "latest run" line (and its "medians of N runs") describes the last full run.
  if (!SECTIONS.every((s) => ONLY.has(s)))
    Object.assign(merged, {
      startedAt: earlier.startedAt ?? fresh.startedAt,
      finishedAt: earlier.finishedAt ?? fresh.finishedAt,
      runs: earlier.runs ?? fresh.runs,
      machine: earlier.machine ?? fresh.machine,
    });
  return merged;
}

function machineInfo() {
  const v = (cmd, args) => spawnSync(cmd, args, { encoding: 'utf8' }).stdout?.trim() ?? null;
  return {
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cpus: os.cpus().length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    cargo: v('cargo', ['--version']),
  };
}

// Cold vs warm, per profile: a cold job has an empty cache; a warm job is a fresh checkout
// that restores the cache the cold job saved (what a second CI run sees).
async function coldWarm() {
  results.coldWarm = {};
  for (const profile of ['dev', 'release']) {
    const cold = [];
    const warm = [];
    const archive = [];
    const restore = [];
    const post = [];
    for (let i = 0; i < RUNS; i++) {
      const cacheDir = path.join(scratch, `cache-cw-${profile}-${i}`);
      const c = await job(withLockfile(freshCheckout()), cacheDir, { profile });
      cold.push(c.buildSeconds);
      post.push(c.post.seconds);
      archive.push(archives(cacheDir).reduce((a, x) => a + x.bytes, 0));
      // Restore alone: the main step with the build off is rustc probe + guard + restore.
      const r = await job(withLockfile(freshCheckout()), cacheDir, { profile, build: 'false', 'cache-save': 'never' });
      restore.push(r.main.seconds);
      const w = await job(withLockfile(freshCheckout()), cacheDir, { profile, 'cache-save': 'never' });
      warm.push(w.buildSeconds);
      process.stdout.write('.');
    }
    results.coldWarm[profile] = {
      coldBuildSeconds: spread(cold),
      warmBuildSeconds: spread(warm),
      speedup: median(cold) / median(warm),
      archiveMiB: spread(archive.map(mib)),
      restoreStepSeconds: spread(restore),
      postStepSeconds: spread(post),
    };
  }
}

// Five commits after the first, with churn: source edit, new dependency, RUSTFLAGS change (in
// .cargo/config.toml), dependency removed, opt-level change with a source edit. Watchmaker's saved archive vs a naive cache of the whole target/ directory
// (what a plain `path: target` cache restores and re-saves, accumulating every old artifact).
// Run on both build-dir layouts: cargo's default up to 1.99 and the one cargo 1.100 makes the
// default (here: RUSTC_BOOTSTRAP=1 with -Zbuild-dir-new-layout); the archive must stay as flat.
const NEW_LAYOUT_ENV = { RUSTC_BOOTSTRAP: '1', CARGO_UNSTABLE_BUILD_DIR_NEW_LAYOUT: 'true' };

async function growth() {
  results.growth = await churn('old', {});
  process.stdout.write(' new layout ');
  results.growthNewLayout = await churn('new', NEW_LAYOUT_ENV);
}

async function churn(layout, layoutEnv) {
  const cacheDir = path.join(scratch, `cache-growth-${layout}`);
  const naiveTarget = path.join(scratch, `naive-target-${layout}`);
  const commits = [
    { label: 'initial', options: {} },
    { label: 'source edit', options: {}, edit: true },
    { label: 'dependency added', options: { extraDependency: true } },
    { label: 'rustflags changed', options: { extraDependency: true, rustflags: ['--cfg', 'bench_flag'] } },
    { label: 'dependency removed', options: { rustflags: ['--cfg', 'bench_flag'] } },
    { label: 'opt-level changed', options: { rustflags: ['--cfg', 'bench_flag'], optLevel: 1 }, edit: true },
  ];
  const rows = [];
  for (const [i, commit] of commits.entries()) {
    const dir = freshCheckout(commit.options, `growth-${layout}`);
    execFileSync('cargo', ['generate-lockfile', '--offline'], { cwd: dir, stdio: 'ignore' });
    if (commit.edit)
      writeFileSync(
        path.join(dir, 'crates/report/src/lib.rs'),
        `${readFileSync(path.join(dir, 'crates/report/src/lib.rs'), 'utf8')}\npub const REVISION: u32 = ${i};\n`,
      );
    const r = await job(dir, cacheDir, { 'cache-save': 'always' }, layoutEnv);
    const newest = archives(cacheDir).at(-1);
    // The naive cache: one target/ that every commit builds into and saves whole.
    if (existsSync(naiveTarget)) cpSync(naiveTarget, path.join(dir, 'target-naive'), { recursive: true });
    execFileSync('cargo', ['build', '--offline'], {
      cwd: dir,
      stdio: 'ignore',
      env: { ...process.env, ...layoutEnv, CARGO_TARGET_DIR: path.join(dir, 'target-naive') },
    });
    rmSync(naiveTarget, { recursive: true, force: true });
    cpSync(path.join(dir, 'target-naive'), naiveTarget, { recursive: true });
    const naiveArchive = path.join(scratch, 'naive.tar.zst');
    execFileSync('tar', ['--zstd', '-cf', naiveArchive, '-C', naiveTarget, '.']);
    rows.push({
      commit: commit.label,
      layout: r.record?.measurement?.buildDirLayout ?? layout,
      cacheHit: r.outputs['cache-hit'],
      buildSeconds: r.buildSeconds,
      postStepSeconds: r.post.seconds,
      watchmakerArchiveMiB: newest ? mib(newest.bytes) : null,
      naiveTargetArchiveMiB: mib(statSync(naiveArchive).size),
    });
    process.stdout.write('.');
  }
  return rows;
}

// What the action adds on top of cargo: the rustc wrapper (the same cold build with and
// without it, alternating, wall and CPU; and the wrapper's own cost per rustc invocation,
// measured around a no-op compiler where build noise cannot hide it), and the step time
// around the build (probe, guard, restore, parse, report) and the post step.
async function overhead() {
  const wrapper = buildBenchWrapper().binary;
  const withWrapper = { wall: [], cpu: [] };
  const without = { wall: [], cpu: [] };
  let invocations = null;
  const dir = withLockfile(freshCheckout());
  for (let i = 0; i < RUNS; i++) {
    for (const useWrapper of i % 2 ? [false, true] : [true, false]) {
      rmSync(path.join(dir, 'target'), { recursive: true, force: true });
      const env = { ...process.env };
      const unitsFile = path.join(scratch, `units-${++counter}.jsonl`);
      const measureDir = path.join(scratch, `measure-${counter}`);
      mkdirSync(measureDir, { recursive: true });
      if (useWrapper)
        Object.assign(env, {
          RUSTC_WRAPPER: wrapper,
          WATCHMAKER_UNITS_FILE: unitsFile,
          WATCHMAKER_MEASURE_DIR: measureDir,
        });
      const timeFile = path.join(scratch, `time-${counter}.txt`);
      execFileSync('/usr/bin/time', ['-f', '%e %U %S', '-o', timeFile, 'cargo', 'build', '--offline'], {
        cwd: dir,
        stdio: 'ignore',
        env,
      });
      const [wall, user, sys] = readFileSync(timeFile, 'utf8').trim().split('\n').at(-1).split(' ').map(Number);
      const side = useWrapper ? withWrapper : without;
      side.wall.push(wall);
      side.cpu.push(user + sys);
      if (useWrapper) invocations = readFileSync(unitsFile, 'utf8').trim().split('\n').length;
    }
    process.stdout.write('.');
  }
  // The wrapper around /bin/true with a compilation's arguments, against /bin/true alone.
  const args = [
    '--crate-name',
    'bench_unit',
    '--edition=2021',
    'src/lib.rs',
    '--crate-type',
    'lib',
    '--emit=dep-info,metadata,link',
    '-C',
    'debuginfo=2',
    '--out-dir',
    scratch,
  ];
  const perCall = (cmd, cmdArgs, env) => {
    const n = 200;
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < n; i++) spawnSync(cmd, cmdArgs, { env, stdio: 'ignore' });
    return Number(process.hrtime.bigint() - t0) / 1e6 / n;
  };
  const measureDir = path.join(scratch, 'micro-measure');
  mkdirSync(measureDir, { recursive: true });
  const microEnv = {
    ...process.env,
    WATCHMAKER_UNITS_FILE: path.join(scratch, 'micro.jsonl'),
    WATCHMAKER_MEASURE_DIR: measureDir,
  };
  const wrapperMs = [];
  for (let i = 0; i < RUNS; i++)
    wrapperMs.push(perCall(wrapper, ['/bin/true', ...args], microEnv) - perCall('/bin/true', args, microEnv));

  const stepOverhead = [];
  const postSeconds = [];
  const cacheDir = path.join(scratch, 'cache-overhead');
  await job(withLockfile(freshCheckout()), cacheDir);
  for (let i = 0; i < RUNS; i++) {
    const r = await job(withLockfile(freshCheckout()), cacheDir, { 'cache-save': 'always' });
    stepOverhead.push(r.main.seconds - r.buildSeconds);
    postSeconds.push(r.post.seconds);
    process.stdout.write('.');
  }
  results.overhead = {
    coldBuildWithoutWrapperSeconds: spread(without.wall),
    coldBuildWithWrapperSeconds: spread(withWrapper.wall),
    coldBuildCpuWithoutWrapperSeconds: spread(without.cpu),
    coldBuildCpuWithWrapperSeconds: spread(withWrapper.cpu),
    wrapperOverheadPercent: ((median(withWrapper.wall) - median(without.wall)) / median(without.wall)) * 100,
    wrapperMillisecondsPerInvocation: spread(wrapperMs),
    rustcInvocationsPerColdBuild: invocations,
    mainStepOutsideBuildSeconds: spread(stepOverhead),
    postStepSeconds: spread(postSeconds),
  };
}

// A/A: the same commit built again and again (warm cache, workspace crates rebuilt). The
// report compares each run with the previous run's stored baseline; nothing changed, so every
// reported change is noise. Also the raw per-metric change between consecutive records.
async function noise() {
  const cacheDir = path.join(scratch, 'cache-noise');
  await job(withLockfile(freshCheckout()), cacheDir);
  const runs = [];
  for (let i = 0; i < Math.max(4, RUNS + 2); i++) {
    runs.push(await job(withLockfile(freshCheckout()), cacheDir, { 'cache-save': 'never' }));
    process.stdout.write('.');
  }
  const workspaceTotal = (record, metric) =>
    record.crates.filter((c) => c.workspaceMember).reduce((a, c) => a + (c[metric] ?? NaN), 0);
  const change = (metric) =>
    runs
      .slice(1)
      .map(
        (r, i) =>
          ((workspaceTotal(r.record, metric) - workspaceTotal(runs[i].record, metric)) /
            workspaceTotal(runs[i].record, metric)) *
          100,
      );
  const reported = runs
    .slice(1)
    .map((r) => Number(r.outputs['change-percent']))
    .filter(Number.isFinite);
  results.noise = {
    wallChangePercent: spread(change('wallSeconds').map(Math.abs)),
    cpuChangePercent: spread(change('cpuSeconds').map(Math.abs).filter(Number.isFinite)),
    reportedChangePercent: reported.length ? spread(reported.map(Math.abs)) : null,
    verdicts: runs.slice(1).map((r) => r.outputs.verdict),
  };
}

// ---------- verdicts ----------

// The report's verdicts on pull requests with the default `baseline: auto`, as a repository sees
// them: a push to the default branch stores its record (and the history it carries), a pull
// request compares with it and, when that suggests a change, rebuilds the base commit here to
// confirm. Every job simulates a hosted runner's event (push or pull_request) at one stable
// checkout path, with the local cache directory standing in for the repository's GitHub cache.
//
// A/A: the pull request changes only documentation, so any regression or improvement is false.
// Detection: the pull request adds code to `tables`, one of the four members.
const VERDICT_RUNS = Math.max(1, Number(process.env.BENCH_VERDICT_RUNS ?? Math.max(5, RUNS)));
/** Functions in `tables` on the default branch: with them it is about half the compared CPU time. */
const TABLES_FUNCTIONS = 3000;
/** The slowdowns of `tables` a pull request makes, in percent of its compile time. */
const DETECTION_LEVELS = [10, 25, 50];
const FALSE_VERDICTS = new Set(['regression', 'improvement']);
/**
 * The verdict jobs compile every workspace member on both sides (keep-fresh: false): with
 * keep-fresh a documentation change compiles nothing, and an A/A comparison of nothing proves
 * nothing. This is the hardest case for the comparison.
 */
const VERDICT_INPUTS = { 'keep-fresh': 'false' };

const GIT_ENV = {
  ...process.env,
  GIT_AUTHOR_NAME: 'bench',
  GIT_AUTHOR_EMAIL: 'bench@example.invalid',
  GIT_COMMITTER_NAME: 'bench',
  GIT_COMMITTER_EMAIL: 'bench@example.invalid',
};
const git = (cwd, ...args) =>
  execFileSync('git', args, { cwd, env: GIT_ENV, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();

/** The project's repository (origin): commits are authored here, jobs fetch them by id as actions/checkout does. */
function createRepository(name = 'verdicts-origin', files = benchWorkspaceFiles({ tables: TABLES_FUNCTIONS })) {
  const dir = path.join(scratch, name);
  writeFiles(dir, { ...files, '.gitignore': '/target\n', 'NOTES.md': 'Notes\n' });
  execFileSync('cargo', ['generate-lockfile', '--offline'], { cwd: dir, stdio: 'ignore' });
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'config', 'uploadpack.allowAnySHA1InWant', 'true');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'initial');
  return dir;
}

/** A commit with `files` written: on main (a push), or on top of `base` without moving main (a pull request's head). */
function commit(repo, files, message, base = null) {
  git(repo, 'checkout', '-q', ...(base ? ['--detach', base] : ['main']));
  writeFiles(repo, files);
  git(repo, 'add', '-A');
  git(repo, 'commit', '-q', '-m', message);
  const sha = git(repo, 'rev-parse', 'HEAD');
  git(repo, 'checkout', '-q', 'main');
  return sha;
}

/** The runner's checkout: one path for every job, as on GitHub's runners (the cache archives absolute paths). */
const checkoutDir = () => path.join(scratch, 'checkout');

/**
 * Checks `sha` out at the runner's path. Reused (a persistent runner's workspace, as the test
 * harness does): fetched, checked out, `git clean -ffdx` (target/ goes). Fresh: what
 * actions/checkout does on a new hosted runner: a new directory with only `sha`, fetched with
 * depth 1, so confirming has to fetch the base commit from origin.
 */
function checkout(repo, sha, { fresh = false } = {}) {
  const dir = checkoutDir();
  if (fresh || !existsSync(path.join(dir, '.git')) || existsSync(path.join(dir, '.git', 'shallow'))) {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    git(dir, 'init', '-q');
    git(dir, 'remote', 'add', 'origin', repo);
  }
  git(dir, 'fetch', '-q', '--no-tags', ...(fresh ? ['--depth=1'] : []), 'origin', sha);
  git(dir, 'checkout', '-q', '--force', '--detach', sha);
  if (!fresh) git(dir, 'clean', '-q', '-ffdx');
  return dir;
}

function* filesUnder(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* filesUnder(full);
    else if (entry.isFile()) yield full;
  }
}

/**
 * Drops the toolchain (rustc, cargo, their libraries, the standard library) from the page cache,
 * as on a runner that has not run rustc since it booted: GNU dd with iflag=nocache, per file.
 * Returns the number of files dropped.
 */
function evictToolchain() {
  const sysroot = execFileSync('rustc', ['--print', 'sysroot'], { encoding: 'utf8' }).trim();
  let n = 0;
  for (const sub of ['bin', 'lib']) {
    if (!existsSync(path.join(sysroot, sub))) continue;
    for (const f of filesUnder(path.join(sysroot, sub)))
      if (spawnSync('dd', [`if=${f}`, 'iflag=nocache', 'count=0', 'status=none']).status === 0) n++;
  }
  return n;
}

/** A record file written by a job (null when absent). */
const readRecord = (file) => (file && existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : null);

/**
 * One job on the runner's checkout for a simulated push or pull_request event. Its temp dir is in
 * the scratch directory (the action keeps baseline records and base worktrees there), the same
 * for every job as /tmp is on a runner.
 */
async function ciJob(cacheDir, event, env = {}, inputs = VERDICT_INPUTS) {
  const runnerTemp = path.join(scratch, `runner-${++counter}`);
  const tmp = path.join(scratch, 'tmp');
  mkdirSync(tmp, { recursive: true });
  const r = await runLocalJob({
    workspace: checkoutDir(),
    runnerTemp,
    quiet: true,
    event,
    inputs: { 'cache-dir': cacheDir, comment: 'never', ...inputs },
    env: { TMPDIR: tmp, ...env },
  });
  if (r.main.code !== 0 || r.post.code !== 0) {
    console.error(r.main.output.slice(-4000), r.post.output.slice(-2000));
    throw new Error(`the action failed in a ${event.event} job`);
  }
  return { ...r, runnerTemp, record: readRecord(r.outputs.report) };
}

/** The noise threshold a report judged by, and where it came from (its verdict sentence, in the log). */
function thresholdOf(r) {
  const m =
    /±(\d+(?:\.\d+)?)%, (learned from (\d+) pairs|the smallest change \d+ samples|twice the spread of \d+ samples|the threshold input|the default)/.exec(
      r.main.output,
    );
  if (!m) return { noise: null, thresholdPercent: null, historyPairs: null };
  const noise = m[2].startsWith('learned')
    ? 'history'
    : m[2].startsWith('the smallest change') || m[2].startsWith('twice the spread')
      ? 'samples'
      : m[2] === 'the default'
        ? 'default'
        : 'input';
  return { noise, thresholdPercent: Number(m[1]), historyPairs: m[3] ? Number(m[3]) : null };
}

/** What a pull request's report said, and how it got there. */
function prOutcome(r) {
  const suggested = /the cached baseline suggested ([+−-])(\d+(?:\.\d+)?)%/.exec(r.main.output);
  const change = r.outputs['change-percent'];
  return {
    verdict: r.outputs.verdict,
    reason: r.outputs['verdict-reason'] || null,
    changePercent: change ? Number(change) : null,
    cachedChangePercent: suggested ? (suggested[1] === '+' ? 1 : -1) * Number(suggested[2]) : null,
    confirmed: /so the base commit was rebuilt here to confirm/.test(r.summary),
    // The verdict's own sentence: why a run was missed or claimed, for reading the results later.
    sentence: /\*\*Verdict: [a-z]+\.\*\* (.*)/.exec(r.summary)?.[1] ?? null,
    ...thresholdOf(r),
  };
}

const cpuOf = (record, crate) => record?.crates.find((c) => c.crate === crate)?.cpuSeconds ?? NaN;
const membersCpu = (record) =>
  record?.crates.filter((c) => c.workspaceMember).reduce((a, c) => a + (c.cpuSeconds ?? NaN), 0) ?? NaN;

/** The rebuild samples a confirming job took (rebuild-base-1.json... in its runner temp), by side. */
function rebuildSamples(runnerTemp) {
  const dir = path.join(runnerTemp, 'watchmaker');
  const side = (which) =>
    existsSync(dir)
      ? readdirSync(dir)
          .filter((f) => new RegExp(`^rebuild-${which}-\\d+\\.json$`).test(f))
          .map((f) => readRecord(path.join(dir, f)))
      : [];
  return { base: side('base'), head: side('head') };
}

/**
 * The slowdown of `crate` a pull request actually made, in percent: from the pushed record
 * against the pull request's (one sample per side, every run), and from the confirming
 * rebuild's samples when it ran (same machine, alternating, medians). `percent` is the rebuild's
 * when there is one, else the records'. `share`: the crate's part of the members' CPU time.
 */
function measuredSlowdown(pr, push, crate) {
  const samples = rebuildSamples(pr.runnerTemp);
  const records = (cpuOf(pr.record, crate) / cpuOf(push.record, crate) - 1) * 100;
  const rebuild =
    samples.base.length && samples.head.length
      ? (median(samples.head.map((r) => cpuOf(r, crate))) / median(samples.base.map((r) => cpuOf(r, crate))) - 1) * 100
      : null;
  return {
    percent: rebuild ?? records,
    records,
    rebuild,
    share: (cpuOf(push.record, crate) / membersCpu(push.record)) * 100,
  };
}

/** A CPU burner: one process that keeps one core busy until killed. */
function startBurner() {
  return spawn(process.execPath, ['-e', 'for(;;){}'], { stdio: 'ignore' });
}

async function stopBurner(burner) {
  if (burner.exitCode !== null) return;
  const exited = new Promise((resolve) => burner.once('exit', resolve));
  burner.kill('SIGKILL');
  await exited;
}

const countBy = (xs) => xs.reduce((a, x) => ({ ...a, [x]: (a[x] ?? 0) + 1 }), {});

/** The thresholds the reports judged by, per source (history, default, samples). */
function thresholdSpread(outcomes) {
  const by = {};
  for (const o of outcomes) if (o.noise && o.thresholdPercent !== null) (by[o.noise] ??= []).push(o.thresholdPercent);
  return Object.fromEntries(Object.entries(by).map(([k, xs]) => [k, spread(xs)]));
}

/** Per scenario: the verdicts and how they were reached. */
function scenarioSummary(name, description, outcomes, extra = {}) {
  const changes = outcomes
    .map((o) => o.cachedChangePercent ?? o.changePercent)
    .filter((x) => x !== null && Number.isFinite(x));
  return {
    name,
    description,
    n: outcomes.length,
    verdicts: countBy(outcomes.map((o) => o.verdict)),
    reasons: countBy(outcomes.filter((o) => o.reason).map((o) => o.reason)),
    confirmedByRebuild: outcomes.filter((o) => o.confirmed).length,
    noiseSources: countBy(outcomes.map((o) => o.noise ?? 'none')),
    thresholdPercent: thresholdSpread(outcomes),
    cachedChangePercent: changes.length ? spread(changes) : null,
    falseVerdicts: outcomes.filter((o) => FALSE_VERDICTS.has(o.verdict)).length,
    outcomes,
    ...extra,
  };
}

async function verdicts() {
  const started = Date.now();
  const repo = createRepository();
  const cacheDir = path.join(scratch, 'cache-verdicts');
  let pr = 0;
  let pushes = 0;
  // The default branch's own reports (each push against the previous one): the threshold its history gives.
  const timeline = [];
  let stage = 'first push';
  const push = async (cache, env = {}) => {
    const sha = commit(repo, { 'NOTES.md': `Notes, revision ${++pushes}\n` }, `notes ${pushes}`);
    checkout(repo, sha);
    const job = await ciJob(cache, { event: 'push', sha }, env);
    if (cache === cacheDir)
      timeline.push({
        stage,
        verdict: job.outputs.verdict,
        changePercent: job.outputs['change-percent'] ? Number(job.outputs['change-percent']) : null,
        ...thresholdOf(job),
      });
    return { sha, job };
  };
  const docsPullRequest = (base) =>
    commit(repo, { [`docs/change-${++pr}.md`]: `A documentation change (${pr}).\n` }, `docs ${pr}`, base);
  const pullRequest = (cache, base, head) =>
    ciJob(cache, { event: 'pull_request', sha: head, baseSha: base, prNumber: pr });

  // The repository's first push: a cold build that fills the cache (not counted).
  await push(cacheDir);
  process.stdout.write('s');
  const scenarios = [];
  const aa = async (name, description, once) => {
    stage = name;
    const outcomes = [];
    for (let i = 0; i < VERDICT_RUNS; i++) {
      outcomes.push(await once(i));
      process.stdout.write('.');
    }
    scenarios.push(scenarioSummary(name, description, outcomes));
    process.stdout.write(' ');
  };

  await aa(
    'warm baseline, warm pull request',
    'the default branch and the pull request both restore the cache and compile the workspace crates',
    async () => {
      const base = await push(cacheDir);
      const head = docsPullRequest(base.sha);
      checkout(repo, head);
      return prOutcome(await pullRequest(cacheDir, base.sha, head));
    },
  );

  await aa(
    'cold baseline, warm pull request',
    'the push finds an empty cache (first run, or evicted) and compiles everything; the pull request restores what it saved',
    async (i) => {
      const cold = path.join(scratch, `cache-verdicts-cold-${i}`);
      const base = await push(cold);
      const head = docsPullRequest(base.sha);
      checkout(repo, head);
      return prOutcome(await pullRequest(cold, base.sha, head));
    },
  );

  let evicted = 0;
  await aa(
    'fresh clone, cold page cache',
    "the pull request's job is a new runner's first: a new shallow clone at the same path (the base commit must be fetched to confirm), a new runner temp, the toolchain out of the page cache; the repository's cache is the same",
    async () => {
      const base = await push(cacheDir);
      const head = docsPullRequest(base.sha);
      checkout(repo, head, { fresh: true });
      evicted = evictToolchain();
      return prOutcome(await pullRequest(cacheDir, base.sha, head));
    },
  );

  await aa('baseline on a busy machine', 'another process kept one core busy during the push job only', async () => {
    const burner = startBurner();
    let base;
    try {
      base = await push(cacheDir);
    } finally {
      await stopBurner(burner);
    }
    const head = docsPullRequest(base.sha);
    checkout(repo, head);
    return prOutcome(await pullRequest(cacheDir, base.sha, head));
  });

  // Detection: pull requests that add code to `tables` (one per level on each pushed commit).
  stage = 'detection';
  const functionsFor = tablesFunctionsPerSlowdown();
  const detection = DETECTION_LEVELS.map((targetPercent) => ({
    targetPercent,
    functions: functionsFor(targetPercent),
    outcomes: [],
  }));
  for (let i = 0; i < VERDICT_RUNS; i++) {
    const base = await push(cacheDir);
    for (const level of detection) {
      const head = commit(
        repo,
        tablesCrateFiles(level.functions),
        `tables: ${level.functions} functions (${++pr})`,
        base.sha,
      );
      checkout(repo, head);
      const r = await pullRequest(cacheDir, base.sha, head);
      level.outcomes.push({ ...prOutcome(r), slowdown: measuredSlowdown(r, base.job, 'tables') });
      process.stdout.write('.');
    }
  }
  const aaTotal = scenarios.reduce((a, s) => a + s.n, 0);
  const detectionRows = detection.map((level) => {
    const measured = level.outcomes.map((o) => o.slowdown.percent).filter(Number.isFinite);
    const fromRecords = level.outcomes.map((o) => o.slowdown.records).filter(Number.isFinite);
    const shares = level.outcomes.map((o) => o.slowdown.share).filter(Number.isFinite);
    return {
      targetPercent: level.targetPercent,
      functions: level.functions,
      measuredPercent: measured.length ? spread(measured) : null,
      measuredFromRecordsPercent: fromRecords.length ? spread(fromRecords) : null,
      sharePercent: shares.length ? spread(shares) : null,
      runs: level.outcomes.length,
      detected: level.outcomes.filter((o) => o.verdict === 'regression').length,
      verdicts: countBy(level.outcomes.map((o) => o.verdict)),
      confirmedByRebuild: level.outcomes.filter((o) => o.confirmed).length,
      noiseSources: countBy(level.outcomes.map((o) => o.noise ?? 'none')),
      thresholdPercent: thresholdSpread(level.outcomes),
      outcomes: level.outcomes,
    };
  });
  const reliable = detectionRows.filter((d) => d.runs >= 5 && d.detected >= 0.8 * d.runs);
  const smallest = reliable.length ? reliable.reduce((a, d) => (d.targetPercent < a.targetPercent ? d : a)) : null;
  results.verdicts = {
    workspace: {
      members: ['finder', 'report', 'cli', 'tables'],
      tablesFunctions: TABLES_FUNCTIONS,
      pushes,
      pullRequests: pr,
      toolchainFilesEvicted: evicted,
    },
    aa: { scenarios, total: aaTotal, falseVerdicts: scenarios.reduce((a, s) => a + s.falseVerdicts, 0) },
    detection: detectionRows,
    defaultBranch: timeline,
    smallestReliable: smallest
      ? {
          targetPercent: smallest.targetPercent,
          measuredPercent: smallest.measuredPercent?.median ?? null,
          detected: smallest.detected,
          runs: smallest.runs,
        }
      : null,
    seconds: (Date.now() - started) / 1000,
  };
}

/**
 * How many functions `tables` needs for each slowdown: its compile cost is a fixed part plus a
 * part per function, measured here with rustc directly (dev profile's flags, median of 3) at
 * the default branch's size and twice that.
 */
function tablesFunctionsPerSlowdown() {
  const dir = path.join(scratch, 'tables-probe');
  const cpu = (functions) => {
    writeFiles(dir, tablesCrateFiles(functions));
    const times = [];
    for (let i = 0; i < 3; i++) {
      const timeFile = path.join(dir, 'time.txt');
      execFileSync(
        '/usr/bin/time',
        [
          '-f',
          '%U %S',
          '-o',
          timeFile,
          'rustc',
          '--edition=2021',
          '--crate-type',
          'lib',
          '--emit=dep-info,metadata,link',
          '-C',
          'debuginfo=2',
          '-C',
          'embed-bitcode=no',
          '--out-dir',
          dir,
          path.join(dir, 'crates/tables/src/lib.rs'),
        ],
        { stdio: 'ignore' },
      );
      const [user, sys] = readFileSync(timeFile, 'utf8').trim().split('\n').at(-1).split(' ').map(Number);
      times.push(user + sys);
    }
    return median(times);
  };
  const base = cpu(TABLES_FUNCTIONS);
  const perFunction = Math.max((cpu(2 * TABLES_FUNCTIONS) - base) / TABLES_FUNCTIONS, 1e-6);
  return (percent) => TABLES_FUNCTIONS + Math.round(((percent / 100) * base) / perFunction);
}

/** "history 5: ±18.2% (17.0–19.5), samples 1: ±6.0%": how many reports judged by each source, and its thresholds. */
function thresholdText(row) {
  return Object.entries(row.noiseSources)
    .map(([source, n]) => {
      const t = row.thresholdPercent?.[source];
      if (!t) return `${source} ${n}`;
      return `${source} ${n}: ±${fmt(t.median, 1)}%${t.n > 1 ? ` (${fmt(t.min, 1)}–${fmt(t.max, 1)})` : ''}`;
    })
    .join(', ');
}

function printVerdicts(v) {
  const kinds = ['unchanged', 'inconclusive', 'regression', 'improvement'];
  const others = (counts) =>
    Object.entries(counts)
      .filter(([k]) => !kinds.includes(k))
      .map(([k, n]) => `${k} ${n}`)
      .join(', ');
  const pct = (s) => (s ? `${s.median >= 0 ? '+' : ''}${fmtSpread(s, '%', 1)}` : 'n/a');
  console.log(
    '\nVerdicts with baseline: auto. A/A: only documentation changed, so a regression or an improvement is a false verdict',
  );
  console.log(
    `  ${'scenario'.padEnd(34)} ${'n'.padStart(2)}  ${kinds.map((k) => k.padStart(12)).join(' ')}  confirmed  cached change (median, range)`,
  );
  for (const s of v.aa.scenarios) {
    const extra = others(s.verdicts);
    console.log(
      `  ${s.name.padEnd(34)} ${String(s.n).padStart(2)}  ${kinds.map((k) => String(s.verdicts[k] ?? 0).padStart(12)).join(' ')}  ${String(s.confirmedByRebuild).padStart(9)}  ${pct(s.cachedChangePercent)}${extra ? `  (${extra})` : ''}`,
    );
    const reasons = Object.entries(s.reasons).map(([k, n]) => `${k} ${n}`);
    console.log(
      `  ${''.padEnd(34)}    threshold: ${thresholdText(s)}${reasons.length ? `; inconclusive because: ${reasons.join(', ')}` : ''}`,
    );
  }
  console.log(
    `  total: ${v.aa.total} comparisons, ${v.aa.falseVerdicts} false verdict${v.aa.falseVerdicts === 1 ? '' : 's'}`,
  );
  console.log(
    '\nDetection: a pull request that adds code to `tables`. Measured: the CPU time of `tables`, head against base, from the',
  );
  console.log(
    "  confirming rebuild's samples when it ran, else from the two records; records only: always from the records. Share: of the members' CPU time",
  );
  console.log(
    `  ${'target'.padEnd(7)} ${'functions'.padStart(9)}  ${'measured'.padEnd(26)} ${'records only'.padEnd(26)} ${'share'.padEnd(20)} detected  verdicts`,
  );
  for (const d of v.detection) {
    const verdictList = Object.entries(d.verdicts).map(([k, n]) => `${k} ${n}`);
    console.log(
      `  ${`+${d.targetPercent}%`.padEnd(7)} ${String(d.functions).padStart(9)}  ${pct(d.measuredPercent).padEnd(26)} ${pct(d.measuredFromRecordsPercent).padEnd(26)} ${(d.sharePercent ? fmtSpread(d.sharePercent, '%', 0) : 'n/a').padEnd(20)} ${`${d.detected}/${d.runs}`.padStart(8)}  ${verdictList.join(', ')}; confirmed by rebuild ${d.confirmedByRebuild}; threshold: ${thresholdText(d)}`,
    );
  }
  const learned = v.defaultBranch.filter((p) => p.noise === 'history');
  if (learned.length)
    console.log(
      `  the default branch's threshold learned from its history: ±${fmt(learned[0].thresholdPercent, 1)}% at push ${v.defaultBranch.indexOf(learned[0]) + 1} (${learned[0].historyPairs} pairs), ±${fmt(learned.at(-1).thresholdPercent, 1)}% at the last push (${learned.at(-1).historyPairs} pairs); range ${fmt(Math.min(...learned.map((p) => p.thresholdPercent)), 1)}–${fmt(Math.max(...learned.map((p) => p.thresholdPercent)), 1)}%`,
    );
  const best = v.smallestReliable;
  console.log(
    best
      ? `  smallest slowdown detected in at least 80% of the runs: +${best.targetPercent}% (${best.detected} of ${best.runs}; measured +${fmt(best.measuredPercent, 1)}%)`
      : '  no level was detected in at least 80% of at least 5 runs',
  );
  console.log(
    `  section took ${fmt(v.seconds / 60, 1)} min (${v.workspace.pushes} pushes, ${v.workspace.pullRequests} pull requests)`,
  );
}

// ---------- freshness across checkouts ----------

/** The pull requests the freshness section measures, each on a new clone of the pushed commit. */
const FRESHNESS_EDITS = [
  { name: 'no edit', description: 'a documentation change', files: (i) => ({ 'NOTES.md': `Notes, edited (${i})\n` }) },
  {
    name: 'leaf edit',
    description: 'the binary crate `cli`, which nothing depends on',
    files: (i) => ({
      'crates/cli/src/main.rs': benchWorkspaceFiles({ tables: TABLES_FUNCTIONS })['crates/cli/src/main.rs'].replace(
        '"fn "',
        `"fn ${i} "`,
      ),
    }),
  },
  {
    name: 'core edit',
    description: 'the library `finder`, and so its dependent `cli`',
    files: (i) => ({
      'crates/finder/src/lib.rs': `${benchWorkspaceFiles({ tables: TABLES_FUNCTIONS })['crates/finder/src/lib.rs']}\npub fn edit_${i}() -> u32 { ${i} }\n`,
    }),
  },
];

/**
 * Warm pull-request jobs on new clones (every file at the checkout's time), without and with
 * keep-fresh: which workspace crates compile and how long the build takes, and the archive the
 * default branch's push saved (keep-fresh caches the members too).
 */
async function freshness() {
  const started = Date.now();
  const repo = createRepository('freshness-origin');
  const base = git(repo, 'rev-parse', 'HEAD');
  const modes = { today: { 'keep-fresh': 'false' }, keepFresh: { 'keep-fresh': 'true' } };
  const out = {};
  let pr = 1000;
  for (const [mode, inputs] of Object.entries(modes)) {
    const cacheDir = path.join(scratch, `cache-fresh-${mode}`);
    checkout(repo, base, { fresh: true });
    await ciJob(cacheDir, { event: 'push', sha: base }, {}, { ...inputs, baseline: 'cache' });
    const row = { archiveMiB: mib(archives(cacheDir).at(-1)?.bytes ?? NaN), edits: {} };
    for (const edit of FRESHNESS_EDITS) {
      const samples = [];
      for (let i = 0; i < RUNS; i++) {
        const head = commit(repo, edit.files(i), `${edit.name} ${i}`, base);
        checkout(repo, head, { fresh: true });
        const r = await ciJob(
          cacheDir,
          { event: 'pull_request', sha: head, baseSha: base, prNumber: ++pr },
          {},
          { ...inputs, baseline: 'cache' },
        );
        samples.push({
          buildSeconds: Number(r.outputs['build-seconds']),
          unitsCompiled: r.record.totals.unitsCompiled,
          members: r.record.crates
            .filter((c) => c.workspaceMember)
            .map((c) => c.crate)
            .sort(),
        });
        process.stdout.write('.');
      }
      row.edits[edit.name] = {
        description: edit.description,
        buildSeconds: spread(samples.map((x) => x.buildSeconds)),
        unitsCompiled: spread(samples.map((x) => x.unitsCompiled)),
        membersCompiled: samples[0].members,
      };
    }
    out[mode] = row;
  }
  const leaf = (m) => out[m].edits['leaf edit'].buildSeconds.median;
  results.freshness = {
    members: ['finder', 'report', 'cli', 'tables'],
    today: out.today,
    keepFresh: out.keepFresh,
    leafEditRatio: leaf('keepFresh') / leaf('today'),
    seconds: (Date.now() - started) / 1000,
  };
}

function printFreshness(f) {
  console.log(
    '\nFreshness across checkouts: warm pull-request jobs on new clones, today (keep-fresh: false) vs keep-fresh',
  );
  for (const name of Object.keys(f.today.edits)) {
    const [t, k] = [f.today.edits[name], f.keepFresh.edits[name]];
    console.log(
      `  ${name.padEnd(10)} today: build ${fmtSpread(t.buildSeconds, ' s')}, ${t.unitsCompiled.median} units (${t.membersCompiled.join(', ') || 'none'})  keep-fresh: build ${fmtSpread(k.buildSeconds, ' s')}, ${k.unitsCompiled.median} units (${k.membersCompiled.join(', ') || 'none'})`,
    );
  }
  console.log(
    `  leaf edit builds in ${fmt(f.leafEditRatio * 100, 0)}% of today's warm build; archive ${fmt(f.today.archiveMiB, 1)} MiB today, ${fmt(f.keepFresh.archiveMiB, 1)} MiB with the members cached`,
  );
}

// ---------- compile work ----------

/** `report::describe::<T>` and the `cli` calls that instantiate it for `types` types (the work section's commits). */
/** The bench workspace with `report::describe::<T>` instantiated for `types` types, whole. */
const describeFilesWorkspace = (types) => ({
  ...benchWorkspaceFiles({ tables: TABLES_FUNCTIONS }),
  ...describeFiles(types),
});

function describeFiles(types) {
  const files = benchWorkspaceFiles({ tables: TABLES_FUNCTIONS });
  const structs = Array.from(
    { length: types },
    (_, i) => `#[derive(Debug, Default)] struct Shape${i} { a: u${[8, 16, 32, 64][i % 4]}, b: [u8; ${i + 1}] }`,
  );
  const calls = Array.from({ length: types }, (_, i) => `    eprintln!("{}", report::describe(Shape${i}::default()));`);
  return {
    'crates/report/src/lib.rs': `${files['crates/report/src/lib.rs']}\npub fn describe<T: std::fmt::Debug>(value: T) -> String {\n    let text = format!("{:?}", value);\n    format!("{} ({} bytes)", text, text.len())\n}\n`,
    'crates/cli/src/main.rs': `${structs.join('\n')}\n${files['crates/cli/src/main.rs'].replace('fn main() {', `fn main() {\n${calls.join('\n')}`)}`,
  };
}

/** ripgrep's library crates as workspace members (the issue's realistic workspace), copied from Debian's sources. */
const RIPGREP_MEMBERS = [
  'grep-matcher',
  'grep-searcher',
  'grep-regex',
  'grep-printer',
  'grep-cli',
  'grep',
  'globset',
  'ignore',
];

/**
 * The realistic workspace: ripgrep's library crates as members, each a copy of Debian's source
 * of it (the packaging, tests, benches and examples left out, and their dev-dependencies, which
 * Debian does not all ship). They depend on each other by version, so `[patch]` points those
 * dependencies at the members; the rest (regex, memchr, ...) come from the Debian directory.
 */
function ripgrepWorkspaceFiles() {
  const files = {
    'Cargo.toml': [
      '[workspace]',
      `members = [${RIPGREP_MEMBERS.map((m) => `"crates/${m}"`).join(', ')}]`,
      'resolver = "2"',
      '',
      '[patch.crates-io]',
      ...RIPGREP_MEMBERS.map((m) => `${m} = { path = "crates/${m}" }`),
      '',
    ].join('\n'),
    '.cargo/config.toml': `[source.crates-io]\nreplace-with = "debian"\n\n[source.debian]\ndirectory = "${DEBIAN_REGISTRY}"\n`,
  };
  const left = new Set(['debian', '.cargo-checksum.json', 'tests', 'benches', 'examples', 'Cargo.toml.orig']);
  for (const member of RIPGREP_MEMBERS) {
    const source = path.join(
      DEBIAN_REGISTRY,
      readdirSync(DEBIAN_REGISTRY).filter(
        (d) => d.startsWith(`${member}-`) && /^\d/.test(d.slice(member.length + 1)),
      )[0],
    );
    for (const full of filesUnder(source)) {
      const relative = path.relative(source, full);
      if (!left.has(relative.split(path.sep)[0])) files[`crates/${member}/${relative}`] = readFileSync(full);
    }
    files[`crates/${member}/Cargo.toml`] = withoutSections(
      readFileSync(path.join(source, 'Cargo.toml'), 'utf8'),
      /^\[(dev-dependencies|\[bench\]|\[test\]|\[example\])/,
    );
  }
  return files;
}

/** A manifest without the tables whose headers match `header`. */
function withoutSections(manifest, header) {
  let skipping = false;
  return manifest
    .split('\n')
    .filter((line) => {
      if (line.startsWith('[')) skipping = header.test(line);
      return !skipping;
    })
    .join('\n');
}

/**
 * What measuring compile work costs a pull request job: the job with the measure on and off in
 * adjacent jobs, the order alternating (drift cancels within a pair), every member compiled.
 * Also the A/A of the measure: every "on" job compares identical code with the base.
 */
async function workCost(name, files, pairs) {
  const repo = createRepository(`${name}-origin`, files);
  const base = git(repo, 'rev-parse', 'HEAD');
  const cacheDir = path.join(scratch, `cache-${name}`);
  const inputs = { 'keep-fresh': 'false', baseline: 'cache' };
  checkout(repo, base, { fresh: true });
  await ciJob(cacheDir, { event: 'push', sha: base }, {}, inputs);
  const measured = [];
  for (let i = 0; i < pairs; i++) {
    const pair = {};
    for (const mode of i % 2 ? ['off', 'on'] : ['on', 'off']) {
      checkout(repo, base, { fresh: true });
      const r = await ciJob(
        cacheDir,
        { event: 'pull_request', sha: base, baseSha: base, prNumber: 3000 + 2 * i + (mode === 'on') },
        {},
        { ...inputs, 'compile-work': mode === 'on' ? 'true' : 'false' },
      );
      // "compile work of N crates: … read from … in 0.14 s after the build (0.3% of it)"
      const read = /compile work of .* in ([\d.]+) s after the build/.exec(r.main.output);
      const members = r.record.crates.filter((c) => c.workspaceMember).length;
      const build = Number(r.outputs['build-seconds']);
      pair[mode] = {
        build: build + (read ? Number(read[1]) : 0),
        cargoBuild: build,
        summarySeconds: read ? Number(read[1]) : NaN,
        members,
      };
      if (mode === 'on') pair.aa = r.outputs['work-change-percent'];
    }
    measured.push(pair);
    process.stdout.write('.');
  }
  // The measure adds nothing to the build: its cost is the reading after it, as a share of the
  // member build it followed (the same job), and of the build without it in the adjacent job.
  const readShare = measured.map((p) => (p.on.summarySeconds / p.on.cargoBuild) * 100);
  const adjacentShare = measured.map((p) => (p.on.summarySeconds / p.off.cargoBuild) * 100);
  return {
    members: measured[0].on.members,
    pairs,
    buildSecondsOn: spread(measured.map((p) => p.on.build)),
    buildSecondsOff: spread(measured.map((p) => p.off.build)),
    // The build's wall time plus the reading after it, on against off in the same pair (job noise included).
    extraWallPercentOfBuild: spread(measured.map((p) => (p.on.build / p.off.build - 1) * 100)),
    // The action's own work after the build: read the object files, demangle, group.
    summarySeconds: spread(measured.map((p) => p.on.summarySeconds)),
    summaryPercentOfBuild: { ...spread(readShare), ...middleHalf(readShare) },
    summaryPercentOfAdjacentBuild: { ...spread(adjacentShare), ...middleHalf(adjacentShare) },
    aaWorkChangePercent: measured.map((p) => p.aa),
  };
}

/** The middle half of `xs`: from the first to the third quartile. */
const middleHalf = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const at = (q) => s[Math.round(q * (s.length - 1))];
  return { low: at(0.25), high: at(0.75) };
};

/**
 * Compile work: its cost on ripgrep's library crates (realistic) and on the bench workspace
 * (whose generated `tables` crate is much IR for little compile time: the expensive case),
 * whether identical code gives exactly identical numbers (A/A), and whether a generic function
 * instantiated for 6 more types is caught every time.
 */
async function work() {
  const started = Date.now();
  const realistic = await workCost('work-ripgrep', ripgrepWorkspaceFiles(), Math.max(RUNS, 20));
  const generated = await workCost('work-bench', describeFilesWorkspace(2), Math.max(RUNS, 8));
  const repo = path.join(scratch, 'work-bench-origin');
  const base = git(repo, 'rev-parse', 'HEAD');
  const cacheDir = path.join(scratch, 'cache-work-bench');
  const detection = [];
  for (let i = 0; i < Math.max(RUNS, 5); i++) {
    const head = commit(repo, describeFiles(8), `describe for 8 types (${i})`, base);
    checkout(repo, head, { fresh: true });
    const r = await ciJob(
      cacheDir,
      { event: 'pull_request', sha: head, baseSha: base, prNumber: 4000 + i },
      {},
      { 'keep-fresh': 'false', baseline: 'cache' },
    );
    const named = /`report::describe(::<T>)?`: 2 → 8 copies, \+[\d,]+ bytes/.test(r.summary);
    const sentence = /\*\*Verdict: [a-z]+\.\*\* (.*)/.exec(r.summary)?.[1] ?? null;
    detection.push({
      workChangePercent: Number(r.outputs['work-change-percent']),
      named,
      timeVerdict: r.outputs.verdict,
      timeChangePercent: Number(r.outputs['change-percent']),
      timeSentence: sentence,
    });
    process.stdout.write('.');
  }
  const aa = [...realistic.aaWorkChangePercent, ...generated.aaWorkChangePercent];
  results.work = {
    realistic,
    generated,
    measure: 'machine-code',
    aaWorkChangePercent: aa,
    aaExactlyZero: aa.filter((x) => x === '0.00').length,
    detection: {
      runs: detection.length,
      detected: detection.filter((d) => d.workChangePercent > 0 && d.named).length,
      outcomes: detection,
    },
    seconds: (Date.now() - started) / 1000,
  };
}

function printWork(w) {
  console.log('\nCompile work (bytes of machine code, read after the build)');
  for (const [what, c] of [
    ["ripgrep's library crates", w.realistic],
    ['the bench workspace (generated code)', w.generated],
  ]) {
    console.log(
      `  ${what}, ${c.members} members: job's build with the measure ${fmtSpread(c.buildSecondsOn, ' s')}, without ${fmtSpread(c.buildSecondsOff, ' s')}`,
    );
    console.log(
      `    extra wall time, paired jobs: ${fmtSpread(c.extraWallPercentOfBuild, '%', 1)} (build-to-build noise included)`,
    );
    const share = c.summaryPercentOfBuild;
    console.log(
      `    the action reading the object code after the build: ${fmtSpread(c.summarySeconds, ' s')}, ${fmt(share.median, 1)}% of the member build (middle half ${fmt(share.low, 1)} to ${fmt(share.high, 1)}%, ${c.pairs} jobs)`,
    );
  }
  console.log(
    `  A/A: ${w.aaExactlyZero} of ${w.aaWorkChangePercent.length} identical builds gave exactly 0.00% work change`,
  );
  console.log(
    `  a generic function instantiated for 6 more types: found and named in ${w.detection.detected} of ${w.detection.runs} (work change ${w.detection.outcomes.map((d) => `+${fmt(d.workChangePercent, 2)}%`).join(', ')}; time verdicts ${w.detection.outcomes.map((d) => d.timeVerdict).join(', ')})`,
  );
}

// The rustc wrapper's own cost per compilation (tools/rustc-wrapper/main.rs, built as the action
// builds it): WRAPPER_CALLS runs of it around a stand-in rustc that exits at once (/bin/true, with
// a compilation's arguments, so a JSON line is written each time), against the stand-in alone,
// alternating. The bash wrapper it replaced cost about 15 ms per compilation here.
const WRAPPER_CALLS = 200;

/** The wrapper binary, built once per bench run with the action's command (any section may use it as RUSTC_WRAPPER). */
let benchWrapper = null;
function buildBenchWrapper() {
  if (!benchWrapper) {
    const binary = path.join(scratch, 'rustc-wrapper');
    const t0 = process.hrtime.bigint();
    execFileSync(
      'rustc',
      ['--edition', '2021', '-C', 'opt-level=2', '-o', binary, path.join(repoRoot, 'tools/rustc-wrapper/main.rs')],
      { stdio: 'inherit' },
    );
    benchWrapper = { binary, buildSeconds: Number(process.hrtime.bigint() - t0) / 1e9 };
  }
  return benchWrapper;
}

async function wrapperCost() {
  const { binary, buildSeconds } = buildBenchWrapper();
  const args = [
    '--crate-name',
    'bench_unit',
    '--edition=2021',
    'src/lib.rs',
    '--crate-type',
    'lib',
    '--emit=dep-info,metadata,link',
    '-C',
    'debuginfo=2',
    '--out-dir',
    scratch,
  ];
  const env = {
    ...process.env,
    WATCHMAKER_UNITS_FILE: path.join(scratch, 'wrapper-cost.jsonl'),
    CARGO_PKG_NAME: 'bench_unit',
    CARGO_MANIFEST_DIR: scratch,
  };
  // CPU of the waited-for children (user + sys, in clock ticks of 10 ms): less disturbed than wall time by other load.
  const childTicks = () => {
    const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
    return Number(fields[13]) + Number(fields[14]);
  };
  const perCall = (cmd, cmdArgs) => {
    const [start, ticks] = [process.hrtime.bigint(), childTicks()];
    for (let i = 0; i < WRAPPER_CALLS; i++) spawnSync(cmd, cmdArgs, { env, stdio: 'ignore' });
    return {
      wall: Number(process.hrtime.bigint() - start) / 1e6 / WRAPPER_CALLS,
      cpu: ((childTicks() - ticks) * 10) / WRAPPER_CALLS,
    };
  };
  const alone = [];
  const wrapped = [];
  for (let i = 0; i < Math.max(RUNS, 3); i++) {
    for (const withWrapper of i % 2 ? [false, true] : [true, false]) {
      if (withWrapper) wrapped.push(perCall(binary, ['/bin/true', ...args]));
      else alone.push(perCall('/bin/true', args));
    }
    process.stdout.write('.');
  }
  const pairwise = (key) => wrapped.map((w, i) => w[key] - alone[i][key]);
  const lines = readFileSync(env.WATCHMAKER_UNITS_FILE, 'utf8').trim().split('\n').length;
  results.wrapper = {
    callsPerRun: WRAPPER_CALLS,
    standInMillisecondsPerCall: spread(alone.map((a) => a.wall)),
    wrappedMillisecondsPerCall: spread(wrapped.map((w) => w.wall)),
    // Pairwise: each run's wrapped time less the stand-in's of the same round.
    millisecondsPerCompilation: spread(pairwise('wall')),
    cpuMillisecondsPerCompilation: spread(pairwise('cpu')),
    linesWritten: lines,
    buildSeconds,
    // A section run alone keeps the full run's machine at the top: this one's is here.
    machine: results.machine,
  };
}

// ---------- the stream ----------

// What the action costs on an ordinary stream of pushes and pull requests, against the action as
// a plain cache and against no cache (scripts/lib/bench-stream.mjs).
async function stream() {
  results.stream = await streamSection({
    scratch,
    runs: RUNS,
    jobLimit: process.env.BENCH_STREAM_JOBS ? Number(process.env.BENCH_STREAM_JOBS) : undefined,
    members: RIPGREP_MEMBERS,
    createRepository,
    git,
    writeFiles,
    checkout,
    checkoutDir,
    ripgrepWorkspaceFiles,
    readRecord,
    spread,
    median,
    progress: (s) => process.stdout.write(s),
  });
}

async function parallelism() {
  results.parallelism = await parallelismSection({
    scratch,
    runs: RUNS,
    job,
    writeFiles,
    workspaces: { bench: () => benchWorkspaceFiles(), ripgrep: ripgrepWorkspaceFiles },
    withLockfile: (dir) => execFileSync('cargo', ['generate-lockfile', '--offline'], { cwd: dir, stdio: 'ignore' }),
    spread,
    progress: (s) => process.stdout.write(s),
  });
}

async function advise() {
  results.advise = await adviseSection({
    scratch,
    job,
    writeFiles,
    files: ripgrepWorkspaceFiles,
    // The advisor measures HEAD in a scratch worktree: the checkout is a git repository, as in CI.
    prepare: (dir) => {
      execFileSync('cargo', ['generate-lockfile', '--offline'], { cwd: dir, stdio: 'ignore' });
      for (const args of [
        ['init', '-q', '-b', 'main'],
        ['add', '-A'],
        ['commit', '-qm', 'bench'],
      ])
        execFileSync('git', ['-c', 'user.name=bench', '-c', 'user.email=bench@localhost', ...args], { cwd: dir });
    },
    progress: (s) => process.stdout.write(s),
  });
}

// ---------- main ----------

// The wrapper section needs neither the bench crates nor dist/.
if ([...ONLY].some((s) => s !== 'wrapper')) {
  ensureDebianCrates();
  if (!existsSync(path.join(repoRoot, 'dist', 'main.js'))) {
    console.error('dist/main.js is missing: run `npm run build` first.');
    process.exit(2);
  }
}
console.log(
  `Watchmaker bench: ${RUNS} run(s) per measurement on ${results.machine.cpus}× ${results.machine.cpu}, ${results.machine.cargo}`,
);
try {
  for (const [name, fn] of [
    ['cold-warm', coldWarm],
    ['growth', growth],
    ['overhead', overhead],
    ['noise', noise],
    ['verdicts', verdicts],
    ['freshness', freshness],
    ['work', work],
    ['wrapper', wrapperCost],
    ['stream', stream],
    ['parallelism', parallelism],
    ['advise', advise],
  ]) {
    if (!ONLY.has(name)) continue;
    process.stdout.write(`\n${name} `);
    await fn();
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
results.finishedAt = new Date().toISOString();

console.log('\n');
if (results.coldWarm) {
  console.log('Cold vs warm build (median, range)');
  for (const [profile, r] of Object.entries(results.coldWarm)) {
    console.log(
      `  ${profile.padEnd(8)} cold ${fmtSpread(r.coldBuildSeconds, ' s')}  warm ${fmtSpread(r.warmBuildSeconds, ' s')}  speed-up ×${fmt(r.speedup, 1)}`,
    );
    console.log(
      `  ${''.padEnd(8)} archive ${fmtSpread(r.archiveMiB, ' MiB', 1)}  restore step ${fmtSpread(r.restoreStepSeconds, ' s')}  post (clean+save) ${fmtSpread(r.postStepSeconds, ' s')}`,
    );
  }
}
if (results.growth) {
  console.log('\nArchive over commits with churn (Watchmaker vs a naive cache of target/), old layout | new layout');
  for (const [i, g] of results.growth.entries()) {
    const n = results.growthNewLayout?.[i];
    const side = (x) =>
      `hit ${String(x.cacheHit).padEnd(8)} build ${fmt(x.buildSeconds, 1).padStart(5)} s  watchmaker ${fmt(x.watchmakerArchiveMiB, 1).padStart(5)} MiB  naive ${fmt(x.naiveTargetArchiveMiB, 1).padStart(6)} MiB`;
    console.log(`  ${g.commit.padEnd(20)} ${side(g)}${n ? `  |  ${side(n)}` : ''}`);
  }
}
if (results.overhead) {
  const o = results.overhead;
  console.log('\nOverhead');
  console.log(
    `  cold build wall without wrapper ${fmtSpread(o.coldBuildWithoutWrapperSeconds, ' s')}, with ${fmtSpread(o.coldBuildWithWrapperSeconds, ' s')}: ${fmt(o.wrapperOverheadPercent, 1)}% (build-to-build noise included)`,
  );
  console.log(
    `  cold build CPU  without wrapper ${fmtSpread(o.coldBuildCpuWithoutWrapperSeconds, ' s')}, with ${fmtSpread(o.coldBuildCpuWithWrapperSeconds, ' s')}`,
  );
  const wrapperSeconds = (o.wrapperMillisecondsPerInvocation.median * (o.rustcInvocationsPerColdBuild ?? NaN)) / 1000;
  console.log(
    `  wrapper cost per rustc invocation ${fmtSpread(o.wrapperMillisecondsPerInvocation, ' ms')} × ${o.rustcInvocationsPerColdBuild} compilations = ${fmt(wrapperSeconds)} s per cold build (${fmt((wrapperSeconds / o.coldBuildWithoutWrapperSeconds.median) * 100, 1)}% of its wall time, before parallelism hides part of it)`,
  );
  console.log(
    `  main step outside the build ${fmtSpread(o.mainStepOutsideBuildSeconds, ' s')}; post step ${fmtSpread(o.postStepSeconds, ' s')}`,
  );
}
if (results.noise) {
  const n = results.noise;
  console.log('\nA/A noise (same commit, |change| between consecutive runs)');
  console.log(
    `  wall ${fmtSpread(n.wallChangePercent, '%', 1)}  cpu ${fmtSpread(n.cpuChangePercent, '%', 1)}  reported ${n.reportedChangePercent ? fmtSpread(n.reportedChangePercent, '%', 1) : 'n/a'}`,
  );
  console.log(`  verdicts: ${n.verdicts.join(', ')}`);
}
if (results.verdicts) printVerdicts(results.verdicts);
if (results.freshness) printFreshness(results.freshness);
if (results.work) printWork(results.work);
if (results.wrapper) {
  const w = results.wrapper;
  console.log('\nrustc wrapper, per compilation (around a stand-in rustc that exits at once)');
  console.log(
    `  stand-in alone ${fmtSpread(w.standInMillisecondsPerCall, ' ms')}, through the wrapper ${fmtSpread(w.wrappedMillisecondsPerCall, ' ms')}`,
  );
  console.log(
    `  the wrapper's cost ${fmtSpread(w.millisecondsPerCompilation, ' ms')} wall, ${fmtSpread(w.cpuMillisecondsPerCompilation, ' ms')} CPU per compilation (${w.callsPerRun} calls a run; built in ${fmt(w.buildSeconds, 1)} s)`,
  );
}
if (results.stream) printStream(results.stream);
if (results.parallelism) printParallelism(results.parallelism, fmtSpread);
if (results.advise) printAdvise(results.advise);
if (results.stream?.partial) {
  // Part of the stream (BENCH_STREAM_JOBS): a check, not a result.
  const file = path.join(os.tmpdir(), 'watchmaker-bench-stream-partial.json');
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`\nBENCH_STREAM_JOBS ran part of the stream: wrote ${file}, not bench/results.json`);
} else {
  mkdirSync(path.join(repoRoot, 'bench'), { recursive: true });
  writeFileSync(
    path.join(repoRoot, 'bench', 'results.json'),
    `${JSON.stringify(mergeWithEarlier(results), null, 2)}\n`,
  );
  console.log('\nWrote bench/results.json');
  const written = JSON.parse(readFileSync(path.join(repoRoot, 'bench', 'results.json'), 'utf8'));
  if (written.coldWarm && written.growth && written.overhead && written.noise) updateReadme(written);
  else console.log('README.md not updated: its bench section needs a full run (without BENCH_ONLY)');
}
