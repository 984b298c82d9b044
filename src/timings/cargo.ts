// Runs cargo for the timed build: in its own process group, with JSON messages on stdout and
// the human output streamed line by line. SIGINT or SIGTERM to this process (a cancelled job)
// is forwarded to the whole group (cargo, rustc, build scripts) and the build is awaited, so
// nothing keeps writing into target/ after the step ends. Windows has no process groups to
// signal: there cargo's process tree is ended with taskkill.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { notFound } from '../proc.js';
import { parseCargoMessage, parseCargoStderr, type CargoMessages } from './messages.js';

export interface CargoExit {
  exitCode: number;
  /** The signal that stopped the build, or null. */
  interruptedBy: NodeJS.Signals | null;
}

const FORWARDED: NodeJS.Signals[] = ['SIGINT', 'SIGTERM'];

export function runCargo(
  program: string,
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv },
  messages: CargoMessages,
  log: (line: string) => void,
): Promise<CargoExit> {
  return new Promise((resolve, reject) => {
    const windows = process.platform === 'win32';
    // On Windows `detached` would start cargo without a console; its tree is ended by taskkill instead.
    const child = spawn(program, args, {
      ...options,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: !windows,
      windowsHide: true,
    });
    let interruptedBy: NodeJS.Signals | null = null;
    const forward = (signal: NodeJS.Signals) => {
      interruptedBy = signal;
      log(`Watchmaker: received ${signal}; stopping the build (cargo and everything it started).`);
      if (child.pid) stopBuild(child.pid, signal, process.platform);
    };
    for (const s of FORWARDED) process.on(s, forward);
    const unhook = () => FORWARDED.forEach((s) => process.off(s, forward));
    child.on('error', (e: NodeJS.ErrnoException) => {
      unhook();
      reject(e.code === 'ENOENT' ? notFound(program, options.cwd) : e);
    });
    const stdoutDone = new Promise<void>((r) =>
      createInterface({ input: child.stdout })
        .on('line', (line) => parseCargoMessage(line, messages))
        .on('close', r),
    );
    const stderrDone = new Promise<void>((r) =>
      createInterface({ input: child.stderr })
        .on('line', (line) => {
          parseCargoStderr(line, messages);
          log(line);
        })
        .on('close', r),
    );
    child.on('close', (code, signal) => {
      unhook();
      void Promise.all([stdoutDone, stderrDone]).then(() =>
        resolve({ exitCode: code ?? (signal ? 128 : 1), interruptedBy }),
      );
    });
  });
}

/** How to stop cargo and everything it started: its process group, or on Windows its process tree. */
export function stopCommand(
  pid: number,
  platform: NodeJS.Platform,
): { group: number } | { program: string; args: string[] } {
  return platform === 'win32' ? { program: 'taskkill', args: ['/PID', String(pid), '/T', '/F'] } : { group: pid };
}

function stopBuild(pid: number, signal: NodeJS.Signals, platform: NodeJS.Platform): void {
  const how = stopCommand(pid, platform);
  if ('program' in how) {
    spawn(how.program, how.args, { stdio: 'ignore', windowsHide: true }).on('error', () => {});
    return;
  }
  try {
    process.kill(-how.group, signal);
  } catch {
    // The group has already exited.
  }
}
