// The per-crate chart of the report: a Mermaid bar chart (GitHub renders it in comments and job
// summaries) with the baseline and this run side by side. Pure.
//
// Mermaid's xychart draws every bar series over the same x positions, so two series over the
// same labels stack on top of each other and the taller hides the shorter. Here each crate gets
// two labels, "engine · base" and "engine · this run", and two series that are 0 where the other
// side's bar is: every bar stands alone, next to its pair, and the two series take the first two
// colours of a palette set in the chart's init directive (grey for the baseline, orange for this
// run), which the title names in words. Horizontal bars, so every label is readable on its own
// line, and each label carries its value. The value axis shows no numbers: Mermaid pads a labelled
// axis by half its widest number and starts every bar at the padding's edge, so a bar of 0 would
// show as a sliver of its colour on the other side's bar.
import { METRIC_LABEL, type Comparison } from './compare.js';

/** Grey for the baseline, orange for this run: apart in hue and in lightness, on light and dark backgrounds. */
export const CHART_COLORS = { base: '#9ca3af', head: '#f97316' } as const;
/** Height of one bar slot in pixels (each crate has two), and the room for title and axes. */
const SLOT = 26;
const FRAME = 140;

/** A label safe inside a Mermaid string: only [A-Za-z0-9_.-], at most 40 characters. */
export function mermaidLabel(text: string): string {
  return text.replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 40);
}

/** A number as Mermaid reads it: plain decimal, at most three places. */
const num = (v: number) => (Number.isFinite(v) && v > 0 ? String(Number(v.toFixed(3))) : '0');
/** A value as the report's tables show it: "6.00 s", "3.12 G". */
const shown = (v: number, unit: string) => `${(Number.isFinite(v) ? v : 0).toFixed(2)} ${unit}`;

/**
 * A fenced Mermaid block charting the metric of at most `rows` crates on both sides, or '' when
 * there is no crate to chart.
 */
export function crateChart(c: Comparison, rows: number): string {
  const top = c.crates.slice(0, Math.max(0, rows));
  if (top.length === 0) return '';
  const scale = c.metric === 'instructions' ? 1e9 : 1;
  const [unit, short] = c.metric === 'instructions' ? ['G instructions', 'G'] : ['seconds', 's'];
  const labels = top.flatMap((x) => {
    const crate = mermaidLabel(x.crate);
    return [
      `"${crate} · base: ${shown(x.base.value / scale, short)}"`,
      `"${crate} · this run: ${shown(x.head.value / scale, short)}"`,
    ];
  });
  // Each series holds its side's value at its own label and 0 at the other side's.
  const base = top.flatMap((x) => [num(x.base.value / scale), '0']);
  const head = top.flatMap((x) => ['0', num(x.head.value / scale)]);
  const init = {
    xyChart: { width: 900, height: FRAME + SLOT * labels.length, yAxis: { showLabel: false } },
    themeVariables: { xyChart: { plotColorPalette: `${CHART_COLORS.base}, ${CHART_COLORS.head}` } },
  };
  return [
    '```mermaid',
    `%%{init: ${JSON.stringify(init)}}%%`,
    'xychart-beta horizontal',
    `  title "${METRIC_LABEL[c.metric]} per crate: grey bars the baseline, orange bars this run"`,
    `  x-axis [${labels.join(', ')}]`,
    `  y-axis "${unit}"`,
    `  bar [${base.join(', ')}]`,
    `  bar [${head.join(', ')}]`,
    '```',
  ].join('\n');
}
