// Failures on this runner while using the GitHub cache. @actions/cache writes its archive in
// RUNNER_TEMP and runs tar there, catches its own errors and reports them only as log lines (a
// failed save returns -1, a failed restore looks like a miss). Reading those lines tells a full
// disk or an unwritable directory from a broken service, so the warning names the real cause
// and the service is not written off for the rest of the step.
import { statfsSync } from 'node:fs';
import { formatBytes } from '../format.js';

/** Causes on this machine, most telling first: tar's own message is followed by the library's. */
const LOCAL_CAUSES: Array<[RegExp, string]> = [
  [/\bENOSPC\b|No space left on device|\bEDQUOT\b|Disk quota exceeded/i, 'the disk is full'],
  [
    /\bE(ACCES|PERM|ROFS)\b|Cannot \w+: Permission denied|Read-only file system/,
    'a directory there may not be written',
  ],
  [/\bENOTDIR\b|\bEISDIR\b|Cannot \w+: Not a directory/, 'a path there is not a directory'],
  // The library says `"/usr/bin/tar" failed with error: …` (the quoted path of tar).
  [/\btar"? failed with error\b|^zstd: .*\berror\b/im, 'tar failed on this runner'],
];

/**
 * The local cause in what the library printed (with the line that shows it), or null when nothing points at this
 * runner.
 */
export function localCause(output: string): string | null {
  for (const [pattern, cause] of LOCAL_CAUSES) {
    const line = output.split('\n').find((l) => pattern.test(l));
    if (line !== undefined)
      return `${cause}: ${line
        .replace(/^::\w+::/, '')
        .trim()
        .slice(0, 300)}`;
  }
  return null;
}

/** Where the library writes its archive, and how much room is left there. */
export function tempDirNote(env: NodeJS.ProcessEnv): string {
  const dir = env.RUNNER_TEMP || null;
  if (!dir) return 'RUNNER_TEMP is not set';
  try {
    const fs = statfsSync(dir);
    return `RUNNER_TEMP ${dir} has ${formatBytes(fs.bavail * fs.bsize)} free`;
  } catch (e) {
    return `RUNNER_TEMP ${dir} cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`;
  }
}

/** The warning text for a local failure: what failed, why, and that the service is not to blame. */
export function localFailureMessage(what: string, cause: string, env: NodeJS.ProcessEnv): string {
  return (
    `${what} on this runner: ${cause} (${tempDirNote(env)}). This is not a cache service failure: ` +
    'free disk space or point RUNNER_TEMP at a writable disk before this step'
  );
}

// A tee on stdout and stderr while at least one capture runs, feeding every capture in progress.
const sinks = new Set<{ text: string }>();
const KEEP = 64 * 1024;
let restoreStreams: (() => void) | null = null;

function installTee(): () => void {
  const undo = [process.stdout, process.stderr].map((stream) => {
    const previous = stream.write;
    const tee = function (this: unknown, ...args: unknown[]): boolean {
      const chunk = args[0];
      const text =
        typeof chunk === 'string' ? chunk : chunk instanceof Uint8Array ? Buffer.from(chunk).toString('utf8') : '';
      for (const sink of sinks) sink.text = (sink.text + text).slice(-KEEP);
      return (previous as (...a: unknown[]) => boolean).apply(stream, args);
    } as typeof stream.write;
    stream.write = tee;
    // Put the previous writer back only if nobody replaced the tee meanwhile.
    return () => {
      if (stream.write === tee) stream.write = previous;
    };
  });
  return () => undo.forEach((u) => u());
}

/** Runs a library call and returns what it printed (still printed as usual), with its result. */
export async function withOutput<T>(work: () => Promise<T>): Promise<{ value: T; output: string }> {
  restoreStreams ??= installTee();
  const sink = { text: '' };
  sinks.add(sink);
  try {
    return { value: await work(), output: sink.text };
  } finally {
    sinks.delete(sink);
    if (sinks.size === 0) {
      restoreStreams?.();
      restoreStreams = null;
    }
  }
}
