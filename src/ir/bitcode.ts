// LLVM bitcode, read just far enough for compile work: each function body's name and how many
// IR instructions it has. Rustc writes the bitcode (`--emit=llvm-bc`) beside its other outputs;
// it is several times smaller than the printed IR (`--emit=llvm-ir`) and holds one record per
// instruction, where printed IR spreads a `switch` or an `invoke` over several lines. No package
// reads bitcode, so tools/ir-wasm/bitcode.rs follows LLVM's documented format
// (https://llvm.org/docs/BitCodeFormat.html), compiled to WebAssembly: a job reads megabytes of
// it while cargo builds, and compiled code costs the build less CPU than JavaScript that V8 has
// not optimised yet. This is its shell: the Darwin wrapper and the magic, names, errors.
import { discardIrWasm, irWasm } from './wasm.js';

/** One function definition in a module. */
export interface BitcodeFunction {
  /** The symbol, as mangled. */
  symbol: string;
  /** IR instructions in its body (debug records and locations are not instructions). */
  instructions: number;
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

/** The function definitions of one bitcode module, with their instruction counts. */
export function functionsInBitcode(bytes: Uint8Array): BitcodeFunction[] {
  const stream = bitstreamOf(bytes);
  if (stream.length > MAX_BYTES) throw new BitcodeError(`bitcode of ${stream.length} bytes is larger than this reader takes (${MAX_BYTES})`);
  try {
    return read(stream);
  } catch (e) {
    if (e instanceof BitcodeError) throw e;
    // The reader checks what it reads, so a trap is a defect; the file is still not counted.
    discardIrWasm();
    throw new BitcodeError(`the bitcode reader failed (${(e as Error).message})`);
  }
}

function read(stream: Uint8Array): BitcodeFunction[] {
  const wasm = irWasm();
  // The buffer is taken after the allocation, which may grow the memory and so replace it.
  const input = wasm.bitcode_input(stream.length);
  new Uint8Array(wasm.memory.buffer, input, stream.length).set(stream);
  const count = wasm.read_bitcode(stream.length);
  if (count < 0) throw new BitcodeError(ERRORS[-count]?.(wasm.error_detail()) ?? `unreadable bitcode (error ${-count})`);
  const numbers = new Uint32Array(wasm.memory.buffer, wasm.functions_ptr(), count * 3);
  const strtab = Buffer.from(stream.buffer, stream.byteOffset + wasm.strtab_start(), wasm.strtab_len());
  const functions: BitcodeFunction[] = [];
  for (let i = 0; i < count * 3; i += 3) {
    const [offset, size] = [numbers[i]!, numbers[i + 1]!];
    if (offset + size > strtab.length) throw new BitcodeError('a function name outside the string table');
    functions.push({ symbol: strtab.toString('latin1', offset, offset + size), instructions: numbers[i + 2]! });
  }
  return functions;
}
