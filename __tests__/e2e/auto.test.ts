// End to end, baseline: auto (the default): the pull request compares with the record the
// default branch stored; only when that suggests a change is the base commit rebuilt here to
// confirm it. A real slowdown is confirmed; the same code is never called a change.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Job } from '../helpers/action-runner.js';
import { git, gitInit, growCoreLib, smallWorkspace } from '../helpers/fixtures.js';

describe('baseline: auto', () => {
  const workspace = smallWorkspace();
  const baseSha = gitInit(workspace);
  // The pull request's commit, made once here so that no test depends on another's checkout.
  const headSha = growCoreLib(workspace, 6000);
  git(workspace, 'checkout', '-q', baseSha);
  const cacheDir = mkdtempSync(path.join(os.tmpdir(), 'wm-auto-cache-'));
  const inputs = { 'cache-backend': 'local', 'cache-dir': cacheDir, comment: 'never' };

  beforeAll(async () => {
    // The default branch's push stores the baseline record.
    const push = new Job({ workspace, event: 'push', sha: baseSha, inputs });
    expect((await push.main()).exitCode).toBe(0);
    expect((await push.post()).exitCode).toBe(0);
  });

  /** A pull request job on `sha`, checked out, with a cold target/ (as on a fresh runner without the cache). */
  const prJob = (sha: string, extra: Record<string, string> = {}) => {
    git(workspace, 'checkout', '-q', sha);
    rmSync(path.join(workspace, 'target'), { recursive: true, force: true });
    return new Job({ workspace, event: 'pull_request', baseSha, sha, inputs: { ...inputs, ...extra } });
  };

  test("the same code: every input is the baseline's, so unchanged, exactly, without a rebuild", async () => {
    const main = await prJob(baseSha).main();
    expect(main.exitCode).toBe(0);
    expect(main.outputs.verdict).toBe('unchanged');
    expect(main.stdout).not.toMatch(/confirming by rebuilding/);
  });

  // The path taken, not the measured outcome: a slowdown of seconds of CPU (6000 functions; a suggestion
  // must be material, 0.5 s, to be confirmed) makes the cached comparison suggest a change, and the base
  // commit is rebuilt here. What the samples then support is the verdict machinery's (unit-tested with
  // controlled samples in __tests__/report/); here the outputs and the summary must agree with each other.
  test('a crate made much slower to compile: the cached comparison suggests it, a rebuild here decides', async () => {
    const main = await prJob(headSha).main();
    expect(main.exitCode).toBe(0);
    expect(main.stdout).toMatch(
      /the cached baseline suggested \+\d+\.\d%; confirming by rebuilding the base commit here \(3 samples per side/,
    );
    expect(main.summary).toMatch(
      /so the base commit was rebuilt here to confirm: base commit [0-9a-f]{7}, rebuilt here \d+× alternating with this commit, \d+ s/,
    );
    expect(main.summary).toMatch(/\d+ samples per side on this machine/);
    expect(main.summary).toContain(`Verdict: ${main.outputs.verdict}`);
  });

  test('over the confirmation budget, a suggested change is inconclusive, never an unconfirmed regression', async () => {
    const main = await prJob(headSha, { 'baseline-confirm-budget': '1s' }).main();
    expect(main.exitCode).toBe(0);
    expect(main.outputs.verdict).toBe('inconclusive');
    // One cached sample per side and no noise learned from history (one push): too few samples for any claim.
    expect(main.outputs['verdict-reason']).toBe('too-few-samples');
    // The terminal report (plain text; the summary has the same, escaped for Markdown).
    expect(main.stdout).toMatch(/over the budget of 1 s \(baseline-confirm-budget\)/);
    expect(main.summary).toMatch(/What would make it conclusive: /);
  });
});
