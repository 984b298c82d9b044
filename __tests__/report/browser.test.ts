// The report as a reader sees it: rendered from Markdown (GitHub-flavoured, by marked) in a real
// headless Chromium, its chart drawn by Mermaid. Assertions are on what the page shows, not on
// the Markdown. Screenshots of each scenario are kept in test-artifacts/browser/ for a person.
// Needs Chromium (.ci/run installs Debian's); without it the tests are skipped with a message.
import type { RunRecord } from '../../src/record.js';
import { CHART_COLORS } from '../../src/report/chart.js';
import { renderReportMarkdown, type ReportView } from '../../src/report/render.js';
import { findChromium, renderInBrowser, type BarFacts, type ChartFacts, type PageFacts } from '../helpers/browser.js';
import { record } from '../helpers/records.js';
import { cache, evaluated, guard } from '../helpers/report-views.js';

const chromium = findChromium();
const describeBrowser = chromium ? describe : describe.skip;
if (!chromium)
  console.warn(
    'Skipping the browser render tests: no chromium, chromium-browser or google-chrome found (.ci/run installs chromium with apt-get).',
  );

function view(head: RunRecord, base: RunRecord | null, over: Partial<ReportView> = {}): ReportView {
  return {
    profile: 'dev',
    job: 'build',
    variant: 'b1234abcd',
    record: head,
    ...(base ? evaluated(head, base) : { comparison: null, decision: null }),
    path: null,
    baselineNote: null,
    baselineLabel: 'main @ abc1234',
    guard,
    cache,
    runUrl: 'https://github.com/o/r/actions/runs/1',
    ...over,
  };
}

/** The table whose first column holds `crate`, and that row's cells. */
function rowOf(facts: PageFacts, crate: string): { header: string[]; cells: string[] } {
  for (const t of facts.tables) {
    const row = t.rows.find((r) => r[0] === crate);
    if (row) return { header: t.header, cells: row };
  }
  throw new Error(`no table row for ${crate}; tables: ${JSON.stringify(facts.tables)}`);
}

const literally = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A bar a reader can see: both sides of its rect are longer than a pixel. */
const visible = (b: BarFacts | undefined) => b !== undefined && b.width >= 1 && b.height >= 1;
/** How long a bar is drawn along the value axis. */
const lengthOf = (chart: ChartFacts, b: BarFacts) => (chart.horizontal ? b.width : b.height);

/** The chart draws each crate's baseline and this run as two separate bars of two colours, each visible. */
function expectReadableChart(chart: ChartFacts, crates: string[]) {
  expect(chart.error).toBeNull();
  expect(chart.series).toHaveLength(2);
  const [base, head] = chart.series as [ChartFacts['series'][number], ChartFacts['series'][number]];
  // One colour per series, and the two differ: the ones the title names.
  expect(base.fills).toEqual([CHART_COLORS.base]);
  expect(head.fills).toEqual([CHART_COLORS.head]);
  expect(chart.title).toMatch(/grey/i);
  expect(chart.title).toMatch(/orange/i);
  expect(chart.xLabels).toHaveLength(crates.length * 2);
  crates.forEach((crate, k) => {
    expect(chart.xLabels[2 * k]).toMatch(new RegExp(`^${literally(crate)} · base: [\\d.]+ s$`));
    expect(chart.xLabels[2 * k + 1]).toMatch(new RegExp(`^${literally(crate)} · this run: [\\d.]+ s$`));
    // The baseline's bar at its own label, this run's at the next; nothing drawn over either.
    expect(visible(base.bars[2 * k])).toBe(true);
    expect(visible(head.bars[2 * k + 1])).toBe(true);
    expect(lengthOf(chart, base.bars[2 * k + 1]!)).toBeLessThan(0.5);
    expect(lengthOf(chart, head.bars[2 * k]!)).toBeLessThan(0.5);
  });
}

