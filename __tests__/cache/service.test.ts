// Which cache service the real @actions/cache reaches, by its own rules: its feature check, and
// the protocol it speaks, never v2 on GHES. These pin the library's rule, so an upgrade that
// changes it fails here rather than in a job.
import { serviceAvailable, serviceUrl, serviceVersion } from '../../src/cache/service.js';

const V2 = { ACTIONS_CACHE_SERVICE_V2: 'true', ACTIONS_RESULTS_URL: 'http://results.test/' };
const TOKEN = { ACTIONS_RUNTIME_TOKEN: 'runtime-token' };
const GHES = 'https://github.corp.test';

test.each([
  ['github.com', 'v2', 'https://github.com'],
  ['no server URL (github.com)', 'v2', undefined],
  ['GHE.com data residency', 'v2', 'https://octo.ghe.com'],
  ['a *.localhost server', 'v2', 'http://api.github.localhost'],
  ['GHES', 'v1', GHES],
  ['GHES on an address', 'v1', 'http://10.0.0.7:8080'],
] as const)('with ACTIONS_CACHE_SERVICE_V2 on %s the library speaks %s', (_where, version, serverUrl) => {
  const env = { ...V2, ...(serverUrl ? { GITHUB_SERVER_URL: serverUrl } : {}) };
  expect(serviceVersion(env)).toBe(version);
});

test('without ACTIONS_CACHE_SERVICE_V2 the library speaks v1 everywhere', () => {
  expect(serviceVersion({ ACTIONS_RESULTS_URL: 'http://results.test/' })).toBe('v1');
  expect(serviceVersion({ ACTIONS_RESULTS_URL: 'http://results.test/', GITHUB_SERVER_URL: 'https://github.com' })).toBe(
    'v1',
  );
});

test('v1 goes to ACTIONS_CACHE_URL, else to the results URL, as the library sends it', () => {
  expect(serviceUrl({ ...V2, ACTIONS_CACHE_URL: 'http://cache.test/' }, 'v1')).toBe('http://cache.test/');
  expect(serviceUrl(V2, 'v1')).toBe('http://results.test/');
  expect(serviceUrl({ ...V2, ACTIONS_CACHE_URL: 'http://cache.test/' }, 'v2')).toBe('http://results.test/');
  expect(serviceUrl({}, 'v1')).toBeNull();
});

test.each([
  ['a runner with cache service v2', true, { ...TOKEN, ...V2 }],
  ['no runtime token', false, V2],
  ['v2 asked for but no results URL', false, { ...TOKEN, ACTIONS_CACHE_SERVICE_V2: 'true' }],
  ['v1 (no v2 flag) with only the results URL', false, { ...TOKEN, ACTIONS_RESULTS_URL: 'http://results.test/' }],
  ['v1 with its cache URL', true, { ...TOKEN, ACTIONS_CACHE_URL: 'http://cache.test/' }],
  ['GHES with only the results URL (v2 refused there)', false, { ...TOKEN, ...V2, GITHUB_SERVER_URL: GHES }],
  [
    'GHES with its cache URL',
    true,
    { ...TOKEN, ...V2, GITHUB_SERVER_URL: GHES, ACTIONS_CACHE_URL: 'http://cache.test/' },
  ],
] as const)('the library’s check: %s → available %s', (_what, available, env) => {
  expect(serviceAvailable(env)).toBe(available);
});

test('the environment passed in is the one checked, not the test process’s own', () => {
  const saved = { ...process.env };
  Object.assign(process.env, TOKEN, V2);
  try {
    expect(serviceAvailable({})).toBe(false);
    expect(serviceVersion({ GITHUB_SERVER_URL: 'https://github.com' })).toBe('v1');
  } finally {
    process.env = saved;
  }
});
