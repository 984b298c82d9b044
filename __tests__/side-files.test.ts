// Files written beside the run record never replace a user's file, and baseline records are
// scoped to their workspace like cache entries.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { workspaceIdentity } from '../src/key-scope.js';
import { baselineKeys } from '../src/report/store.js';
import { isCargoTimings, isWatchmakerReport, sideFilePath } from '../src/side-file.js';

describe('side files beside record-path', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'wm-side-'));
  const scratch = path.join(dir, 'scratch');

  test('a free name, or a file the action wrote before, is used as is', () => {
    expect(sideFilePath(path.join(dir, 'report-dev.md'), scratch, isWatchmakerReport)).toBe(
      path.join(dir, 'report-dev.md'),
    );
    writeFileSync(path.join(dir, 'report-dev.md'), '<!-- watchmaker-report job=x profile=dev variant= -->\n# old');
    expect(sideFilePath(path.join(dir, 'report-dev.md'), scratch, isWatchmakerReport)).toBe(
      path.join(dir, 'report-dev.md'),
    );
  });

  test("a user's file (or a directory) of that name is left alone: the scratch directory gets it", () => {
    writeFileSync(path.join(dir, 'cargo-timing-dev.html'), '<p>my own page</p>');
    expect(sideFilePath(path.join(dir, 'cargo-timing-dev.html'), scratch, isCargoTimings)).toBe(
      path.join(scratch, 'cargo-timing-dev.html'),
    );
    mkdirSync(path.join(dir, 'report-release.md'));
    expect(sideFilePath(path.join(dir, 'report-release.md'), scratch, isWatchmakerReport)).toBe(
      path.join(scratch, 'report-release.md'),
    );
  });
});

describe('baseline record keys', () => {
  const keys = (root: string) =>
    baselineKeys({
      prefix: 'watchmaker-v1',
      workspace: workspaceIdentity({ repository: 'o/r', checkout: '/w', root }).id,
      os: 'linux',
      arch: 'x64',
      profile: 'dev',
      variant: '',
      flagsHash: 'abc',
      commit: '0123456',
    });

  test("a crate and its fuzz/ workspace never read each other's records", () => {
    const [crate, fuzz] = [keys('/w'), keys('/w/fuzz')];
    expect(crate.restorePrefix).not.toBe(fuzz.restorePrefix);
    expect(fuzz.key.startsWith(crate.restorePrefix)).toBe(false);
    expect(crate.key.startsWith(fuzz.restorePrefix)).toBe(false);
    expect(crate.key.startsWith(crate.restorePrefix)).toBe(true);
  });
});
