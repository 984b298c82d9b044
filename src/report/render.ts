// The report, as Markdown (job summary and pull-request comment) and as plain text (the
// terminal). Pure. Every string that comes from the repository (crate names, refs, keys,
// flags, paths) goes through escapeMarkdown or mermaidLabel before it is rendered, and is cut to
// a readable length first (clip): a 70,000-character symbol must not push the report out of a
// comment. A report still too long loses rows, then whole sections, and says which.
import { commandNote } from '../cargo-command.js';
import { formatBytes, formatChange, plural } from '../format.js';
import { PARALLEL_JOBS, type Parallelism, type RunRecord } from '../record.js';
import { costLine, type PhaseSeconds } from '../phases.js';
import { clip, escapeMarkdown, NAME_LIMIT } from '../markdown.js';
import { crateChart } from './chart.js';
import { METRIC_LABEL, NOTHING_COMPARED, type Comparison, type Metric } from './compare.js';
import type { Decision } from './verdict.js';
import { formatCount, groupChangeText, workSentence, type WorkComparison } from './work.js';

export interface GuardView {
  mode: string;
  failed: boolean;
  errors: number;
  warnings: number;
  flags: string[];
  source: string;
}

export interface CacheView {
  hit: 'exact' | 'partial' | 'miss' | 'disabled';
  key: string | null;
  restoredBytes: number | null;
  backend: string | null;
}

export interface ReportView {
  profile: string;
  job: string | null;
  /** The cache-key input or a hash of the build command (see Config.variant). */
  variant: string;
  record: RunRecord;
  comparison: Comparison | null;
  /** Why there is no comparison, when there is none. */
  baselineNote: string | null;
  /** Where the baseline came from, e.g. "main @ 3f2a1b0" or "base commit 3f2a1b0, rebuilt here". */
  baselineLabel: string | null;
  /** What the verdict can honestly say (verdict.ts); null without a comparison. */
  decision: Decision | null;
  /** Which path led to the verdict (cached, rebuilt, confirmed) and what it cost. */
  path: string | null;
  /** Compile work against the baseline (exact), or null when a side lacks it. */
  work?: WorkComparison | null;
  guard: GuardView;
  cache: CacheView;
  runUrl: string | null;
  /** The key to the report's terms (docs/report.md#key in the action's own repository), when known. */
  keyUrl?: string | null;
  /** The action's own time so far, per phase (src/phases.ts). */
  phases?: PhaseSeconds;
  /** How the chain that bounds the build moved against the baseline, when it did materially (src/parallelism). */
  chainChange?: string | null;
}

/**
 * Where the Markdown goes: the job summary has every section; the pull-request comment leaves out
 * the parallelism table unless the chain that bounds the build changed materially.
 */
export type Audience = 'summary' | 'comment';

export { clip, escapeMarkdown, NAME_LIMIT };

/** GitHub rejects comments over 65536 characters; stay well below. */
export const COMMENT_LIMIT = 60000;
/** The job summary takes up to 1 MiB per step. */
export const SUMMARY_LIMIT = 1_000_000;
const MAX_ROWS = 15;
/** A sentence that quotes names or messages (the verdict's, a note) is cut to this many. */
const SENTENCE_LIMIT = 1000;
/** Names listed in one line at most (more are counted). */
const LIST_LIMIT = 40;

/** A name from the repository, cut and escaped. */
const name = (text: string) => escapeMarkdown(clip(text));
/** A sentence (ours, quoting names), cut and escaped. */
const sentence = (text: string) => escapeMarkdown(clip(text, SENTENCE_LIMIT));

/** The compile-work section's first sentence: what was measured, the total, and why any difference is real. */
const WORK_MEASURED = (crates: string, carried: string, total: string, compilerDiffers: boolean) =>
  `The ${crates} measured on both sides${carried}: ${total}. ` +
  'Identical code and compiler give identical object code on any machine, so every difference is real' +
  (compilerDiffers ? " (but rustc differs from the baseline: part of it may be the compiler's)" : '') +
  '.';
/** What a comment says in place of a report that no trimming brings under its limit. */
const TOO_LARGE = 'The full report is too large for a comment; see the job summary.';

