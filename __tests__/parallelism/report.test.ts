// The parallelism prediction in the report's folded details: a small table with the build's own
// row marked and the bounding chain, or one line saying why there is none; repository names escaped.
import type { Parallelism } from '../../src/record.js';
import { renderReportMarkdown, type ReportView } from '../../src/report/render.js';
import { record } from '../helpers/records.js';

function view(parallelism: Parallelism | null | undefined): ReportView {
  const r = record({ crates: { 'ws-app': 2, 'ws-core': 6 } });
  r.totals.wallSeconds = 10;
  if (parallelism !== undefined) r.parallelism = parallelism;
  return {
    profile: 'dev',
    job: 'build',
    variant: 'b1',
    record: r,
    comparison: null,
    decision: null,
    baselineNote: null,
    baselineLabel: null,
    path: null,
    guard: { mode: 'error', failed: false, errors: 0, warnings: 0, flags: [], source: 'none' },
    cache: { hit: 'miss', key: null, restoredBytes: null, backend: null },
    runUrl: null,
  };
}

const model: Parallelism = {
  jobs: 2,
  modelError: 0.021,
  predicted: { '1': 18.34, '2': 10.4, '4': 6.44, '8': 6.39, '16': 6.39 },
  criticalPath: [
    { unit: 'syn', seconds: 1.2, share: 0.12 },
    { unit: 'serde_derive', seconds: 1.5, share: 0.15 },
    { unit: 'app (bin)', seconds: 0.3, share: 0.03 },
  ],
  serialSeconds: 2.5,
};

test("a table of predicted wall times, this build's own row marked, then the chain and the serial share, inside the details", () => {
  const md = renderReportMarkdown(view(model));
  const details = md.slice(md.indexOf('<details>'), md.indexOf('</details>'));
  expect(details).toContain("Parallelism (predicted from this build's own units):");
  expect(details).toContain('| jobs | predicted wall |');
  expect(details).toContain('| 1 | 18.3 s |');
  expect(details).toContain('| 2 (this build) | 10.4 s |');
  expect(details).toContain('| 16 | 6.4 s |');
  expect(details).toContain("Replayed at this build's own 2 jobs, the model misses the measured time by 2.1%.");
  expect(details).toContain('syn 12% → serde\\_derive 15% → app \\(bin\\) 3.0%');
  expect(details).toContain('one unit compiling alone for 2.5 s (25% of the build).');
});

test('when the model missed its own build: one line with the error, no table', () => {
  const md = renderReportMarkdown(view({ ...model, modelError: 0.234, predicted: null }));
  expect(md).toContain(
    "Parallelism: replayed at this build's own 2 jobs, the model missed this build by 23%, so no prediction.",
  );
  expect(md).not.toContain('predicted wall');
  expect(md).not.toContain('serde\\_derive');
});

test('no model (no timings, an older record): nothing', () => {
  expect(renderReportMarkdown(view(null))).not.toContain('Parallelism');
  expect(renderReportMarkdown(view(undefined))).not.toContain('Parallelism');
});

test('unit names from the repository are escaped; a long chain names its largest shares, the gaps marked', () => {
  const chain = Array.from({ length: 12 }, (_, i) => ({
    unit: i === 11 ? '<img src=x>@you' : `c${i}`,
    seconds: 1,
    share: i % 2 ? 0.1 : 0.01,
  }));
  const md = renderReportMarkdown(view({ ...model, jobs: 3, criticalPath: chain }));
  expect(md).not.toContain('<img');
  expect(md).toContain('&lt;img src=x&gt;@\u200byou 10%');
  // Eight named: the six of 10%, then the first two of 1% (c0, c2); the rest are gaps.
  expect(md).toContain('c0 1.0% → c1 10% → c2 1.0% → c3 10% → … → c5 10% → … → c7 10% → … → c9 10% → … → &lt;img');
  // The build's own job count is not a predicted one: no row is marked.
  expect(md).not.toContain('(this build)');
});

test('the pull-request comment shows parallelism only when the bounding chain changed materially, then says how', () => {
  const v = view(model);
  expect(renderReportMarkdown(v, 60000, 'comment')).not.toContain('Parallelism');
  expect(renderReportMarkdown(v, 60000, 'summary')).toContain('Parallelism (predicted');
  const moved =
    'The chain that bounds the build changed: syn → app (3.0 s) in the baseline, syn → gen_x → app (6.0 s) now.';
  const comment = renderReportMarkdown({ ...v, chainChange: moved }, 60000, 'comment');
  expect(comment).toContain('syn → gen\\_x → app \\(6.0 s\\) now.');
  expect(comment).toContain('Parallelism (predicted');
});
