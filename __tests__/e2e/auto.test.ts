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
  const cacheDir = mkdtempSync(path.join(os.tmpdir(), 'wm-auto-cache-'));
  const inputs = { 'cache-backend': 'local', 'cache-dir': cacheDir, comment: 'never' };

  beforeAll(async () => {
    // The default branch's push stores the baseline record.
    const push = new Job({ workspace, event: 'push', sha: baseSha, inputs });
    expect((await push.main()).exitCode).toBe(0);
    expect((await push.post()).exitCode).toBe(0);
  });

  const prJob = (sha: string) => {
    rmSync(path.join(workspace, 'target'), { recursive: true, force: true });
    return new Job({ workspace, event: 'pull_request', baseSha, sha, inputs });
  };

  test('the same code: never a regression or an improvement', async () => {
    const main = await prJob(baseSha).main();
    expect(main.exitCode).toBe(0);
    expect(['unchanged', 'inconclusive']).toContain(main.outputs.verdict);
    expect(main.summary).not.toMatch(/Verdict: (regression|improvement)/);
  });

  // Slower by seconds of CPU time: a suggested change must be material in seconds too (0.5 s) to be confirmed.
  test('a crate made much slower to compile: the cached comparison suggests it, a rebuild here confirms it', async () => {
    const headSha = growCoreLib(workspace, 6000);
    const main = await prJob(headSha).main();
    expect(main.exitCode).toBe(0);
    expect(main.stdout).toMatch(
      /the cached baseline suggested \+\d+\.\d%; confirming by rebuilding the base commit here \(3 samples per side/,
    );
    expect(main.outputs.verdict).toBe('regression');
    expect(main.outputs['verdict-reason']).toBe('');
    expect(main.summary).toMatch(
      /so the base commit was rebuilt here to confirm: base commit [0-9a-f]{7}, rebuilt here \d+× alternating with this commit, \d+ s/,
    );
    expect(main.summary).toMatch(/(twice the spread of|the smallest change) \d+ samples per side on this machine/);
    git(workspace, 'checkout', '-q', baseSha);
  });

  test('over the confirmation budget, a suggested change is inconclusive, never an unconfirmed regression', async () => {
    git(workspace, 'checkout', '-q', '-');
    const headSha = git(workspace, 'rev-parse', 'HEAD');
    rmSync(path.join(workspace, 'target'), { recursive: true, force: true });
    const main = await new Job({
      workspace,
      event: 'pull_request',
      baseSha,
      sha: headSha,
      inputs: { ...inputs, 'confirm-budget': '1s' },
    }).main();
    expect(main.exitCode).toBe(0);
    expect(main.outputs.verdict).toBe('inconclusive');
    expect(main.outputs['verdict-reason']).toMatch(/^(not-confirmed|too-few-samples|contention)$/);
    // The terminal report (plain text; the summary has the same, escaped for Markdown).
    expect(main.stdout).toMatch(/over the budget of 1 s \(confirm-budget\)/);
    expect(main.summary).toMatch(/What would make it conclusive: /);
  });
});
