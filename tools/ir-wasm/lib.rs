// The compile-work measure's WebAssembly module, built by scripts/build-ir-wasm.mjs and embedded
// in src/ir/ir-wasm.ts: reading the functions and their sizes from the object code cargo wrote
// (objects.rs, with gimli-rs's `object` crate) and rust-lang's demangler (demangle.rs). Compiled
// code, not JavaScript: it reads the symbol tables of every library and binary a job compiles.
mod demangle;
mod objects;

pub use demangle::*;
use std::collections::HashSet;

/// Room for the file, which the host copies in as the reader asks for its parts (objects::Input).
static mut INPUT: Vec<u8> = Vec::new();
/// The names of the functions the libraries read so far define (objects::Mode).
static mut DEFINED: Option<HashSet<u64>> = None;
/// The functions found (objects::Functions), or the error's text.
static mut RESULT: Vec<u8> = Vec::new();

/// Room for a file of `len` bytes; the host copies parts of it in when `read_object` asks (never written here, so not zeroed).
#[no_mangle]
pub extern "C" fn object_input(len: usize) -> *mut u8 {
    unsafe {
        INPUT = Vec::with_capacity(len);
        INPUT.as_mut_ptr()
    }
}

/// Reads the file in the input buffer: `mode` 1: report its functions, 2: note them as a library's,
/// 4: leave out those a library read before defines. Returns the number of functions reported
/// (their records are at `result_ptr`), or -1: it could not be read, -2: it holds no machine code
/// (LLVM bitcode); `result_ptr` holds why, as UTF-8.
#[no_mangle]
pub extern "C" fn read_object(len: usize, mode: u32) -> i32 {
    let mode = objects::Mode { work: mode & 1 != 0, define: mode & 2 != 0, own: mode & 4 != 0 };
    let defined = unsafe { DEFINED.get_or_insert_with(HashSet::new) };
    let mut functions = objects::Functions { out: Vec::new(), count: 0, mode, defined };
    let input = unsafe { objects::Input::new(INPUT.as_ptr(), len.min(INPUT.capacity())) };
    let outcome = objects::read(&input, &mut functions);
    // The input is not needed any more: its memory goes back for the next file.
    unsafe { INPUT = Vec::new() };
    match outcome {
        Ok(()) => unsafe {
            RESULT = functions.out;
            functions.count as i32
        },
        Err(objects::Failure(why)) => unsafe {
            let code = if why == objects::NO_MACHINE_CODE { -2 } else { -1 };
            RESULT = why.into_bytes();
            code
        },
    }
}

#[no_mangle]
pub extern "C" fn result_ptr() -> *const u8 {
    unsafe { RESULT.as_ptr() }
}

#[no_mangle]
pub extern "C" fn result_len() -> usize {
    unsafe { RESULT.len() }
}
