// Compile work: the functions in the object code cargo already wrote, with their sizes in bytes
// of machine code, read with gimli-rs's `object` crate. A library's `.rlib` is an `ar` archive
// of object files (one per codegen unit) and `lib.rmeta`; a binary, cdylib or proc macro is one
// linked file, which also holds the code of every library it links (std's, the dependencies'):
// its own code is the functions no library defines, so libraries are read first and their
// function names noted (`Mode::define`), then linked files counted without them (`Mode::own`).
// ELF gives each function symbol its size; Mach-O and COFF do not, so a function runs to the
// next symbol of its section (or the section's end).
//
//
// Only the parts read are copied in: the host fills the input page by page as the reader asks
// (`Window`, the `fill` import), so the debug info that makes up most of a debug build's files is
// never read, only headers and symbol and string tables.
//
// The files come from the build, so a proc macro can plant a crafted one: every step is charged
// to a budget proportional to the file's size (symbols, archive members, name and demangled
// bytes, sorting), and a file that asks for more is refused. Lengths and offsets are checked by
// the `object` crate and `Window` against the file's size.
use crate::demangle::demangle_into;
use object::read::archive::ArchiveFile;
use object::{File, FileKind, Object, ObjectSection, ObjectSymbol, ReadRef, SectionKind, SymbolKind, SymbolSection};
use std::cell::RefCell;
use std::collections::HashSet;
use std::ops::Range;

#[link(wasm_import_module = "watchmaker")]
extern "C" {
    /// The host copies bytes `offset..offset + len` of the file to the same offset of the input buffer; 0: it could not.
    fn fill(offset: u32, len: u32) -> u32;
}

/// The unit the host copies in.
const PAGE: usize = 16 * 1024;

/// The file, as far as the host has copied it into the input buffer (at its start, `len` bytes reserved).
pub struct Input {
    start: *const u8,
    len: usize,
    /// One bit per page: copied in.
    filled: RefCell<Vec<u64>>,
    /// Why the host could not copy a page, once it failed.
    failed: RefCell<bool>,
}

impl Input {
    pub fn new(start: *const u8, len: usize) -> Input {
        Input { start, len, filled: RefCell::new(vec![0; (len + PAGE * 64 - 1) / (PAGE * 64)]), failed: RefCell::new(false) }
    }

    /// Bytes `from..to` (within the file), copied in first where they are not yet.
    fn bytes(&self, from: usize, to: usize) -> Result<&[u8], ()> {
        if from > to || to > self.len {
            return Err(());
        }
        let mut filled = self.filled.borrow_mut();
        let mut page = from / PAGE;
        while page * PAGE < to {
            if filled[page / 64] & (1 << (page % 64)) != 0 {
                page += 1;
                continue;
            }
            // A run of missing pages in one call.
            let first = page;
            while page * PAGE < to && filled[page / 64] & (1 << (page % 64)) == 0 {
                filled[page / 64] |= 1 << (page % 64);
                page += 1;
            }
            let (at, end) = (first * PAGE, (page * PAGE).min(self.len));
            if unsafe { fill(at as u32, (end - at) as u32) } == 0 {
                *self.failed.borrow_mut() = true;
                return Err(());
            }
        }
        // The host wrote these bytes through the module's memory; they are not written again.
        Ok(unsafe { std::slice::from_raw_parts(self.start.add(from), to - from) })
    }

    pub fn host_failed(&self) -> bool {
        *self.failed.borrow()
    }
}

/// A part of the file (all of it, or an archive member) for the `object` crate to read.
#[derive(Clone, Copy)]
pub struct Window<'a> {
    input: &'a Input,
    offset: usize,
    len: usize,
}

impl<'a> Window<'a> {
    pub fn whole(input: &'a Input) -> Window<'a> {
        Window { input, offset: 0, len: input.len }
    }

    fn part(self, offset: u64, size: u64) -> Option<Window<'a>> {
        let (offset, size) = (usize::try_from(offset).ok()?, usize::try_from(size).ok()?);
        (offset.checked_add(size)? <= self.len).then(|| Window { input: self.input, offset: self.offset + offset, len: size })
    }

    fn starts_with(self, prefix: &[u8]) -> bool {
        self.read_bytes_at(0, prefix.len() as u64).map_or(false, |b| b == prefix)
    }
}