/** Sections a report too long for its limit leaves out (after the per-crate rows), in this order. */
const DROPPABLE = ['chart', 'functions', 'crate lists', 'notes'] as const;
type Droppable = (typeof DROPPABLE)[number];

/** How much of the report to render: rows per table, the sections left out, and for whom. */
interface Trim {
  rows: number;
  dropped: ReadonlySet<Droppable>;
  audience: Audience;
}

/** The first line of every report: which job, profile and build variant (matrix leg) it is for. */
export function commentMarker(job: string | null, profile: string, variant: string): string {
  const safe = (s: string) => s.replace(/[^A-Za-z0-9_.+=-]/g, '_');
  return `<!-- watchmaker-report job=${safe(job ?? 'local')} profile=${safe(profile)} variant=${safe(variant)} -->`;
}

/** A label safe inside a Mermaid string (chart.ts, with the chart that uses it). */
export { mermaidLabel } from './chart.js';

function formatValue(value: number, metric: Metric): string {
  if (metric === 'instructions')
    return value >= 1e9 ? `${(value / 1e9).toFixed(2)} G` : `${(value / 1e6).toFixed(0)} M`;
  return `${value.toFixed(2)} s`;
}

const ICON: Record<string, string> = {
  regression: '🔺',
  improvement: '🟢',
  unchanged: '⚪',
  'no-baseline': 'ℹ️',
  'build-failed': '❌',
  inconclusive: '❔',
};

export function verdictOf(view: Pick<ReportView, 'record' | 'decision'>): string {
  if (!view.record.success) return 'build-failed';
  return view.decision?.verdict ?? 'no-baseline';
}

/** Why a verdict is inconclusive, after "but" in the headline. */
const REASON_WORDS: Record<string, string> = {
  'nothing-compared': 'no crate was compiled on both sides',
  'compiled-here-only': 'your crates compiled only here have no base time',
  measurement: 'the baseline was measured differently',
  'under-floor': 'too little was compiled to time',
  'cpu-model': 'the baseline ran on another CPU model',
  contention: 'the baseline was a cold build and this one warm',
  'too-few-samples': 'too few samples to tell it from the noise',
  'not-confirmed': 'the suggested change could not be confirmed',
};

/** A crate row's state, the same words in the Markdown, the log and the docs. */
export function rowLabel(status: string): string {
  return status === 'regression' ? 'slower' : status === 'improvement' ? 'faster' : 'within noise';
}

const ROW_ICON: Record<string, string> = { regression: '🔺 ', improvement: '🟢 ' };

function headline(view: ReportView, esc: (s: string) => string = escapeMarkdown): string {
  const time = timeHeadline(view, esc);
  const work = view.work ? workSentence(view.work) : null;
  if (!work) return time;
  // Time that cannot show a change does not hide exact work growth.
  const verdict = verdictOf(view);
  const plain = verdict === 'unchanged' || verdict === 'inconclusive';
  const contrast = plain && view.work!.total.headBytes > view.work!.total.baseBytes && !time.includes(', but ');
  return contrast ? `${time}, but ${work}` : `${time}; ${work}`;
}

const seconds = (s: number) => `${s.toFixed(1)} s`;

/** Line 1: the verdict and the one number that matters, in plain words. */
function timeHeadline(view: ReportView, esc: (s: string) => string): string {
  const r = view.record;
  const c = view.comparison;
  const d = view.decision;
  const verdict = verdictOf(view);
  const who = `Watchmaker: ${esc(view.profile)} build`;
  if (verdict === 'build-failed')
    return (
      `❌ ${who} failed after ${seconds(r.totals.wallSeconds)}` +
      (r.firstError?.crate ? `, in ${esc(clip(r.firstError.crate))}` : '')
    );
  if (!c || !d) return `ℹ️ ${who} took ${seconds(r.totals.wallSeconds)} (no baseline to compare with)`;
  const metric = METRIC_LABEL[c.metric];
  if (d.identicalInputs)
    return (
      `✅ ${who} ${savedWords(c.headWallSeconds, c.baseWallSeconds)}: ` +
      `nothing it compiles changed (${identicalWords(d.identicalInputs)})`
    );
  if (verdict === 'unchanged')
    return (
      `⚪ ${who} time unchanged: ${formatChange(d.change)} ${metric}, ` +
      `within the noise (±${(d.noise.threshold * 100).toFixed(1)}%)`
    );
  if (verdict === 'inconclusive') {
    const why = REASON_WORDS[d.reason ?? ''] ?? d.reason ?? 'the evidence cannot tell';
    return `❔ ${who} time undecided: ${d.change === null ? why : `${formatChange(d.change)} ${metric}, but ${why}`}`;
  }
  const span = `${formatValue(c.total.base.value, c.metric)} → ${formatValue(c.total.head.value, c.metric)}`;
  return (
    `${ICON[verdict]} ${who} ${verdict === 'regression' ? 'slower' : 'faster'}: ${formatChange(d.change)} ${metric} ` +
    `(${span}, ${plural(c.crates.length, 'crate')} compiled on both sides)`
  );
}

