// The guard's shell on real directories: config discovery up the tree and in CARGO_HOME,
// legacy files, includes, bad TOML, and the annotations a user sees.
import path from 'node:path';
import { discoverCargoConfigFiles, loadCargoConfig, findKeyLine, CargoConfigError } from '../../src/cargo-config.js';
import { parseConfig, type Config } from '../../src/config.js';
import { runGuard } from '../../src/guard/index.js';
import { parseRustcVersion } from '../../src/toolchain.js';
import { execFileSync } from 'node:child_process';
import { writeTree } from '../helpers/fixtures.js';
import { captureStdout, type CapturedOutput } from '../helpers/capture.js';

const rustc = parseRustcVersion(execFileSync('rustc', ['-vV'], { encoding: 'utf8' }));
const configFor = (dir: string, inputs: Record<string, string> = {}, env: NodeJS.ProcessEnv = {}): Config =>
  parseConfig((n) => inputs[n] ?? '', { CI: 'true', ...env }, dir);

describe('config discovery', () => {
  const tree = writeTree({
    '.cargo/config.toml': '[build]\nrustflags = ["--cfg=top"]\n',
    'ws/.cargo/config': '[build]\nrustflags = ["--cfg=legacy"]\n',
    'ws/.cargo/config.toml': '[build]\nrustflags = ["--cfg=ignored"]\n',
    'ws/crate/src/lib.rs': '',
    'home/config.toml': '[build]\nrustflags = ["--cfg=home"]\n',
  });
  const env = { CARGO_HOME: path.join(tree, 'home') };

  test('the working directory first, then every parent, then CARGO_HOME; legacy config wins in its directory', () => {
    const files = discoverCargoConfigFiles(path.join(tree, 'ws/crate'), env);
    expect(files.slice(0, 2)).toEqual([path.join(tree, 'ws/.cargo/config'), path.join(tree, '.cargo/config.toml')]);
    expect(files.at(-1)).toBe(path.join(tree, 'home/config.toml'));
  });

  test('includes rank just below the file that includes them', () => {
    const t = writeTree({
      '.cargo/config.toml': 'include = ["extra.toml"]\n[build]\nrustflags = ["--cfg=main"]\n',
      '.cargo/extra.toml': '[build]\nrustflags = ["--cfg=included"]\n',
    });
    const files = loadCargoConfig(t, { CARGO_HOME: path.join(t, 'nohome') });
    expect(files.map((f) => path.basename(f.path))).toEqual(['config.toml', 'extra.toml']);
  });

  test('a file that is not TOML is an error naming the file and line', () => {
    const t = writeTree({ '.cargo/config.toml': '[build]\ntarget-dir = "x"\nrustflags = ["-C", \n' });
    let error: unknown;
    try {
      loadCargoConfig(t, { CARGO_HOME: path.join(t, 'nohome') });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CargoConfigError);
    expect((error as CargoConfigError).file).toBe(path.join(t, '.cargo/config.toml'));
    expect((error as CargoConfigError).line).toBeGreaterThanOrEqual(3);
    expect((error as Error).message).toMatch(/config\.toml line \d+ is not valid TOML/);
  });

  test('findKeyLine understands tables, dotted keys, quoted cfg keys and inline tables', () => {
    const text = [
      '# c',
      'build.rustflags = ["a"]',
      "[target.'cfg(unix)']",
      'rustflags = ["b"]',
      '[profile]',
      'release = { lto = true }',
    ].join('\n');
    expect(findKeyLine(text, ['build', 'rustflags'])).toBe(2);
    expect(findKeyLine(text, ['target', 'cfg(unix)', 'rustflags'])).toBe(4);
    expect(findKeyLine(text, ['profile', 'release', 'lto'])).toBe(6);
    expect(findKeyLine(text, ['build', 'target'])).toBeNull();
  });
});

/** runGuard with the part of a Run it needs, cargo's config read as prepareRun reads it. */
const guardWith = (config: Config, env: NodeJS.ProcessEnv) =>
  runGuard({ config, env, rustc, cargoConfig: loadCargoConfig(config.workingDirectory, env, config.build.cargoArgs) });

