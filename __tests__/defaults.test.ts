// Every default is written twice: in action.yml (what the runner fills in for an input the
// workflow leaves out) and in src/config.ts (what an empty input means, as outside a runner or
// under a runner that does not fill defaults in). These tests tie the two together.
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { parseConfig } from '../src/config.js';
import { readConfig } from '../src/inputs.js';
import { repoRoot } from './helpers/action-runner.js';

interface ActionInput {
  description: string;
  required?: boolean;
  default?: string;
}

const action = parse(readFileSync(path.join(repoRoot, 'action.yml'), 'utf8')) as {
  inputs: Record<string, ActionInput>;
};
const declared = Object.entries(action.inputs);
/** The runner puts the job's token here; config.ts takes whatever token it is given. */
const RUNNER_EXPRESSION = '${{ github.token }}';

const env = { GITHUB_WORKSPACE: '/repo', HOME: '/home/u', RUNNER_TEMP: '/runner/temp' };
const fromValues = (values: Record<string, string>) => (name: string) => values[name] ?? '';

describe("action.yml's defaults and config.ts's", () => {
  test('every input has a default, as a string, and none is required', () => {
    for (const [name, input] of declared) {
      expect({ name, default: typeof input.default, required: input.required ?? false }).toEqual({
        name,
        default: 'string',
        required: false,
      });
    }
  });

  test('config.ts reads every input action.yml declares, and no other', () => {
    const read = new Set<string>();
    parseConfig((name) => (read.add(name), ''), env);
    expect([...read].sort()).toEqual(declared.map(([name]) => name).sort());
  });

  test.each(declared.filter(([, input]) => input.default !== RUNNER_EXPRESSION))(
    "input '%s': its action.yml default means what an empty input means",
    (name, input) => {
      const empty = parseConfig(fromValues({}), env);
      expect(parseConfig(fromValues({ [name]: input.default ?? '' }), env)).toEqual(empty);
    },
  );

  test.each([
    ['outside CI', {}],
    ['in CI', { CI: 'true', GITHUB_ACTIONS: 'true' }],
  ])('all defaults at once %s: the same config as no inputs', (_where, ci) => {
    const defaults = Object.fromEntries(
      declared.map(([name, input]) => [name, input.default === RUNNER_EXPRESSION ? '' : (input.default ?? '')]),
    );
    expect(parseConfig(fromValues(defaults), { ...env, ...ci })).toEqual(
      parseConfig(fromValues({}), { ...env, ...ci }),
    );
  });

  test("github-token's default is the job's token, which config.ts takes as given", () => {
    expect(action.inputs['github-token'].default).toBe(RUNNER_EXPRESSION);
    expect(parseConfig(fromValues({ 'github-token': 'ghs_token' }), env).githubToken).toBe('ghs_token');
    expect(parseConfig(fromValues({}), env).githubToken).toBe('');
  });

  test('readConfig (through @actions/core, as the steps read inputs): INPUT_* set to the defaults gives the config of no INPUT_* at all', () => {
    const workspace = mkdtempSync(path.join(os.tmpdir(), 'wm-defaults-'));
    const stepEnv = { ...env, GITHUB_WORKSPACE: workspace, RUNNER_TEMP: workspace };
    const withInputs = (inputs: Record<string, string>) => {
      const saved = { ...process.env };
      try {
        for (const key of Object.keys(process.env)) if (key.startsWith('INPUT_')) delete process.env[key];
        for (const [name, value] of Object.entries(inputs))
          process.env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value;
        return readConfig(stepEnv);
      } finally {
        for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
        Object.assign(process.env, saved);
      }
    };
    const defaults = Object.fromEntries(
      declared
        .filter(([, input]) => input.default !== RUNNER_EXPRESSION)
        .map(([name, input]) => [name, input.default ?? '']),
    );
    expect(withInputs(defaults)).toEqual(withInputs({}));
  });
});
