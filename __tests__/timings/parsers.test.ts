// The parsers on cargo 1.95's real output (shared/samples) and on older package-id forms.
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { criticalPath, parseTimingsHtml, unitKind } from '../../src/timings/html.js';
import { parseCargoMessages, parseCargoStderr, parsePackageId } from '../../src/timings/messages.js';

// Real cargo 1.95 output, copied from the team's shared samples.
const samples = path.resolve(process.cwd(), '__tests__/fixtures/cargo-1.95');
const sample = (name: string) => readFileSync(path.join(samples, name), 'utf8');

describe('parseTimingsHtml on cargo 1.95 reports', () => {
  test.each(readdirSync(samples).filter((f) => f.endsWith('.html')))('%s parses without warnings', (name) => {
    const report = parseTimingsHtml(sample(name));
    expect(report.warnings).toEqual([]);
    expect(report.units.length).toBe(35);
    expect(report.summary.totalUnits).toBe(35);
    expect(report.summary.totalSeconds).toBeGreaterThanOrEqual(0);
    expect(report.summary.rustc).toMatch(/^rustc 1\.95\.0/);
  });

  test('a clean build: every unit ran, fresh 0, the critical path ends at the binary', () => {
    const report = parseTimingsHtml(sample('dev-clean-build.cargo-timing.html'));
    expect(report.summary.profile).toBe('dev');
    expect(report.summary.freshUnits).toBe(0);
    expect(report.units.every((u) => u.ran)).toBe(true);
    expect(report.units.filter((u) => u.kind === 'build-script-run').length).toBeGreaterThan(0);
    const cp = criticalPath(report.units)!;
    expect(cp.units.at(-1)!.name).toBe('app');
    expect(cp.seconds).toBeGreaterThan(0);
    expect(cp.seconds).toBeLessThanOrEqual(report.summary.totalSeconds! + 0.5);
  });

  test('a no-op rebuild: 35 zero rows that did not run, no critical path', () => {
    const report = parseTimingsHtml(sample('dev-noop-rebuild.cargo-timing.html'));
    expect(report.units.filter((u) => u.ran)).toEqual([]);
    expect(report.summary.freshUnits).toBe(35);
    expect(criticalPath(report.units)).toBeNull();
  });

  test('an incremental rebuild: only the dirty units ran', () => {
    const report = parseTimingsHtml(sample('dev-incremental-rebuild.cargo-timing.html'));
    expect(report.units.filter((u) => u.ran).length).toBe(report.summary.dirtyUnits);
  });

  test('a failed build has the Error row', () => {
    const report = parseTimingsHtml(sample('dev-failed-build.cargo-timing.html'));
    expect(report.summary.error).toBe('1 job failed');
  });

  test('older formats: unlocked_* and rmeta_time (1.60–1.92), var declarations, no summary', () => {
    const html = [
      '<script>',
      'const UNIT_DATA = [',
      '  {"i": 0, "name": "a", "version": "0.1.0", "mode": "todo", "target": "", "start": 0.0, "duration": 1.5, "rmeta_time": 0.5, "unlocked_units": [], "unlocked_rmeta_units": [1]},',
      '  {"i": 1, "name": "b", "version": "0.1.0", "mode": "todo", "target": " bin \\"b\\"", "start": 0.5, "duration": 2.0, "rmeta_time": null, "unlocked_units": [], "unlocked_rmeta_units": []}',
      '];',
      'const CPU_USAGE = [];',
      '</script>',
    ].join('\n');
    const report = parseTimingsHtml(html);
    expect(report.units.map((u) => [u.name, u.kind, u.rmetaTime])).toEqual([
      ['a', 'lib', 0.5],
      ['b', 'bin', null],
    ]);
    expect(criticalPath(report.units)!.units.map((u) => u.name)).toEqual(['a', 'b']);
    expect(criticalPath(report.units)!.seconds).toBe(2.5);
    expect(report.warnings).toEqual(['no "Total time" in the timings summary']);
  });

  test('garbage in, warnings out', () => {
    expect(parseTimingsHtml('<html>not a report</html>').warnings).toContain(
      'no UNIT_DATA array found in the timings report',
    );
    expect(parseTimingsHtml('const UNIT_DATA = [\n{broken\n];').units).toEqual([]);
    // Malformed data is named as such, not as missing.
    expect(parseTimingsHtml('const UNIT_DATA = [\n{broken\n];').warnings).toEqual(
      expect.arrayContaining([expect.stringMatching(/^UNIT_DATA in the timings report is not valid JSON/)]),
    );
  });

  test('unit kinds across target spellings', () => {
    expect(unitKind('', 'todo')).toBe('lib');
    expect(unitKind(' build-script', 'todo')).toBe('build-script');
    expect(unitKind(' build script', 'todo')).toBe('build-script');
    expect(unitKind(' build-script (run)', 'run-custom-build')).toBe('build-script-run');
    expect(unitKind(' app "bin"', 'todo')).toBe('bin');
    expect(unitKind(' bin "app"', 'todo')).toBe('bin');
    expect(unitKind(' (test)', 'todo')).toBe('test');
  });
});

