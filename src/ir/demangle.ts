// Rust symbol names, demangled by rust-lang's rustc-demangle (both schemes: legacy `_ZN…E` and
// v0 `_R…`), compiled to WebAssembly (src/ir/demangle-wasm.ts, scripts/build-demangler.mjs).
// Instantiated once, synchronously: it is 60 KB.
import { DEMANGLE_WASM_BASE64 } from './demangle-wasm.js';

interface DemangleExports {
  memory: { buffer: ArrayBuffer };
  input_ptr(): number;
  input_capacity(): number;
  output_ptr(): number;
  demangle(len: number, withoutHash: number): number;
}

let exports: DemangleExports | null = null;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** The WebAssembly API Node provides (the project's TypeScript lib has no DOM types). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
}

function instance(): DemangleExports {
  if (!exports) {
    const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
    const module = new wasm.Module(Buffer.from(DEMANGLE_WASM_BASE64, 'base64'));
    exports = new wasm.Instance(module, {}).exports as DemangleExports;
  }
  return exports;
}

/** The demangled path of a Rust symbol, without its hash; null when it is not a Rust symbol. */
export function demangle(symbol: string): string | null {
  const e = instance();
  // Written straight into the module's input buffer: this runs for every function of a crate.
  const input = new Uint8Array(e.memory.buffer, e.input_ptr(), e.input_capacity());
  const { read, written } = encoder.encodeInto(symbol, input);
  if (read < symbol.length) return null;
  const n = e.demangle(written, 1);
  return n < 0 ? null : decoder.decode(new Uint8Array(e.memory.buffer, e.output_ptr(), n));
}

/**
 * The group a function is counted in, as cargo-llvm-lines groups them: the demangled path with
 * generic arguments replaced by `<T>`, so every copy of a generic function lands in one group
 * (`grep_searcher::search::<T>` for `search::<String>` and `search::<&str>`). The angle
 * brackets of a qualified path (`<Vec<u8> as Drop>::drop`) are kept, its arguments not:
 * `<Vec<T> as Drop>::drop`.
 */
export function genericGroup(path: string): string {
  let out = '';
  let from = 0;
  for (let open = path.indexOf('<'); open !== -1; open = path.indexOf('<', from)) {
    out += path.slice(from, open);
    // Arguments follow a name (`Vec<u8>`) or a turbofish (`search::<String>`); a `<` anywhere
    // else opens a qualified path.
    const isArguments = /[A-Za-z0-9_:]/.test(out[out.length - 1] ?? '');
    out += isArguments ? '<T>' : '<';
    from = isArguments ? closingBracket(path, open) + 1 : open + 1;
  }
  return out + path.slice(from);
}

/** The index of the `>` that closes the `<` at `open` (the end of the text when unbalanced). */
function closingBracket(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    // `->` in a function pointer type is not a bracket.
    if (text[i] === '<') depth++;
    else if (text[i] === '>' && text[i - 1] !== '-' && --depth === 0) return i;
  }
  return text.length - 1;
}