/** "took 0.1 s instead of the baseline's 1.9 s" when the cache saved time, else "took 0.1 s". */
function savedWords(head: number, base: number): string {
  return base > head * 1.2 && base - head >= 0.5
    ? `took ${seconds(head)} instead of the baseline's ${seconds(base)}`
    : `took ${seconds(head)}`;
}

/** "4 of 4 crates fresh from the cache", or "3 crates with the baseline's inputs". */
function identicalWords(s: { crates: number; fresh: number }): string {
  return s.fresh === s.crates
    ? `${s.fresh} of ${plural(s.crates, 'crate')} fresh from the cache`
    : `${plural(s.crates, 'crate')} with the baseline's inputs`;
}

/** Rows of the compile-work table shown open; more are collapsed. */
const WORK_ROWS_OPEN = 5;
const code = (text: string) =>
  `\`${clip(text)
    .replace(/`/g, "'")
    .replace(/[\r\n]+/g, ' ')}\``;

/** "4 workspace crates", or "4 workspace crates and 2 dependencies" (compile-work: all). */
function measuredCrates(w: WorkComparison): string {
  const deps = w.crates.filter((c) => c.dependency).length;
  const members = w.crates.length - deps;
  if (deps === 0) return plural(members, 'workspace crate', 'workspace crates');
  return `${plural(members, 'workspace crate', 'workspace crates')} and ${plural(deps, 'dependency', 'dependencies')}`;
}

/** Which crates were not compiled on a side: their work came from the run that compiled the same inputs. */
function carriedNote(w: WorkComparison): string {
  if (w.carried === 0) return '';
  const n = w.carried === w.crates.length ? (w.carried === 1 ? 'it' : 'all of them') : `${w.carried} of them`;
  return ` (${n} fresh from the cache on a side, with the work measured when the same inputs were compiled)`;
}

/** Crates compiled whose work is incomplete: named, so a missing row is not read as no change. */
function uncomparedNote(w: WorkComparison): string[] {
  if (w.uncompared.length === 0) return [];
  const why = {
    failed: 'it did not compile',
    'partly-fresh': 'some of its targets came fresh from the cache, so its code here is only part of it',
    unreadable: 'a file of its object code could not be read; the log says why',
    lto: 'compiled to LLVM bitcode for link-time optimisation: its code is counted in the binaries that link it',
  };
  const side = (u: WorkComparison['uncompared'][number]) => (u.side === 'base' ? ", in the baseline's run" : '');
  const more = w.uncompared.length > LIST_LIMIT ? `; and ${w.uncompared.length - LIST_LIMIT} more` : '';
  return [
    `Not compared: ${w.uncompared
      .slice(0, LIST_LIMIT)
      .map((u) => `${code(u.crate)} (${why[u.why]}${side(u)})`)
      .join('; ')}${more}.`,
    '',
  ];
}

