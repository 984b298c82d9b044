// Bitcode read off the main thread. The files come from the build, so a proc macro can plant a
// crafted one: the reader refuses work beyond a bound proportional to the file's size
// (tools/ir-wasm/bitcode.rs), and this shell runs it, with the demangler, in a worker with a
// deadline per file. Past the deadline the worker is ended and the file given up (its crate is
// not measured); the next file gets a new worker. The action is bundled into one file, so the
// worker runs the few functions it needs from their source text.
import { Worker } from 'node:worker_threads';
import { checkedStream, functionsOf, readStream, BitcodeError, type BitcodeFunction, type StreamReply } from './bitcode.js';
import { demangleWith } from './demangle.js';
import { irWasmModule, type IrWasm, type WasmApi } from './wasm.js';

/** Seconds a file may take: far above what a real one needs (a 4 MB unit reads in tens of milliseconds), a few for a crafted one. */
export function readDeadlineMs(bytes: number): number {
  return 5_000 + Math.ceil(bytes / 2 ** 20) * 500;
}

interface ThreadPort {
  on(event: 'message', listener: (message: { id: number; stream: Uint8Array }) => void): void;
  postMessage(message: unknown): void;
}

/** The worker's side: one stream per message, read and demangled, the answer posted back. */
function readerThread(threads: { parentPort: ThreadPort | null; workerData: unknown }): void {
  const port = threads.parentPort!;
  const api = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
  const [encoder, decoder] = [new TextEncoder(), new TextDecoder()];
  let wasm: IrWasm | null = null;
  port.on('message', ({ id, stream }) => {
    try {
      const e = (wasm ??= new api.Instance(threads.workerData as object, {}).exports as IrWasm);
      port.postMessage({ id, ...readStream(e, stream, (symbol) => demangleWith(e, symbol, encoder, decoder)) });
    } catch (e) {
      // After a trap the module's statics may be half-written: the next stream gets a fresh instance.
      wasm = null;
      port.postMessage({ id, trap: String((e as Error | null)?.message ?? e) });
    }
  });
}

/** The worker's program: the functions it calls, then the call. */
const threadSource = () => `${[demangleWith, readStream, readerThread].join('\n')}\n${readerThread.name}(require('node:worker_threads'));\n`;

export class BitcodeReader {
  #worker: Worker | null = null;
  #next = 0;

  constructor(private readonly deadlineMs: (bytes: number) => number = readDeadlineMs) {}

  /** The function definitions of one bitcode file; a BitcodeError when it cannot be read in time. */
  async read(bytes: Uint8Array): Promise<BitcodeFunction[]> {
    const stream = checkedStream(bytes);
    const reply = await this.#ask(stream);
    if (reply.trap !== undefined) throw new BitcodeError(`the bitcode reader failed (${reply.trap})`);
    return functionsOf(reply);
  }

  /** Ends the worker (reads after this start a new one). */
  async close(): Promise<void> {
    const worker = this.#worker;
    this.#worker = null;
    await worker?.terminate();
  }

  #start(): Worker {
    const worker = new Worker(threadSource(), { eval: true, workerData: irWasmModule() });
    // An idle worker must not keep the step's process alive; a read in flight has its deadline's timer.
    worker.unref();
    return worker;
  }

  #ask(stream: Uint8Array): Promise<StreamReply & { trap?: string }> {
    const worker = (this.#worker ??= this.#start());
    const id = ++this.#next;
    const ms = this.deadlineMs(stream.length);
    return new Promise((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        worker.off('message', onMessage).off('error', onError);
      };
      const giveUp = (why: string) => {
        done();
        if (this.#worker === worker) void this.close();
        reject(new BitcodeError(why));
      };
      const onMessage = (m: StreamReply & { id: number; trap?: string }) => {
        if (m.id !== id) return;
        done();
        resolve(m);
      };
      const onError = (e: Error) => giveUp(`the bitcode reading thread failed (${e.message})`);
      const timer = setTimeout(() => giveUp(`reading it took longer than ${(ms / 1000).toFixed(1)} s, so it was given up`), ms);
      worker.on('message', onMessage).on('error', onError);
      worker.postMessage({ id, stream });
    });
  }
}
