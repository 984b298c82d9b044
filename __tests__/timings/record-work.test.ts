// The run record's compile work per crate: a crate whose object code could not be read is marked
// as not measured, with why, and the other crates keep their work; the record says which measure.
import { readRunContext } from '../../src/context.js';
import { emptyMessages } from '../../src/timings/messages.js';
import { buildRunRecord, type WrapperUnit } from '../../src/timings/assemble.js';
import { hostRustc } from '../helpers/run.js';

const unit = (pkg: string): WrapperUnit => ({
  crateName: pkg,
  crateTypes: ['lib'],
  test: false,
  package: pkg,
  version: '0.1.0',
  manifestDir: `/w/${pkg}`,
  start: 1000,
  end: 1001,
  user: 0.5,
  sys: 0.1,
  maxRssKiB: 1000,
  instructions: null,
  exit: 0,
});

test('an unreadable crate is workMissing: unreadable; the others keep their work', () => {
  const work = { bytes: 10, functions: 2, groups: [{ name: 'good::f', copies: 2, bytes: 10 }] };
  const record = buildRunRecord({
    profile: 'dev',
    flagsHash: 'f'.repeat(64),
    targetTriple: hostRustc.host,
    rustc: hostRustc,
    cargoVersion: null,
    context: readRunContext({}, null),
    commit: null,
    command: ['cargo', 'build'],
    exitCode: 0,
    wallSeconds: 2,
    startedAtMs: 1_000_000,
    wrapperUnits: [unit('good'), unit('evil')],
    perf: false,
    messages: emptyMessages(),
    timings: null,
    timingsHtml: null,
    workspaceMembers: new Set(['good', 'evil']),
    compileWork: new Map([['good@0.1.0', work]]),
    unreadableWork: new Set(['evil@0.1.0']),
  });
  const byName = Object.fromEntries(record.crates.map((c) => [c.crate, c]));
  expect(byName.good).toMatchObject({ work });
  expect(byName.good!.workMissing).toBeUndefined();
  expect(byName.evil).toMatchObject({ work: null, workMissing: 'unreadable' });
  expect(record.measurement.compileWork).toBe('machine-code');
});
