// A directory lock for the local cache: mkdir is atomic, so one process at a time rewrites the
// index. A lock older than a minute belongs to a process that died and is taken over.
import { mkdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';

const STALE_MS = 60_000;
const WAIT_MS = 30_000;

const STILL_LOCKED = (dir: string, lock: string) =>
  `the local cache ${dir} stayed locked for ${WAIT_MS / 1000} s (${lock}); ` +
  'delete the lock if no other job is running';

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

export function withDirectoryLock<T>(dir: string, work: () => T): T {
  mkdirSync(dir, { recursive: true });
  const lock = path.join(dir, '.lock');
  const until = Date.now() + WAIT_MS;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const age = Date.now() - (statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > STALE_MS) rmSync(lock, { recursive: true, force: true });
      else if (Date.now() > until) throw new Error(STILL_LOCKED(dir, lock), { cause: e });
      else sleep(20 + Math.random() * 30);
    }
  }
  try {
    return work();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}
