import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildArgs, configWarnings, defaultCacheDir, parseConfig, splitArgs, InputError } from '../src/config.js';
import { readConfig } from '../src/inputs.js';

const inputs = (values: Record<string, string>) => (name: string) => values[name] ?? '';

describe('parseConfig', () => {
  it('applies defaults', () => {
    const c = parseConfig(inputs({}), { GITHUB_WORKSPACE: '/repo', HOME: '/home/u' });
    expect(c.profile).toBe('dev');
    expect(c.workingDirectory).toBe('/repo');
    expect(c.build.enabled).toBe(true);
    expect(c.cache.enabled).toBe(true);
    expect(c.guard.mode).toBe('warn');
    expect(c.report.comment).toBe('auto');
    expect(c.report.baseline).toBe('auto');
    expect(c.cache.dir).toBe('/home/u/.cache/watchmaker');
    expect(c.build.command).toEqual(['cargo', 'build']);
  });
  it('defaults the guard to error in CI', () => {
    expect(parseConfig(inputs({}), { CI: 'true' }).guard.mode).toBe('error');
    expect(parseConfig(inputs({ guard: 'off' }), { CI: 'true' }).guard.mode).toBe('off');
  });
  it('rejects bad values with a message naming the input and the choices', () => {
    expect(() => parseConfig(inputs({ guard: 'strict' }), {})).toThrow(
      "Input 'guard' is 'strict'. Use one of: 'error', 'warn', 'off'.",
    );
    expect(() => parseConfig(inputs({ build: 'yes' }), {})).toThrow("Input 'build' is 'yes'. Use 'true' or 'false'.");
    expect(() => parseConfig(inputs({ profile: 'rel ease' }), {})).toThrow(InputError);
    expect(() => parseConfig(inputs({ 'baseline-threshold': 'lots' }), {})).toThrow(/Input 'baseline-threshold'/);
    expect(() => parseConfig(inputs({ 'cargo-args': '--release' }), {})).toThrow(/set 'profile: release'/);
    expect(() => parseConfig(inputs({ 'cargo-args': '--timings' }), {})).toThrow(/sets itself/);
    expect(() => parseConfig(inputs({ 'cache-key': 'a,b' }), {})).toThrow(/cache-key/);
  });
  it('reads compile-work as the workspace crates, all compiled crates, or off', () => {
    expect(parseConfig(inputs({}), {}).build.compileWork).toBe('members');
    expect(parseConfig(inputs({ 'compile-work': 'true' }), {}).build.compileWork).toBe('members');
    expect(parseConfig(inputs({ 'compile-work': 'all' }), {}).build.compileWork).toBe('all');
    expect(parseConfig(inputs({ 'compile-work': 'false' }), {}).build.compileWork).toBe(false);
    expect(() => parseConfig(inputs({ 'compile-work': 'deps' }), {})).toThrow(
      "Input 'compile-work' is 'deps'. Use 'true' (the workspace crates), 'all' (and the dependencies that are compiled) or 'false'.",
    );
  });
  it('parses thresholds as fractions', () => {
    expect(parseConfig(inputs({ threshold: '5%' }), {}).report.threshold).toBeCloseTo(0.05);
    expect(parseConfig(inputs({ threshold: '2.5' }), {}).report.threshold).toBeCloseTo(0.025);
  });
});

describe('splitArgs', () => {
  it('splits like a shell, keeping quoted words together', () => {
    expect(splitArgs(`--features "a b" --x='1 2' plain\\ word`, 'x')).toEqual([
      '--features',
      'a b',
      '--x=1 2',
      'plain word',
    ]);
    expect(splitArgs('  ', 'x')).toEqual([]);
    expect(splitArgs(`""`, 'x')).toEqual(['']);
  });
  it('reports an unclosed quote', () => {
    expect(() => splitArgs('"abc', 'cargo-args')).toThrow(`Input 'cargo-args' has an unclosed " quote`);
  });
});

