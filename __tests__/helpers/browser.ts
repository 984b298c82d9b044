// The report as a reader sees it: Markdown rendered to HTML as GitHub does (marked, GitHub-
// flavoured), its Mermaid blocks drawn by Mermaid itself, in a real headless Chromium. The page
// collects what it shows (headline, tables, charts' bars, colours and labels, code blocks) into
// JSON in <pre id="facts">, read back from Chromium's dumped DOM; a second run keeps a screenshot.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Marked, type Tokens } from 'marked';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const MERMAID = path.join(ROOT, 'node_modules', 'mermaid', 'dist', 'mermaid.min.js');
/** Screenshots of each scenario, kept for a person to look at (ignored by git). */
export const ARTIFACTS = path.join(ROOT, 'test-artifacts', 'browser');
/** Each Chromium run is killed (with every process it started) after this long. */
const RUN_TIMEOUT_MS = 90_000;

export interface BarFacts {
  x: number;
  y: number;
  width: number;
  height: number;
  fill: string;
}

export interface ChartFacts {
  /** Mermaid failed to draw it ("Syntax error in text", or run() rejected for it). */
  error: string | null;
  title: string;
  /** Bars run left to right (their length is their width), else bottom to top (their height). */
  horizontal: boolean;
  /** The category labels, in order (the x-axis: at the bottom, or at the left of a horizontal chart). */
  xLabels: string[];
  /** One entry per bar series, in order: its bars (rects) in the order of the labels. */
  series: { fills: string[]; bars: BarFacts[] }[];
}

export interface PageFacts {
  /** The first h3's text. */
  headline: string;
  tables: { header: string[]; rows: string[][] }[];
  charts: ChartFacts[];
  /** Every pre that is not a Mermaid chart (code blocks): its text and the tags of the elements inside it. */
  pres: { text: string; tags: string[] }[];
  /** Tag names of every element inside the report, in document order. */
  tags: string[];
  /** What the report's text reads, whitespace collapsed. */
  text: string;
  /** Calls to alert() (an injected handler would make one). */
  alerts: string[];
}

const escapeHtml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** GitHub-flavoured Markdown to HTML; ```mermaid blocks become <pre class="mermaid"> for Mermaid to draw. */
export function markdownToHtml(markdown: string): string {
  const marked = new Marked({ gfm: true });
  marked.use({
    renderer: {
      code({ text, lang }: Tokens.Code) {
        return lang === 'mermaid' ? `<pre class="mermaid">${escapeHtml(text)}</pre>\n` : false;
      },
    },
  });
  return marked.parse(markdown, { async: false });
}

/** Runs in the page, after the report: draws the charts, then writes the facts. */
const PAGE_SCRIPT = `
(async () => {
  const report = document.getElementById('report');
  const texts = (root, selector) => [...root.querySelectorAll(selector)].map((e) => e.textContent.replace(/\\s+/g, ' ').trim());
  // A reader opens the collapsed sections (the chart is in one); Mermaid measures text only in what is displayed.
  for (const d of report.querySelectorAll('details')) d.open = true;
  const errors = new Map();
  const charts = [...report.querySelectorAll('pre.mermaid')];
  if (window.mermaid) {
    mermaid.initialize({ startOnLoad: false });
    for (const pre of charts) {
      try { await mermaid.run({ nodes: [pre] }); } catch (e) { errors.set(pre, String(e && e.message || e)); }
    }
  } else {
    for (const pre of charts) errors.set(pre, 'mermaid did not load');
  }
  const num = (e, a) => Number.parseFloat(e.getAttribute(a) || '0');
  const facts = {
    headline: texts(report, 'h3')[0] || '',
    tables: [...report.querySelectorAll('table')].map((t) => ({
      header: texts(t, 'thead th'),
      rows: [...t.querySelectorAll('tbody tr')].map((tr) => texts(tr, 'td, th')),
    })),
    charts: charts.map((pre) => {
      const svg = pre.querySelector('svg');
      const svgText = svg ? svg.textContent : '';
      const error = errors.get(pre) || (!svg ? 'no svg' : /Syntax error/i.test(svgText) ? svgText.trim() : null);
      if (!svg) return { error, title: '', horizontal: false, xLabels: [], series: [] };
      const horizontal = svg.querySelectorAll('g.bottom-axis g.label text').length === 0 || [...svg.querySelectorAll('g.bottom-axis g.label text')].every((t) => /^[-\\d.,\\s]+$/.test(t.textContent));
      const series = [...svg.querySelectorAll('g.plot > g')].filter((g) => /(^|\\s)bar-plot-\\d+/.test(g.getAttribute('class') || '')).map((g) => {
        const bars = [...g.querySelectorAll('rect')].map((r) => ({ x: num(r, 'x'), y: num(r, 'y'), width: num(r, 'width'), height: num(r, 'height'), fill: r.getAttribute('fill') || getComputedStyle(r).fill }));
        return { fills: [...new Set(bars.map((b) => b.fill))], bars };
      });
      return { error, title: texts(svg, 'g.chart-title text').join(' '), horizontal, xLabels: texts(svg, horizontal ? 'g.left-axis g.label text' : 'g.bottom-axis g.label text'), series };
    }),
    pres: [...report.querySelectorAll('pre:not(.mermaid)')].map((e) => ({ text: e.textContent, tags: [...e.querySelectorAll('*')].map((c) => c.tagName.toLowerCase()) })),
    tags: [...report.querySelectorAll('*')].filter((e) => !e.closest('pre.mermaid')).map((e) => e.tagName.toLowerCase()),
    text: report.innerText.replace(/\\s+/g, ' ').trim(),
    alerts: window.__alerts,
  };
  const out = document.createElement('pre');
  out.id = 'facts';
  out.style.display = 'none';
  out.textContent = JSON.stringify(facts);
  document.body.appendChild(out);
})();
`;

function page(markdown: string): string {
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>Watchmaker report</title>
<script>window.__alerts = []; window.alert = (m) => { window.__alerts.push(String(m)); };</script>
<style>body { font-family: sans-serif; max-width: 980px; margin: 10px; } table { border-collapse: collapse; } td, th { border: 1px solid #ccc; padding: 2px 6px; } pre { background: #f6f8fa; }</style>
</head><body>
<main id="report">
${markdownToHtml(markdown)}
</main>
<script src="${pathToFileURL(MERMAID).href}"></script>
<script>${PAGE_SCRIPT}</script>
</body></html>
`;
}

