// The advice in words: a Markdown table for the job summary (each cell the change with its
// numbers, or "no measurable effect", or "not measured"), the Cargo.toml settings that won with
// what each costs, and the same as plain lines for the log. Repository text (the profile, the
// edited crate and file) goes through escapeMarkdown. Pure.
import { formatBytes, formatChange, plural } from '../format.js';
import { escapeMarkdown } from '../markdown.js';
import type { Advice, CandidateAdvice } from './advice.js';
import type { MetricResult, Verdict } from './judge.js';
import { ADVICE_METRICS, type AdviceMetric } from './model.js';

export const METRIC_NAME: Record<AdviceMetric, string> = {
  cold: 'cold build',
  coldCpu: 'cold build CPU',
  warm: 'warm rebuild',
  memory: 'peak memory',
  size: 'size',
  runtime: 'runtime',
};

/** A measured value in its unit: seconds, KiB of memory, bytes. */
export function formatValue(metric: AdviceMetric, value: number): string {
  if (metric === 'memory') return formatBytes(value * 1024);
  if (metric === 'size') return formatBytes(value);
  return `${value < 10 ? value.toFixed(2) : value.toFixed(1)} s`;
}

const minutes = (s: number) => (s >= 120 ? `${(s / 60).toFixed(1)} min` : `${s.toFixed(0)} s`);

// The long sentences of the advice, each with what it needs to say (repository text already escaped).
const EDIT_SENTENCE = (crate: string, file: string) =>
  `The warm rebuild follows a one-line edit of ${crate} (${file}), a crate no other member depends on.`;
const MEASURED = (advice: Advice, n: number, edit: string) =>
  `Measured on this runner: the current settings and ${n} candidate${n === 1 ? '' : 's'}, each in its own ` +
  `target directory, ${advice.rounds} round${advice.rounds === 1 ? '' : 's'} in a rotating order ` +
  `(${minutes(advice.seconds)} of an advise-budget of ${minutes(advice.budgetSeconds)}). ${edit} ` +
  `The goal of a ${advice.kind} profile: ${goalText(advice)}.`;
const NO_WINNER = (goals: string) =>
  `No candidate is recommended: none made the goal (${goals}) measurably better ` +
  `without a cost beyond its known price. The current settings stay.`;
const ADOPT_INTRO = (profile: string) =>
  `Recommended for the workspace's Cargo.toml (merge into its \\[profile.${profile}\\] table if it has one; ` +
  `cargo config files and CARGO_PROFILE_* variables override Cargo.toml):`;
const NEVER_NATIVE =
  'The advisor never recommends target-cpu=native (a binary that needs the runner’s CPU) ' +
  'or anything it did not measure.';
const LOG_HEADING = (advice: Advice) =>
  `Watchmaker: profile advice for '${advice.profile}' ` +
  `(${plural(advice.rounds, 'round')}; goal: ${goalText(advice)}):`;

/** "−18.2% (12.1 s → 9.90 s)", "no measurable effect", "inconclusive (+3.1%)", "not measured". */
export function cellText(metric: AdviceMetric, r: MetricResult): string {
  switch (r.effect) {
    case 'not-measured':
      return 'not measured';
    case 'no-effect':
      return 'no measurable effect';
    case 'inconclusive':
      return r.change === null ? 'inconclusive' : `inconclusive (${formatChange(r.change)})`;
    case 'better':
    case 'worse':
      return `${formatChange(r.change!)} (${formatValue(metric, r.base!)} → ${formatValue(metric, r.head!)})`;
  }
}

const list = (metrics: AdviceMetric[]) => metrics.map((m) => METRIC_NAME[m]).join(', ');

/** The verdict in a few words: what won, what it costs, or why nothing can be said. */
export function verdictText(c: CandidateAdvice): string {
  const texts: Record<Verdict, () => string> = {
    win: () => `recommended: ${formatChange(c.metrics[c.goal!].change!)} ${METRIC_NAME[c.goal!]}`,
    'trade-off': () => `not recommended: better ${METRIC_NAME[c.goal!]}, but worse ${list(c.worse)}`,
    worse: () => `worse: ${list(ADVICE_METRICS.filter((m) => c.metrics[m].effect === 'worse'))}`,
    'no-effect': () => 'no measurable effect',
    inconclusive: () => 'inconclusive: the samples cannot tell',
    failed: () => `not measured: ${c.problem ?? 'its build failed'}`,
  };
  return texts[c.verdict]();
}