describe('build-command and cargo-args', () => {
  it("puts the action's flags and cargo-args before a '--' in build-command, where cargo reads them", () => {
    const flags = ['--profile', 'dev'];
    const build = (command: string, cargoArgs = '') =>
      parseConfig(inputs({ 'build-command': command, 'cargo-args': cargoArgs }), {}).build;
    expect(buildArgs(build('cargo build', '--workspace'), flags)).toEqual(['build', '--profile', 'dev', '--workspace']);
    expect(buildArgs(build('cargo rustc -- -C opt-level=1', '--lib'), flags)).toEqual([
      'rustc',
      '--profile',
      'dev',
      '--lib',
      '--',
      '-C',
      'opt-level=1',
    ]);
    expect(buildArgs(build('cargo rustc', '--lib -- -C opt-level=1'), flags)).toEqual([
      'rustc',
      '--profile',
      'dev',
      '--lib',
      '--',
      '-C',
      'opt-level=1',
    ]);
  });
  it('refuses in build-command what the guard and the cache key read from cargo-args only', () => {
    for (const [command, option] of [
      ['cargo build --config build.rustflags=["-Ctarget-cpu=native"]', '--config'],
      ['cargo build --target x86_64-unknown-linux-musl', '--target'],
      ['cargo build --target-dir=/tmp/t', '--target-dir'],
    ]) {
      expect(() => parseConfig(inputs({ 'build-command': command! }), {})).toThrow(
        `Input 'build-command' contains '${option}', which the action reads from 'cargo-args' only (for the portable-flags guard, the cache key and the target directory). Move '${option}' and its value to 'cargo-args'.`,
      );
    }
    // After '--' they are rustc's, and --release there is not cargo's.
    expect(
      parseConfig(inputs({ 'build-command': 'cargo rustc -- --target x --release' }), {}).build.command,
    ).toHaveLength(6);
    expect(() =>
      parseConfig(inputs({ 'build-command': 'cargo rustc -- -Copt-level=1', 'cargo-args': '-- -Cdebuginfo=0' }), {}),
    ).toThrow(/Inputs 'build-command' and 'cargo-args' both contain '--'/);
  });
});

describe('inputs that contradict each other', () => {
  const warningsFor = (values: Record<string, string>) =>
    configWarnings(parseConfig(inputs(values), { RUNNER_TEMP: '/rt' }, '/w'));

  it('refuses a check that could never fire, naming both inputs and what to write instead', () => {
    expect(() => parseConfig(inputs({ build: 'false', 'fail-on-regression': 'true' }), {})).toThrow(
      "Input 'build' is false, so there is no timed build and no report, but 'fail-on-regression: true' asks to fail the step on what the report finds: that check would never run. Remove 'fail-on-regression: true', or set 'build: true'.",
    );
    expect(() => parseConfig(inputs({ build: 'false', 'fail-on-work-growth': '5' }), {})).toThrow(
      /'fail-on-work-growth'.*Remove 'fail-on-work-growth', or set 'build: true'/,
    );
    expect(() => parseConfig(inputs({ 'compile-work': 'false', 'fail-on-work-growth': '5' }), {})).toThrow(
      "Input 'fail-on-work-growth' fails the step when compile work grows, but 'compile-work' is false, so compile work is not measured and the check would never run. Remove 'fail-on-work-growth', or set 'compile-work: true'.",
    );
    expect(() => parseConfig(inputs({ build: 'false', 'fail-on-regression': 'false' }), {})).not.toThrow();
  });

  it('warns about inputs that have no effect, naming them and the input that makes them moot', () => {
    expect(
      warningsFor({
        build: 'false',
        comment: 'always',
        baseline: 'rebuild',
        'record-path': 'out/r.json',
        'compile-work': 'false',
      }),
    ).toEqual([
      "Input 'build' is false (no timed build, no report), so 'record-path', 'comment', 'baseline' have no effect. Remove them, or set 'build: true'.",
    ]);
    expect(warningsFor({ cache: 'false', 'cache-bin': 'true', 'cache-save': 'always', 'keep-fresh': 'false' })).toEqual(
      [
        "Input 'cache' is false (target/ is neither restored nor saved), so 'cache-save', 'cache-bin' have no effect. Remove them, or set 'cache: true'.",
      ],
    );
    expect(warningsFor({ 'cache-save': 'never', 'cache-save-scope': 'any' })).toEqual([
      "Input 'cache-save' is 'never', so 'cache-save-scope' has no effect. Remove it, or set 'cache-save: auto'.",
    ]);
    expect(warningsFor({ baseline: 'cache', 'baseline-confirm-budget': '5m', 'baseline-samples': '5' })).toEqual([
      "Input 'baseline' is 'cache' (the stored record only, no rebuilds), so 'baseline-samples', " +
        "'baseline-confirm-budget' have no effect. Remove them, or set 'baseline: auto' or 'baseline: rebuild'.",
    ]);
  });

  it('reads a renamed input under its old name, with a warning that says what to write instead', () => {
    // The runner fills the new name's default in when the workflow still writes the old name.
    const old = { 'confirm-budget': '5m', 'baseline-confirm-budget': '1x', threshold: '7' };
    const c = parseConfig(inputs(old), {});
    expect(c.report.confirmBudget).toEqual({ kind: 'seconds', value: 300 });
    expect(c.report.threshold).toBe(0.07);
    expect(configWarnings(c)).toEqual([
      "Input 'confirm-budget' is now called 'baseline-confirm-budget': write 'baseline-confirm-budget' instead " +
        "('confirm-budget' still works until the next major version).",
      "Input 'threshold' is now called 'baseline-threshold': write 'baseline-threshold' instead ('threshold' still " +
        'works until the next major version).',
    ]);
    expect(configWarnings(parseConfig(inputs({ 'baseline-confirm-budget': '5m' }), {}))).toEqual([]);
  });

  it('refuses an input given under both names with different values', () => {
    expect(() => parseConfig(inputs({ 'baseline-threshold': '5', threshold: '7' }), {})).toThrow(
      "Inputs 'baseline-threshold' and 'threshold' (its old name) are both given, with different values. " +
        "Keep 'baseline-threshold' only.",
    );
    expect(parseConfig(inputs({ 'baseline-threshold': '5', threshold: '5' }), {}).report.threshold).toBe(0.05);
  });

  it('the defaults, as the runner fills them in, contradict nothing', () => {
    const defaults = {
      'build-command': 'cargo build',
      build: 'true',
      cache: 'true',
      'cache-save': 'auto',
      'keep-fresh': 'true',
      'cache-bin': 'false',
      baseline: 'auto',
      'baseline-confirm-budget': '1x',
      'baseline-samples': '3',
    };
    expect(warningsFor(defaults)).toEqual([]);
    expect(warningsFor({ ...defaults, build: 'false', cache: 'false', 'keep-fresh': 'false' })).toEqual([]);
  });
});

