// The compile-work measure's WebAssembly module, built by scripts/build-ir-wasm.mjs and embedded
// in src/ir/ir-wasm.ts: LLVM bitcode reading (bitcode.rs) and rust-lang's demangler
// (demangle.rs). Compiled code, not JavaScript, because it reads megabytes of bitcode once per
// job: the JavaScript reader spent most of its time before V8 had optimised it.
mod bitcode;
mod demangle;

pub use demangle::*;

/// The bitstream the host copies in, with room for 8 zero bytes past its end (reads are 8 bytes wide).
static mut INPUT: Vec<u8> = Vec::new();
/// Per function definition: string-table offset, name length, instructions.
static mut FUNCTIONS: Vec<u32> = Vec::new();
static mut STRTAB: (u32, u32) = (0, 0);
static mut DETAIL: u64 = 0;

/// A buffer of `len` bytes for the host to fill with a bitstream (the bytes after the magic).
#[no_mangle]
pub extern "C" fn bitcode_input(len: usize) -> *mut u8 {
    unsafe {
        INPUT.clear();
        INPUT.resize(len + bitcode::PADDING, 0);
        INPUT.as_mut_ptr()
    }
}

/// Reads the `len` bytes in the input buffer. Returns the number of function definitions (their
/// numbers are at `functions_ptr`), or minus an error code (`error_detail` says more).
#[no_mangle]
pub extern "C" fn read_bitcode(len: usize) -> i32 {
    match bitcode::read(unsafe { &INPUT[..] }, len) {
        Ok((functions, strtab)) => unsafe {
            FUNCTIONS.clear();
            for [offset, size, instructions] in functions {
                FUNCTIONS.extend_from_slice(&[offset as u32, size as u32, instructions as u32]);
            }
            STRTAB = (strtab.0 as u32, strtab.1 as u32);
            (FUNCTIONS.len() / 3) as i32
        },
        Err(failure) => unsafe {
            DETAIL = failure.detail;
            -(failure.error as i32)
        },
    }
}

#[no_mangle]
pub extern "C" fn functions_ptr() -> *const u32 {
    unsafe { FUNCTIONS.as_ptr() }
}

/// Where the string table is within the input, and its length.
#[no_mangle]
pub extern "C" fn strtab_start() -> u32 {
    unsafe { STRTAB.0 }
}

#[no_mangle]
pub extern "C" fn strtab_len() -> u32 {
    unsafe { STRTAB.1 }
}

/// The number an error is about (an abbreviation id, an encoding, a module version).
#[no_mangle]
pub extern "C" fn error_detail() -> f64 {
    unsafe { DETAIL as f64 }
}