describe('runGuard', () => {
  let out: CapturedOutput;
  const errors = () => out.annotations().filter((a) => a.level === 'error');
  const warnings = () => out.annotations().filter((a) => a.level === 'warning');
  beforeEach(() => {
    out = captureStdout();
  });
  afterEach(() => out.restore());

  test('native in a parent directory config fails in CI with an error at the file and line', async () => {
    const t = writeTree({
      '.cargo/config.toml': '[net]\noffline = true\n[build]\nrustflags = ["-C", "target-cpu=native"]\n',
      'ws/Cargo.toml': '',
    });
    const env = { PATH: process.env.PATH, CI: 'true', CARGO_HOME: path.join(t, 'nohome'), GITHUB_WORKSPACE: t };
    const result = await guardWith(configFor(path.join(t, 'ws'), {}, env), env);
    expect(result.failed).toBe(true);
    expect(errors()).toEqual([
      expect.objectContaining({
        message: expect.stringContaining('target-cpu=native'),
        properties: expect.objectContaining({ file: '.cargo/config.toml', line: '4' }),
      }),
    ]);
    expect(out.text()).toContain('flags: -C target-cpu=native');
  });

  test('native in CARGO_HOME counts too', async () => {
    const t = writeTree({
      'home/config.toml': '[target.x86_64-unknown-linux-gnu]\nrustflags = ["-Ctarget-cpu=native"]\n',
      'ws/Cargo.toml': '',
    });
    const env = { PATH: process.env.PATH, CI: 'true', CARGO_HOME: path.join(t, 'home') };
    const result = await guardWith(configFor(path.join(t, 'ws'), {}, env), env);
    expect(result.failed).toBe(true);
    expect(result.effective.source).toBe('target.x86_64-unknown-linux-gnu.rustflags');
  });

  test('warn mode and non-CI runs only warn; off reports nothing but still hashes the flags', async () => {
    const t = writeTree({ 'Cargo.toml': '' });
    const env = { PATH: process.env.PATH, RUSTFLAGS: '-Ctarget-cpu=native', CARGO_HOME: path.join(t, 'nohome') };
    const warn = await guardWith(configFor(t, { guard: 'warn' }, { CI: 'true' }), env);
    expect(warn.failed).toBe(false);
    expect(warnings()).toEqual([
      expect.objectContaining({ message: expect.stringContaining('RUSTFLAGS environment variable') }),
    ]);
    expect(errors()).toEqual([]);
    const local = await guardWith(
      parseConfig(() => '', {}, t),
      env,
    );
    expect(local.mode).toBe('warn');
    expect(local.failed).toBe(false);
    expect(warnings()).toHaveLength(2);
    expect(errors()).toEqual([]);
    const before = warnings().length;
    const off = await guardWith(configFor(t, { guard: 'off' }), env);
    expect(off.findings).toEqual([]);
    expect(warnings().length).toBe(before);
    expect(off.hash).toBe(warn.hash);
  });

  test('unrelated environment does not change the hash; flags from config files do', async () => {
    const t = writeTree({ 'Cargo.toml': '' });
    const home = { PATH: process.env.PATH, CARGO_HOME: path.join(t, 'nohome') };
    const a = await guardWith(configFor(t), { ...home, CARGO_TERM_COLOR: 'always' });
    const b = await guardWith(configFor(t), { ...home, RUST_BACKTRACE: '1' });
    expect(a.hash).toBe(b.hash);
    const t2 = writeTree({ 'Cargo.toml': '', '.cargo/config.toml': '[build]\nrustflags = ["-Cdebuginfo=0"]\n' });
    const c = await guardWith(configFor(t2), home);
    expect(c.hash).not.toBe(a.hash);
  });
});

