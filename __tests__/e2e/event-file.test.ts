// A runner's event file that is not JSON: @actions/github parses it while loading, so the bundle
// fails the main step with a message naming the file (not a stack) and the post step only warns.
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Job } from '../helpers/action-runner.js';
import { smallWorkspace } from '../helpers/fixtures.js';

test('a broken event file: main fails naming GITHUB_EVENT_PATH, post warns, neither prints a stack', async () => {
  const event = path.join(mkdtempSync(path.join(os.tmpdir(), 'wm-event-')), 'event.json');
  writeFileSync(event, '{ not json');
  const job = new Job({ workspace: smallWorkspace(), event: 'push', env: { GITHUB_EVENT_PATH: event } });
  const main = await job.main();
  expect(main.exitCode).toBe(1);
  const error = main.annotations.find((a) => a.level === 'error')?.message ?? '';
  expect(error).toMatch(
    new RegExp(
      `^Watchmaker could not start its main step: the event file GITHUB_EVENT_PATH \\(${event}\\) is not valid JSON`,
    ),
  );
  const post = await job.post();
  expect(post.exitCode).toBe(0);
  expect(post.annotations.map((a) => a.level)).toEqual(['warning']);
  expect(main.stdout + post.stdout).not.toMatch(/^\s+at /m);
});