describe('parseCargoMessages', () => {
  test('the partial dev build: artifacts with mixed fresh, build-script runs, build-finished', () => {
    const m = parseCargoMessages(sample('message-format-json.dev-partial.jsonl'));
    expect(m.artifacts.length).toBe(26);
    expect(m.buildScripts.length).toBe(9);
    expect(m.artifacts.some((a) => a.fresh) && m.artifacts.some((a) => !a.fresh)).toBe(true);
    expect(m.finished).toBe(true);
    expect(m.otherLines).toEqual([]);
    const memchr = m.artifacts.find((a) => a.package.name === 'memchr' && a.targetKinds.includes('lib'))!;
    expect(memchr.package).toEqual({ name: 'memchr', version: '2.5.0', source: 'registry' });
  });

  test('non-JSON lines are kept for the log, not fatal', () => {
    const m = parseCargoMessages('hello\n{"reason":"build-finished","success":false}\n{not json');
    expect(m.finished).toBe(false);
    expect(m.otherLines).toEqual(['hello', '{not json']);
  });

  test.each([
    ['registry+https://example.invalid/index#memchr@2.5.0', { name: 'memchr', version: '2.5.0', source: 'registry' }],
    ['path+file:///src/ws/crates/utils#0.1.0', { name: 'utils', version: '0.1.0', source: 'path' }],
    ['path+file:///src/ws/crates/x#my-crate@0.2.0', { name: 'my-crate', version: '0.2.0', source: 'path' }],
    ['memchr 2.5.0 (registry+https://example.invalid/index)', { name: 'memchr', version: '2.5.0', source: 'registry' }],
    ['app 1.0.0 (path+file:///src/ws/app)', { name: 'app', version: '1.0.0', source: 'path' }],
  ])('package id %s', (id, expected) => {
    expect(parsePackageId(id)).toEqual(expected);
  });
});

test("cargo's first compiler error is kept with its crate; warnings are not errors", () => {
  const msg = (level: string, rendered: string) =>
    JSON.stringify({
      reason: 'compiler-message',
      package_id: 'path+file:///w/app#0.1.0',
      message: { level, message: 'm', rendered },
    });
  const parsed = parseCargoMessages(
    [msg('warning', 'warning: unused'), msg('error', 'error: first'), msg('error', 'error: second')].join('\n'),
  );
  expect(parsed.firstError).toEqual({ crate: 'app', text: 'error: first' });
});

test("cargo's stderr: the first error block rustc rendered, and the crate cargo gave up on", () => {
  const into = parseCargoMessages('');
  const stderr = [
    '   Compiling broken v0.1.0 (/w/broken)',
    'warning: unused variable: `y`',
    '',
    'error[E0308]: mismatched types',
    ' --> broken/src/lib.rs:1:26',
    '  |',
    '',
    'error[E0599]: the second one',
    '',
    'error: could not compile `broken` (lib) due to 2 previous errors',
  ];
  for (const line of stderr) parseCargoStderr(line, into);
  expect(into.firstError).toEqual({
    crate: 'broken',
    text: 'error[E0308]: mismatched types\n --> broken/src/lib.rs:1:26\n  |',
  });
});
