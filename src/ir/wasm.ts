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
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
}

let instance: IrWasm | null = null;

export function irWasm(): IrWasm {
  if (!instance) {
    const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
    const module = new wasm.Module(Buffer.from(IR_WASM_BASE64, 'base64'));
    instance = new wasm.Instance(module, {}).exports as IrWasm;
  }
  return instance;
}

/** After a trap the module's statics may be half-written: the next use starts a fresh instance. */
export function discardIrWasm(): void {
  instance = null;
}
