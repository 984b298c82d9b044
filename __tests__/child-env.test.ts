// The environment of every child process that may run repository code: no INPUT_* (the
// github-token input), STATE_* or ACTIONS_* unless named in pass-env.
import { childEnv } from '../src/child-env.js';

const stepEnv: NodeJS.ProcessEnv = {
  PATH: '/usr/bin:/bin',
  HOME: '/home/runner',
  CARGO_HOME: '/home/runner/.cargo',
  RUSTFLAGS: '-Dwarnings',
  CI: 'true',
  GITHUB_WORKSPACE: '/home/runner/work/repo',
  GITHUB_OUTPUT: '/home/runner/_temp/output',
  RUNNER_TEMP: '/home/runner/_temp',
  'INPUT_GITHUB-TOKEN': 'ghs_secret',
  INPUT_PROFILE: 'dev',
  STATE_watchmaker: '{"cache":null}',
  ACTIONS_RUNTIME_TOKEN: 'runtime-secret',
  ACTIONS_RESULTS_URL: 'https://results.example/',
  ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'oidc-secret',
  ACTIONS_ID_TOKEN_REQUEST_URL: 'https://token.example/',
  input_lowercase: 'also private',
  Actions_Mixed: 'also private',
  MY_INPUT_DIR: '/keep',
  CARGO_ACTIONS_X: 'keep',
};

describe('childEnv', () => {
  test('drops INPUT_*, STATE_* and ACTIONS_* (any case) and keeps everything else', () => {
    const env = childEnv(stepEnv);
    expect(Object.keys(env).sort()).toEqual(
      [
        'CARGO_ACTIONS_X',
        'CARGO_HOME',
        'CI',
        'GITHUB_OUTPUT',
        'GITHUB_WORKSPACE',
        'HOME',
        'MY_INPUT_DIR',
        'PATH',
        'RUNNER_TEMP',
        'RUSTFLAGS',
      ].sort(),
    );
    expect(env.PATH).toBe('/usr/bin:/bin');
    expect(env.RUSTFLAGS).toBe('-Dwarnings');
    expect(Object.values(env)).not.toContain('ghs_secret');
  });

  test('pass-env lets exactly the named variables through', () => {
    const env = childEnv(stepEnv, ['ACTIONS_ID_TOKEN_REQUEST_TOKEN', 'ACTIONS_ID_TOKEN_REQUEST_URL']);
    expect(env.ACTIONS_ID_TOKEN_REQUEST_TOKEN).toBe('oidc-secret');
    expect(env.ACTIONS_ID_TOKEN_REQUEST_URL).toBe('https://token.example/');
    expect(env.ACTIONS_RUNTIME_TOKEN).toBeUndefined();
    expect(env['INPUT_GITHUB-TOKEN']).toBeUndefined();
    expect(env.STATE_watchmaker).toBeUndefined();
  });

  test('pass-env names are matched exactly (case matters)', () => {
    const env = childEnv(stepEnv, ['actions_runtime_token', 'INPUT_GITHUB_TOKEN']);
    expect(env.ACTIONS_RUNTIME_TOKEN).toBeUndefined();
    expect(env['INPUT_GITHUB-TOKEN']).toBeUndefined();
    expect(childEnv(stepEnv, ['INPUT_GITHUB-TOKEN'])['INPUT_GITHUB-TOKEN']).toBe('ghs_secret');
  });

  test('naming a variable that is not there adds nothing', () => {
    expect(childEnv({ PATH: '/bin' }, ['ACTIONS_ID_TOKEN_REQUEST_TOKEN'])).toEqual({ PATH: '/bin' });
  });

  test('undefined values are left out, empty ones kept', () => {
    expect(childEnv({ A: undefined, B: '', C: 'c' })).toEqual({ B: '', C: 'c' });
  });

  test('returns a new object and leaves the step environment alone', () => {
    const before = { ...stepEnv };
    const env = childEnv(stepEnv);
    env.PATH = '/changed';
    expect(stepEnv).toEqual(before);
    expect(childEnv({})).toEqual({});
  });
});
