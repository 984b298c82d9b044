// Text from the repository (flags, paths, crate names, cargo's output) must never become a
// workflow command in the log. The runner reads a line as a command when it starts with `::`;
// logText keeps such text on one line and breaks a leading `::`, and stopCommands brackets a
// stream (cargo's output) so the runner ignores commands inside it.
import * as core from '@actions/core';
import { randomBytes } from 'node:crypto';

/**
 * One inert log line: line breaks shown as ⏎, no `::` command at its start, and no legacy
 * `##[command]` anywhere in it (the runner still reads those in the middle of a line).
 */
export function logText(text: string): string {
  return text
    .replace(/\r\n|\r|\n/g, ' ⏎ ')
    .replace(/^(\s*):/, '$1\u200b:')
    .replace(/##\[/g, '##\u200b[');
}

/**
 * Stops the runner's command processing until the returned function is called (GitHub's
 * `::stop-commands::<token>`; the token is random, so the stream cannot guess it).
 */
export function stopCommands(): () => void {
  const token = `watchmaker-${randomBytes(16).toString('hex')}`;
  core.info(`::stop-commands::${token}`);
  return () => core.info(`::${token}::`);
}
