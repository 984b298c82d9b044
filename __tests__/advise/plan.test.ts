// The advisor's plan: the leaf crate to edit, the edit itself, the final artifacts whose bytes
// count, the rotating order, the budget between rounds, each configuration's cargo-args; and its
// inputs (advise, advise-budget, advise-run), each bad value refused naming the input.
import {
  chooseLeaf,
  configuredArgs,
  editedText,
  finalArtifacts,
  roomForRound,
  rotation,
} from '../../src/advise/plan.js';
import type { MetadataPackage } from '../../src/advise/plan.js';
import { configWarnings, InputError, parseConfig } from '../../src/config.js';

const pkg = (name: string, targets: MetadataPackage['targets'], deps: string[] = []): MetadataPackage => ({
  id: `path+file:///w/${name}#0.1.0`,
  name,
  source: null,
  manifest_path: `/w/${name}/Cargo.toml`,
  targets,
  dependencies: deps.map((d) => ({ name: d, path: `/w/${d}`, kind: null })),
});
const lib = (name: string) => ({ kind: ['lib'], src_path: `/w/${name}/src/lib.rs` });
const bin = (name: string) => ({ kind: ['bin'], src_path: `/w/${name}/src/main.rs` });

describe('the crate the warm rebuild edits', () => {
  const packages = [
    pkg('text', [lib('text')]),
    pkg('engine', [lib('engine')], ['text']),
    pkg('app', [bin('app')], ['engine', 'text']),
    pkg('tool', [bin('tool'), lib('tool')], ['text']),
  ];
  const ids = new Set(packages.map((p) => p.id));

  test('a member no other member depends on, the one with the most local dependencies; its library root first', () => {
    expect(chooseLeaf(packages, ids, new Set())).toEqual({ crate: 'app', file: '/w/app/src/main.rs' });
    expect(chooseLeaf(packages, ids, new Set(['tool', 'text']))).toEqual({ crate: 'tool', file: '/w/tool/src/lib.rs' });
  });

  test('only what the build covered; without a leaf, any member with a root file; none at all: null', () => {
    expect(chooseLeaf(packages, ids, new Set(['engine', 'text']))).toEqual({
      crate: 'engine',
      file: '/w/engine/src/lib.rs',
    });
    const dev = { ...pkg('x', [lib('x')]), dependencies: [{ name: 'y', path: '/w/y', kind: 'dev' }] };
    expect(chooseLeaf([dev, pkg('y', [lib('y')], ['x'])], new Set([dev.id, pkg('y', []).id]), new Set())).toEqual({
      crate: 'y',
      file: '/w/y/src/lib.rs',
    });
    expect(
      chooseLeaf(
        [pkg('z', [{ kind: ['custom-build'], src_path: '/w/z/build.rs' }])],
        new Set([pkg('z', []).id]),
        new Set(),
      ),
    ).toBeNull();
  });

  test('the edit: one line at the end, a newline added where the file lacked one', () => {
    expect(editedText('fn main() {}\n', 3)).toBe(
      "fn main() {}\nconst _: u32 = 3; // Watchmaker's profile advice: the edit before a warm rebuild\n",
    );
    expect(editedText('fn main() {} // end', 1)).toMatch(/^fn main\(\) \{\} \/\/ end\nconst _: u32 = 1;/);
  });
});