/** Chromium's path, or null when none is installed. */
export function findChromium(): string | null {
  for (const candidate of [
    '/usr/bin/chromium',
    'chromium',
    'chromium-browser',
    'google-chrome',
    'google-chrome-stable',
  ]) {
    const r = spawnSync(candidate, ['--version'], { stdio: 'ignore', timeout: 30_000 });
    if (r.error === undefined && r.status === 0) return candidate;
  }
  return null;
}

/** Runs a program in its own process group; after `timeoutMs` the group (the browser and its helpers) is killed. */
function run(
  program: string,
  args: string[],
  timeoutMs: number,
): Promise<{ code: number | null; stdout: string; stderr: string; timedOut: boolean }> {
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    }, timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, timedOut });
    });
  });
}

const chromiumArgs = (profile: string) => [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--allow-file-access-from-files',
  '--virtual-time-budget=15000',
  '--no-first-run',
  '--no-default-browser-check',
  '--disable-extensions',
  '--hide-scrollbars',
  '--mute-audio',
  `--user-data-dir=${profile}`,
];

/** The facts JSON from a dumped DOM (text of <pre id="facts">, as the HTML serialiser escapes it). */
export function factsFromDom(dom: string): PageFacts | null {
  const m = /<pre id="facts"[^>]*>([\s\S]*?)<\/pre>/.exec(dom);
  if (!m) return null;
  const json = m[1]!
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&nbsp;/g, '\u00a0')
    .replace(/&amp;/g, '&');
  return JSON.parse(json) as PageFacts;
}

/**
 * Renders `markdown` in headless Chromium and returns what the page shows; keeps a screenshot in
 * test-artifacts/browser/<scenario>.png.
 */
export async function renderInBrowser(chromium: string, markdown: string, scenario: string): Promise<PageFacts> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'wm-browser-'));
  try {
    const file = path.join(dir, `${scenario}.html`);
    writeFileSync(file, page(markdown));
    const url = pathToFileURL(file).href;
    const dump = await run(
      chromium,
      [...chromiumArgs(path.join(dir, 'profile-dom')), '--dump-dom', url],
      RUN_TIMEOUT_MS,
    );
    const facts = factsFromDom(dump.stdout);
    if (!facts)
      throw new Error(
        `no facts in the page Chromium dumped (exit ${dump.code}${dump.timedOut ? ', timed out' : ''}); stderr:\n${dump.stderr.slice(-3000)}\nDOM tail:\n${dump.stdout.slice(-3000)}`,
      );
    mkdirSync(ARTIFACTS, { recursive: true });
    const png = path.join(ARTIFACTS, `${scenario}.png`);
    rmSync(png, { force: true });
    const shot = await run(
      chromium,
      [...chromiumArgs(path.join(dir, 'profile-shot')), `--screenshot=${png}`, '--window-size=1000,2000', url],
      RUN_TIMEOUT_MS,
    );
    if (!existsSync(png))
      throw new Error(
        `Chromium wrote no screenshot (exit ${shot.code}${shot.timedOut ? ', timed out' : ''}); stderr:\n${shot.stderr.slice(-3000)}`,
      );
    return facts;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
