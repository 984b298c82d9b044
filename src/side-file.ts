// Files the action writes beside the run record (the Markdown report, the timings copy). The
// record's directory may be the user's own (record-path): a file already there that the action
// did not write is never overwritten; the side file goes to the action's scratch directory.
import { closeSync, existsSync, openSync, readSync } from 'node:fs';
import path from 'node:path';

/** The first bytes of a file, as text (enough to recognise what wrote it). */
function head(file: string): string {
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.alloc(4096);
    return buf.subarray(0, readSync(fd, buf, 0, buf.length, 0)).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

/** `preferred`, unless a file there was not written by the action: then its name in `fallbackDir`. */
export function sideFilePath(preferred: string, fallbackDir: string, writtenByUs: (head: string) => boolean): string {
  if (!existsSync(preferred)) return preferred;
  try {
    if (writtenByUs(head(preferred))) return preferred;
  } catch {
    // A directory or an unreadable file: not ours either.
  }
  return path.join(fallbackDir, path.basename(preferred));
}

/** Cargo's timings page (the action's copy of it). */
export const isCargoTimings = (text: string) => text.includes('Cargo Build Timings');
/** The action's Markdown report: it starts with its own marker comment. */
export const isWatchmakerReport = (text: string) => text.startsWith('<!-- watchmaker-report');
