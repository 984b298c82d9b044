// The step entry points run the step only when Node was started on them (as the runner does);
// a tool that imports them (GitHub's local-action) gets run() and calls it itself.
import * as cache from '@actions/cache';
import { mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { isCacheValidationError } from '../src/cache/github.js';
import { isEntryPoint } from '../src/steps/exit.js';
import { captureStdout } from './helpers/capture.js';

describe('isEntryPoint', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'wm-entry-'));
  const main = path.join(dir, 'main.js');
  writeFileSync(main, '');
  writeFileSync(path.join(dir, 'other.js'), '');
  symlinkSync(main, path.join(dir, 'link.js'));
  const url = pathToFileURL(main).href;

  test('the file Node was started on, as the runner names it, without .js, or through a link', () => {
    expect(isEntryPoint(url, main)).toBe(true);
    expect(isEntryPoint(url, path.join(dir, 'main'))).toBe(true);
    expect(isEntryPoint(url, path.join(dir, 'link.js'))).toBe(true);
    expect(isEntryPoint(url, path.relative(process.cwd(), main))).toBe(true);
  });

  test('imported by another program: not the entry point', () => {
    expect(isEntryPoint(url, path.join(dir, 'other.js'))).toBe(false);
    expect(isEntryPoint(url, path.join(dir, 'missing.js'))).toBe(false);
    expect(isEntryPoint(url, undefined)).toBe(false);
  });

  test('importing the entry points gives their run() and starts no step', async () => {
    const output = captureStdout();
    try {
      // One after the other: Jest's module registry does not link two graphs that share modules at once.
      const mainEntry = await import('../src/main.js');
      const postEntry = await import('../src/post.js');
      expect(typeof mainEntry.run).toBe('function');
      expect(typeof postEntry.run).toBe('function');
    } finally {
      output.restore();
    }
    expect(output.text()).toBe('');
  });
});

describe('isCacheValidationError', () => {
  test("the library's ValidationError, and nothing else", () => {
    expect(isCacheValidationError(new cache.ValidationError('Key Validation Error: a,b cannot contain commas.'))).toBe(
      true,
    );
    expect(isCacheValidationError(new Error('the cache service answered HTTP 503'))).toBe(false);
    expect(isCacheValidationError('not an error')).toBe(false);
  });
});