impl<'a> ReadRef<'a> for Window<'a> {
    fn len(self) -> Result<u64, ()> {
        Ok(self.len as u64)
    }

    fn read_bytes_at(self, offset: u64, size: u64) -> Result<&'a [u8], ()> {
        let part = self.part(offset, size).ok_or(())?;
        part.input.bytes(part.offset, part.offset + part.len)
    }

    /// Up to the delimiter, copying in page by page (a name is a few bytes of a string table).
    fn read_bytes_at_until(self, range: Range<u64>, delimiter: u8) -> Result<&'a [u8], ()> {
        let start = usize::try_from(range.start).map_err(|_| ())?;
        let end = usize::try_from(range.end).map_or(self.len, |e| e.min(self.len));
        let mut at = start;
        while at < end {
            let stop = end.min((self.offset + at) / PAGE * PAGE + PAGE - self.offset);
            let chunk = self.input.bytes(self.offset + at, self.offset + stop)?;
            if let Some(i) = chunk.iter().position(|&b| b == delimiter) {
                return self.input.bytes(self.offset + start, self.offset + at + i);
            }
            at = stop;
        }
        Err(())
    }
}

/// Steps a file may take per byte, and at least: a real file takes about one per byte of its
/// symbol and string tables, which are a fraction of it.
const STEPS_PER_BYTE: u64 = 8;
const MIN_STEPS: u64 = 1 << 20;
/// A demangled name longer than this is left mangled (a crafted v0 name can expand through
/// back-references to far more text than any real path).
const MAX_PATH: usize = 32 * 1024;
/// Marks a function whose name is not a Rust symbol (no demangled path).
pub const NO_PATH: u32 = u32::MAX;

pub struct Failure(pub String);

/// Objects compiled to LLVM bitcode (linker-plugin LTO: `lto = true` makes cargo compile libraries
/// so): no machine code until a binary links them. Not a damaged file: the host says so apart.
pub const NO_MACHINE_CODE: &str = "its objects are LLVM bitcode, not machine code (link-time optimisation: the code is generated in the binaries that link it)";

fn damaged(what: &str, e: object::Error) -> Failure {
    Failure(format!("{}: {} (a damaged or crafted file)", what, e))
}

/// What a file may cost, charged as it is read.
pub struct Budget {
    left: u64,
}

impl Budget {
    pub fn for_len(len: usize) -> Budget {
        Budget { left: (len as u64).saturating_mul(STEPS_PER_BYTE).max(MIN_STEPS) }
    }

    pub fn charge(&mut self, steps: u64) -> Result<(), Failure> {
        if steps > self.left {
            return Err(Failure("it asks for more work than its size allows (a crafted file: repeated names, members or symbols)".into()));
        }
        self.left -= steps;
        Ok(())
    }
}

/// What a read does with the functions it finds.
#[derive(Clone, Copy)]
pub struct Mode {
    /// Report them to the host.
    pub work: bool,
    /// Note their names as defined by a library.
    pub define: bool,
    /// Leave out those a library defines (a linked file's own code).
    pub own: bool,
}

/// A function name as the set of defined names keeps it: 64-bit FNV-1a (a set of a million names
/// collides with odds of one in ten million).
fn name_hash(name: &[u8]) -> u64 {
    name.iter().fold(0xcbf29ce484222325, |h, &b| (h ^ b as u64).wrapping_mul(0x100000001b3))
}

/// The functions found, for the host: per function its size, the lengths of its symbol and of
/// its demangled path (NO_PATH: not Rust), then the bytes of both (little-endian u32s).
pub struct Functions<'a> {
    pub out: Vec<u8>,
    pub count: u32,
    pub mode: Mode,
    /// The names of the functions the libraries read so far define.
    pub defined: &'a mut HashSet<u64>,
}

