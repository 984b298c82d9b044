// Observe, never alter: with the action, cargo does exactly what it would do without it. Each cell
// builds one fixture twice at the same path, with the same registry and CARGO_HOME: once with
// plain cargo, once through the bundled action with its defaults (a Job, local cache backend).
// The environment differs only by what the action exports for later steps (docs/cache.md:
// CARGO_INCREMENTAL=0; the test checks that nothing else is exported), which the plain build gets
// too. Compared: the exit code; the bytes of every file cargo reported in its compiler-artifact
// messages (final artifacts, the local packages' rlibs and rmetas, test and bench executables,
// rustdoc's pages), listed by a plain run of the same command right after, which must itself
// compile nothing; and the units a later plain `cargo build` step compiles or finds fresh.
//
// WATCHMAKER_DIFFERENTIAL_INPUTS (JSON) adds inputs to every action run, e.g.
// '{"compile-work":"false"}' to compare without the compile-work measure.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Job } from '../helpers/action-runner.js';
import {
  artifactHashes,
  hostTriple,
  LAYOUT_FIXTURES,
  layOut,
  plainCargo,
  plainEnv,
  unitLines,
  type LayoutFixture,
} from '../helpers/cargo-layouts.js';
import { startLocalRegistry, type LocalRegistry } from '../helpers/registry.js';

const EXTRA_INPUTS = JSON.parse(process.env.WATCHMAKER_DIFFERENTIAL_INPUTS ?? '{}') as Record<string, string>;
/** What the action exports to later steps (docs/commands.md): CARGO_INCREMENTAL=0 in CI, before cargo 1.99 turned it off there itself. */
const cargoMinor = Number(/^cargo 1\.(\d+)/.exec(spawnSync('cargo', ['-V'], { encoding: 'utf8' }).stdout)?.[1] ?? 0);
const EXPORTED: Record<string, string> = cargoMinor >= 99 ? {} : { CARGO_INCREMENTAL: '0' };
const JSON_FLAGS = ['--message-format=json-render-diagnostics'];

let reg: LocalRegistry;
let cargoHome: string;
beforeAll(async () => {
  reg = await startLocalRegistry();
  cargoHome = reg.cargoHome();
});
afterAll(async () => reg.stop());

interface Cell {
  layout: LayoutFixture;
  command: string;
  profile: 'dev' | 'release' | 'ci';
  args: string;
}

// A covering subset, not the product: every command, layout and profile appears; --target,
// --all-targets and --all-features each appear at least twice; the cheap check-only commands
// take the dev and custom profiles, the costlier release builds the smaller selections.
const CELLS: Cell[] = [
  {
    layout: LAYOUT_FIXTURES.virtual,
    command: 'cargo build',
    profile: 'dev',
    args: `--workspace --all-targets --all-features --target ${hostTriple}`,
  },
  { layout: LAYOUT_FIXTURES.rootPackage, command: 'cargo test --no-run', profile: 'release', args: '--all-targets' },
  { layout: LAYOUT_FIXTURES.defaultMembers, command: 'cargo build', profile: 'ci', args: '' },
  {
    layout: LAYOUT_FIXTURES.excluded,
    command: 'cargo clippy -- -D warnings',
    profile: 'dev',
    args: '--workspace --all-targets',
  },
  { layout: LAYOUT_FIXTURES.outside, command: 'cargo check', profile: 'ci', args: '--workspace --all-features' },
  {
    layout: LAYOUT_FIXTURES.virtual,
    command: 'cargo doc',
    profile: 'dev',
    args: `--workspace --all-features --target ${hostTriple}`,
  },
  { layout: LAYOUT_FIXTURES.outside, command: 'cargo build', profile: 'release', args: `--target ${hostTriple}` },
];

interface Observed {
  code: number;
  /** Path → sha256 of every artifact cargo reported. */
  hashes: Record<string, string>;
  /** What a later plain `cargo build -v` compiled and found fresh. */
  later: string[];
}

/** After the build: list its artifacts with a plain run of the same command (it must compile nothing), hash them, then the later build step. */
function observe(cell: Cell, workspace: string, env: NodeJS.ProcessEnv, code: number): Observed {
  // The listing is plain cargo in both runs: it succeeds as the plain build did, or the build left target/ broken.
  const words = cell.command.split(' ');
  const args = cell.args.split(' ').filter(Boolean);
  const listing = plainCargo(words, ['--profile', cell.profile, ...JSON_FLAGS], args, workspace, env);
  expect(listing.code).toBe(code);
  expect(unitLines(listing.stderr)).toEqual([]);
  const hashes = artifactHashes(listing.stdout);
  const later = plainCargo(['cargo', 'build'], ['--profile', cell.profile, '-v'], args, workspace, env);
  return { code, hashes, later: unitLines(later.stderr) };
}

describe.each(CELLS)('$command $args, profile $profile', (cell) => {
  test(`${cell.layout.name}: the same exit code, the same bytes in every artifact, the same later build`, async () => {
    const { tree, workspace } = layOut(cell.layout, reg.env(cargoHome));
    const env = plainEnv(reg, cargoHome, EXPORTED);
    const words = cell.command.split(' ');
    const args = cell.args.split(' ').filter(Boolean);

    const plain = plainCargo(words, ['--profile', cell.profile, ...JSON_FLAGS], args, workspace, env);
    const without = observe(cell, workspace, env, plain.code);
    rmSync(path.join(workspace, 'target'), { recursive: true, force: true });

    const cacheDir = mkdtempSync(path.join(os.tmpdir(), 'wm-diff-cache-'));
    const inputs = {
      profile: cell.profile,
      'build-command': cell.command,
      'cargo-args': cell.args,
      'working-directory': cell.layout.dir,
      'cache-backend': 'local',
      'cache-dir': cacheDir,
      comment: 'never',
      ...EXTRA_INPUTS,
    };
    const job = new Job({ workspace: tree, env: reg.vars(cargoHome), inputs });
    const main = await job.main();
    expect(main.exportedEnv).toEqual(EXPORTED);
    const withAction = observe(cell, workspace, env, plain.code);
    expect((await job.post()).exitCode).toBe(0);

    expect(main.exitCode === 0).toBe(plain.code === 0);
    expect(Object.keys(withAction.hashes).sort()).toEqual(Object.keys(without.hashes).sort());
    expect(withAction.hashes).toEqual(without.hashes);
    expect(withAction.later).toEqual(without.later);
  });
});
