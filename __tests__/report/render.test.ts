// The rendered report: what a reader sees, and that nothing from the repository can inject
// Markdown, HTML, mentions or Mermaid syntax, or push the comment over GitHub's limit.
import {
  clip,
  commentMarker,
  COMMENT_LIMIT,
  NAME_LIMIT,
  SUMMARY_LIMIT,
  escapeMarkdown,
  mermaidLabel,
  renderReportMarkdown,
  renderReportText,
  type ReportView,
} from '../../src/report/render.js';
import { record } from '../helpers/records.js';
import { cache, evaluated, guard } from '../helpers/report-views.js';

function view(over: Partial<ReportView> = {}): ReportView {
  const base = record({ crates: { 'ws-app': 2, 'ws-core': 6 } });
  const head = record({ crates: { 'ws-app': 2, 'ws-core': 9 } });
  return {
    profile: 'dev',
    job: 'build',
    variant: 'b1234abcd',
    record: head,
    ...evaluated(head, base),
    path: null,
    baselineNote: null,
    baselineLabel: 'main @ abc1234',
    guard,
    cache,
    runUrl: 'https://github.com/o/r/actions/runs/1',
    ...over,
  };
}

test('the report has the marker, headline, verdict with its reasoning, movers, chart, cache, guard and run link', () => {
  const md = renderReportMarkdown(view());
  expect(md.startsWith(commentMarker('build', 'dev', 'b1234abcd'))).toBe(true);
  // Line 1: the verdict and the one number, in plain words; the details folded under it.
  expect(md).toMatch(
    /^### 🔺 Watchmaker: dev build slower: \+37\.5% CPU time \(8\.00 s → 11\.00 s, 2 crates compiled on both sides\)$/m,
  );
  expect(md.indexOf('**Verdict: regression.**')).toBeLessThan(md.indexOf('<details><summary>Details'));
  expect(md.indexOf('<details><summary>Details')).toBeLessThan(md.indexOf('Cache: exact hit'));
  expect(md).toContain('**Verdict: regression.**');
  // Repository text and punctuation are escaped for Markdown: `\(` renders as `(`.
  expect(md).toMatch(/beyond the noise \\\(±10\.0%, the threshold input\\\)/);
  expect(md).toMatch(/\| ws-core \| 6\.00 s \| 9\.00 s \| \+50\.0% \| 🔺 slower \|/);
  expect(md).toMatch(/```mermaid\n%%\{init: .*\}%%\nxychart-beta horizontal\n/);
  expect(md).toContain('Cache: exact hit, 50 MiB restored from the GitHub Actions cache');
  expect(md).toContain('Guard: portable (no RUSTFLAGS in effect).');
  expect(md).toContain('[Workflow run](https://github.com/o/r/actions/runs/1)');
});

test('one sticky comment per job, profile and variant: the marker differs by each', () => {
  expect(commentMarker('build', 'dev', 'v')).not.toBe(commentMarker('build', 'release', 'v'));
  expect(commentMarker('build', 'dev', 'v')).not.toBe(commentMarker('lint', 'dev', 'v'));
  expect(commentMarker('build', 'dev', 'linux-musl')).not.toBe(commentMarker('build', 'dev', 'linux-gnu'));
  expect(commentMarker('b-->x', 'dev', 'v')).not.toContain('-->x');
  expect(commentMarker('b', 'dev', 'x-->y')).not.toContain('-->y');
});

test('hostile crate names, keys and flags are inert', () => {
  const evil = '<script>alert(1)</script>|@octocat `x` [link](http://e.invalid) **b** #1';
  const base = record({ crates: { [evil]: 2, 'ws-core': 6 } });
  const head = record({ crates: { [evil]: 4, 'ws-core': 6, 'new<img src=x>': 1 } });
  const md = renderReportMarkdown(
    view({
      record: head,
      ...evaluated(head, base),
      cache: { ...cache, key: 'k|<b>' },
      guard: { ...guard, flags: ['--cfg=x"<y>'], source: 'RUSTFLAGS' },
    }),
  );
  expect(md).not.toContain('<script>');
  expect(md).not.toContain('<img');
  expect(md).not.toContain('<b>');
  expect(md).not.toMatch(/[^\\]\|@octocat/);
  expect(md).not.toContain('@octocat');
  expect(md).toContain('@\u200boctocat');
  expect(md).not.toContain('[link](http');
  // Table rows keep their column count: escaped pipes do not split cells.
  const row = md.split('\n').find((l) => l.includes('alert'))!;
  expect(row.split(/(?<!\\)\|/).length).toBe(7);
  // Mermaid labels only carry safe characters.
  const chart = md.slice(md.indexOf('```mermaid'));
  expect(chart).not.toMatch(/x-axis \[.*[<>`|@].*\]/);
});

test('escapeMarkdown and mermaidLabel', () => {
  expect(escapeMarkdown('a_b*c')).toBe('a\\_b\\*c');
  expect(escapeMarkdown('line\nbreak')).toBe('line break');
  expect(mermaidLabel('my "crate"]')).toBe('my__crate__');
});

test('a huge workspace stays under the comment limit, dropping table rows first and saying so', () => {
  const names = Array.from({ length: 3000 }, (_, i) => `crate-with-a-rather-long-name-${i}`);
  const crates = Object.fromEntries(names.map((n, i) => [n, 1 + (i % 7)]));
  const base = record({ crates });
  const head = record({ crates: Object.fromEntries(Object.entries(crates).map(([k, v]) => [k, v * 1.5])) });
  const md = renderReportMarkdown(view({ record: head, ...evaluated(head, base) }));
  expect(md.length).toBeLessThanOrEqual(COMMENT_LIMIT);
  expect(md).toMatch(/more crates not shown/);
});

test('the job summary keeps what the comment must trim (its limit is 1 MiB)', () => {
  const names = Array.from({ length: 400 }, (_, i) => `${'crate-with-a-very-long-name-'.repeat(200)}${i}`);
  const base = record({
    crates: { 'ws-app': 2, 'ws-core': 6, ...Object.fromEntries(names.map((n) => [`${n}-base`, 1])) },
  });
  const head = record({ crates: { 'ws-app': 2, 'ws-core': 9, ...Object.fromEntries(names.map((n) => [n, 1])) } });
  const v = view({ record: head, ...evaluated(head, base) });
  const comment = renderReportMarkdown(v, 8000);
  const summary = renderReportMarkdown(v, SUMMARY_LIMIT);
  expect(comment.length).toBeLessThanOrEqual(8000);
  expect(comment).toContain('**Verdict: regression.**');
  expect(comment).toMatch(/_Trimmed to stay within 8,000 characters: chart, functions, crate lists left out\._/);
  expect(summary).not.toMatch(/too large|Trimmed/);
  expect(summary).toContain('Compiled only in this run');
  expect(summary.length).toBeLessThanOrEqual(SUMMARY_LIMIT);
});

describe('names from the repository of any length', () => {
  const huge = `_ZN${'a'.repeat(70_000)}E`;
  /** A comparison whose compile work names a function of 70,000 characters, as a crafted crate can. */
  const withHugeFunction = (): ReportView => {
    const base = record({ crates: { 'ws-app': 2, 'ws-core': 6 } });
    const head = record({ crates: { 'ws-app': 2, 'ws-core': 9 } });
    for (const [r, copies] of [
      [base, 1],
      [head, 3],
    ] as const) {
      for (const c of r.crates)
        c.work = { bytes: 100 * copies, functions: copies, groups: [{ name: huge, copies, bytes: 100 * copies }] };
      r.measurement.compileWork = 'machine-code';
    }
    return view({ record: head, ...evaluated(head, base) });
  };

  test('a 70,000-character function name is cut to 200 characters with an ellipsis; the comment keeps the whole report', () => {
    const md = renderReportMarkdown(withHugeFunction());
    expect(md.length).toBeLessThanOrEqual(COMMENT_LIMIT);
    expect(md).not.toMatch(/too large for a comment/);
    expect(md).toContain('**Verdict: regression.**');
    expect(md).toContain(`- \`${huge.slice(0, NAME_LIMIT - 1)}…\`: 1 → 3 copies, +200 bytes (ws-core)`);
    expect(md).toContain('#### Compile work (bytes of machine code, exact)');
    expect(renderReportText(withHugeFunction()).length).toBeLessThan(5000);
  });

  test('thousands of long crate names everywhere: under the limit, rows then whole sections left out, saying which', () => {
    const names = Array.from({ length: 3000 }, (_, i) => `ws-${'<x_y>'.repeat(2000)}-${i}`);
    const base = record({ crates: Object.fromEntries(names.slice(0, 2000).map((n) => [n, 1])) });
    const head = record({ crates: Object.fromEntries(names.slice(1000).map((n) => [n, 2])) });
    head.workspaceMembers = names;
    const md = renderReportMarkdown(view({ record: head, ...evaluated(head, base) }));
    expect(md.length).toBeLessThanOrEqual(COMMENT_LIMIT);
    expect(md).toContain('**Verdict:');
    expect(md).toMatch(/more crates not shown/);
    expect(md).toContain('_Trimmed to stay within 60,000 characters: chart, functions, crate lists left out._');
    expect(md).toMatch(/^Cache: exact hit/m);
    // Fewer of them: every one shown in the tables and lists, each cut to 200 characters.
    const few = names.slice(0, 30);
    const fewHead = record({ crates: Object.fromEntries(few.map((n) => [n, 2])) });
    const fewMd = renderReportMarkdown(
      view({ record: fewHead, ...evaluated(fewHead, record({ crates: Object.fromEntries(few.map((n) => [n, 1])) })) }),
    );
    expect(fewMd).not.toMatch(/Trimmed/);
    expect(fewMd).toContain(`| ${escapeMarkdown(clip(few[0]!))} | 1.00 s | 2.00 s |`);
    expect(clip(few[0]!)).toHaveLength(NAME_LIMIT);
  });

  test('clip cuts at a character, never inside a surrogate pair', () => {
    expect(clip('short')).toBe('short');
    expect(clip('abcdef', 4)).toBe('abc…');
    expect(clip('ab😀cd', 4)).toBe('ab…');
    expect(clip('a'.repeat(500)).length).toBe(NAME_LIMIT);
  });

  test('a crate whose object code could not be read is named as not compared, and why', () => {
    const base = record({ crates: { 'ws-app': 2, 'ws-core': 6 } });
    const head = record({ crates: { 'ws-app': 2, 'ws-core': 6 } });
    for (const r of [base, head]) {
      r.measurement.compileWork = 'machine-code';
      r.crates[0]!.work = { bytes: 10, functions: 1, groups: [] };
    }
    head.crates[1]!.workMissing = 'unreadable';
    const md = renderReportMarkdown(view({ record: head, ...evaluated(head, base) }));
    expect(md).toContain('Not compared: `ws-core` (a file of its object code could not be read; the log says why).');
  });

  test('a build that compiles no code says so about compile work, in one line', () => {
    const head = record({ crates: { 'ws-app': 2 } });
    head.measurement.compileWorkNote = 'not measured: check builds produce no code';
    const md = renderReportMarkdown(
      view({ record: head, comparison: null, decision: null, baselineNote: null, baselineLabel: null }),
    );
    expect(md.match(/^Compile work: not measured: check builds produce no code\.$/gm)).toHaveLength(1);
    expect(md).not.toMatch(/#### Compile work/);
    expect(
      renderReportText(
        view({ record: head, comparison: null, decision: null, baselineNote: null, baselineLabel: null }),
      ),
    ).toContain('  compile work: not measured: check builds produce no code');
  });
});

describe('the functions whose machine code changed', () => {
  /** ws-core's work on each side: std's iterator code grew far more than the generic function of yours that instantiated it. */
  const withWork = (
    groups: (side: 'base' | 'head') => Array<{ name: string; copies: number; bytes: number }>,
  ): ReportView => {
    const base = record({ crates: { 'ws-app': 2, 'ws-core': 6 } });
    const head = record({ crates: { 'ws-app': 2, 'ws-core': 9 } });
    for (const [r, side] of [
      [base, 'base'],
      [head, 'head'],
    ] as const) {
      r.measurement.compileWork = 'machine-code';
      const g = groups(side);
      r.crates[1]!.work = {
        bytes: g.reduce((a, x) => a + x.bytes, 0),
        functions: g.reduce((a, x) => a + x.copies, 0),
        groups: g,
      };
    }
    return view({ record: head, ...evaluated(head, base) });
  };
  const std = (side: 'base' | 'head') => [
    {
      name: '<core::slice::iter::Iter<T> as core::iter::traits::iterator::Iterator>::fold',
      copies: side === 'base' ? 21 : 117,
      bytes: side === 'base' ? 8000 : 51824,
    },
    {
      name: 'alloc::vec::Vec<T>::extend_trusted',
      copies: side === 'base' ? 1 : 96,
      bytes: side === 'base' ? 320 : 30912,
    },
  ];

  test("yours first, under their own heading, however small; then std's and the dependencies'", () => {
    const md = renderReportMarkdown(
      withWork((side) => [
        ...std(side),
        { name: 'ws_core::tables::build::<T>', copies: side === 'base' ? 1 : 2, bytes: side === 'base' ? 300 : 600 },
      ]),
    );
    const own = md.indexOf('Your functions whose copies or bytes changed:');
    const others = md.indexOf('In dependencies and the standard library (instantiated by your code or theirs):');
    expect(own).toBeGreaterThan(0);
    expect(others).toBeGreaterThan(own);
    const build = md.indexOf('- `ws_core::tables::build::<T>`: 1 → 2 copies, +300 bytes (ws-core)');
    expect(build).toBeGreaterThan(own);
    expect(build).toBeLessThan(others);
    expect(
      md.indexOf(
        '- `<core::slice::iter::Iter<T> as core::iter::traits::iterator::Iterator>::fold`: 21 → 117 copies, +43,824 bytes (ws-core)',
      ),
    ).toBeGreaterThan(others);
    expect(md).not.toContain('Functions whose machine code changed the most');
  });

  test('none of yours changed: one list, as before; the plural right', () => {
    const md = renderReportMarkdown(
      withWork((side) => [...std(side), { name: 'ws_core::same', copies: 1, bytes: 300 }]),
    );
    expect(md).toContain(
      'Functions whose machine code changed the most (every copy of a generic function counted together):',
    );
    expect(md).not.toContain('Your functions');
    expect(md).not.toContain('In dependencies and the standard library');
    expect(md).toContain('- `alloc::vec::Vec<T>::extend_trusted`: 1 → 96 copies, +30,592 bytes (ws-core)');
    const one = renderReportMarkdown(
      withWork((side) => [{ name: 'ws_core::run', copies: 1, bytes: side === 'base' ? 300 : 340 }]),
    );
    expect(one).toContain('- `ws_core::run`: 1 copy, +40 bytes (ws-core)');
    expect(one).not.toContain('In dependencies and the standard library');
  });
});

test('without a baseline the report says why and lists the costliest crates', () => {
  const md = renderReportMarkdown(
    view({
      comparison: null,
      decision: null,
      baselineNote: 'No baseline yet: the next run will compare against this one.',
      baselineLabel: null,
    }),
  );
  expect(md).toMatch(/^### ℹ️ Watchmaker: dev build took/m);
  expect(md).toContain('No baseline yet');
  expect(md).toMatch(/\| ws-core \(yours\) \| 9\.00 s \|/);
});

test('the terminal report is plain text', () => {
  const text = renderReportText(view());
  expect(text).toMatch(/^Watchmaker: dev build slower: \+37\.5% CPU time/);
  expect(text).toContain('verdict: regression.');
  // One label per state: the log's crate rows say what the Markdown's say.
  expect(text).toMatch(/ws-core .*\+50\.0% {2}slower/);
  expect(text).toContain('ws-core');
  expect(text).not.toContain('|');
  expect(text).not.toContain('\\');
});

describe("a failed build's report", () => {
  const failed = (text: string) => {
    const r = record({ crates: { 'ws-app': 1 }, success: false });
    r.firstError = { crate: 'ws-app', text };
    return view({ record: r, comparison: null, decision: null });
  };

  test("shows cargo's first error and its crate, fenced so nothing in it is Markdown", () => {
    const md = renderReportMarkdown(
      failed(
        'error[E0425]: cannot find value `x` in this scope\n --> src/main.rs:2:5\n  |\n2 |     x\n  |     ^ not found\n',
      ),
    );
    expect(md).toMatch(/^### ❌ Watchmaker: dev build failed after [\d.]+ s, in ws-app$/m);
    expect(md).toContain(
      "Cargo's first error, in `ws-app`:\n\n```\nerror[E0425]: cannot find value `x` in this scope\n --> src/main.rs:2:5\n",
    );
  });

  test('claims nothing the cache result contradicts: no "fresh from the cache" on a miss, no units count of a finished build', () => {
    const v = failed('error: boom');
    v.record.workspaceMembers = ['ws-app', 'ws-bin'];
    v.cache = { ...cache, hit: 'miss', restoredBytes: null };
    const md = renderReportMarkdown(v);
    expect(md).toContain('Your crates compiled before cargo stopped: none; failed: ws-app.');
    expect(md).toContain("This job's own build stopped after compiling 1 unit.");
    expect(md).not.toMatch(/fresh from the cache|\d+ fresh/);
    const text = renderReportText(v);
    expect(text).toContain("cargo's first error (in ws-app): error: boom");
    expect(text).not.toMatch(/fresh from the cache/);
  });

  test('a text holding a code fence gets a longer one; colours are dropped; a long error is cut', () => {
    const long = [
      'error: ```boom```',
      '\u001b[31mred\u001b[0m',
      ...Array.from({ length: 50 }, (_, i) => `line ${i}`),
    ].join('\n');
    const md = renderReportMarkdown(failed(long));
    expect(md).toContain('````\nerror: ```boom```\nred\n');
    expect(md).toContain('… 22 more lines in the log\n````');
  });
});

test("every input the baseline's: the headline says so, and no note says there is nothing to compare", () => {
  const base = record({ crates: { 'ws-app': 1 } });
  base.crates[0]!.inputFingerprint = 'fp';
  const head = record({ crates: {} });
  head.freshCrates = [{ crate: 'ws-app', version: '1.0.0', workspaceMember: true, inputFingerprint: 'fp', work: null }];
  const v = view({ record: head, ...evaluated(head, base) });
  const md = renderReportMarkdown(v);
  expect(md).toMatch(
    /^### ✅ Watchmaker: dev build took [\d.]+ s(?: instead of the baseline's [\d.]+ s)?: nothing it compiles changed \(1 of 1 crate fresh from the cache\)$/m,
  );
  // No crate compiled on both sides: no row of a total over none.
  expect(md).not.toMatch(/crates compiled on both sides \|/);
  expect(md).toMatch(/\| wall time of the whole build \|/);
  expect(md).not.toMatch(/nothing to compare/);
  expect(renderReportText(v)).not.toMatch(/nothing to compare/);
});
