// Checks of the README and docs against the action, used by docs.test.ts. Pure functions over
// strings: they return problems as "file:line[:column]: message" lines and never throw on bad docs.
//
// The rules for ```yaml / ```yml blocks (every one is checked, none is skipped):
//
//   1. The block must be valid YAML.
//   2. It is validated by GitHub's workflow parser (@actions/workflow-parser: the schema, the
//      expressions and the contexts they may use), as a whole workflow when it is one and inside a
//      minimal workflow when it is a part of one. Lines are reported as lines of the Markdown file.
//        - a mapping with `jobs` and `on`: a workflow, as it is;
//        - a mapping with `jobs` but no `on`: a workflow; `on: push` is put in front;
//        - a mapping with `on`, `name` or `run-name` but no `jobs`: a workflow's top; a one-step job
//          is added after it;
//        - a mapping with job keys (`runs-on`, `steps`, `strategy`, `needs`, ...): one job;
//        - a sequence: the `steps` of a job;
//        - a mapping with `run` or `uses` (and no job keys): one step;
//        - a mapping of only `permissions`, `env`, `concurrency`, `defaults`: a workflow's top.
//      Anything else fails: YAML that is not (part of) a workflow needs another fence language.
//   3. Every step whose `uses` is this action (`<owner>/watchmaker@<ref>`, or `./` in this
//      repository's own workflows) may only pass `with:` keys that are inputs in action.yml, and
//      must pass every required input. A `uses` that mentions watchmaker in another form fails, so
//      a new spelling cannot slip past the checks.
//   4. Every `steps.<id>.outputs.<name>` (dot or ['bracket'] form) in a block, where <id> is a step
//      of this action in that block (or, when the block has no step <id>, in another block of the
//      same file), must name an output in action.yml.
import {
  NoOperationTraceWriter,
  convertWorkflowTemplate,
  isMapping,
  isSequence,
  isString,
  parseWorkflow,
  type TemplateParseResult,
} from '@actions/workflow-parser';
import { convertActionTemplate, parseAction } from '@actions/workflow-parser/actions/index';
import { isMap, isScalar, isSeq, parseDocument } from 'yaml';

type Token = NonNullable<TemplateParseResult['value']>;

export interface ActionSpec {
  inputs: Map<string, { required: boolean; default: string }>;
  outputs: Set<string>;
}

/** action.yml, validated against GitHub's action schema. `errors` lists what the parser found. */
export function loadAction(name: string, content: string): { action: ActionSpec; errors: string[] } {
  const parsed = parseAction({ name, content }, new NoOperationTraceWriter());
  const action: ActionSpec = { inputs: new Map(), outputs: new Set() };
  if (parsed.value) {
    const template = convertActionTemplate(parsed.context, parsed.value);
    for (const input of template.inputs ?? []) {
      const def = input.default;
      action.inputs.set(input.id, {
        required: input.required === true,
        default: def === undefined ? '' : isString(def) ? def.value : def.toString(),
      });
    }
    for (const output of template.outputs ?? []) action.outputs.add(output.id);
  }
  const errors = parsed.context.errors.getErrors().map((e) => e.message);
  if (!parsed.value && errors.length === 0) errors.push(`${name}: not parsed`);
  return { action, errors };
}

/** Whether a step's `uses` refers to this action. */
export function isThisAction(uses: string): boolean {
  return /^\.\/?$/.test(uses) || /^[A-Za-z0-9][A-Za-z0-9_.-]*\/watchmaker@[^\s/]+$/i.test(uses);
}

export interface CodeBlock {
  lang: string;
  /** 1-based line, in the Markdown file, of the block's first content line. */
  line: number;
  /** Columns removed from every content line: the fence's indentation (inside list items). */
  indent: number;
  content: string;
}

/** Fenced code blocks (``` or ~~~, indented or not) of a Markdown text. */
export function codeBlocks(markdown: string): CodeBlock[] {
  const lines = markdown.split('\n');
  const blocks: CodeBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,}|~{3,})\s*([^\s`]*)/.exec(lines[i]);
    if (!open) continue;
    const [, indentText, fence, lang] = open;
    const indent = indentText.length;
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length; j++) {
      const close = /^\s*(`{3,}|~{3,})\s*$/.exec(lines[j]);
      if (close && close[1][0] === fence[0] && close[1].length >= fence.length) break;
      body.push(lines[j].slice(Math.min(indent, lines[j].length - lines[j].trimStart().length)));
    }
    blocks.push({ lang: lang.toLowerCase(), line: i + 2, indent, content: body.join('\n') });
    i = j;
  }
  return blocks;
}