/** "Compile work": per crate the exact change in bytes of machine code, and the function groups that grew the most. */
function workSection(w: WorkComparison, { rows, dropped }: Trim): string[] {
  const out = ['#### Compile work (bytes of machine code, exact)', ''];
  const { baseBytes, headBytes, change } = w.total;
  const total = `${formatCount(baseBytes)} → ${formatCount(headBytes)} bytes (${formatChange(change)})`;
  if (w.crates.length) out.push(WORK_MEASURED(measuredCrates(w), carriedNote(w), total, w.compilerDiffers), '');
  out.push(...uncomparedNote(w));
  const shown = w.crates.filter((c) => c.head.bytes !== c.base.bytes).slice(0, Math.max(rows, 1));
  if (shown.length) {
    const table = ['| crate | baseline | this run | change | functions |', '|---|---:|---:|---:|---:|'];
    for (const c of shown)
      table.push(
        `| ${name(c.crate)} | ${formatCount(c.base.bytes)} | ${formatCount(c.head.bytes)} | ` +
          `${formatChange(c.change)} | ${c.base.functions} → ${c.head.functions} |`,
      );
    if (shown.length > WORK_ROWS_OPEN)
      out.push('<details><summary>Per crate</summary>', '', ...table, '', '</details>', '');
    else out.push(...table, '');
  }
  out.push(...functionLists(dropped.has('functions') ? [] : w.crates));
  return out;
}

/** Your functions listed at most; then at most this many of the others. */
const OWN_FUNCTIONS = 10;
const OTHER_FUNCTIONS = 5;

/**
 * The function groups that changed, each with the crate whose code has its copies: the ones defined
 * in your crates first, however small, then the others that changed the most (one list when none
 * of yours changed). Which of your functions instantiated a std or dependency group's copies is
 * not said: the measure reads function sizes from the symbol table, and legacy symbol names carry
 * no generic arguments, so the copies cannot be traced to their caller.
 */
function functionLists(crates: WorkComparison['crates']): string[] {
  const all = crates
    .flatMap((c) => c.groups.map((g) => ({ crate: c.crate, g })))
    .sort((a, b) => Math.abs(b.g.headBytes - b.g.baseBytes) - Math.abs(a.g.headBytes - a.g.baseBytes));
  const list = (heading: string, items: typeof all) =>
    items.length
      ? [heading, '', ...items.map(({ crate, g }) => `- ${groupChangeText(g, code)} (${name(crate)})`), '']
      : [];
  const own = all.filter((x) => x.g.own).slice(0, OWN_FUNCTIONS);
  const others = all.filter((x) => !x.g.own).slice(0, OTHER_FUNCTIONS);
  if (own.length === 0)
    return list(
      'Functions whose machine code changed the most (every copy of a generic function counted together):',
      others,
    );
  return [
    ...list('Your functions whose copies or bytes changed:', own),
    ...list('In dependencies and the standard library (instantiated by your code or theirs):', others),
  ];
}

function cacheLine(cache: CacheView, esc: (s: string) => string = escapeMarkdown): string {
  if (cache.hit === 'disabled') return 'Cache: off.';
  const size = cache.restoredBytes !== null ? `, ${formatBytes(cache.restoredBytes)} restored` : '';
  const hit =
    cache.hit === 'exact' ? 'exact hit' : cache.hit === 'partial' ? 'partial hit (fallback key)' : 'miss (cold build)';
  const from = cache.backend ? ` from the ${esc(cache.backend)}` : '';
  return `Cache: ${hit}${size}${from}; key ${cache.key ? esc(cache.key) : 'n/a'}.`;
}

function guardLine(guard: GuardView, esc: (s: string) => string = escapeMarkdown): string {
  if (guard.mode === 'off') return 'Guard: off.';
  const flags = guard.flags.length
    ? `effective RUSTFLAGS from ${esc(clip(guard.source))}: ${esc(clip(guard.flags.join(' '), SENTENCE_LIMIT))}`
    : 'no RUSTFLAGS in effect';
  if (guard.errors === 0 && guard.warnings === 0) return `Guard: portable (${flags}).`;
  const errors = `${guard.errors} error${guard.errors === 1 ? '' : 's'}`;
  const warnings = `${guard.warnings} warning${guard.warnings === 1 ? '' : 's'}`;
  return `Guard: ${errors}, ${warnings} (${flags}).`;
}

