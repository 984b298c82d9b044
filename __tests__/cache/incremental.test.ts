// Incremental compilation in CI: off, by cargo itself from 1.99 when CI is set, else by the
// CARGO_INCREMENTAL=0 the main step exports for its build and later steps; never over the user's.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { incrementalExport, turnIncrementalOff } from '../../src/cache/incremental.js';
import { captureStdout } from '../helpers/capture.js';

const EXPORTED = 'Incremental compilation: off (the action set CARGO_INCREMENTAL=0 for this and later steps).';

test.each([
  ['cargo before 1.99 in CI', { CI: 'true' }, '1.98.0', { exportZero: true, message: EXPORTED }],
  ['cargo before 1.99 outside CI', {}, '1.75.0', { exportZero: true, message: EXPORTED }],
  ['cargo 1.99 outside CI', {}, '1.99.0', { exportZero: true, message: EXPORTED }],
  [
    'cargo 1.99 in CI',
    { CI: 'true' },
    '1.99.0-nightly',
    {
      exportZero: false,
      message: 'Incremental compilation: off (cargo 1.99.0-nightly turns it off itself when CI is set).',
    },
  ],
  ['the user set it (even to 1)', { CI: 'true', CARGO_INCREMENTAL: '1' }, '1.80.0', null],
  ['the user set it empty', { CARGO_INCREMENTAL: '' }, '1.80.0', null],
] as const)('%s', (_what, env, release, decision) => {
  expect(incrementalExport(env, release)).toEqual(decision);
});

test('the variable reaches later steps (GITHUB_ENV) and this step, with one log line', () => {
  const envFile = path.join(mkdtempSync(path.join(os.tmpdir(), 'wm-incremental-')), 'env');
  writeFileSync(envFile, '');
  const saved = { ...process.env };
  process.env.GITHUB_ENV = envFile;
  delete process.env.CARGO_INCREMENTAL;
  const out = captureStdout();
  try {
    turnIncrementalOff({}, '1.80.0');
    expect(process.env.CARGO_INCREMENTAL).toBe('0');
  } finally {
    out.restore();
    process.env = saved;
  }
  expect(readFileSync(envFile, 'utf8')).toMatch(/^CARGO_INCREMENTAL<<ghadelimiter_[\w-]+\n0\nghadelimiter_[\w-]+\n$/);
  expect(out.text()).toBe(`${EXPORTED}\n`);
});
