// LLVM bitcode, read just far enough for compile work: each function body's name and how many
// IR instructions it has. Rustc writes the bitcode (`--emit=llvm-bc`) beside its other outputs;
// it is several times smaller than the printed IR (`--emit=llvm-ir`) and holds one record per
// instruction, where printed IR spreads a `switch` or an `invoke` over several lines. No package
// reads bitcode, so tools/ir-wasm/bitcode.rs follows LLVM's documented format
// (https://llvm.org/docs/BitCodeFormat.html), compiled to WebAssembly: a job reads megabytes of
// it while cargo builds, and compiled code costs the build less CPU than JavaScript that V8 has
// not optimised yet. This is its shell: the Darwin wrapper and the magic, names, errors. The
// build reads it on another thread, with a deadline (reader.ts).
import { discardIrWasm, irWasm, type IrWasm } from './wasm.js';

/** One function definition in a module. */
export interface BitcodeFunction {
  /** The symbol, as mangled. */
  symbol: string;
  /** IR instructions in its body (debug records and locations are not instructions). */
  instructions: number;
  /** Its demangled path (null: not a Rust symbol), when the reading thread demangled it already. */
  path?: string | null;
}

export class BitcodeError extends Error {}

/** The reader's error codes (tools/ir-wasm/bitcode.rs `Error`), with the number each is about. */
const ERRORS: Record<number, (detail: number) => string> = {
  1: () => 'truncated bitcode',
  2: (encoding) => `unknown abbreviation encoding ${encoding}`,
  3: () => 'an abbreviation without a record code',
  4: () => 'an array or a blob cannot be an array element or a record code',
  5: () => 'an array abbreviation without its element',
  6: () => 'an abbreviation in BLOCKINFO before SETBID',
  7: (id) => `unexpected abbreviation id ${id} in BLOCKINFO`,
  8: (block) => `a block without its end (block ${block})`,
  9: (id) => `undefined abbreviation ${id}`,
  10: (id) => `unexpected abbreviation id ${id} at the top level`,
  11: (version) => `module version ${version} is older than this reader (LLVM 5 and later write version 2)`,
  12: () => 'no string table',
  13: (defined) => `${defined} function definitions but a different number of bodies`,
  14: (width) => `abbreviation width ${width} is out of range`,
  15: () => 'it asks for more reading than its size allows (a crafted file: literal-only arrays or abbreviations)',
};

/** The bitcode itself: after the wrapper header when there is one (Darwin's), after the magic. */
function bitstreamOf(bytes: Uint8Array): Uint8Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length >= 20 && view.getUint32(0, true) === 0x0b17c0de) {
    const [offset, size] = [view.getUint32(8, true), view.getUint32(12, true)];
    return bitstreamOf(bytes.subarray(offset, offset + size));
  }
  if (bytes.length < 4 || bytes[0] !== 0x42 || bytes[1] !== 0x43 || bytes[2] !== 0xc0 || bytes[3] !== 0xde) throw new BitcodeError('not LLVM bitcode');
  return bytes.subarray(4);
}

/** Far more than a crate's unit writes (ripgrep's biggest is 4 MB), far less than WebAssembly's 4 GB. */
const MAX_BYTES = 1 << 30;

/** The bitstream to hand to the reader (a file that is not bitcode, or too big, is refused here). */
export function checkedStream(bytes: Uint8Array): Uint8Array {
  const stream = bitstreamOf(bytes);
  if (stream.length > MAX_BYTES) throw new BitcodeError(`bitcode of ${stream.length} bytes is larger than this reader takes (${MAX_BYTES})`);
  return stream;
}

/** What the WebAssembly reader answers for one stream: the functions, or why not. */
export interface StreamReply {
  symbols?: string[];
  instructions?: number[];
  /** Demangled paths (null: not a Rust symbol), when the reader was asked to demangle. */
  paths?: Array<string | null>;
  /** The reader's error code and the number it is about. */
  error?: number;
  detail?: number;
  /** A fault found after reading (a name outside the string table). */
  failure?: string;
}

/**
 * Reads one stream with the module `wasm`, demangling each name with `demangle` when given. Uses
 * nothing from outside itself: the reading thread (reader.ts) runs it from its source text.
 */
export function readStream(wasm: IrWasm, stream: Uint8Array, demangle: ((symbol: string) => string | null) | null): StreamReply {
  // The buffer is taken after the allocation, which may grow the memory and so replace it.
  const input = wasm.bitcode_input(stream.length);
  new Uint8Array(wasm.memory.buffer, input, stream.length).set(stream);
  const count = wasm.read_bitcode(stream.length);
  if (count < 0) return { error: -count, detail: wasm.error_detail() };
  const numbers = new Uint32Array(wasm.memory.buffer, wasm.functions_ptr(), count * 3).slice();
  const strtab = Buffer.from(stream.buffer, stream.byteOffset + wasm.strtab_start(), wasm.strtab_len());
  const reply = { symbols: [] as string[], instructions: [] as number[], paths: demangle ? ([] as Array<string | null>) : undefined };
  for (let i = 0; i < count * 3; i += 3) {
    const [offset, size] = [numbers[i]!, numbers[i + 1]!];
    if (offset + size > strtab.length) return { failure: 'a function name outside the string table' };
    const symbol = strtab.toString('latin1', offset, offset + size);
    reply.symbols.push(symbol);
    reply.instructions.push(numbers[i + 2]!);
    reply.paths?.push(demangle!(symbol));
  }
  return reply;
}

/** The functions of a reply, or its error as a BitcodeError. */
export function functionsOf(reply: StreamReply): BitcodeFunction[] {
  if (reply.error !== undefined) throw new BitcodeError(ERRORS[reply.error]?.(reply.detail ?? 0) ?? `unreadable bitcode (error ${reply.error})`);
  if (reply.failure !== undefined || !reply.symbols || !reply.instructions) throw new BitcodeError(reply.failure ?? 'the bitcode reader gave no answer');
  const { symbols, instructions, paths } = reply;
  return symbols.map((symbol, i) => (paths ? { symbol, instructions: instructions[i]!, path: paths[i] ?? null } : { symbol, instructions: instructions[i]! }));
}

/** The function definitions of one bitcode module, with their instruction counts, read on this thread. */
export function functionsInBitcode(bytes: Uint8Array): BitcodeFunction[] {
  const stream = checkedStream(bytes);
  let reply: StreamReply;
  try {
    reply = readStream(irWasm(), stream, null);
  } catch (e) {
    // The reader checks what it reads, so a trap is a defect; the file is still not counted.
    discardIrWasm();
    throw new BitcodeError(`the bitcode reader failed (${(e as Error).message})`);
  }
  return functionsOf(reply);
}