impl Functions<'_> {
    /// One function at one address, under all its names (aliases: functions LLVM merged).
    fn add(&mut self, names: &[&[u8]], size: u64, budget: &mut Budget) -> Result<(), Failure> {
        let hashes = names.iter().map(|n| budget.charge(n.len() as u64).map(|_| name_hash(n))).collect::<Result<Vec<_>, _>>()?;
        if self.mode.define {
            self.defined.extend(hashes.iter().copied());
        }
        if (self.mode.own && hashes.iter().any(|h| self.defined.contains(h))) || !self.mode.work || size == 0 {
            return Ok(());
        }
        // Counted once, under its smallest name.
        self.push(names.iter().min().unwrap(), size, budget)
    }

    fn push(&mut self, symbol: &[u8], size: u64, budget: &mut Budget) -> Result<(), Failure> {
        budget.charge(16 + symbol.len() as u64)?;
        let size = u32::try_from(size).map_err(|_| Failure("a function larger than 4 GiB (a crafted file)".into()))?;
        let header = self.out.len();
        self.out.extend_from_slice(&[0; 12]);
        self.out.extend_from_slice(symbol);
        let path_len = match std::str::from_utf8(symbol) {
            Ok(s) => demangle_into(s, &mut self.out, MAX_PATH),
            Err(_) => None,
        };
        budget.charge(path_len.unwrap_or(0) as u64)?;
        let fields = [size, symbol.len() as u32, path_len.map_or(NO_PATH, |n| n as u32)];
        for (i, v) in fields.iter().enumerate() {
            self.out[header + 4 * i..header + 4 * i + 4].copy_from_slice(&v.to_le_bytes());
        }
        self.count += 1;
        Ok(())
    }
}

const BITCODE_MAGIC: [u8; 4] = [0x42, 0x43, 0xc0, 0xde];
const BITCODE_WRAPPER: [u8; 4] = [0xde, 0xc0, 0x17, 0x0b];

fn is_bitcode(data: Window) -> bool {
    data.starts_with(&BITCODE_MAGIC) || data.starts_with(&BITCODE_WRAPPER)
}

/// Reads one file cargo reported: an archive (`.rlib`, `.a`) member by member, or one object or linked file.
pub fn read(input: &Input, out: &mut Functions) -> Result<(), Failure> {
    let data = Window::whole(input);
    let mut budget = Budget::for_len(data.len);
    let outcome = match FileKind::parse(data) {
        Ok(FileKind::Archive) => read_archive(data, &mut budget, out),
        Ok(_) => read_file(data, "the file", &mut budget, out),
        Err(_) if is_bitcode(data) => Err(Failure(NO_MACHINE_CODE.into())),
        Err(_) => Err(Failure("not an object file, archive or linked file this reader knows (ELF, Mach-O, COFF, PE)".into())),
    };
    // A part of the file the host could not copy in reads as damaged: say what happened instead.
    if outcome.is_err() && input.host_failed() {
        return Err(Failure("the file could not be read (it changed or shrank while it was read)".into()));
    }
    outcome
}

fn read_archive(data: Window, budget: &mut Budget, out: &mut Functions) -> Result<(), Failure> {
    check_layout(data, budget)?;
    let archive = ArchiveFile::parse(data).map_err(|e| damaged("the archive", e))?;
    for member in archive.members() {
        budget.charge(64)?;
        let member = member.map_err(|e| damaged("an archive member", e))?;
        let name = String::from_utf8_lossy(member.name()).into_owned();
        // The crate's metadata: no code.
        if name == "lib.rmeta" || name.ends_with(".rmeta") {
            continue;
        }
        let (offset, size) = member.file_range();
        let bytes = data.part(offset, size).ok_or_else(|| Failure(format!("{}: it runs past the end of the archive (a damaged or crafted file)", name)))?;
        if bytes.len == 0 {
            continue;
        }
        if is_bitcode(bytes) {
            // A library read for the names it defines defines none yet: its code, once linked, is the binary's own.
            if out.mode.work {
                return Err(Failure(NO_MACHINE_CODE.into()));
            }
            continue;
        }
        if FileKind::parse(bytes).is_err() {
            return Err(Failure(format!("{} is not an object file this reader knows (ELF, Mach-O, COFF, PE)", name)));
        }
        read_file(bytes, &name, budget, out)?;
    }
    Ok(())
}

/// Every member of a common `ar` archive lies within the file: parsing only notes where its symbol
/// table is, so a file cut inside it would otherwise read as an empty archive.
fn check_layout(data: Window, budget: &mut Budget) -> Result<(), Failure> {
    let truncated = || Failure("the archive: a member runs past the end of the file (a damaged or crafted file)".into());
    if !data.starts_with(b"!<arch>\n") {
        return Ok(());
    }
    let mut at = 8usize;
    while at < data.len {
        budget.charge(64)?;
        let header = data.read_bytes_at(at as u64, 60).map_err(|_| truncated())?;
        let size = std::str::from_utf8(&header[48..58]).ok().and_then(|s| s.trim_end().parse::<usize>().ok()).ok_or_else(truncated)?;
        at = at.checked_add(60 + size + (size & 1)).ok_or_else(truncated)?;
        // The padding byte after the last member may be missing.
        if at > data.len + (size & 1) {
            return Err(truncated());
        }
    }
    Ok(())
}

