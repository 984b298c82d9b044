// Object code, read for compile work: the functions in a file cargo wrote (a library's `.rlib`, a
// linked binary) and their sizes in bytes of machine code, each with its demangled path. The
// reading is tools/ir-wasm/objects.rs (gimli-rs's `object` crate and rust-lang's demangler,
// compiled to WebAssembly); this is its shell: the records it answers with, decoded. The build
// reads on another thread, with a deadline (reader.ts); tests read here.
import { discardIrWasm, instantiateIr, irWasm, irWasmModule, wasmApi, type IrWasm } from './wasm.js';

/**
 * What a read does (bits, tools/ir-wasm/lib.rs `read_object`): report the functions; note them
 * as a library's; leave out those a library read before by the same module instance defines.
 */
export const READ = { work: 1, define: 2, own: 4 } as const;

/** One function in the machine code. */
export interface ObjectFunction {
  /** The symbol, as mangled. */
  symbol: string;
  /** Bytes of machine code. */
  size: number;
  /** Its demangled path without the hash; null: not a Rust symbol. */
  path: string | null;
}

export class ObjectError extends Error {}

/** A file with no machine code: its objects are LLVM bitcode, compiled in the binaries that link it (`lto`). */
export class NoMachineCode extends ObjectError {}

/** Far more than a crate's files (a big debug binary is a few hundred MB), far less than WebAssembly's 4 GiB. */
export const MAX_OBJECT_BYTES = 2 ** 30;

export type ObjectReply = { functions: ObjectFunction[] } | { error: string; noCode?: boolean };

/**
 * Reads one file of `length` bytes with the module `wasm`: `fill(target, offset)` writes the
 * file's bytes from `offset` into `target`, for the parts the reader asks for (headers, symbol
 * and string tables; not the debug info). Uses nothing from outside itself: the reading thread
 * (reader.ts) runs it from its source text.
 */
export function readObjectWith(
  wasm: IrWasm,
  fill: (target: Uint8Array, offset: number) => void,
  length: number,
  mode: number,
): ObjectReply {
  const input = wasm.object_input(length);
  let failure: unknown = null;
  wasm.source.fill = (offset, size) => {
    try {
      // The memory's buffer is taken anew each time: reading may have grown the memory, and so replaced it.
      fill(new Uint8Array(wasm.memory.buffer, input + offset, size), offset);
      return 1;
    } catch (e) {
      failure = e;
      return 0;
    }
  };
  let count: number;
  try {
    count = wasm.read_object(length, mode);
  } finally {
    wasm.source.fill = null;
  }
  if (failure !== null && count < 0)
    return { error: `it could not be read (${String((failure as Error).message ?? failure)})` };
  const result = new Uint8Array(wasm.memory.buffer, wasm.result_ptr(), wasm.result_len());
  if (count < 0) return { error: new TextDecoder().decode(result), noCode: count === -2 };
  // Per function: size, symbol length, path length (0xffffffff: none), then the symbol and the path.
  const view = new DataView(result.buffer, result.byteOffset, result.byteLength);
  const text = Buffer.from(result.buffer, result.byteOffset, result.byteLength);
  const functions: ObjectFunction[] = [];
  for (let i = 0, at = 0; i < count; i++) {
    const [size, symbolLength, pathLength] = [
      view.getUint32(at, true),
      view.getUint32(at + 4, true),
      view.getUint32(at + 8, true),
    ];
    const symbol = text.toString('latin1', at + 12, at + 12 + symbolLength);
    at += 12 + symbolLength;
    const path = pathLength === 0xffffffff ? null : text.toString('utf8', at, at + pathLength);
    if (path !== null) at += pathLength;
    functions.push({ symbol, size, path });
  }
  return { functions };
}

/**
 * The functions of one file's bytes, read on this thread; with `libraries`, a linked file's own:
 * those none of the libraries defines (read first, by a module instance of their own).
 */
export function functionsInObject(bytes: Uint8Array, libraries: Uint8Array[] = []): ObjectFunction[] {
  const wasm = libraries.length ? instantiateIr(wasmApi(), irWasmModule()) : irWasm();
  for (const library of libraries) readOn(wasm, library, READ.define);
  return readOn(wasm, bytes, libraries.length ? READ.work | READ.own : READ.work);
}

function readOn(wasm: IrWasm, bytes: Uint8Array, mode: number): ObjectFunction[] {
  if (bytes.length > MAX_OBJECT_BYTES)
    throw new ObjectError(`it is ${bytes.length} bytes, more than this reader takes (${MAX_OBJECT_BYTES})`);
  let reply: ObjectReply;
  try {
    reply = readObjectWith(
      wasm,
      (target, offset) => target.set(bytes.subarray(offset, offset + target.length)),
      bytes.length,
      mode,
    );
  } catch (e) {
    // The reader checks what it reads, so a trap is a defect; the file is still not counted.
    discardIrWasm();
    throw new ObjectError(`the object reader failed (${(e as Error).message})`);
  }
  if ('error' in reply) throw reply.noCode ? new NoMachineCode(reply.error) : new ObjectError(reply.error);
  return reply.functions;
}