/** One reading order: the headline; what was found (verdict, tables, compile work); then the details, folded. */
function renderTrimmed(view: ReportView, trim: Trim, limit: number): string {
  const r = view.record;
  const out: string[] = [commentMarker(view.job, view.profile, view.variant), `### ${headline(view)}`, ''];
  if (!r.success && r.firstError) out.push(...firstErrorSection(r.firstError));
  out.push(...(view.comparison ? comparisonSection(view, view.comparison, trim) : headOnlySection(view, trim.rows)));
  if (view.work) out.push(...workSection(view.work, trim));
  // A guard error is news; a clean guard is a detail.
  if (view.guard.errors > 0) out.push(guardLine(view.guard), '');
  const details = [...(view.comparison ? comparisonDetails(view, view.comparison, trim) : []), ...jobLines(view, trim)];
  out.push(`<details><summary>${DETAILS_SUMMARY}</summary>`, '', ...details, '</details>', '');
  if (trim.dropped.size)
    out.push(
      `_Trimmed to stay within ${formatCount(limit)} characters: ${[...trim.dropped].join(', ')} left out._`,
      '',
    );
  out.push(footerLine(view));
  return `${out.join('\n').trimEnd()}\n`;
}

const DETAILS_SUMMARY = "Details: the baseline, this job's own build, cache and guard";

/** The run, the key to the report's terms, and the compiler. */
function footerLine(view: ReportView): string {
  const r = view.record;
  const parts = [`rustc ${escapeMarkdown(r.toolchain.release)} · ${escapeMarkdown(r.targetTriple)}`];
  if (view.keyUrl) parts.unshift(`[What the terms mean](${encodeURI(view.keyUrl)})`);
  if (view.runUrl) parts.unshift(`[Workflow run](${encodeURI(view.runUrl)})`);
  return parts.join(' · ');
}

/** This job's own build (not the rebuild samples a comparison may rest on), the cache and the guard. */
function jobLines(view: ReportView, trim: Trim): string[] {
  const r = view.record;
  const out: string[] = [];
  if (r.measurement.compileWorkNote) out.push(escapeMarkdown(`Compile work: ${r.measurement.compileWorkNote}.`), '');
  out.push(unitsLine(r), '');
  if (view.chainChange) out.push(escapeMarkdown(view.chainChange), '');
  if (trim.audience === 'summary' || view.chainChange) out.push(...parallelismLines(r));
  const members = trim.dropped.has('crate lists') ? null : membersLine(r, view.cache.hit);
  if (members) out.push(escapeMarkdown(members), '');
  const note = commandNote(r.command);
  if (note) out.push(escapeMarkdown(note), '');
  out.push(cacheLine(view.cache), '');
  if (view.guard.errors === 0) out.push(guardLine(view.guard), '');
  if (view.phases) out.push(costLine(view.phases), '');
  return out;
}

/** The most units the bounding chain's line names: the largest shares, in chain order. */
const CHAIN_UNITS = 8;
const percentOf = (x: number) => `${(x * 100).toFixed(x < 0.1 ? 1 : 0)}%`;

/** This build replayed with other job counts (src/parallelism): a small table, or why there is none. */
function parallelismLines(r: RunRecord): string[] {
  const p = r.parallelism;
  if (!p) return [];
  const own = `this build's own ${plural(p.jobs, 'job')}`;
  if (!p.predicted)
    return [
      `Parallelism: replayed at ${own}, the model missed this build by ${percentOf(p.modelError)}, so no prediction.`,
      '',
    ];
  const predicted = p.predicted;
  const rows = PARALLEL_JOBS.map(
    (k) => `| ${k}${Number(k) === p.jobs ? ' (this build)' : ''} | ${seconds(predicted[k])} |`,
  );
  const check = `Replayed at ${own}, the model misses the measured time by ${percentOf(p.modelError)}.`;
  const table = ['| jobs | predicted wall |', '|---:|---:|', ...rows];
  return [
    "Parallelism (predicted from this build's own units):",
    '',
    ...table,
    '',
    `${check} ${chainLine(p, r.totals.wallSeconds)}`,
    '',
  ];
}

/**
 * "The chain that bounds it at any job count: syn 22% → serde_derive 26% → app (bin) 3%; one unit
 * compiling alone 2.6 s (25%)."
 */
function chainLine(p: Parallelism, wallSeconds: number): string {
  const kept = new Set([...p.criticalPath].sort((a, b) => b.share - a.share).slice(0, CHAIN_UNITS));
  const parts: string[] = [];
  for (const u of p.criticalPath) {
    if (kept.has(u)) parts.push(`${name(u.unit)} ${percentOf(u.share)}`);
    else if (parts.at(-1) !== '…') parts.push('…');
  }
  const chain = parts.length ? `The chain that bounds it at any job count: ${parts.join(' → ')}; ` : '';
  const serial = wallSeconds > 0 ? ` (${percentOf(Math.min(1, p.serialSeconds / wallSeconds))} of the build)` : '';
  return `${chain}${chain ? 'one' : 'One'} unit compiling alone for ${seconds(p.serialSeconds)}${serial}.`;
}

