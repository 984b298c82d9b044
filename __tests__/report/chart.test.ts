// The per-crate chart: each side its own bar, label and colour, and nothing from the repository
// can break out of a Mermaid string. (__tests__/report/browser.test.ts draws it with Mermaid.)
import { CHART_COLORS, crateChart, mermaidLabel } from '../../src/report/chart.js';
import { compareRecords, type Comparison, type CrateComparison, type Metric } from '../../src/report/compare.js';
import { mermaidLabel as reexported } from '../../src/report/render.js';
import { record } from '../helpers/records.js';

const side = (value: number) => ({ value, min: value, max: value, samples: 1, values: [value] });

/** A comparison of these crates (name, base, head), in this order. */
function comparison(crates: [string, number, number][], metric: Metric = 'cpu'): Comparison {
  const rows: CrateComparison[] = crates.map(([crate, b, h]) => ({
    crate,
    base: side(b),
    head: side(h),
    change: b ? (h - b) / b : null,
    status: 'unchanged',
  }));
  const sum = (i: 1 | 2) => crates.reduce((a, c) => a + c[i], 0);
  return {
    metric,
    total: { base: side(sum(1)), head: side(sum(2)), change: null },
    crates: rows,
    onlyHead: [],
    onlyBase: [],
    notes: [],
    baseWallSeconds: 1,
    headWallSeconds: 1,
  };
}

/** The chart's lines between the fences, by their first word. */
function parse(chart: string) {
  const lines = chart.split('\n');
  const line = (prefix: string) => lines.filter((l) => l.trimStart().startsWith(prefix));
  const list = (l: string) => l.slice(l.indexOf('[') + 1, l.lastIndexOf(']'));
  const [base, head] = line('bar [').map((l) => list(l).split(', ').map(Number));
  return {
    lines,
    labels: [...list(line('x-axis')[0]!).matchAll(/"([^"]*)"/g)].map((m) => m[1]!),
    base: base!,
    head: head!,
    init: JSON.parse(/^%%\{init: (.*)\}%%$/.exec(lines[1]!)![1]!) as {
      themeVariables: { xyChart: { plotColorPalette: string } };
    },
  };
}

test('no crate compared, or no row to show: no chart', () => {
  expect(crateChart(comparison([]), 12)).toBe('');
  expect(crateChart(comparison([['ws-core', 1, 2]]), 0)).toBe('');
});

test('a fenced Mermaid bar chart with a label per side and two series, each 0 where the other side’s bar is', () => {
  const chart = crateChart(
    comparison([
      ['ws-core', 6, 9],
      ['ws-app', 2, 2.1234],
    ]),
    12,
  );
  expect(chart.startsWith('```mermaid\n%%{init: ')).toBe(true);
  expect(chart.endsWith('\n```')).toBe(true);
  expect(chart).toContain('\nxychart-beta horizontal\n');
  expect(chart).toContain('\n  y-axis "seconds"\n');
  const { labels, base, head } = parse(chart);
  expect(labels).toEqual([
    'ws-core · base: 6.00 s',
    'ws-core · this run: 9.00 s',
    'ws-app · base: 2.00 s',
    'ws-app · this run: 2.12 s',
  ]);
  expect(base).toEqual([6, 0, 2, 0]);
  expect(head).toEqual([0, 9, 0, 2.123]);
});

test('the two series get two clearly different colours, which the title names', () => {
  const chart = crateChart(comparison([['ws-core', 6, 9]]), 12);
  const { init } = parse(chart);
  expect(init.themeVariables.xyChart.plotColorPalette.split(',').map((c) => c.trim())).toEqual([
    CHART_COLORS.base,
    CHART_COLORS.head,
  ]);
  expect(CHART_COLORS.base).not.toBe(CHART_COLORS.head);
  expect(chart).toMatch(/title "CPU time per crate: grey bars the baseline, orange bars this run"/);
});

test('instructions are charted in billions', () => {
  const { labels, base, head } = parse(crateChart(comparison([['ws-core', 3e9, 4.5e9]], 'instructions'), 12));
  expect(labels).toEqual(['ws-core · base: 3.00 G', 'ws-core · this run: 4.50 G']);
  expect(base).toEqual([3, 0]);
  expect(head).toEqual([0, 4.5]);
});

test('at most `rows` crates, in the comparison’s order', () => {
  const names = Array.from({ length: 20 }, (_, i) => `ws-${i}`);
  const base = record({ crates: Object.fromEntries(names.map((n, i) => [n, 1 + i])) });
  const head = record({ crates: Object.fromEntries(names.map((n, i) => [n, 2 + 2 * i])) });
  const c = compareRecords([head], [base], { threshold: null })!;
  const { labels, base: b, head: h } = parse(crateChart(c, 12));
  expect(labels).toHaveLength(24);
  expect(b).toHaveLength(24);
  expect(h).toHaveLength(24);
  expect(labels.filter((_, i) => i % 2 === 0).map((l) => l.split(' · ')[0])).toEqual(
    c.crates.slice(0, 12).map((x) => x.crate),
  );
});

test('labels carry only safe characters and are cut to 40', () => {
  const { labels } = parse(crateChart(comparison([['my "crate"]', 1, 2]]), 12));
  expect(labels[0]).toBe('my__crate__ · base: 1.00 s');
  const long = parse(crateChart(comparison([['x'.repeat(100), 1, 2]]), 12)).labels[0]!;
  expect(long).toBe(`${'x'.repeat(40)} · base: 1.00 s`);
});

test('hostile crate names cannot end a string, a list or a line, or add a directive', () => {
  const evil = [
    '"] \n  bar [1000',
    '%%{init: {"theme": "dark"}}%%',
    '<img src=x onerror=alert(1)>',
    'a`b`|c|@d',
    'line\r\nbreak',
    '```',
  ];
  const chart = crateChart(comparison(evil.map((e, i) => [e, i + 1, i + 2])), 12);
  const { lines, labels, base, head } = parse(chart);
  // The fences, the directive, the chart type, title, two axes and two series: nothing more.
  expect(lines).toHaveLength(9);
  expect(lines.filter((l) => l.startsWith('%%'))).toHaveLength(1);
  expect(lines.filter((l) => l.trimStart().startsWith('bar'))).toHaveLength(2);
  expect(chart.match(/```/g)).toHaveLength(2);
  expect(labels).toHaveLength(evil.length * 2);
  for (const l of labels) expect(l).toMatch(/^[A-Za-z0-9_.-]{1,40} · (base|this run): [\d.]+ s$/);
  expect(base).toEqual(evil.flatMap((_, i) => [i + 1, 0]));
  expect(head).toEqual(evil.flatMap((_, i) => [0, i + 2]));
  expect(lines.slice(1, -1).join('\n')).not.toMatch(/[<>`|@]/);
});

test('values that are not finite positive numbers chart as 0', () => {
  const { base, head } = parse(crateChart(comparison([['ws-core', Number.NaN, -1]]), 12));
  expect(base).toEqual([0, 0]);
  expect(head).toEqual([0, 0]);
});

test('render.ts re-exports the label function', () => {
  expect(reexported).toBe(mermaidLabel);
});
