// The demangler the compile-work report uses: rust-lang's rustc-demangle crate (both mangling
// schemes, legacy `_ZN…E` and v0 `_R…`). The object reader demangles each function it finds
// (`demangle_into`); the host can demangle one symbol too: it writes it into `input`, calls
// `demangle`, and reads the result from `output`.
use std::fmt::{self, Write};

const INPUT_CAPACITY: usize = 8192;
const OUTPUT_CAPACITY: usize = 32768;

static mut INPUT: [u8; INPUT_CAPACITY] = [0; INPUT_CAPACITY];
static mut OUTPUT: [u8; OUTPUT_CAPACITY] = [0; OUTPUT_CAPACITY];

#[no_mangle]
pub extern "C" fn input_ptr() -> *mut u8 {
    unsafe { INPUT.as_mut_ptr() }
}

#[no_mangle]
pub extern "C" fn input_capacity() -> usize {
    INPUT_CAPACITY
}

#[no_mangle]
pub extern "C" fn output_ptr() -> *const u8 {
    unsafe { OUTPUT.as_ptr() }
}

/// Formats into `OUTPUT` and stops once it is full: a crafted v0 symbol can expand (through
/// back-references) to far more text than any real path, and formatting all of it would take
/// seconds per symbol.
struct Capped {
    len: usize,
}

impl Write for Capped {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let end = self.len + s.len();
        if end > OUTPUT_CAPACITY {
            return Err(fmt::Error);
        }
        unsafe { OUTPUT[self.len..end].copy_from_slice(s.as_bytes()) };
        self.len = end;
        Ok(())
    }
}

/// Demangles the `len` bytes in `input`. `without_hash` != 0 leaves out the hash suffix (as
/// `{:#}` does). Returns the length written to `output`; -1: not a Rust symbol; -2: too long.
#[no_mangle]
pub extern "C" fn demangle(len: usize, without_hash: u32) -> isize {
    let bytes = unsafe { &INPUT[..len.min(INPUT_CAPACITY)] };
    let symbol = match std::str::from_utf8(bytes) {
        Ok(s) => s,
        Err(_) => return -1,
    };
    let demangled = match rustc_demangle::try_demangle(symbol) {
        Ok(d) => d,
        Err(_) => return -1,
    };
    let mut out = Capped { len: 0 };
    let written = if without_hash != 0 { write!(out, "{:#}", demangled) } else { write!(out, "{}", demangled) };
    if written.is_err() {
        return -2;
    }
    out.len as isize
}

/// Appends at most `cap` bytes to `out`.
struct Appending<'a> {
    out: &'a mut Vec<u8>,
    left: usize,
}

impl Write for Appending<'_> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        if s.len() > self.left {
            return Err(fmt::Error);
        }
        self.left -= s.len();
        self.out.extend_from_slice(s.as_bytes());
        Ok(())
    }
}

/// Appends the demangled path of `symbol` without its hash to `out` and returns its length;
/// None (and `out` as it was) when it is not a Rust symbol or its path is longer than `cap`.
pub fn demangle_into(symbol: &str, out: &mut Vec<u8>, cap: usize) -> Option<usize> {
    let demangled = rustc_demangle::try_demangle(symbol).ok()?;
    let start = out.len();
    let written = write!(Appending { out: &mut *out, left: cap }, "{:#}", demangled);
    if written.is_err() {
        out.truncate(start);
        return None;
    }
    Some(out.len() - start)
}