/// A defined symbol: where it is, and what it would be reported as.
struct Mark<'data> {
    section: usize,
    address: u64,
    /// 0: a function; 1: another symbol, a boundary only (Mach-O and COFF).
    rank: u8,
    /// ELF's size (Mach-O and COFF have none).
    size: u64,
    index: usize,
    name: &'data [u8],
}

/// Per section index: whether it holds code, its address and size.
fn section_table<'a>(file: &File<'a, Window<'a>>, budget: &mut Budget) -> Result<Vec<Option<(bool, u64, u64)>>, Failure> {
    let mut table = Vec::new();
    for section in file.sections() {
        budget.charge(8)?;
        let i = section.index().0;
        if table.len() <= i {
            table.resize(i + 1, None);
        }
        table[i] = Some((section.kind() == SectionKind::Text, section.address(), section.size()));
    }
    Ok(table)
}

/// Assembler-local labels (Mach-O's `ltmp0` at the start of a section, `L…`, `l…`, `.L…`): neither functions nor boundaries.
fn is_local_label(name: &[u8]) -> bool {
    name.starts_with(b"L") || name.starts_with(b"l") || name.starts_with(b".L")
}

fn read_file(data: Window, what: &str, budget: &mut Budget, out: &mut Functions) -> Result<(), Failure> {
    let file = File::parse(data).map_err(|e| damaged(what, e))?;
    if file.symbol_table().is_none() {
        return Err(Failure(format!("{} has no symbol table (stripped, or a Windows image whose symbols are in a PDB)", what)));
    }
    let sections = section_table(&file, budget)?;
    let sized = file.format() == object::BinaryFormat::Elf;
    let mut marks = Vec::new();
    for symbol in file.symbols() {
        budget.charge(1)?;
        let section = match symbol.section() {
            SymbolSection::Section(i) => i.0,
            _ => continue,
        };
        let (text, start, len) = match sections.get(section).copied().flatten() {
            Some(s) => s,
            None => return Err(Failure(format!("{}: a symbol in a section that does not exist (a damaged or crafted file)", what))),
        };
        let function = text && symbol.kind() == SymbolKind::Text;
        if sized && !function {
            continue;
        }
        let name = if function { symbol.name_bytes().map_err(|e| damaged(what, e))? } else { &[] };
        budget.charge(name.len() as u64)?;
        if function && is_local_label(name) && !sized {
            continue;
        }
        let (address, size) = (symbol.address(), if sized { symbol.size() } else { 0 });
        if address < start || address.checked_add(size).map_or(true, |end| end > start.saturating_add(len)) {
            return Err(Failure(format!("{}: a function outside its section (a damaged or crafted file)", what)));
        }
        marks.push(Mark { section, address, rank: if function { 0 } else { 1 }, size, index: symbol.index().0, name });
    }
    report(marks, &sections, sized, budget, out)
}

/// One function per address (aliases, such as functions LLVM merged, are counted once), in order
/// of section and address; sizes from ELF, else from the next address.
fn report(mut marks: Vec<Mark>, sections: &[Option<(bool, u64, u64)>], sized: bool, budget: &mut Budget, out: &mut Functions) -> Result<(), Failure> {
    let n = marks.len() as u64;
    budget.charge(n * (64 - n.leading_zeros() as u64))?;
    marks.sort_unstable_by_key(|m| (m.section, m.address, m.rank, m.index));
    let mut i = 0;
    while i < marks.len() {
        let mut j = i + 1;
        while j < marks.len() && marks[j].section == marks[i].section && marks[j].address == marks[i].address {
            j += 1;
        }
        let first = &marks[i];
        if first.rank == 0 {
            let names: Vec<&[u8]> = marks[i..j].iter().filter(|m| m.rank == 0).map(|m| m.name).collect();
            let size = if sized {
                // Aliases share their size; the largest, should a crafted file give them different ones.
                marks[i..j].iter().filter(|m| m.rank == 0).map(|m| m.size).max().unwrap_or(0)
            } else {
                let end = match marks.get(j) {
                    Some(next) if next.section == first.section => next.address,
                    _ => sections[first.section].map_or(first.address, |(_, start, len)| start.saturating_add(len)),
                };
                end - first.address
            };
            out.add(&names, size, budget)?;
        }
        i = j;
    }
    Ok(())
}