describe('the final artifacts', () => {
  const files = [
    '/t/t01/debug/app',
    '/t/t01/debug/deps/app-0123abcd',
    '/t/t01/debug/libtext.rlib',
    '/t/t01/debug/deps/libtext-0123abcd.rlib',
    '/t/t01/debug/deps/libtext-0123abcd.rmeta',
    '/t/t01/debug/build/stamp-0123/out',
    '/t/t01/debug/examples/demo',
    '/t/t01/x86_64-unknown-linux-gnu/release/libffi.so',
    '/t/t01/debug/app.d',
    '/elsewhere/debug/app',
  ];

  test('executables and linked libraries cargo put in the profile directory', () => {
    expect(finalArtifacts(files, '/t/t01')).toEqual([
      '/t/t01/debug/app',
      '/t/t01/x86_64-unknown-linux-gnu/release/libffi.so',
    ]);
  });

  test('a workspace of libraries only: its Rust libraries', () => {
    expect(
      finalArtifacts(
        files.filter((f) => f.endsWith('.rlib') || f.endsWith('.rmeta')),
        '/t/t01',
      ),
    ).toEqual(['/t/t01/debug/libtext.rlib']);
  });

  test('Windows paths', () => {
    expect(finalArtifacts(['C:\\t\\t01\\debug\\app.exe', 'C:\\t\\t01\\debug\\app.pdb'], 'C:\\t\\t01', '\\')).toEqual([
      'C:\\t\\t01\\debug\\app.exe',
    ]);
  });
});

describe('rounds', () => {
  test('each round starts one configuration later', () => {
    expect([0, 1, 2, 3].map((r) => rotation(3, r))).toEqual([
      [0, 1, 2],
      [1, 2, 0],
      [2, 0, 1],
      [0, 1, 2],
    ]);
  });

  test('another round when the last one, taken again, fits the budget', () => {
    expect(roomForRound(300, 200, 600)).toBe(true);
    expect(roomForRound(401, 200, 600)).toBe(false);
  });

  test("each configuration's cargo-args: the user's without --target-dir, ours after them and before a --", () => {
    const ours = ['--target-dir', '/s/t01', '--config', 'profile.dev.debug=0'];
    expect(configuredArgs(['--locked', '--target-dir', 'x', '--target-dir=y', '--config', 'a=1'], ours)).toEqual([
      '--locked',
      '--config',
      'a=1',
      ...ours,
    ]);
    expect(configuredArgs(['--lib', '--', '-C', 'opt-level=1', '--target-dir', 'z'], ours)).toEqual([
      '--lib',
      ...ours,
      '--',
      '-C',
      'opt-level=1',
      '--target-dir',
      'z',
    ]);
  });
});

describe('the inputs', () => {
  const env = { GITHUB_WORKSPACE: '/repo', RUNNER_TEMP: '/runner/temp' };
  const config = (inputs: Record<string, string>) => parseConfig((n) => inputs[n] ?? '', env);

  test('off by default; profiles, a budget in seconds, minutes or hours, a command split like build-command', () => {
    expect(config({}).advise).toEqual({ mode: 'none', budgetSeconds: 1200, run: null });
    expect(
      config({ advise: 'profiles', 'advise-budget': '1.5h', 'advise-run': 'cargo bench --bench "my bench"' }).advise,
    ).toEqual({ mode: 'profiles', budgetSeconds: 5400, run: ['cargo', 'bench', '--bench', 'my bench'] });
    expect(config({ 'advise-budget': '90s' }).advise.budgetSeconds).toBe(90);
    expect(config({ 'advise-budget': '300' }).advise.budgetSeconds).toBe(300);
  });

  test('bad values name the input and what to write', () => {
    expect(() => config({ advise: 'yes' })).toThrow(
      new InputError("Input 'advise' is 'yes'. Use one of: 'none', 'profiles'."),
    );
    expect(() => config({ 'advise-budget': '2x' })).toThrow(
      /^Input 'advise-budget' is '2x'\. Give a time such as '20m'/,
    );
    expect(() => config({ 'advise-run': 'cargo bench "x' })).toThrow(/^Input 'advise-run' has an unclosed " quote/);
  });

  test('advise-budget and advise-run without advise, or advise without a build, are said to do nothing', () => {
    expect(configWarnings(config({ 'advise-run': 'cargo bench' }))).toEqual([
      "Input 'advise' is 'none' (no profile advice), so 'advise-run' has no effect. Remove it, or set 'advise: profiles'.",
    ]);
    expect(configWarnings(config({ build: 'false', advise: 'profiles' }))[0]).toMatch(/'advise' has no effect/);
  });
});
