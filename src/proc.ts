// Thin process helpers: the only place (besides the build itself) that spawns programs.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { childEnv } from './child-env.js';

export interface CaptureResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CaptureOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  input?: string;
}

/**
 * Runs a program without a shell and captures its output. Rejects only when it cannot start.
 * The child never sees the job's secrets (see child-env.ts).
 */
export function capture(command: string, args: string[], options: CaptureOptions = {}): Promise<CaptureResult> {
  return new Promise((resolve, reject) => {
    const hasInput = options.input !== undefined;
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: childEnv(options.env ?? process.env),
      stdio: [hasInput ? 'pipe' : 'ignore', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout!.on('data', (d: Buffer) => out.push(d));
    child.stderr!.on('data', (d: Buffer) => err.push(d));
    child.on('error', (e: NodeJS.ErrnoException) => reject(e.code === 'ENOENT' ? notFound(command, options.cwd) : e));
    child.on('close', (code, signal) =>
      resolve({
        code: code ?? (signal ? 128 : 1),
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      }),
    );
    if (hasInput) {
      // A program that exits without reading its input closes the pipe: not an error here.
      child.stdin!.on('error', () => {});
      child.stdin!.end(options.input);
    }
  });
}

/** Like capture, but throws with the program's stderr when it exits non-zero. */
export async function captureOk(command: string, args: string[], options: CaptureOptions = {}): Promise<string> {
  const r = await capture(command, args, options);
  if (r.code !== 0) {
    throw new Error(
      `'${[command, ...args].join(' ')}' failed with exit code ${r.code}: ${r.stderr.trim() || r.stdout.trim()}`,
    );
  }
  return r.stdout;
}

/** spawn says ENOENT both for a missing program and a missing working directory: tell which. */
export function notFound(command: string, cwd: string | undefined): Error {
  if (cwd && !existsSync(cwd))
    return new Error(`The directory ${cwd} does not exist, so '${command}' cannot run there.`);
  return new Error(
    `'${command}' was not found on PATH. Install it (for Rust: rustup or a setup-rust action) before this step.`,
  );
}
