// What the build command is, for what depends on it (pure): the flags that choose its profile and
// its JSON messages, and what it produces. `cargo check`, `cargo clippy` and `cargo doc` compile no
// code, so there is no compile work to measure; `cargo nextest` prints no cargo messages, so there
// are no artifacts to judge the cache by. The build itself is always exactly the command's.

/** Cargo's own aliases (user aliases from cargo config are not resolved: they count as building). */
const BUILTIN_ALIASES = new Map([
  ['b', 'build'],
  ['c', 'check'],
  ['d', 'doc'],
  ['t', 'test'],
  ['r', 'run'],
]);

/** Cargo options before the subcommand that take a value (`cargo --color never build`). */
const GLOBAL_WITH_VALUE = new Set(['--color', '-Z', '-C', '--config', '--explain']);

/** Subcommands that compile no code, and what they do instead. */
const NO_CODE = new Map([
  ['check', 'checks'],
  ['clippy', 'lints'],
  ['doc', 'documents'],
  ['rustdoc', 'documents'],
  ['fix', 'checks'],
]);
const NO_ARTIFACTS = (named: string) =>
  `'${named}' keeps cargo's messages to itself: no artifacts are reported, so the cache keeps every restored unit.`;

/**
 * The subcommand words: `cargo +nightly clippy -- -D warnings` → ['clippy'], `cargo nextest archive` → ['nextest',
 * 'archive'].
 */
export function subcommandOf(command: readonly string[]): string[] {
  const words: string[] = [];
  for (let i = 1; i < command.length && words.length < 2; i++) {
    const arg = command[i]!;
    if (arg === '--') break;
    if (GLOBAL_WITH_VALUE.has(arg)) i++;
    else if (!arg.startsWith('-') && !arg.startsWith('+')) {
      words.push(words.length === 0 ? (BUILTIN_ALIASES.get(arg) ?? arg) : arg);
      if (words[0] !== 'nextest') break;
    } else if (words.length) break;
  }
  return words;
}

/** `cargo nextest …`: it takes `--cargo-profile`, and keeps cargo's JSON messages to itself. */
export const isNextest = (command: readonly string[]) => subcommandOf(command)[0] === 'nextest';

/**
 * The action's own flags for the timed build: the profile, cargo's timings, and JSON messages where the command passes
 * them on.
 */
export function timedBuildFlags(command: readonly string[], profile: string): string[] {
  if (isNextest(command)) return ['--cargo-profile', profile, '--timings'];
  return ['--profile', profile, '--timings', '--message-format=json-render-diagnostics'];
}

/** False for commands that only check, lint or document: rustc writes no object code for the workspace. */
export const writesCode = (command: readonly string[]) => !NO_CODE.has(subcommandOf(command)[0] ?? '');

/** The subcommand for the cache key, or null for `cargo build` (keys stay as they were). */
export function commandKind(command: readonly string[]): string | null {
  const kind = subcommandOf(command)
    .join('-')
    .replace(/[^A-Za-z0-9_-]/g, '_');
  return kind === '' || kind === 'build' ? null : kind;
}

/** The subcommand as the report names it: `cargo check`, `cargo nextest archive`. */
const named = (command: readonly string[]) => ['cargo', ...subcommandOf(command)].join(' ');

/**
 * One line for the report and the log when the command gives a capability nothing to work with,
 * or null. Names only cargo's subcommand (never the user's arguments).
 */
export function commandNote(command: readonly string[]): string | null {
  const sub = subcommandOf(command)[0];
  if (sub === undefined) return null;
  const instead = NO_CODE.get(sub);
  if (instead) return `'${named(command)}' ${instead} and compiles no code: the times are its own.`;
  if (sub === 'nextest') return NO_ARTIFACTS(named(command));
  return null;
}