export const yamlBlocks = (markdown: string): CodeBlock[] =>
  codeBlocks(markdown).filter((b) => b.lang === 'yaml' || b.lang === 'yml');

const JOB_KEYS = [
  'runs-on',
  'steps',
  'strategy',
  'needs',
  'services',
  'container',
  'environment',
  'outputs',
  'secrets',
  'timeout-minutes',
];
const SHARED_KEYS = ['permissions', 'env', 'concurrency', 'defaults'];

type Shape = 'workflow' | 'workflow without on' | 'top of a workflow' | 'job' | 'steps' | 'step';

/** How a block is made a workflow: lines put before and after it, and its new indentation. */
const STEPS_HEADER = ['on: push', 'jobs:', '  docs-example:', '    runs-on: ubuntu-latest', '    steps:'];
const WRAPPERS: Record<
  Shape,
  { before: (keys: Set<string>) => string[]; indent: number; after: (keys: Set<string>) => string[] }
> = {
  workflow: { before: () => [], indent: 0, after: () => [] },
  'workflow without on': { before: () => ['on: push'], indent: 0, after: () => [] },
  'top of a workflow': {
    before: (keys) => (keys.has('on') ? [] : ['on: push']),
    indent: 0,
    after: () => ['jobs:', '  docs-example:', '    runs-on: ubuntu-latest', '    steps:', '      - run: "true"'],
  },
  job: {
    before: () => ['on: push', 'jobs:', '  docs-example:'],
    indent: 4,
    after: (keys) => (keys.has('runs-on') || keys.has('uses') ? [] : ['    runs-on: ubuntu-latest']),
  },
  steps: { before: () => STEPS_HEADER, indent: 6, after: () => [] },
  step: { before: () => [...STEPS_HEADER, '      -'], indent: 8, after: () => [] },
};

function shapeOf(keys: Set<string>, uses: unknown): Shape | null {
  if (keys.has('jobs')) return keys.has('on') ? 'workflow' : 'workflow without on';
  if (keys.has('on') || keys.has('run-name')) return 'top of a workflow';
  if (JOB_KEYS.some((k) => keys.has(k))) return 'job';
  if (keys.has('uses') && typeof uses === 'string' && uses.includes('/.github/workflows/')) return 'job';
  if (keys.has('run') || keys.has('uses')) return 'step';
  if ([...keys].every((k) => k === 'name' || SHARED_KEYS.includes(k))) return 'top of a workflow';
  return null;
}

export interface ActionStepRef {
  id: string | null;
  uses: string;
  line: number;
}

export interface YamlCheck {
  problems: string[];
  shape: Shape | null;
  /** Steps of this action, and the ids of all steps, in this source. */
  actionSteps: ActionStepRef[];
  stepIds: Set<string>;
}

/**
 * Rules 1 to 3 for one YAML source: a Markdown block (`line`, `indent` of its first line) or a
 * whole workflow file (line 1, indent 0). Rule 4 needs all blocks of a file: see outputProblems.
 */
