// The profile advisor on real builds: the README's example workspace (four path crates, no
// registry dependencies) advised for its dev profile, two rounds (the fewest that can carry a
// claim; the default five would only take longer). Asserted: every candidate has its row and a
// verdict the rules allow, the settings are ones cargo accepts in Cargo.toml, the user's checkout
// is untouched and the advisor's scratch is gone. Never a measured time: the verdicts on this tiny
// workspace are whatever the runner measures, and the rules for them are judge.test.ts's.
import { spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { adviseIfAsked, type AdviceOutcome } from '../../src/advise/index.js';
import { tomlSnippet } from '../../src/advise/candidates.js';
import { PhaseClock } from '../../src/phases.js';
import { runTimedBuild } from '../../src/timings/index.js';
import { exampleWorkspace, git, gitInit } from '../helpers/fixtures.js';
import { repoRoot } from '../helpers/action-runner.js';
import { targetedRun } from '../helpers/run.js';

const wrapperPath = path.join(repoRoot, 'tools/rustc-wrapper/main.rs');
const env: NodeJS.ProcessEnv = { ...process.env, RUNNER_TOOL_CACHE: mkdtempSync(path.join(os.tmpdir(), 'wm-tools-')) };
for (const name of ['RUSTC_WRAPPER', 'RUSTFLAGS', 'CARGO_INCREMENTAL', 'CARGO_TARGET_DIR', 'GITHUB_STEP_SUMMARY'])
  delete env[name];

/** The dev profile's levers; optimised dependencies is left out: the example has no registry dependencies. */
const MEASURED = [
  'debug-line-tables-only',
  'debug-0',
  'split-debuginfo-unpacked',
  'codegen-units-16',
  'incremental-false',
];

describe('the profile advisor on the example workspace (dev, two rounds)', () => {
  const workspace = exampleWorkspace();
  writeFileSync(path.join(workspace, '.gitignore'), '/target\n');
  gitInit(workspace);
  const manifest = readFileSync(path.join(workspace, 'Cargo.toml'));
  const edited = readFileSync(path.join(workspace, 'crates/app/src/main.rs'));
  const runnerTemp = mkdtempSync(path.join(os.tmpdir(), 'wm-advise-temp-'));
  let outcome: AdviceOutcome | null;
  let scratchDir: string;
  const phases = new PhaseClock();

  beforeAll(async () => {
    const run = await targetedRun(
      workspace,
      env,
      { advise: 'profiles', 'advise-budget': '5m' },
      { RUNNER_TEMP: runnerTemp },
    );
    scratchDir = run.config.build.scratchDir;
    const build = await runTimedBuild(run, { wrapperPath, log: () => {} });
    outcome = await adviseIfAsked({ run, build, wrapperPath, rustflags: [], phases, maxRounds: 2 });
  }, 240_000);

  test('measures every dev lever but optimised dependencies, which it says it left out and why', () => {
    const advice = outcome!.advice;
    expect(advice.rounds).toBe(2);
    expect(advice.kind).toBe('dev');
    expect(advice.goals).toEqual(['warm', 'cold']);
    expect(advice.candidates.map((c) => c.id)).toEqual(MEASURED);
    expect(advice.skipped).toEqual([
      expect.objectContaining({ id: 'dependencies-opt-level-1', why: expect.stringContaining('no dependencies') }),
    ]);
    expect(advice.edit).toEqual({ crate: 'app', file: path.join('crates', 'app', 'src', 'main.rs') });
    for (const samples of [advice.current.samples, ...advice.candidates.map((c) => c.samples)]) {
      for (const metric of ['cold', 'coldCpu', 'warm', 'memory', 'size'] as const)
        expect(samples[metric]).toHaveLength(2);
      expect(samples.runtime).toEqual([]);
    }
    expect(phases.seconds.advise).toBeGreaterThan(0);
  });

  test('the table has a row per candidate with a verdict the rules allow; no measurable effect is never a win', () => {
    const { advice, markdown } = outcome!;
    expect(markdown).toContain(
      '| candidate | cold build | cold build CPU | warm rebuild | peak memory | size | runtime | verdict |',
    );
    for (const c of advice.candidates) {
      const row = markdown.split('\n').find((line) => line.startsWith(`| \`${c.label}\` |`));
      expect(row).toBeDefined();
      expect(row).toContain('| not measured |'); // runtime: no advise-run
      expect(['win', 'trade-off', 'worse', 'no-effect', 'inconclusive']).toContain(c.verdict);
      if (c.verdict === 'no-effect') {
        expect(row).toMatch(/\| no measurable effect \|$/);
        expect(advice.adopt.settings).not.toEqual(expect.arrayContaining(c.settings));
      }
    }
    expect(markdown).toContain(advice.adopt.toml ? '```toml' : 'No candidate is recommended');
  });

  test('the JSON beside the record is the advice', () => {
    expect(outcome!.file).toBe(path.join(runnerTemp, 'watchmaker', 'advice-dev.json'));
    expect(JSON.parse(readFileSync(outcome!.file, 'utf8'))).toEqual(JSON.parse(JSON.stringify(outcome!.advice)));
  });

  test('every setting it measured, and the recommended ones, are Cargo.toml that cargo accepts', () => {
    const copy = mkdtempSync(path.join(os.tmpdir(), 'wm-advise-toml-'));
    cpSync(workspace, copy, { recursive: true, filter: (src) => !src.split(path.sep).includes('target') });
    const all = tomlSnippet(outcome!.advice.candidates.flatMap((c) => c.settings));
    const snippets = [all, ...(outcome!.advice.adopt.toml ? [outcome!.advice.adopt.toml] : [])];
    for (const snippet of snippets) {
      writeFileSync(path.join(copy, 'Cargo.toml'), manifest);
      appendFileSync(path.join(copy, 'Cargo.toml'), `\n${snippet}\n`);
      const r = spawnSync('cargo', ['metadata', '--offline', '--no-deps', '--format-version', '1'], {
        cwd: copy,
        env,
        encoding: 'utf8',
      });
      expect({ code: r.status, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    }
  });

  test("the user's checkout is untouched and the advisor's scratch is gone", () => {
    expect(git(workspace, 'status', '--porcelain')).toBe('');
    expect(readFileSync(path.join(workspace, 'Cargo.toml'))).toEqual(manifest);
    expect(readFileSync(path.join(workspace, 'crates/app/src/main.rs'))).toEqual(edited);
    expect(git(workspace, 'worktree', 'list').split('\n')).toHaveLength(1);
    expect(existsSync(`${scratchDir}-advise`)).toBe(false);
    expect(readdirSync(scratchDir).filter((f) => f.includes('advise'))).toEqual([]);
  });
});

test('a budget shorter than a round: the advisor stops inside it, says why, and recommends nothing', async () => {
  const workspace = exampleWorkspace();
  writeFileSync(path.join(workspace, '.gitignore'), '/target\n');
  gitInit(workspace);
  const runnerTemp = mkdtempSync(path.join(os.tmpdir(), 'wm-advise-temp-'));
  const run = await targetedRun(
    workspace,
    env,
    { advise: 'profiles', 'advise-budget': '1s' },
    { RUNNER_TEMP: runnerTemp },
  );
  const build = await runTimedBuild(run, { wrapperPath, log: () => {} });
  const { advice } = (await adviseIfAsked({ run, build, wrapperPath, rustflags: [], phases: new PhaseClock() }))!;
  expect(advice.rounds).toBe(0);
  expect(advice.notes).toContainEqual(
    expect.stringMatching(/^Rounds stopped at advise-budget \(round 1 ran out of it\)/),
  );
  expect(advice.current.samples.cold.length).toBeGreaterThan(0);
  expect(advice.adopt.toml).toBeNull();
  expect(advice.candidates.every((c) => c.verdict === 'inconclusive')).toBe(true);
  expect(git(workspace, 'status', '--porcelain')).toBe('');
}, 120_000);
