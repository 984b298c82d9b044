// Rust symbol names, demangled by rust-lang's rustc-demangle (both schemes: legacy `_ZN…E` and
// v0 `_R…`), compiled to WebAssembly (src/ir/wasm.ts; the object reader demangles each function
// it finds in the same module), and grouped by generic function.
import { irWasm, type IrWasm } from './wasm.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** The demangled path of a Rust symbol, without its hash; null when it is not a Rust symbol. */
export function demangle(symbol: string): string | null {
  return demangleWith(irWasm(), symbol, encoder, decoder);
}

/** demangle() with a given instance. */
export function demangleWith(
  e: IrWasm,
  symbol: string,
  encoder: InstanceType<typeof TextEncoder>,
  decoder: InstanceType<typeof TextDecoder>,
): string | null {
  // Written straight into the module's input buffer.
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
 * `<Vec<T> as Drop>::drop`. Uses nothing from outside but closingBracket (the reading thread runs both).
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

/**
 * The index of the `>` that closes the `<` at `open` (the end of the text when unbalanced). Self-contained (the reading
 * thread runs it).
 */
export function closingBracket(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    // `->` in a function pointer type is not a bracket.
    if (text[i] === '<') depth++;
    else if (text[i] === '>' && text[i - 1] !== '-' && --depth === 0) return i;
  }
  return text.length - 1;
}