export async function checkYaml(
  file: string,
  source: { line: number; indent: number; content: string },
  action: ActionSpec,
): Promise<YamlCheck> {
  const result: YamlCheck = { problems: [], shape: null, actionSteps: [], stepIds: new Set() };
  const where = (line: number, col?: number) => `${file}:${line}${col === undefined ? '' : `:${col}`}`;
  const lines = source.content.replace(/\n+$/, '').split('\n');
  const minIndent = Math.min(...lines.filter((l) => l.trim() !== '').map((l) => l.length - l.trimStart().length));
  if (!Number.isFinite(minIndent)) {
    result.problems.push(`${where(source.line)}: empty YAML block`);
    return result;
  }
  const dedented = lines.map((l) => l.slice(Math.min(minIndent, l.length)));

  // 1. YAML.
  const doc = parseDocument(dedented.join('\n'), { prettyErrors: true });
  if (doc.errors.length > 0) {
    for (const e of doc.errors) {
      const pos = e.linePos?.[0];
      const loc = pos ? where(source.line + pos.line - 1, pos.col + minIndent + source.indent) : where(source.line);
      result.problems.push(
        `${loc}: invalid YAML: ${e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '')}${source.line > 1 ? ` [the \`yaml\` block from line ${source.line - 1}]` : ''}`,
      );
    }
    return result;
  }

  // 2. GitHub's workflow parser, around the block when it is a part of a workflow.
  const root = doc.contents;
  let keys = new Set<string>();
  let shape: Shape | null = null;
  if (isMap(root)) {
    keys = new Set(root.items.map((p) => String(isScalar(p.key) ? p.key.value : p.key)));
    shape = shapeOf(keys, root.get('uses'));
  } else if (isSeq(root)) shape = 'steps';
  result.shape = shape;
  if (shape === null) {
    result.problems.push(
      `${where(source.line)}: a \`yaml\` block must be a workflow or a part of one (its top-level keys, a job, steps or a step); ` +
        `this one is ${isMap(root) ? `a mapping with keys ${[...keys].join(', ')}` : 'not a mapping or sequence'}. Use another fence language for other YAML.`,
    );
    return result;
  }
  const wrapper = WRAPPERS[shape];
  const before = wrapper.before(keys);
  const pad = ' '.repeat(wrapper.indent);
  const synthetic = [...before, ...dedented.map((l) => (l.trim() === '' ? '' : pad + l)), ...wrapper.after(keys)].join(
    '\n',
  );
  // Synthetic line/column → Markdown line/column (null: a line of the wrapper).
  const mdLine = (line: number): number | null => {
    const i = line - 1 - before.length;
    return i >= 0 && i < dedented.length ? source.line + i : null;
  };
  const mdWhere = (range: { line: number; column: number } | undefined, what: string) => {
    if (!range) return `${where(source.line)} (${what})`;
    const line = mdLine(range.line);
    return line === null
      ? `${where(source.line)} (${what}, in the lines the check added around it)`
      : where(line, range.column - wrapper.indent + minIndent + source.indent);
  };
  const what = shape === 'workflow' ? 'workflow' : `${shape}, validated inside a minimal workflow`;

  const parsed = parseWorkflow({ name: file, content: synthetic }, new NoOperationTraceWriter());
  const errors = () => parsed.context.errors.getErrors();
  if (errors().length === 0 && parsed.value) {
    // Conversion adds the semantic checks (step ids, needs, cron, ...); its errors go to the same list.
    await convertWorkflowTemplate(parsed.context, parsed.value);
  }
  const blockNote = source.line > 1 ? ` [the \`yaml\` block from line ${source.line - 1}: ${what}]` : '';
  for (const e of errors()) result.problems.push(`${mdWhere(e.range?.start, what)}: ${e.rawMessage}${blockNote}`);

  // 3. Steps of this action: `with:` keys and required inputs.
  if (parsed.value) {
    for (const step of stepsOf(parsed.value)) {
      const line = mdLine(step.line) ?? source.line;
      if (step.id) result.stepIds.add(step.id);
      if (step.uses === null) continue;
      if (!isThisAction(step.uses)) {
        if (/watchmaker/i.test(step.uses)) {
          result.problems.push(
            `${where(line)}: \`uses: ${step.uses}\` names Watchmaker in a form the docs check does not recognise as this action (see isThisAction in __tests__/docs/check-docs.ts)`,
          );
        }
        continue;
      }
      result.actionSteps.push({ id: step.id, uses: step.uses, line });
      for (const w of step.with) {
        if (!action.inputs.has(w.key)) {
          const hint = closest(w.key, [...action.inputs.keys()]);
          result.problems.push(
            `${where(mdLine(w.line) ?? line)}: \`with: ${w.key}\` is not an input of action.yml${hint ? ` (did you mean \`${hint}\`?)` : ''}; its inputs are ${[...action.inputs.keys()].join(', ')}`,
          );
        }
      }
      for (const [name, input] of action.inputs) {
        if (input.required && input.default === '' && !step.with.some((w) => w.key === name)) {
          result.problems.push(`${where(line)}: the step does not pass \`${name}\`, a required input of action.yml`);
        }
      }
    }
  }
  return result;
}

interface StepInfo {
  id: string | null;
  uses: string | null;
  line: number;
  with: { key: string; line: number }[];
}

/** Every step of every job in a parsed workflow's token tree. */
function stepsOf(root: Token): StepInfo[] {
  const steps: StepInfo[] = [];
  const jobs = isMapping(root) ? root.find('jobs') : undefined;
  if (!jobs || !isMapping(jobs)) return steps;
  for (const job of jobs) {
    const list = isMapping(job.value) ? job.value.find('steps') : undefined;
    if (!list || !isSequence(list)) continue;
    for (const step of list) {
      if (!isMapping(step)) continue;
      const info: StepInfo = { id: null, uses: null, line: step.line ?? 0, with: [] };
      for (const pair of step) {
        const key = isString(pair.key) ? pair.key.value : pair.key.toString();
        if (key === 'id' && isString(pair.value)) info.id = pair.value.value;
        if (key === 'uses' && isString(pair.value)) info.uses = pair.value.value;
        if (key === 'with' && isMapping(pair.value)) {
          for (const w of pair.value)
            info.with.push({ key: isString(w.key) ? w.key.value : w.key.toString(), line: w.key.line ?? info.line });
        }
      }
      steps.push(info);
    }
  }
  return steps;
}

const OUTPUT_REF =
  /\bsteps(?:\.([A-Za-z_][\w-]*)|\[\s*'([^']+)'\s*\])\.outputs(?:\.([A-Za-z_][\w-]*)|\[\s*'([^']+)'\s*\])/g;

/**
 * Rule 4 for one YAML source (see the top of this file). `check`: the source's own steps (from
 * checkYaml); `fileActionIds`: ids of this action's steps in every block of the same file.
 */
export function outputProblems(
  file: string,
  source: { line: number; indent: number; content: string },
  check: YamlCheck,
  fileActionIds: Set<string>,
  action: ActionSpec,
): string[] {
  const problems: string[] = [];
  const ownActionIds = new Set(check.actionSteps.map((s) => s.id).filter((id): id is string => id !== null));
  source.content.split('\n').forEach((text, i) => {
    for (const m of text.matchAll(OUTPUT_REF)) {
      const id = m[1] ?? m[2];
      const name = m[3] ?? m[4];
      const isOurs = ownActionIds.has(id) || (!check.stepIds.has(id) && fileActionIds.has(id));
      if (!isOurs || action.outputs.has(name)) continue;
      const hint = closest(name, [...action.outputs]);
      problems.push(
        `${file}:${source.line + i}:${(m.index ?? 0) + 1 + source.indent}: \`steps.${id}.outputs.${name}\`: \`${name}\` is not an output of action.yml${hint ? ` (did you mean \`${hint}\`?)` : ''}; its outputs are ${[...action.outputs].join(', ')}`,
      );
    }
  });
  return problems;
}

export interface MarkdownCheck {
  problems: string[];
  blocks: { line: number; shape: Shape | null }[];
  actionSteps: ActionStepRef[];
}

/** Rules 1 to 4 for every ```yaml block of a Markdown file. */
export async function checkMarkdown(file: string, markdown: string, action: ActionSpec): Promise<MarkdownCheck> {
  const blocks = yamlBlocks(markdown);
  const checks: YamlCheck[] = [];
  for (const b of blocks) checks.push(await checkYaml(file, b, action));
  const fileActionIds = new Set(
    checks.flatMap((c) => c.actionSteps.map((s) => s.id)).filter((id): id is string => id !== null),
  );
  const problems = checks.flatMap((c, i) => [
    ...c.problems,
    ...outputProblems(file, blocks[i], c, fileActionIds, action),
  ]);
  return {
    problems,
    blocks: blocks.map((b, i) => ({ line: b.line, shape: checks[i].shape })),
    actionSteps: checks.flatMap((c) => c.actionSteps),
  };
}

/** Rules 1 to 4 for a whole workflow file (e.g. .github/workflows/ci.yml). */
export async function checkWorkflowFile(file: string, content: string, action: ActionSpec): Promise<MarkdownCheck> {
  const source = { line: 1, indent: 0, content };
  const check = await checkYaml(file, source, action);
  const ids = new Set(check.actionSteps.map((s) => s.id).filter((id): id is string => id !== null));
  return {
    problems: [...check.problems, ...outputProblems(file, source, check, ids, action)],
    blocks: [{ line: 1, shape: check.shape }],
    actionSteps: check.actionSteps,
  };
}

export interface MarkdownTable {
  header: string[];
  rows: { cells: string[]; line: number }[];
}

/** The first table after the heading `heading` (e.g. "## Inputs"), up to the next heading. */
export function tableAfterHeading(markdown: string, heading: string): MarkdownTable | null {
  const lines = markdown.split('\n');
  const start = lines.findIndex((l) => l.trim() === heading);
  if (start < 0) return null;
  let i = start + 1;
  while (i < lines.length && !lines[i].trimStart().startsWith('|') && !/^#{1,6}\s/.test(lines[i])) i++;
  if (i >= lines.length || !lines[i].trimStart().startsWith('|')) return null;
  const header = tableCells(lines[i]);
  const rows: MarkdownTable['rows'] = [];
  for (i += 2; i < lines.length && lines[i].trimStart().startsWith('|'); i++)
    rows.push({ cells: tableCells(lines[i]), line: i + 1 });
  return { header, rows };
}

/** The cells of a table row: split on `|` outside code spans and not escaped. */
function tableCells(row: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let inCode = false;
  const text = row.trim().replace(/^\|/, '').replace(/\|$/, '');
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\\' && text[i + 1] === '|') {
      cell += '|';
      i++;
    } else if (c === '`') {
      inCode = !inCode;
      cell += c;
    } else if (c === '|' && !inCode) {
      cells.push(cell.trim());
      cell = '';
    } else cell += c;
  }
  cells.push(cell.trim());
  return cells;
}

const unquote = (cell: string) => cell.replace(/^`(.*)`$/, '$1').trim();

/**
 * The README's Inputs and Outputs tables against action.yml: every input and output has a row,
 * every row is an input or output, no row twice, and where action.yml has a non-empty default the
 * table's default column shows exactly that (an empty default may be described in words).
 */
export function checkTables(file: string, markdown: string, action: ActionSpec): string[] {
  const problems: string[] = [];
  const sections: [string, 'input' | 'output', string[]][] = [
    ['## Inputs', 'input', [...action.inputs.keys()]],
    ['## Outputs', 'output', [...action.outputs]],
  ];
  for (const [heading, kind, names] of sections) {
    const table = tableAfterHeading(markdown, heading);
    if (!table) {
      problems.push(`${file}: no table under "${heading}"`);
      continue;
    }
    const defaultColumn = table.header.findIndex((h) => h.toLowerCase() === 'default');
    const seen = new Map<string, number>();
    for (const row of table.rows) {
      // A group's heading row (`| **Cache** | | |`) names no input.
      if (/^\*\*.*\*\*$/.test((row.cells[0] ?? '').trim())) continue;
      const name = unquote(row.cells[0] ?? '');
      if (seen.has(name))
        problems.push(
          `${file}:${row.line}: \`${name}\` is listed twice in the ${kind}s table (also line ${seen.get(name)})`,
        );
      seen.set(name, row.line);
      if (!names.includes(name)) {
        const hint = closest(name, names);
        problems.push(
          `${file}:${row.line}: the ${kind}s table lists \`${name}\`, which is not an ${kind} in action.yml${hint ? ` (did you mean \`${hint}\`?)` : ''}`,
        );
        continue;
      }
      const input = kind === 'input' ? action.inputs.get(name) : undefined;
      if (input && input.default !== '' && defaultColumn >= 0) {
        const shown = unquote(row.cells[defaultColumn] ?? '');
        if (shown !== input.default)
          problems.push(
            `${file}:${row.line}: the default of \`${name}\` is \`${input.default}\` in action.yml, the table says \`${shown}\``,
          );
      }
    }
    for (const name of names) {
      if (!seen.has(name))
        problems.push(
          `${file}: the ${kind}s table under "${heading}" has no row for \`${name}\`, an ${kind} in action.yml`,
        );
    }
  }
  return problems;
}

/** The candidate nearest to `word` by edit distance, when it is close enough to be a typo. */
function closest(word: string, candidates: string[]): string | null {
  let best: string | null = null;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = editDistance(word, c);
    if (d < bestDistance) [best, bestDistance] = [c, d];
  }
  return bestDistance <= Math.max(2, Math.floor(word.length / 3)) ? best : null;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++)
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    previous = current;
  }
  return previous[b.length];
}