// `cargo rustc -- <args>` hands the args to rustc for the final target (before RUSTFLAGS, which
// cargo adds after them): as binding as RUSTFLAGS for that target, and part of what it compiles.
describe('arguments after the -- of cargo rustc', () => {
  let out: CapturedOutput;
  const errors = () => out.annotations().filter((a) => a.level === 'error');
  beforeEach(() => {
    out = captureStdout();
  });
  afterEach(() => out.restore());
  const tree = () => writeTree({ 'Cargo.toml': '' });
  const envFor = (t: string, extra: NodeJS.ProcessEnv = {}) => ({
    PATH: process.env.PATH,
    CI: 'true',
    CARGO_HOME: path.join(t, 'nohome'),
    GITHUB_WORKSPACE: t,
    ...extra,
  });

  test.each([
    [{ 'build-command': 'cargo rustc -- -C target-cpu=native' }, "'build-command'", '-C target-cpu=native'],
    [
      { 'build-command': 'cargo rustc', 'cargo-args': '--lib -- -Ctarget-cpu=native' },
      "'cargo-args'",
      '-Ctarget-cpu=native',
    ],
    [
      { 'build-command': 'cargo +stable --locked rustc --lib -- --codegen target-cpu=native' },
      "'build-command'",
      '--codegen target-cpu=native',
    ],
  ])('%j fails in CI with an error naming the input', async (inputs, input, written) => {
    const t = tree();
    const result = await guardWith(configFor(t, inputs), envFor(t));
    expect(result.failed).toBe(true);
    expect(errors()).toEqual([
      expect.objectContaining({
        message: expect.stringContaining(
          `\`${written}\` (from ${input} (after the -- of cargo rustc)) compiles for this runner's CPU`,
        ),
      }),
    ]);
    expect(out.text()).toContain(`rustc arguments (cargo rustc, final target only): ${written}`);
  });

  test('an alias that expands to rustc with native is caught at its file and line; an alias named like a built-in is ignored, as cargo ignores it', async () => {
    const t = writeTree({
      'Cargo.toml': '',
      '.cargo/config.toml':
        '[alias]\nbuild = "rustc -- -Ctarget-cpu=native"\nfast = "native --lib"\nnative = ["rustc", "--", "-C", "target-cpu=native"]\n',
    });
    const viaAlias = await guardWith(configFor(t, { 'build-command': 'cargo fast' }), envFor(t));
    expect(viaAlias.failed).toBe(true);
    expect(errors()).toEqual([
      expect.objectContaining({
        message: expect.stringContaining('(from alias.native in '),
        properties: expect.objectContaining({ file: '.cargo/config.toml', line: '4' }),
      }),
    ]);
    const builtin = await guardWith(configFor(t), envFor(t));
    expect(builtin.failed).toBe(false);
    expect(builtin.rustcArgs).toEqual([]);
  });

  test("a later target-cpu in RUSTFLAGS wins over the rustc arguments (cargo passes RUSTFLAGS after them); other subcommands' -- is not rustc's", async () => {
    const t = tree();
    const overridden = await guardWith(
      configFor(t, { 'build-command': 'cargo rustc -- -C target-cpu=native' }),
      envFor(t, { RUSTFLAGS: '-Ctarget-cpu=x86-64' }),
    );
    expect(overridden.failed).toBe(false);
    const tests = await guardWith(
      configFor(t, { 'build-command': 'cargo test --no-run -- -C target-cpu=native' }),
      envFor(t),
    );
    expect(tests.rustcArgs).toEqual([]);
    expect(tests.failed).toBe(false);
    expect(errors()).toEqual([]);
  });

  test('the rustc arguments are part of the flags hash (the cache key); none leaves the hash of a plain build', async () => {
    const t = tree();
    const env = envFor(t);
    const plain = await guardWith(configFor(t, { guard: 'off' }), env);
    expect((await guardWith(configFor(t, { guard: 'off', 'build-command': 'cargo rustc' }), env)).hash).toBe(
      plain.hash,
    );
    const native = await guardWith(
      configFor(t, { guard: 'off', 'build-command': 'cargo rustc -- -C target-cpu=native' }),
      env,
    );
    const opt = await guardWith(configFor(t, { guard: 'off', 'build-command': 'cargo rustc -- -C opt-level=1' }), env);
    expect(new Set([plain.hash, native.hash, opt.hash]).size).toBe(3);
  });
});
