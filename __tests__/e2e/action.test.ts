// End to end: dist/main.js and dist/post.js run as separate processes, as on a GitHub runner.
import { existsSync } from 'node:fs';
import { Job } from '../helpers/action-runner.js';
import { smallWorkspace } from '../helpers/fixtures.js';

describe('the bundled action on a fixture workspace', () => {
  test('main builds the workspace and writes outputs and the job summary; post runs after it', async () => {
    const workspace = smallWorkspace();
    const job = new Job({ workspace, event: 'push', inputs: { 'cache-backend': 'local', 'cache-dir': `${workspace}/../wm-cache-${Date.now()}` } });
    const main = await job.main();
    expect(main.exitCode).toBe(0);
    expect(main.stdout + main.stderr).toContain('Compiling tool');
    expect(Number(main.outputs['build-seconds'])).toBeGreaterThan(0);
    expect(main.summary).toContain('Watchmaker');
    expect(existsSync(`${workspace}/target/cargo-timings/cargo-timing.html`)).toBe(true);
    const post = await job.post();
    expect(post.exitCode).toBe(0);
  });

  test('a bad input fails the step with a message that says what to write instead', async () => {
    const job = new Job({ workspace: smallWorkspace(), inputs: { guard: 'strict' } });
    const main = await job.main();
    expect(main.exitCode).toBe(1);
    expect(main.annotations).toEqual([
      expect.objectContaining({ level: 'error', message: "Input 'guard' is 'strict'. Use one of: 'error', 'warn', 'off'." }),
    ]);
  });
});