/** "This job's own build: 2 units compiled, 4 fresh; critical path 0.8 s ending in app 0.1.0 (bin)." */
function unitsLine(r: RunRecord, esc: (s: string) => string = escapeMarkdown): string {
  const end = r.criticalPath?.units.at(-1);
  const critical =
    r.criticalPath && end ? `; critical path ${seconds(r.criticalPath.seconds)} ending in ${esc(clip(end))}` : '';
  const units = plural(r.totals.unitsCompiled, 'unit');
  if (!r.success) return `This job's own build stopped after compiling ${units}.`;
  return `This job's own build: ${units} compiled, ${r.totals.unitsFresh} fresh${critical}.`;
}

/** The comparison's notes, less "nothing to compare" when the verdict knows every input is the baseline's. */
const notesOf = (view: ReportView, c: Comparison) =>
  view.decision?.identicalInputs ? c.notes.filter((n) => n !== NOTHING_COMPARED) : c.notes;

/** Lines of cargo's first error shown; the log has all of it. */
const ERROR_LINES = 30;

/**
 * Cargo's first error, so a reader of the comment sees why without opening the log: the text
 * rustc rendered, trimmed, in a code fence longer than any run of backticks in it (nothing in it
 * is read as Markdown).
 */
function firstErrorSection(e: { crate: string; text: string }): string[] {
  // Colour codes: the text comes from cargo's stderr, which may be a terminal's.
  const ansi = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');
  const lines = e.text.replace(ansi, '').trimEnd().split('\n');
  const shown = lines.slice(0, ERROR_LINES).map((l) => clip(l, 300));
  if (lines.length > ERROR_LINES) shown.push(`… ${lines.length - ERROR_LINES} more lines in the log`);
  const longest = Math.max(0, ...shown.map((l) => Math.max(0, ...(l.match(/`+/g) ?? []).map((run) => run.length))));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return [`Cargo's first error${e.crate ? `, in ${code(e.crate)}` : ''}:`, '', fence, ...shown, fence, ''];
}

/**
 * Which of your crates (workspace members and local path packages) this job's build compiled and
 * which cargo found fresh: "from the cache" only when the cache restored something; a failed
 * build says which it compiled before it stopped, and claims nothing about the others.
 */
export function membersLine(r: RunRecord, hit: CacheView['hit'] | null = null): string | null {
  if (!r.workspaceMembers?.length) return null;
  const compiled = new Set(r.crates.filter((c) => c.workspaceMember).map((c) => c.crate));
  const list = (names: string[]) =>
    names.length
      ? `${names
          .slice(0, LIST_LIMIT)
          .map((n) => clip(n))
          .join(', ')}${names.length > LIST_LIMIT ? ', …' : ''}`
      : 'none';
  const failed = r.success ? null : (r.firstError?.crate ?? null);
  if (failed) compiled.delete(failed);
  const done = list(r.workspaceMembers.filter((m) => compiled.has(m)));
  const rest = list(r.workspaceMembers.filter((m) => !compiled.has(m) && m !== failed));
  if (!r.success) {
    const last = failed ? `failed: ${clip(failed)}` : `not compiled: ${rest}`;
    return `Your crates compiled before cargo stopped: ${done}; ${last}.`;
  }
  const restored = hit === 'exact' || hit === 'partial';
  const fresh = restored ? 'fresh from the cache' : 'already built in this target directory';
  return `Your crates compiled: ${done}; ${fresh}: ${rest}.`;
}

/** Up to 40 names, cut and escaped, for the "compiled only on one side" lines. */
const nameList = (names: string[]) =>
  `${names.slice(0, LIST_LIMIT).map(name).join(', ')}${names.length > LIST_LIMIT ? ', …' : ''}`;

/** The verdict in a sentence, what would conclude it, the totals and the crates that moved most. */
function comparisonSection(view: ReportView, c: Comparison, { rows }: Trim): string[] {
  const value = (v: number) => formatValue(v, c.metric);
  const wallChange = c.baseWallSeconds > 0 ? (c.headWallSeconds - c.baseWallSeconds) / c.baseWallSeconds : null;
  const d = view.decision!;
  const out = [`**Verdict: ${verdictOf(view)}.** ${sentence(d.sentence)}`, ''];
  if (d.toConclude) out.push(`What would make it conclusive: ${sentence(d.toConclude)}.`, '');
  // Rebuild samples are this commit built here, not this job's own build (the details say which is which).
  const here = c.total.head.samples > 1 ? `this commit (${c.total.head.samples} samples here)` : 'this run';
  out.push(
    `| | baseline${view.baselineLabel ? ` (${name(view.baselineLabel)})` : ''} | ${here} | change |`,
    '|---|---:|---:|---:|',
  );
  if (c.crates.length)
    out.push(
      `| ${METRIC_LABEL[c.metric]}, crates compiled on both sides | ` +
        `${value(c.total.base.value)} | ${value(c.total.head.value)} | ${formatChange(c.total.change)} |`,
    );
  out.push(
    `| wall time of the whole build | ${c.baseWallSeconds.toFixed(2)} s | ${c.headWallSeconds.toFixed(2)} s | ` +
      `${formatChange(wallChange)} |`,
    '',
  );
  if (c.crates.length) {
    out.push(
      `#### Biggest movers (${METRIC_LABEL[c.metric]})`,
      '',
      `| crate | baseline | ${here} | change | |`,
      '|---|---:|---:|---:|---|',
    );
    for (const x of c.crates.slice(0, rows))
      out.push(
        `| ${name(x.crate)} | ${value(x.base.value)} | ${value(x.head.value)} | ${formatChange(x.change)} | ` +
          `${ROW_ICON[x.status] ?? ''}${rowLabel(x.status)} |`,
      );
    if (c.crates.length > rows) out.push('', `_${plural(c.crates.length - rows, 'more crate')} not shown._`);
    out.push('');
  }
  return out;
}

/** Where the baseline came from, what one side compiled alone, notes and the chart: folded under the details. */
function comparisonDetails(view: ReportView, c: Comparison, { rows, dropped }: Trim): string[] {
  const d = view.decision!;
  const out: string[] = [];
  if (view.path) out.push(`Baseline: ${sentence(view.path)}`, '');
  if (d.consistencyNote) out.push(`> ${sentence(d.consistencyNote)}`, '');
  const lists = !dropped.has('crate lists');
  if (lists && c.onlyHead.length)
    out.push(`Compiled only in this run (new, or fresh in the baseline's build): ${nameList(c.onlyHead)}.`, '');
  if (lists && c.onlyBase.length)
    out.push(`Compiled only in the baseline (removed, or fresh here): ${nameList(c.onlyBase)}.`, '');
  for (const note of dropped.has('notes') ? [] : notesOf(view, c)) out.push(`> Note: ${sentence(note)}`, '');
  const chart = dropped.has('chart') ? '' : crateChart(c, Math.min(rows, 12));
  if (chart) out.push(chart, '');
  return out;
}

function headOnlySection(view: ReportView, rows: number): string[] {
  const r = view.record;
  const out = view.baselineNote ? [sentence(view.baselineNote), ''] : [];
  const top = r.crates.slice(0, rows);
  if (top.length === 0) return out;
  out.push('| crate | CPU | wall | units |', '|---|---:|---:|---:|');
  for (const x of top) {
    const cpu = x.cpuSeconds === null ? 'n/a' : `${x.cpuSeconds.toFixed(2)} s`;
    const yours = x.workspaceMember ? ' (yours)' : '';
    out.push(`| ${name(x.crate)}${yours} | ${cpu} | ${x.wallSeconds.toFixed(2)} s | ${x.units} |`);
  }
  if (r.crates.length > rows) out.push('', `_${plural(r.crates.length - rows, 'more crate')} not shown._`);
  out.push('');
  return out;
}

/**
 * The report within `limit` characters: fewer rows first, then fewer sections (saying which), then only the headline.
 */
export function renderReportMarkdown(view: ReportView, limit = COMMENT_LIMIT, audience: Audience = 'summary'): string {
  const none = new Set<Droppable>();
  for (let rows = MAX_ROWS; rows >= 0; rows = rows > 5 ? rows - 5 : rows - 1) {
    const md = renderTrimmed(view, { rows, dropped: none, audience }, limit);
    if (md.length <= limit) return md;
  }
  for (let n = 1; n <= DROPPABLE.length; n++) {
    const md = renderTrimmed(view, { rows: 0, dropped: new Set(DROPPABLE.slice(0, n)), audience }, limit);
    if (md.length <= limit) return md;
  }
  return `${commentMarker(view.job, view.profile, view.variant)}\n### ${headline(view)}\n\n${TOO_LARGE}\n`;
}

const plain = (s: string) => s;
const plainList = (names: string[]) =>
  `${names
    .slice(0, LIST_LIMIT)
    .map((n) => clip(n))
    .join(', ')}${names.length > LIST_LIMIT ? ', …' : ''}`;

/** The log's line of cargo's first error: its crate and the error's first line. */
function firstErrorText(e: { crate: string; text: string }): string {
  const where = e.crate ? ` (in ${clip(e.crate)})` : '';
  return `  cargo's first error${where}: ${clip(e.text.split('\n')[0] ?? '', 300)}`;
}

/** The log's row of one compared crate: name, baseline, this run, change and state, in columns. */
function crateText(x: Comparison['crates'][number], metric: Metric): string {
  const base = formatValue(x.base.value, metric).padStart(10);
  const head = formatValue(x.head.value, metric).padStart(10);
  const change = formatChange(x.change).padStart(7);
  return `    ${clip(x.crate).padEnd(24)} ${base} → ${head}  ${change}  ${rowLabel(x.status)}`;
}

/** The log's form of the report: the same headline, sentences and labels as the Markdown, unescaped. */
export function renderReportText(view: ReportView): string {
  const r = view.record;
  const c = view.comparison;
  const lines = [headline(view, plain).replace(/^\S+ /, ''), `  ${unitsLine(r, plain)}`];
  const members = membersLine(r, view.cache.hit);
  if (members) lines.push(`  ${members}`);
  const note = commandNote(r.command);
  if (note) lines.push(`  ${note}`);
  if (r.measurement.compileWorkNote) lines.push(`  compile work: ${r.measurement.compileWorkNote}`);
  if (r.firstError) lines.push(firstErrorText(r.firstError));
  if (c) {
    lines.push(`  verdict: ${verdictOf(view)}. ${view.decision?.sentence ?? ''}`);
    if (view.decision?.toConclude) lines.push(`  what would make it conclusive: ${view.decision.toConclude}`);
    if (view.path) lines.push(`  baseline: ${view.path}`);
    if (c.crates.length)
      lines.push(
        `  baseline${view.baselineLabel ? ` (${clip(view.baselineLabel)})` : ''}: ` +
          `${formatValue(c.total.base.value, c.metric)}; this run: ${formatValue(c.total.head.value, c.metric)} ` +
          `(${formatChange(c.total.change)})`,
      );
    for (const x of c.crates.slice(0, 10)) lines.push(crateText(x, c.metric));
    if (c.onlyHead.length) lines.push(`  compiled only in this run: ${plainList(c.onlyHead)}`);
    if (c.onlyBase.length) lines.push(`  compiled only in the baseline: ${plainList(c.onlyBase)}`);
    for (const n of notesOf(view, c)) lines.push(`  note: ${n}`);
    if (view.work?.crates.length)
      lines.push(
        `  ${workSentence(view.work) ?? 'compile work unchanged'} over ${plural(view.work.crates.length, 'crate')}`,
      );
  } else {
    if (view.baselineNote) lines.push(`  ${view.baselineNote}`);
    for (const x of r.crates.slice(0, 10)) {
      const cpu = x.cpuSeconds === null ? 'n/a' : `${x.cpuSeconds.toFixed(2)} s`;
      lines.push(`    ${clip(x.crate).padEnd(24)} cpu ${cpu}  wall ${x.wallSeconds.toFixed(2)} s`);
    }
  }
  lines.push(`  ${cacheLine(view.cache, plain)}`, `  ${guardLine(view.guard, plain)}`);
  return lines.join('\n');
}
