// The compile-work WebAssembly module (tools/ir-wasm, embedded as src/ir/ir-wasm.ts by
// scripts/build-ir-wasm.mjs): the bitcode reader and rust-lang's demangler. Instantiated once,
// synchronously, on first use.
import { IR_WASM_BASE64 } from './ir-wasm.js';

export interface IrWasm {
  memory: { buffer: ArrayBuffer };
  input_ptr(): number;
  input_capacity(): number;
  output_ptr(): number;
  demangle(len: number, withoutHash: number): number;
  bitcode_input(len: number): number;
  read_bitcode(len: number): number;
  functions_ptr(): number;
  strtab_start(): number;
  strtab_len(): number;
  error_detail(): number;
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

export function irWasm(): IrWasm {
  instance ??= new (wasmApi().Instance)(irWasmModule(), {}).exports as IrWasm;
  return instance;
}

/** After a trap the module's statics may be half-written: the next use starts a fresh instance. */
export function discardIrWasm(): void {
  instance = null;
}
