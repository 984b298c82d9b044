// Object code read off the main thread. The files come from the build, so a proc macro can plant
// a crafted one: the reader refuses work beyond a bound proportional to the file's size
// (tools/ir-wasm/objects.rs), and this shell runs it, with the grouping, in a worker with a
// deadline per file. Past the deadline the worker is ended and the file given up (its crate is
// not measured); the next file gets a new worker, which first reads again the libraries read
// before (a linked file's own code is what they do not define). The action is bundled into one
// file, so the worker runs the few functions it needs from their source text.
import { statSync } from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { closingBracket, genericGroup } from './demangle.js';
import { MAX_OBJECT_BYTES, NoMachineCode, ObjectError, READ, readObjectWith, type ObjectFunction } from './objects.js';
import type { FileGroups } from './summary.js';
import { instantiateIr, irWasmModule, type IrWasm, type WasmApi } from './wasm.js';

/**
 * Milliseconds a file may take: far above what a real one needs (a 4 MB binary reads in about 10 ms), a few seconds for
 * a crafted one.
 */
export function readDeadlineMs(bytes: number): number {
  return 5_000 + Math.ceil(bytes / 2 ** 20) * 500;
}

/** One file's work: its functions' bytes, their number, and their groups; and the file's size. */
export interface FileWork {
  bytes: number;
  functions: number;
  groups: FileGroups;
  fileBytes: number;
}

/**
 * The functions of a file grouped (summary.ts groupOf); uses nothing from outside but genericGroup (the thread has its
 * source too).
 */
export function fileWork(functions: ObjectFunction[], fileBytes: number): FileWork {
  const groups = new Map<string, [string, number, number]>();
  let bytes = 0;
  for (const f of functions) {
    const name = f.path === null ? f.symbol : genericGroup(f.path);
    const g = groups.get(name) ?? [name, 0, 0];
    g[1] += 1;
    g[2] += f.size;
    groups.set(name, g);
    bytes += f.size;
  }
  return { bytes, functions: functions.length, groups: [...groups.values()], fileBytes };
}

interface FsApi {
  openSync(path: string, flags: number): number;
  fstatSync(fd: number): { size: number; isFile(): boolean };
  readSync(fd: number, buffer: Uint8Array, offset: number, length: number, position: number): number;
  closeSync(fd: number): void;
  constants: { O_RDONLY: number; O_NONBLOCK?: number };
}

/**
 * Reads the parts of `file` the reader asks for straight into the module's memory and groups its functions (`mode`:
 * objects.ts READ), or says why not. Self-contained (runs in the thread).
 */
export function readFileWork(
  wasm: IrWasm,
  fs: FsApi,
  file: string,
  max: number,
  mode: number,
): { work?: FileWork; error?: string; noCode?: boolean } {
  let fd: number;
  try {
    // Non-blocking: a FIFO planted in its place must not hold the thread in open().
    fd = fs.openSync(file, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0));
  } catch (e) {
    return { error: `it could not be opened (${(e as { code?: string }).code ?? String(e)})` };
  }
  try {
    const stat = fs.fstatSync(fd);
    if (!stat.isFile()) return { error: 'it is not a regular file' };
    if (stat.size > max) return { error: `it is ${stat.size} bytes, more than this reader takes (${max})` };
    const fill = (target: Uint8Array, offset: number) => {
      for (let at = 0; at < target.length;) {
        const n = fs.readSync(fd, target, at, target.length - at, offset + at);
        if (n <= 0) throw new Error('the file shrank while it was read');
        at += n;
      }
    };
    const reply = readObjectWith(wasm, fill, stat.size, mode);
    return 'error' in reply ? reply : { work: fileWork(reply.functions, stat.size) };
  } finally {
    fs.closeSync(fd);
  }
}

interface ThreadPort {
  on(event: 'message', listener: (message: { id: number; file: string; max: number; mode: number }) => void): void;
  postMessage(message: unknown): void;
}