describeBrowser(`the report in a browser${chromium ? '' : ' (skipped: no chromium)'}`, () => {
  test('a regression over several crates: headline, comparison table, and a chart with both sides visible', async () => {
    const base = record({ crates: { 'ws-app': 2, 'ws-core': 6, 'ws-engine': 4, serde: 3, 'ws-cli': 1 } });
    const head = record({ crates: { 'ws-app': 2.1, 'ws-core': 9, 'ws-engine': 6, serde: 3, 'ws-cli': 1 } });
    const md = renderReportMarkdown(view(head, base));
    const facts = await renderInBrowser(chromium!, md, 'regression');

    expect(facts.headline).toContain('🔺');
    expect(facts.headline).toMatch(/slower|regression/i);
    expect(facts.text).toMatch(/Verdict: regression/);
    // The comparison table: the baseline and this run side by side.
    const core = rowOf(facts, 'ws-core');
    expect(core.header.some((h) => /^baseline/.test(h))).toBe(true);
    expect(core.header).toContain('this run');
    expect(core.cells[core.header.findIndex((h) => /^baseline/.test(h))]).toBe('6.00 s');
    expect(core.cells[core.header.indexOf('this run')]).toBe('9.00 s');

    expect(facts.charts).toHaveLength(1);
    const chart = facts.charts[0]!;
    const charted = ['ws-core', 'ws-engine', 'ws-app', 'serde', 'ws-cli'];
    expectReadableChart(chart, charted);
    // Each bar's label says its value; bars are drawn to scale: ws-core 6 s → 9 s.
    expect(chart.xLabels.slice(0, 2)).toEqual(['ws-core · base: 6.00 s', 'ws-core · this run: 9.00 s']);
    const [b, h] = [chart.series[0]!.bars[0]!, chart.series[1]!.bars[1]!];
    expect(lengthOf(chart, h) / lengthOf(chart, b)).toBeCloseTo(1.5, 1);
    expect(facts.alerts).toEqual([]);
  });

  test('many crates: the chart keeps 12, every label readable, every bar visible', async () => {
    const names = Array.from({ length: 16 }, (_, i) => `ws-crate-${String(i).padStart(2, '0')}`);
    const base = record({ crates: Object.fromEntries(names.map((n, i) => [n, 1 + i])) });
    const head = record({ crates: Object.fromEntries(names.map((n, i) => [n, (1 + i) * (i % 2 ? 1.4 : 0.8)])) });
    const v = view(head, base);
    const md = renderReportMarkdown(v);
    const facts = await renderInBrowser(chromium!, md, 'many-crates');
    expect(facts.charts).toHaveLength(1);
    const charted = v.comparison!.crates.slice(0, 12).map((c) => c.crate);
    expectReadableChart(facts.charts[0]!, charted);
  });

  test('a documentation-only pull request: every crate fresh with the baseline’s inputs, and the headline says so', async () => {
    const base = record({ crates: { 'ws-app': 1, 'ws-core': 3 } });
    base.crates.forEach((c) => (c.inputFingerprint = `fp-${c.crate}`));
    const head = record({ crates: {} });
    head.freshCrates = base.crates.map((c) => ({
      crate: c.crate,
      version: c.version,
      workspaceMember: true,
      inputFingerprint: `fp-${c.crate}`,
      work: null,
    }));
    const md = renderReportMarkdown(view(head, base));
    const facts = await renderInBrowser(chromium!, md, 'docs-only');

    expect(facts.headline).toContain('✅');
    expect(facts.headline).toContain('nothing it compiles changed');
    for (const chart of facts.charts) expect(chart.error).toBeNull();
    expect(facts.alerts).toEqual([]);
  });

  test("a failed build: cargo's first error shown as code, none of it rendered as HTML", async () => {
    const head = record({ crates: { app: 1 }, success: false });
    const error = 'error[E0308]: mismatched types\n --> src/main.rs:2:5';
    head.firstError = { crate: 'app', text: error };
    const md = renderReportMarkdown(view(head, null));
    const facts = await renderInBrowser(chromium!, md, 'build-failed');

    expect(facts.headline).toContain('❌');
    expect(facts.headline).toMatch(/failed/);
    const block = facts.pres.find((p) => p.text.includes('error[E0308]'));
    expect(block).toBeDefined();
    expect(block!.text).toContain(error);
    // Inside the block only the code element itself: no link, emphasis or anything else made of the text.
    expect(block!.tags.every((t) => t === 'code')).toBe(true);
    expect(facts.alerts).toEqual([]);
  });

  test('hostile crate names: shown as text, no element made of them, table rows keep their cells', async () => {
    const img = '<img src=x onerror=alert(1)>';
    const tick = 'ws-`tick`-name';
    const pipe = 'ws-pi|pe|s';
    const base = record({ crates: { [img]: 2, [tick]: 3, [pipe]: 4, 'ws-core': 6 } });
    const head = record({ crates: { [img]: 4, [tick]: 3.1, [pipe]: 6, 'ws-core': 6 } });
    const md = renderReportMarkdown(view(head, base));
    const facts = await renderInBrowser(chromium!, md, 'hostile-names');

    expect(facts.tags).not.toContain('img');
    expect(facts.tags).not.toContain('script');
    expect(facts.alerts).toEqual([]);
    // The reader sees each name as it is, in its own cell.
    for (const crate of [img, tick, pipe]) expect(rowOf(facts, crate).cells[0]).toBe(crate);
    for (const t of facts.tables) for (const row of t.rows) expect(row).toHaveLength(t.header.length);
    expect(facts.charts).toHaveLength(1);
    const chart = facts.charts[0]!;
    expect(chart.error).toBeNull();
    expect(chart.series).toHaveLength(2);
    for (const label of chart.xLabels) expect(label).toMatch(/^[A-Za-z0-9_.-]+ · (base|this run): [\d.]+ s$/);
  });
});
