// What @actions/cache prints when it fails, read for a cause on this runner: a full disk, a
// directory that may not be written, tar failing. Service answers are never taken for those.
import { localCause, localFailureMessage } from '../../src/cache/local-cause.js';

describe('localCause', () => {
  test.each([
    [
      'tar on a full disk (its own stderr)',
      'tar: cache.tzst: Cannot write: No space left on device\n',
      /^the disk is full: tar: cache\.tzst: Cannot write: No space left on device$/,
    ],
    [
      'a download into a full RUNNER_TEMP',
      '::warning::Failed to restore: ENOSPC: no space left on device, write\n',
      /^the disk is full: Failed to restore: ENOSPC/,
    ],
    ['a quota', 'tar: x: Cannot write: Disk quota exceeded\n', /^the disk is full/],
    [
      'an unwritable temp directory',
      "::warning::Failed to save: EACCES: permission denied, mkdir '/runner/_temp/1234'\n",
      /^a directory there may not be written: Failed to save: EACCES/,
    ],
    [
      'tar cannot open a member',
      'tar: /w/target/debug/x: Cannot open: Permission denied\n',
      /^a directory there may not be written/,
    ],
    [
      'a read-only file system',
      'tar: cache.tzst: Cannot open: Read-only file system\n',
      /^a directory there may not be written/,
    ],
    ['RUNNER_TEMP is a file', "ENOTDIR: not a directory, mkdir '/tmp/file/uuid'", /^a path there is not a directory/],
    [
      'tar failing with nothing else said',
      `[command]/usr/bin/tar --posix -cf cache.tzst -P -C /w --files-from manifest.txt --use-compress-program zstdmt\n::warning::Failed to save: "/usr/bin/tar" failed with error: The process '/usr/bin/tar' failed with exit code 2\n`,
      /^tar failed on this runner: Failed to save: "\/usr\/bin\/tar" failed with error/,
    ],
  ])('%s', (_what, output, expected) => {
    expect(localCause(output)).toMatch(expected);
  });

  test.each([
    ['a 5xx from the service', '::error::Failed to save: Cache service responded with 503\n'],
    [
      'another job reserving the key',
      'Failed to save: Unable to reserve cache with key k, another job may be creating this cache.\n',
    ],
    [
      'a write denied by policy',
      '::warning::Failed to save: Unable to reserve cache with key k. More details: cache write denied: permission denied for this ref\n',
    ],
    [
      'a read denied by the service',
      '::warning::Failed to restore: Cache service responded with 403: Permission denied\n',
    ],
    ['a connection refused', '::warning::Failed to restore: connect ECONNREFUSED 127.0.0.1:9\n'],
    ['a normal run', 'Cache Size: ~3 MB (3145728 B)\nCache saved successfully\n'],
  ])('%s is not a local cause', (_what, output) => {
    expect(localCause(output)).toBeNull();
  });

  test('the message says what failed, why, where, and that the service is not to blame', () => {
    const message = localFailureMessage(
      'the cache archive could not be written',
      'the disk is full: tar: x: Cannot write: No space left on device',
      { RUNNER_TEMP: '/' },
    );
    expect(message).toMatch(
      /^the cache archive could not be written on this runner: the disk is full: tar: x: Cannot write: No space left on device \(RUNNER_TEMP \/ has [\d.]+ (B|KiB|MiB|GiB|TiB) free\)\. This is not a cache service failure/,
    );
    expect(localFailureMessage('x', 'y', {})).toContain('(RUNNER_TEMP is not set)');
    expect(localFailureMessage('x', 'y', { RUNNER_TEMP: '/no/such/dir' })).toContain(
      '(RUNNER_TEMP /no/such/dir cannot be read (ENOENT))',
    );
  });
});
