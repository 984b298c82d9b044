// The compile-work WebAssembly module (tools/ir-wasm, embedded as src/ir/ir-wasm.ts by
// scripts/build-ir-wasm.mjs): the object-file reader and rust-lang's demangler. Instantiated
// once, synchronously, on first use.
import { IR_WASM_BASE64 } from './ir-wasm.js';

/**
 * Where an instance gets the parts of the file it reads (tools/ir-wasm/objects.rs `fill`): set by readObjectWith around
 * each read.
 */
export interface FileSource {
  fill: ((offset: number, length: number) => number) | null;
}

export interface IrWasm {
  /** Not an export: where this instance's reads get the file's bytes. */
  source: FileSource;
  memory: { buffer: ArrayBuffer };
  input_ptr(): number;
  input_capacity(): number;
  output_ptr(): number;
  demangle(len: number, withoutHash: number): number;
  object_input(len: number): number;
  read_object(len: number, mode: number): number;
  result_ptr(): number;
  result_len(): number;
}

/** The WebAssembly API Node provides (the project's TypeScript lib has no DOM types). */
export interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
}

export const wasmApi = () => (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

let compiled: object | null = null;
let instance: IrWasm | null = null;

/** The compiled module, once per process: instantiated here and in the reading thread (reader.ts). */
export function irWasmModule(): object {
  compiled ??= new (wasmApi().Module)(Buffer.from(IR_WASM_BASE64, 'base64'));
  return compiled;
}

/**
 * A new instance of the module, with its file source. Self-contained: the reading thread (reader.ts) runs it from its
 * source text.
 */
export function instantiateIr(api: WasmApi, module: object): IrWasm {
  const source: FileSource = { fill: null };
  const imports = {
    watchmaker: { fill: (offset: number, length: number) => (source.fill ? source.fill(offset, length) : 0) },
  };
  return { ...(new api.Instance(module, imports).exports as Omit<IrWasm, 'source'>), source };
}

export function irWasm(): IrWasm {
  instance ??= instantiateIr(wasmApi(), irWasmModule());
  return instance;
}

/** After a trap the module's statics may be half-written: the next use starts a fresh instance. */
export function discardIrWasm(): void {
  instance = null;
}