describe('record-path and the scratch directory', () => {
  it("keeps scratch files in the action's own directory under RUNNER_TEMP, whatever record-path says", () => {
    const c = parseConfig(inputs({ 'record-path': 'build/record.json' }), {
      GITHUB_WORKSPACE: '/repo',
      RUNNER_TEMP: '/rt',
    });
    expect(c.build.recordPath).toBe('/repo/build/record.json');
    expect(c.build.scratchDir).toMatch(/^\/rt\/watchmaker\/scratch-[0-9a-f]{12}$/);
    expect(parseConfig(inputs({}), { RUNNER_TEMP: '/rt' }).build.recordPath).toBe('/rt/watchmaker/record-dev.json');
  });
});

describe('record-path on disk (readConfig)', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'wm-record-path-'));
  /** readConfig as the runner calls it: inputs as INPUT_* variables. */
  const read = (recordPath: string) => {
    process.env['INPUT_RECORD-PATH'] = recordPath;
    try {
      return readConfig({ GITHUB_WORKSPACE: dir, RUNNER_TEMP: path.join(dir, 'tmp') });
    } finally {
      delete process.env['INPUT_RECORD-PATH'];
    }
  };

  it('refuses to overwrite a file that is not a run record, or a directory, and leaves them as they were', () => {
    writeFileSync(path.join(dir, 'Cargo.toml'), '[package]\nname = "x"\n');
    expect(() => read('Cargo.toml')).toThrow(
      `Input 'record-path' is ${path.join(dir, 'Cargo.toml')}, which is a file that is not a Watchmaker run record; the action will not overwrite it. Name a new file (for example 'watchmaker-record.json'), or leave 'record-path' empty for $RUNNER_TEMP/watchmaker/.`,
    );
    expect(readFileSync(path.join(dir, 'Cargo.toml'), 'utf8')).toBe('[package]\nname = "x"\n');
    mkdirSync(path.join(dir, 'out.json'));
    expect(() => read('out.json')).toThrow(/which is a directory; the action will not overwrite it/);
  });

  it('accepts a new file, and an earlier run record at the same place', () => {
    expect(read('records/new.json').build.recordPath).toBe(path.join(dir, 'records/new.json'));
    writeFileSync(
      path.join(dir, 'records/old.json'),
      `${JSON.stringify({ schema: 'watchmaker/run-record', version: 4, crates: [] }, null, 2)}\n`,
    );
    expect(read('records/old.json').build.recordPath).toBe(path.join(dir, 'records/old.json'));
  });
});

describe("the local backend's default directory on every platform", () => {
  test("each platform's place for caches", () => {
    expect(defaultCacheDir({ XDG_CACHE_HOME: '/x' }, '/home/u', 'linux')).toBe('/x/watchmaker');
    expect(defaultCacheDir({}, '/home/u', 'linux')).toBe('/home/u/.cache/watchmaker');
    expect(defaultCacheDir({}, '/Users/u', 'darwin')).toBe('/Users/u/Library/Caches/watchmaker');
    expect(defaultCacheDir({ LOCALAPPDATA: 'C:\\Users\\u\\AppData\\Local' }, 'C:\\Users\\u', 'win32')).toBe(
      'C:\\Users\\u\\AppData\\Local\\watchmaker',
    );
    expect(defaultCacheDir({}, 'C:\\Users\\u', 'win32')).toBe('C:\\Users\\u\\AppData\\Local\\watchmaker');
  });
});
