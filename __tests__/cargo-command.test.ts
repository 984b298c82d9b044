// The build command, read as cargo reads it: the flags the action adds for each, whether it
// compiles code, and the report's one line when it gives a capability nothing to use.
import { commandKind, commandNote, subcommandOf, timedBuildFlags, writesCode } from '../src/cargo-command.js';
import { localPackagesOf, parseCargoMessages } from '../src/timings/messages.js';

const words = (s: string) => s.split(' ');

describe('subcommandOf', () => {
  test.each([
    ['cargo build', ['build']],
    ['cargo +nightly clippy -- -D warnings', ['clippy']],
    ['cargo --locked --color never check', ['check']],
    ['cargo -Z unstable-options b', ['build']],
    ['cargo t --no-run', ['test']],
    ['cargo nextest archive --archive-file a.tar.zst', ['nextest', 'archive']],
    ['cargo', []],
    ['cargo -- build', []],
  ])('%s', (command, expected) => expect(subcommandOf(words(command))).toEqual(expected));
});

test("cargo's commands get the profile, timings and JSON messages; nextest its --cargo-profile and no messages", () => {
  expect(timedBuildFlags(words('cargo clippy -- -D warnings'), 'ci')).toEqual([
    '--profile',
    'ci',
    '--timings',
    '--message-format=json-render-diagnostics',
  ]);
  expect(timedBuildFlags(words('cargo nextest archive --archive-file a.tar.zst'), 'release')).toEqual([
    '--cargo-profile',
    'release',
    '--timings',
  ]);
});

test('check, clippy and doc compile no code, and the report says so in one line; build and test have no note', () => {
  for (const c of ['cargo check', 'cargo clippy -- -D warnings', 'cargo doc', 'cargo c']) {
    expect(writesCode(words(c))).toBe(false);
    expect(commandNote(words(c))).toMatch(/^'cargo (check|clippy|doc)' (checks|lints|documents) and compiles no code/);
  }
  for (const c of [
    'cargo build',
    'cargo test --no-run',
    'cargo rustc -- -C opt-level=1',
    'cargo hack build',
    'cargo',
  ]) {
    expect(writesCode(words(c))).toBe(true);
    expect(commandNote(words(c))).toBeNull();
  }
  // An unusual word is not looked up on an object's prototype.
  expect(writesCode(words('cargo constructor'))).toBe(true);
  expect(commandNote(words('cargo nextest archive'))).toBe(
    "'cargo nextest archive' keeps cargo's messages to itself: no artifacts are reported, so the cache keeps every restored unit.",
  );
});

describe('localPackagesOf: the crates that are yours', () => {
  const messages = parseCargoMessages(
    [
      '{"reason":"compiler-artifact","package_id":"path+file:///w/app#0.1.0","manifest_path":"/w/app/Cargo.toml","target":{"name":"app","kind":["bin"]},"filenames":["/w/target/debug/app"],"fresh":false}',
      '{"reason":"compiler-artifact","package_id":"path+file:///shared/util#shared-util@0.2.0","manifest_path":"/shared/util/Cargo.toml","target":{"name":"shared_util","kind":["lib"]},"filenames":[],"fresh":true}',
      '{"reason":"build-script-executed","package_id":"path+file:///w/gen#0.1.0","out_dir":"/w/target/debug/build/gen-1/out"}',
      '{"reason":"compiler-artifact","package_id":"registry+https://github.com/rust-lang/crates.io-index#memchr@2.7.4","target":{"name":"memchr","kind":["lib"]},"filenames":[],"fresh":true}',
      '{"reason":"compiler-artifact","package_id":"git+https://example.invalid/dep#abc@1.0.0","target":{"name":"abc","kind":["lib"]},"filenames":[],"fresh":true}',
    ].join('\n'),
  );

  test('path packages in the messages, members or not; never registry or git ones', () => {
    expect([...localPackagesOf(messages, [], new Set(['app']))].sort()).toEqual(['app', 'gen', 'shared-util']);
  });

  test('a known local package rustc ran for counts too (a unit that failed has no message); an unknown one does not', () => {
    expect([...localPackagesOf(messages, ['broken', 'memchr', 'zlib'], new Set(['app', 'broken']))].sort()).toEqual([
      'app',
      'broken',
      'gen',
      'shared-util',
    ]);
  });
});

describe('the cargo command in the cache key', () => {
  test('build keeps the key as it was; other subcommands get their own entries', () => {
    expect(commandKind(['cargo', 'build'])).toBeNull();
    expect(commandKind(['cargo', '+nightly', 'b'])).toBeNull();
    expect(commandKind(['cargo', 'clippy', '--', '-D', 'warnings'])).toBe('clippy');
    expect(commandKind(['cargo', 'nextest', 'archive'])).toBe('nextest-archive');
    expect(commandKind(['cargo', 'test', '--no-run'])).toBe('test');
  });
});