/** What a winning setting buys and costs, every metric said: "−18.2% warm rebuild (3.20 s → 2.62 s); size …". */
export function costSentence(c: CandidateAdvice): string {
  const parts = ADVICE_METRICS.map((m) => {
    const r = c.metrics[m];
    if (r.effect === 'better' || r.effect === 'worse')
      return `${formatChange(r.change!)} ${METRIC_NAME[m]} (${formatValue(m, r.base!)} → ${formatValue(m, r.head!)})`;
    return `${METRIC_NAME[m]} ${cellText(m, r).replace(/ \(.*\)$/, '')}`;
  });
  return `${parts.join('; ')}.${c.note ? ` Gives up: ${c.note}.` : ''}`;
}

function goalText(advice: Advice): string {
  return advice.goals.map((m) => METRIC_NAME[m]).join(', then ');
}

function introduction(advice: Advice): string[] {
  const edit = advice.edit
    ? EDIT_SENTENCE(escapeMarkdown(advice.edit.crate), escapeMarkdown(advice.edit.file))
    : 'No warm rebuild: no workspace member has a root file to edit.';
  return [MEASURED(advice, advice.candidates.length, edit)];
}

function table(advice: Advice): string[] {
  const header = `| candidate | ${ADVICE_METRICS.map((m) => METRIC_NAME[m]).join(' | ')} | verdict |`;
  const current = ADVICE_METRICS.map((m) => {
    const values = advice.current.samples[m];
    if (values.length === 0) return 'not measured';
    const sorted = [...values].sort((a, b) => a - b);
    return formatValue(m, sorted[Math.floor(sorted.length / 2)]!);
  });
  const rows = advice.candidates.map((c) => {
    const verdict = c.verdict === 'win' ? `**${verdictText(c)}**` : verdictText(c);
    return `| \`${c.label}\` | ${ADVICE_METRICS.map((m) => cellText(m, c.metrics[m])).join(' | ')} | ${verdict} |`;
  });
  return [
    header,
    `|${' --- |'.repeat(ADVICE_METRICS.length + 2)}`,
    `| current settings | ${current.join(' | ')} | |`,
    ...rows,
  ];
}

function adoption(advice: Advice): string[] {
  const profile = escapeMarkdown(advice.profile);
  if (!advice.adopt.toml) return [NO_WINNER(goalText(advice))];
  const winners = advice.candidates.filter((c) => c.verdict === 'win' && !advice.adopt.leftOut.includes(c.id));
  const leftOut = advice.candidates.filter((c) => advice.adopt.leftOut.includes(c.id));
  return [
    ADOPT_INTRO(profile),
    '',
    '```toml',
    advice.adopt.toml,
    '```',
    '',
    ...winners.map((c) => `- \`${c.label}\`: ${costSentence(c)}`),
    ...leftOut.map((c) => `- \`${c.label}\` won too, but sets the same key as a bigger win; it is left out.`),
    ...(winners.length > 1
      ? ['', 'Each setting was measured alone against the current settings: together their effects may not add up.']
      : []),
  ];
}

export function renderMarkdown(advice: Advice): string {
  const skipped = advice.skipped.map((s) => `\`${s.label}\` (${escapeMarkdown(s.why)})`);
  return [
    `### Profile advice: ${escapeMarkdown(advice.profile)}`,
    '',
    ...introduction(advice),
    '',
    ...table(advice),
    '',
    ...adoption(advice),
    ...(skipped.length ? ['', `Not measured: ${skipped.join('; ')}.`] : []),
    ...advice.notes.map((n) => `\n${escapeMarkdown(n)}`),
    '',
    NEVER_NATIVE,
    '',
  ].join('\n');
}

/** The same for the log, one line each (the caller passes them through logText). */
export function renderText(advice: Advice): string[] {
  const lines = [LOG_HEADING(advice)];
  for (const c of advice.candidates) {
    const cells = ADVICE_METRICS.map((m) => `${METRIC_NAME[m]} ${cellText(m, c.metrics[m])}`).join(', ');
    lines.push(`  ${c.label}: ${verdictText(c)} [${cells}]`);
  }
  for (const s of advice.skipped) lines.push(`  ${s.label}: not measured (${s.why})`);
  if (advice.adopt.toml)
    lines.push('  Recommended Cargo.toml settings:', ...advice.adopt.toml.split('\n').map((l) => `    ${l}`));
  else lines.push('  No candidate is recommended; the current settings stay.');
  return lines.concat(advice.notes.map((n) => `  ${n}`));
}
