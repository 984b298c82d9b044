import { parseConfig, splitArgs, InputError } from '../src/config.js';

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
    expect(() => parseConfig(inputs({ guard: 'strict' }), {})).toThrow("Input 'guard' is 'strict'. Use one of: 'error', 'warn', 'off'.");
    expect(() => parseConfig(inputs({ build: 'yes' }), {})).toThrow("Input 'build' is 'yes'. Use 'true' or 'false'.");
    expect(() => parseConfig(inputs({ profile: 'rel ease' }), {})).toThrow(InputError);
    expect(() => parseConfig(inputs({ threshold: 'lots' }), {})).toThrow(/Input 'threshold'/);
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
    expect(splitArgs(`--features "a b" --x='1 2' plain\\ word`, 'x')).toEqual(['--features', 'a b', '--x=1 2', 'plain word']);
    expect(splitArgs('  ', 'x')).toEqual([]);
    expect(splitArgs(`""`, 'x')).toEqual(['']);
  });
  it('reports an unclosed quote', () => {
    expect(() => splitArgs('"abc', 'cargo-args')).toThrow(`Input 'cargo-args' has an unclosed " quote`);
  });
});
