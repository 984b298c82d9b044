// The README and docs against the action: every ```yaml block is a valid workflow (or a valid part
// of one) for GitHub's own parser, steps of this action pass only inputs action.yml has and read
// only outputs it sets, the README's Inputs/Outputs tables list exactly action.yml's inputs and
// outputs, and the README's bench figures are bench/results.json's. The rules for YAML blocks are
// at the top of check-docs.ts. Each check is also run on a broken example, to show it catches it.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  BENCH_END,
  BENCH_START,
  currentBenchSection,
  fixed,
  renderBenchSection,
  replaceBenchSection,
} from '../../scripts/lib/bench-table.mjs';
import {
  checkMarkdown,
  checkTables,
  checkWorkflowFile,
  isThisAction,
  loadAction,
  yamlBlocks,
  type ActionSpec,
} from './check-docs.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const read = (rel: string) => readFileSync(path.join(repoRoot, rel), 'utf8');

const markdownFiles = [
  'README.md',
  'CONTRIBUTING.md',
  ...readdirSync(path.join(repoRoot, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .sort()
    .map((f) => `docs/${f}`),
];
const workflowFiles = readdirSync(path.join(repoRoot, '.github/workflows'))
  .filter((f) => /\.ya?ml$/.test(f))
  .sort()
  .map((f) => `.github/workflows/${f}`);

const loaded = loadAction('action.yml', read('action.yml'));
const action: ActionSpec = loaded.action;

describe('action.yml', () => {
  it("is valid for GitHub's action schema", () => {
    expect(loaded.errors).toEqual([]);
    expect(action.inputs.size).toBeGreaterThan(0);
    expect(action.outputs.size).toBeGreaterThan(0);
  });
});

describe('the README and the map of the code', () => {
  it('opens with a quick start: a workflow using this action within the first 30 lines', () => {
    const head = read('README.md').split('\n').slice(0, 30).join('\n');
    expect(head).toMatch(/^## Quick start$/m);
    expect(head).toMatch(/uses: watchmaker\/watchmaker@v\d/);
  });

  it('docs/architecture.md names only files that exist, and every module of src/', () => {
    const map = read('docs/architecture.md');
    const named = [...map.matchAll(/`((?:src|tools|scripts|__tests__)\/[\w./-]+\.(?:ts|rs|mjs))`/g)].map((m) => m[1]!);
    expect(named.filter((f) => !existsSync(path.join(repoRoot, f)))).toEqual([]);
    const modules = readdirSync(path.join(repoRoot, 'src'), { withFileTypes: true }).map((d) =>
      d.isDirectory() ? `src/${d.name}/` : `src/${d.name}`,
    );
    expect(modules.filter((m) => !map.includes(m))).toEqual([]);
  });
});

describe('```yaml blocks in the README and docs', () => {
  it.each(markdownFiles)('%s: every block is valid and uses only real inputs and outputs', async (file) => {
    const result = await checkMarkdown(file, read(file), action);
    expect(result.problems).toEqual([]);
    // Every block was classified (checked as a workflow or inside one), none skipped.
    expect(result.blocks.filter((b) => b.shape === null)).toEqual([]);
  });

  it('are not vacuous: the README has workflow examples that use this action', async () => {
    const result = await checkMarkdown('README.md', read('README.md'), action);
    expect(result.blocks.length).toBeGreaterThanOrEqual(3);
    expect(result.actionSteps.length).toBeGreaterThanOrEqual(3);
  });
});

describe("this repository's workflows", () => {
  it.each(workflowFiles)('%s: valid, and steps of this action use only real inputs and outputs', async (file) => {
    const result = await checkWorkflowFile(file, read(file), action);
    expect(result.problems).toEqual([]);
  });
});

describe("the README's Inputs and Outputs tables", () => {
  it('list exactly the inputs and outputs of action.yml, with its defaults', () => {
    expect(checkTables('README.md', read('README.md'), action)).toEqual([]);
  });
});

describe("the README's bench section", () => {
  const results = JSON.parse(read('bench/results.json'));

  it('is bench/results.json rendered by scripts/lib/bench-table.mjs (npm run bench rewrites it)', () => {
    // On a difference: `node scripts/bench.mjs --readme` rewrites the section from results.json.
    expect(currentBenchSection(read('README.md'))).toBe(renderBenchSection(results));
  });

  it('sits under the "## What it costs" heading', () => {
    const readme = read('README.md');
    const heading = readme.indexOf('\n## What it costs\n');
    expect(heading).toBeGreaterThan(0);
    expect(readme.indexOf(BENCH_START)).toBeGreaterThan(heading);
    expect(readme.indexOf(BENCH_END)).toBeLessThan(readme.indexOf('\n## ', heading + 1));
  });

  it('prints the figures of results.json', () => {
    const section = renderBenchSection(results);
    const dev = results.coldWarm.dev;
    expect(section).toContain(
      `| dev | ${fixed(dev.coldBuildSeconds.median, 1)} s (${fixed(dev.coldBuildSeconds.min, 1)}–${fixed(dev.coldBuildSeconds.max, 1)}) |`,
    );
    expect(section).toContain(`medians of ${results.runs} runs`);
    expect(section).toContain(`${results.overhead.rustcInvocationsPerColdBuild} rustc compilations`);
    for (const g of results.growth)
      expect(section).toContain(
        ` | ${fixed(g.buildSeconds, 1)} s | ${fixed(g.watchmakerArchiveMiB, 1)} MiB | ${fixed(g.naiveTargetArchiveMiB, 1)} MiB |`,
      );
  });

  it('changes when a figure in results.json changes', () => {
    const changed = structuredClone(results);
    changed.coldWarm.release.warmBuildSeconds.median = 123.456;
    expect(renderBenchSection(changed)).toMatch(/^\| release \| [^|]+ \| 123\.5 s \(/m);
    expect(currentBenchSection(read('README.md'))).not.toBe(renderBenchSection(changed));
    const rewritten = replaceBenchSection(read('README.md'), changed);
    expect(currentBenchSection(rewritten)).toBe(renderBenchSection(changed));
    // Only the section changes.
    expect(rewritten.slice(0, rewritten.indexOf(BENCH_START))).toBe(
      read('README.md').slice(0, read('README.md').indexOf(BENCH_START)),
    );
  });

  it('needs a full run and its markers', () => {
    const partial = structuredClone(results);
    delete partial.noise;
    expect(() => renderBenchSection(partial)).toThrow(/"noise"/);
    expect(() => replaceBenchSection('# no markers\n', results)).toThrow(/bench:start/);
  });

  it('rounds half up, ignoring floating-point noise', () => {
    expect(fixed(42.65, 1)).toBe('42.7');
    expect(fixed(43.65, 1)).toBe('43.7');
    expect(fixed(49.949999999999996, 1)).toBe('50.0');
    expect(fixed(1.3539305178355568e-14, 1)).toBe('0.0');
    expect(fixed(0.875006212, 2)).toBe('0.88');
    expect(fixed(18.43971631205674, 0)).toBe('18');
    expect(fixed(-1.25, 1)).toBe('-1.3');
    expect(fixed(null, 1)).toBe('n/a');
  });
});

// The checks on broken docs: each must report the problem, with file and line.
describe('the checks catch broken docs', () => {
  const readme = (yaml: string) => ['# Example', '', 'Some text.', '', '```yaml', yaml, '```', ''].join('\n');

  it('a `with:` key that is not an input', async () => {
    const result = await checkMarkdown(
      'README.md',
      readme(
        [
          '      - uses: watchmaker/watchmaker@v1',
          '        with:',
          '          profile: release',
          '          profle: dev',
        ].join('\n'),
      ),
      action,
    );
    expect(result.problems).toEqual([
      expect.stringMatching(
        /^README\.md:9: `with: profle` is not an input of action\.yml \(did you mean `profile`\?\)/,
      ),
    ]);
  });

  it('an unknown input in a whole workflow, with the action under another owner', async () => {
    const yaml = [
      'on: push',
      'jobs:',
      '  a:',
      '    runs-on: ubuntu-latest',
      '    steps:',
      '      - uses: someone/Watchmaker@main',
      '        with:',
      '          cache-size: 10',
    ].join('\n');
    const result = await checkMarkdown('docs/x.md', readme(yaml), action);
    expect(result.problems).toEqual([expect.stringMatching(/^docs\/x\.md:13: `with: cache-size` is not an input/)]);
  });

  it('an output that action.yml does not set, also through a step id of another block', async () => {
    const markdown = [
      readme(
        [
          '      - uses: watchmaker/watchmaker@v1',
          '        id: wm',
          '      - run: echo "${{ steps.wm.outputs.cache-hits }}"',
        ].join('\n'),
      ),
      '```yaml',
      "      - if: steps.wm.outputs['verdict'] == 'regression' && steps.wm.outputs.change == '1'",
      '        run: exit 1',
      '```',
    ].join('\n');
    const result = await checkMarkdown('README.md', markdown, action);
    expect(result.problems).toEqual([
      expect.stringMatching(
        /^README\.md:8:\d+: `steps\.wm\.outputs\.cache-hits`: `cache-hits` is not an output of action\.yml \(did you mean `cache-hit`\?\)/,
      ),
      expect.stringMatching(/^README\.md:12:\d+: `steps\.wm\.outputs\.change`: `change` is not an output/),
    ]);
  });

  it("leaves other actions' inputs and outputs alone", async () => {
    const yaml = [
      '      - uses: actions/checkout@v4',
      '        id: co',
      '        with:',
      '          fetch-depth: 0',
      '      - run: echo ${{ steps.co.outputs.commit }}',
    ].join('\n');
    expect((await checkMarkdown('README.md', readme(yaml), action)).problems).toEqual([]);
  });

  it("a workflow that GitHub's parser rejects, with the parser's message at the Markdown line", async () => {
    const yaml = [
      'on: push',
      'jobs:',
      '  build:',
      '    runs-on: ubuntu-latest',
      '    steps:',
      '      - uses: actions/checkout@v4',
      '        wiht:',
      '          fetch-depth: 0',
    ].join('\n');
    const result = await checkMarkdown('README.md', readme(yaml), action);
    expect(result.problems).toEqual([expect.stringMatching(/^README\.md:12:9: Unexpected value 'wiht'/)]);
  });

  it('an expression with an unknown context, in a steps fragment', async () => {
    const result = await checkMarkdown(
      'README.md',
      readme(['      - run: echo ${{ stpes.wm.outputs.report }}'].join('\n')),
      action,
    );
    expect(result.problems).toEqual([expect.stringMatching(/^README\.md:6:\d+: Unrecognized named-value: 'stpes'/)]);
  });

  it('a job fragment and a single step are checked too', async () => {
    const job = await checkMarkdown(
      'README.md',
      readme(['runs-on: ubuntu-latest', 'stpes:', '  - run: cargo test'].join('\n')),
      action,
    );
    expect(job.blocks.map((b) => b.shape)).toEqual(['job']);
    expect(job.problems.join('\n')).toMatch(/README\.md:7:1: Unexpected value 'stpes'/);
    const step = await checkMarkdown(
      'README.md',
      readme(['uses: watchmaker/watchmaker@v1', 'with:', '  guard: warn', '  gaurd: off'].join('\n')),
      action,
    );
    expect(step.blocks.map((b) => b.shape)).toEqual(['step']);
    expect(step.problems).toEqual([expect.stringMatching(/^README\.md:9: `with: gaurd` is not an input/)]);
  });

  it("a workflow's top-level keys alone (e.g. permissions) are checked as a workflow's top", async () => {
    const ok = await checkMarkdown(
      'README.md',
      readme(['permissions:', '  contents: read', '  pull-requests: write'].join('\n')),
      action,
    );
    expect(ok.blocks.map((b) => b.shape)).toEqual(['top of a workflow']);
    expect(ok.problems).toEqual([]);
    const bad = await checkMarkdown(
      'README.md',
      readme(['permissions:', '  contents: read', '  pull-request: write'].join('\n')),
      action,
    );
    expect(bad.problems).toEqual([expect.stringMatching(/^README\.md:8:3: Unexpected value 'pull-request'/)]);
  });

  it('invalid YAML, and YAML that is not part of a workflow', async () => {
    const broken = await checkMarkdown(
      'README.md',
      readme(['jobs:', '  build:', '    steps: [', ''].join('\n')),
      action,
    );
    expect(broken.problems).toEqual([expect.stringMatching(/^README\.md:\d+(:\d+)?: invalid YAML/)]);
    const other = await checkMarkdown('README.md', readme(['version: 2', 'updates: []'].join('\n')), action);
    expect(other.problems).toEqual([
      expect.stringMatching(/^README\.md:6: a `yaml` block must be a workflow or a part of one/),
    ]);
  });

  it('an indented block inside a list item, at the right line and column', async () => {
    const markdown = [
      '- Do this:',
      '',
      '  ```yml',
      '        - uses: watchmaker/watchmaker@v1',
      '          with:',
      '            nope: 1',
      '  ```',
      '',
    ].join('\n');
    expect(yamlBlocks(markdown)).toHaveLength(1);
    expect((await checkMarkdown('docs/a.md', markdown, action)).problems).toEqual([
      expect.stringMatching(/^docs\/a\.md:6: `with: nope`/),
    ]);
  });

  it('a spelling of this action that the checks would not recognise', async () => {
    expect(isThisAction('watchmaker/watchmaker@v1')).toBe(true);
    expect(isThisAction('./')).toBe(true);
    expect(isThisAction('actions/checkout@v4')).toBe(false);
    const result = await checkMarkdown('README.md', readme('      - uses: watchmaker/watchmaker/sub@v1'), action);
    expect(result.problems).toEqual([
      expect.stringMatching(/^README\.md:6: `uses: watchmaker\/watchmaker\/sub@v1` names Watchmaker/),
    ]);
  });

  it('table rows missing, extra, doubled, or with a wrong default', () => {
    const table = (rows: string[]) =>
      ['## Inputs', '', '| input | default | meaning |', '|---|---|---|', ...rows, ''].join('\n');
    const inputs = [...action.inputs].map(
      ([name, i]) => `| \`${name}\` | ${i.default ? `\`${i.default}\`` : ''} | x |`,
    );
    const outputs = [
      '## Outputs',
      '',
      '| output | meaning |',
      '|---|---|',
      ...[...action.outputs].map((o) => `| \`${o}\` | x |`),
      '',
    ].join('\n');
    expect(checkTables('README.md', `${table(inputs)}\n${outputs}`, action)).toEqual([]);

    const broken = [...inputs.filter((r) => !r.startsWith('| `cache-bin`')), '| `cache-size` | | x |', inputs[0]].map(
      (r) => r.replace('`watchmaker-v1`', '`wm-v1`'),
    );
    const withoutOutput = outputs
      .split('\n')
      .filter((l) => !l.startsWith('| `verdict`'))
      .join('\n');
    const problems = checkTables('README.md', `${table(broken)}\n${withoutOutput}`, action);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/the inputs table lists `cache-size`, which is not an input in action\.yml/),
        expect.stringMatching(/has no row for `cache-bin`/),
        expect.stringMatching(/`working-directory` is listed twice/),
        expect.stringMatching(
          /the default of `cache-prefix` is `watchmaker-v1` in action\.yml, the table says `wm-v1`/,
        ),
        expect.stringMatching(/the outputs table under "## Outputs" has no row for `verdict`/),
      ]),
    );
    expect(problems).toHaveLength(5);
  });
});