/** The worker's side: one file per message, read and grouped, the answer posted back. */
function readerThread(threads: { parentPort: ThreadPort | null; workerData: unknown }, fs: FsApi): void {
  const port = threads.parentPort!;
  const api = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
  let wasm: IrWasm | null = null;
  port.on('message', ({ id, file, max, mode }) => {
    try {
      const e = (wasm ??= instantiateIr(api, threads.workerData as object));
      port.postMessage({ id, ...readFileWork(e, fs, file, max, mode) });
    } catch (e) {
      // After a trap the module's statics may be half-written: the host ends this thread (and starts another, with the
      // libraries read again).
      wasm = null;
      port.postMessage({ id, trap: String((e as Error | null)?.message ?? e) });
    }
  });
}

/** The worker's program: the functions it calls, then the call. */
const threadSource = () => {
  const functions = [closingBracket, genericGroup, instantiateIr, readObjectWith, fileWork, readFileWork, readerThread];
  return `${functions.join('\n')}\n${readerThread.name}(require('node:worker_threads'), require('node:fs'));\n`;
};

type Reply = { work?: FileWork; error?: string; noCode?: boolean; trap?: string };

export class ObjectReader {
  #worker: Worker | null = null;
  #next = 0;
  /** Libraries read (READ.define) into the worker's module, to read again into a new one. */
  readonly #libraries: string[] = [];
  #replay = false;

  constructor(private readonly deadlineMs: (bytes: number) => number = readDeadlineMs) {}

  /**
   * The work in one file cargo wrote (`mode`: objects.ts READ; with `own`, the functions no
   * library read before defines); an ObjectError when it cannot be read in time.
   */
  async read(file: string, mode: number = READ.work): Promise<FileWork> {
    if (mode & READ.own && this.#replay) {
      this.#replay = false;
      for (const library of [...this.#libraries]) {
        await this.#readOnce(library, READ.define).catch((e: Error) => {
          throw new ObjectError(
            `a library read before, ${path.basename(library)}, could not be read again (${e.message})`,
          );
        });
      }
    }
    const work = await this.#readOnce(file, mode);
    if (mode & READ.define) this.#libraries.push(file);
    return work;
  }

  async #readOnce(file: string, mode: number): Promise<FileWork> {
    let size: number;
    try {
      size = statSync(file).size;
    } catch (e) {
      throw new ObjectError(`it could not be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
    const reply = await this.#ask(file, mode, this.deadlineMs(size));
    if (reply.trap !== undefined) {
      await this.close();
      throw new ObjectError(`the object reader failed (${reply.trap})`);
    }
    if (reply.noCode) throw new NoMachineCode(reply.error ?? 'it holds no machine code');
    if (reply.error !== undefined || !reply.work)
      throw new ObjectError(reply.error ?? 'the object reader gave no answer');
    return reply.work;
  }

  /** Ends the worker (reads after this start a new one, which knows no library's names until they are read again). */
  async close(): Promise<void> {
    const worker = this.#worker;
    this.#worker = null;
    this.#replay = this.#libraries.length > 0;
    await worker?.terminate();
  }

  #start(): Worker {
    const worker = new Worker(threadSource(), { eval: true, workerData: irWasmModule() });
    // Failures are answered per file (#ask); one between files must not end the step.
    worker.on('error', () => {});
    // An idle worker must not keep the step's process alive; a read in flight has its deadline's timer.
    worker.unref();
    return worker;
  }

  #ask(file: string, mode: number, ms: number): Promise<Reply> {
    const worker = (this.#worker ??= this.#start());
    const id = ++this.#next;
    return new Promise((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        worker.off('message', onMessage).off('error', onError);
      };
      const giveUp = (why: string) => {
        done();
        if (this.#worker === worker) void this.close();
        reject(new ObjectError(why));
      };
      const onMessage = (m: Reply & { id: number }) => {
        if (m.id !== id) return;
        done();
        resolve(m);
      };
      const onError = (e: Error) => giveUp(`the object reading thread failed (${e.message})`);
      const timer = setTimeout(
        () => giveUp(`reading it took longer than ${(ms / 1000).toFixed(1)} s, so it was given up`),
        ms,
      );
      worker.on('message', onMessage).on('error', onError);
      worker.postMessage({ id, file, max: MAX_OBJECT_BYTES, mode });
    });
  }
}
