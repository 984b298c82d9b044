// LLVM bitcode, read just far enough for compile work: each function body's instruction count and
// where its name is in the string table. The format is LLVM's documented bitstream
// (https://llvm.org/docs/BitCodeFormat.html): nested blocks whose records are written plainly or
// through abbreviations; blocks that do not matter are skipped by their length. A damaged file is
// an error, never a trap or an endless loop: lengths and counts are checked against what is left.
// A crafted file is an error too, never hours of work: an abbreviation's literals and an array of
// literal elements cost no bits, so every step is counted against a budget of a few per bit.
use std::collections::BTreeMap;


const BLOCKINFO: u64 = 0;
const MODULE_BLOCK: u64 = 8;
const FUNCTION_BLOCK: u64 = 12;
const STRTAB_BLOCK: u64 = 23;
const MODULE_CODE_VERSION: u64 = 1;
const MODULE_CODE_FUNCTION: u64 = 8;
const FUNC_CODE_DECLAREBLOCKS: u64 = 1;
const END_BLOCK: u64 = 0;
const ENTER_SUBBLOCK: u64 = 1;
const DEFINE_ABBREV: u64 = 2;
const UNABBREV_RECORD: u64 = 3;
/// The parent of the top-level blocks.
const TOP: u64 = u64::MAX;

/// Why a stream could not be read; the host turns the code and its detail into a message.
#[derive(Clone, Copy)]
pub enum Error {
    Truncated = 1,
    UnknownEncoding = 2,
    AbbrevWithoutCode = 3,
    NestedArray = 4,
    ArrayWithoutElement = 5,
    AbbrevBeforeSetBid = 6,
    UnexpectedInBlockInfo = 7,
    BlockWithoutEnd = 8,
    UndefinedAbbrev = 9,
    UnexpectedAtTopLevel = 10,
    OldModule = 11,
    NoStringTable = 12,
    BodiesMismatch = 13,
    BadWidth = 14,
    TooMuchWork = 15,
}

pub struct Failure {
    pub error: Error,
    pub detail: u64,
}

pub type Result<T> = core::result::Result<T, Failure>;

fn fail<T>(error: Error, detail: u64) -> Result<T> {
    Err(Failure { error, detail })
}

#[derive(Clone, Copy)]
enum Op {
    Literal(u64),
    Fixed(u32),
    Vbr(u32),
    Array,
    Char6,
    Blob,
}

type Abbrev = Vec<Op>;

/// Zero bytes the input carries past the bitstream, so every read can take 8 bytes at once.
pub const PADDING: usize = 8;

/// Steps allowed per bit of input, plus a floor: a real module takes about one step per bit
/// (each value read costs bits; only an abbreviation's few literals do not).
const STEPS_PER_BIT: u64 = 4;
const STEPS_FLOOR: u64 = 1 << 20;

struct Bits<'a> {
    /// The bitstream and its padding.
    data: &'a [u8],
    /// The bitstream's length in bits.
    bits: usize,
    bit: usize,
    /// Steps left before the read is refused (values, abbreviation operands, blocks).
    steps: u64,
}

impl<'a> Bits<'a> {
    /// Spends `n` steps of the budget: a file that needs more than its size allows is refused.
    #[inline(always)]
    fn charge(&mut self, n: u64) -> Result<()> {
        if n > self.steps {
            return fail(Error::TooMuchWork, 0);
        }
        self.steps -= n;
        Ok(())
    }

    /// Up to 32 bits.
    #[inline(always)]
    fn fixed(&mut self, width: u32) -> Result<u64> {
        let end = self.bit + width as usize;
        if end > self.bits {
            return fail(Error::Truncated, 0);
        }
        let byte = self.bit >> 3;
        let word = u64::from_le_bytes(self.data[byte..byte + 8].try_into().unwrap());
        let value = (word >> (self.bit & 7)) & ((1u64 << width) - 1);
        self.bit = end;
        Ok(value)
    }

    /// Variable width: chunks of `width` bits, the top bit of each saying another follows.
    #[inline(always)]
    fn vbr(&mut self, width: u32) -> Result<u64> {
        let high = 1u64 << (width - 1);
        let mut chunk = self.fixed(width)?;
        if chunk < high {
            return Ok(chunk);
        }
        let mut value = 0u64;
        let mut shift = 0u32;
        loop {
            if shift < 64 {
                value |= (chunk & (high - 1)) << shift;
            }
            if chunk < high {
                return Ok(value);
            }
            shift += width - 1;
            chunk = self.fixed(width)?;
        }
    }

    /// Past `count` values of 6-bit chunks without adding them up (the operands of a record that only counts).
    #[inline(always)]
    fn skip_vbr6(&mut self, count: u64) -> Result<()> {
        let mut left = count;
        while left > 0 {
            if self.fixed(6)? & 0x20 == 0 {
                left -= 1;
            }
        }
        Ok(())
    }

    fn align32(&mut self) {
        self.bit = (self.bit + 31) & !31;
    }

    /// Forward to `bit` (64-bit: a length read from a damaged file may be anything).
    fn skip_to(&mut self, bit: u64) -> Result<()> {
        if bit > self.bits as u64 || bit < self.bit as u64 {
            return fail(Error::Truncated, 0);
        }
        self.bit = bit as usize;
        Ok(())
    }

    /// Whether `count` more values can be in what is left: each takes a bit or more, except a
    /// literal array element, which a damaged file could otherwise repeat 2^64 times.
    fn plausible(&self, count: u64) -> Result<()> {
        if count > (self.bits - self.bit.min(self.bits)) as u64 {
            return fail(Error::Truncated, 0);
        }
        Ok(())
    }

    fn at_end(&self) -> bool {
        self.bit >= self.bits
    }
}

fn read_abbrev(r: &mut Bits) -> Result<Abbrev> {
    let n = r.vbr(5)?;
    r.plausible(n)?;
    r.charge(n)?;
    let mut ops = Vec::new();
    while (ops.len() as u64) < n {
        if r.fixed(1)? == 1 {
            ops.push(Op::Literal(r.vbr(8)?));
            continue;
        }
        let encoding = r.fixed(3)?;
        ops.push(match encoding {
            1 | 2 => {
                let width = r.vbr(5)?;
                if width == 0 {
                    Op::Literal(0)
                } else if width > 32 {
                    return fail(Error::BadWidth, width);
                } else if encoding == 1 {
                    Op::Fixed(width as u32)
                } else {
                    Op::Vbr(width as u32)
                }
            }
            3 => Op::Array,
            4 => Op::Char6,
            5 => Op::Blob,
            _ => return fail(Error::UnknownEncoding, encoding),
        });
    }
    if ops.is_empty() {
        return fail(Error::AbbrevWithoutCode, 0);
    }
    Ok(ops)
}

#[inline(always)]
fn scalar(r: &mut Bits, op: Op) -> Result<u64> {
    match op {
        Op::Literal(v) => Ok(v),
        Op::Fixed(w) => r.fixed(w),
        Op::Vbr(w) => r.vbr(w),
        Op::Char6 => r.fixed(6),
        Op::Array | Op::Blob => fail(Error::NestedArray, 0),
    }
}

/// A record's operands after its code; pushed onto `ops` when collecting. Returns the blob's byte range.
fn operands(r: &mut Bits, abbrev: &Abbrev, mut ops: Option<&mut Vec<u64>>) -> Result<Option<(usize, usize)>> {
    r.charge(abbrev.len() as u64)?;
    let mut blob = None;
    let mut i = 1;
    while i < abbrev.len() {
        match abbrev[i] {
            Op::Array => {
                i += 1;
                let element = match abbrev.get(i) {
                    Some(e) => *e,
                    None => return fail(Error::ArrayWithoutElement, 0),
                };
                let count = r.vbr(6)?;
                r.plausible(count)?;
                r.charge(count)?;
                for _ in 0..count {
                    let v = scalar(r, element)?;
                    if let Some(o) = ops.as_deref_mut() {
                        o.push(v);
                    }
                }
            }
            Op::Blob => {
                let len = r.vbr(6)?;
                r.align32();
                let start = r.bit / 8;
                r.skip_to((r.bit as u64).saturating_add(len.saturating_mul(8)))?;
                r.align32();
                blob = Some((start, len as usize));
            }
            op => {
                let v = scalar(r, op)?;
                if let Some(o) = ops.as_deref_mut() {
                    o.push(v);
                }
            }
        }
        i += 1;
    }
    Ok(blob)
}

fn unabbreviated(r: &mut Bits, ops: Option<&mut Vec<u64>>) -> Result<u64> {
    let code = r.vbr(6)?;
    let count = r.vbr(6)?;
    r.plausible(count)?;
    r.charge(count + 1)?;
    match ops {
        Some(o) => {
            for _ in 0..count {
                o.push(r.vbr(6)?);
            }
        }
        None => r.skip_vbr6(count)?,
    }
    Ok(code)
}

/// What the whole read gathers.
pub struct Module {
    version: u64,
    /// String-table offset and size of each defined function, in module order.
    defined: Vec<(u64, u64)>,
    /// Instructions of each body, in the same order.
    bodies: Vec<u64>,
    /// Byte range of the string table within the input.
    pub strtab: Option<(usize, usize)>,
}

struct Reader<'a> {
    r: Bits<'a>,
    /// BLOCKINFO's abbreviations, by the block id they are for.
    info: BTreeMap<u64, Vec<Abbrev>>,
    module: Module,
    ops: Vec<u64>,
}

/// Abbreviation `id` (4 or more) of a block: BLOCKINFO's for its kind (those defined before the
/// block began), then its own. Looked up, not copied into each block: a crafted file may define
/// thousands and open thousands of blocks.
fn abbrev_of<'s>(inherited: &'s [Abbrev], local: &'s [Abbrev], id: u64) -> Result<&'s Abbrev> {
    let i = (id - 4) as usize;
    let found = if i < inherited.len() { inherited.get(i) } else { local.get(i - inherited.len()) };
    match found {
        Some(a) => Ok(a),
        None => fail(Error::UndefinedAbbrev, id),
    }
}

impl<'a> Reader<'a> {
    /// How many BLOCKINFO abbreviations a block of this kind starts with.
    fn inherited(&self, block: u64) -> usize {
        self.info.get(&block).map_or(0, |list| list.len())
    }

    /// The first `n` BLOCKINFO abbreviations of a block kind (a later BLOCKINFO may add more).
    fn info_of(info: &BTreeMap<u64, Vec<Abbrev>>, block: u64, n: usize) -> &[Abbrev] {
        info.get(&block).map_or(&[][..], |list| &list[..n])
    }

    fn block_info(&mut self, width: u32) -> Result<()> {
        let mut current: Option<u64> = None;
        loop {
            match self.r.fixed(width)? {
                END_BLOCK => {
                    self.r.align32();
                    return Ok(());
                }
                DEFINE_ABBREV => {
                    let id = match current {
                        Some(id) => id,
                        None => return fail(Error::AbbrevBeforeSetBid, 0),
                    };
                    let abbrev = read_abbrev(&mut self.r)?;
                    self.info.entry(id).or_default().push(abbrev);
                }
                UNABBREV_RECORD => {
                    let mut ops = Vec::new();
                    if unabbreviated(&mut self.r, Some(&mut ops))? == 1 {
                        current = ops.first().copied();
                    }
                }
                id => return fail(Error::UnexpectedInBlockInfo, id),
            }
        }
    }

    /// A sub-block's header; reads the block when it matters, else skips it by its length.
    fn enter(&mut self, parent: u64) -> Result<()> {
        self.r.charge(1)?;
        let block = self.r.vbr(8)?;
        let width = self.r.vbr(4)?;
        self.r.align32();
        let words = self.r.fixed(32)?;
        let end = self.r.bit as u64 + words * 32;
        let wanted = matches!((parent, block), (_, BLOCKINFO) | (TOP, MODULE_BLOCK) | (TOP, STRTAB_BLOCK) | (MODULE_BLOCK, FUNCTION_BLOCK));
        if !wanted {
            return self.r.skip_to(end);
        }
        if width == 0 || width > 32 {
            return fail(Error::BadWidth, width);
        }
        let width = width as u32;
        match block {
            BLOCKINFO => self.block_info(width),
            FUNCTION_BLOCK => {
                let n = self.function_body(width)?;
                self.module.bodies.push(n);
                Ok(())
            }
            _ => self.records(block, width),
        }
    }

    /// A function body: its instruction records counted, everything nested skipped.
    fn function_body(&mut self, width: u32) -> Result<u64> {
        let inherited = self.inherited(FUNCTION_BLOCK);
        let mut abbrevs: Vec<Abbrev> = Vec::new();
        let mut count = 0u64;
        loop {
            if self.r.at_end() {
                return fail(Error::BlockWithoutEnd, FUNCTION_BLOCK);
            }
            let code = match self.r.fixed(width)? {
                END_BLOCK => {
                    self.r.align32();
                    return Ok(count);
                }
                ENTER_SUBBLOCK => {
                    self.enter(FUNCTION_BLOCK)?;
                    continue;
                }
                DEFINE_ABBREV => {
                    abbrevs.push(read_abbrev(&mut self.r)?);
                    continue;
                }
                UNABBREV_RECORD => unabbreviated(&mut self.r, None)?,
                id => {
                    let abbrev = abbrev_of(Self::info_of(&self.info, FUNCTION_BLOCK, inherited), &abbrevs, id)?;
                    let code = scalar(&mut self.r, abbrev[0])?;
                    operands(&mut self.r, abbrev, None)?;
                    code
                }
            };
            // Not instructions: DECLAREBLOCKS, debug locations, operand bundles, block-address users, debug records.
            if !matches!(code, FUNC_CODE_DECLAREBLOCKS | 33 | 35 | 55 | 60..=65) {
                count += 1;
            }
        }
    }

    /// The module block or the string table: records read whole.
    fn records(&mut self, block: u64, width: u32) -> Result<()> {
        let inherited = self.inherited(block);
        let mut abbrevs: Vec<Abbrev> = Vec::new();
        loop {
            if self.r.at_end() {
                return fail(Error::BlockWithoutEnd, block);
            }
            let mut ops = core::mem::take(&mut self.ops);
            ops.clear();
            let (code, blob) = match self.r.fixed(width)? {
                END_BLOCK => {
                    self.r.align32();
                    self.ops = ops;
                    return Ok(());
                }
                ENTER_SUBBLOCK => {
                    self.ops = ops;
                    self.enter(block)?;
                    continue;
                }
                DEFINE_ABBREV => {
                    self.ops = ops;
                    abbrevs.push(read_abbrev(&mut self.r)?);
                    continue;
                }
                UNABBREV_RECORD => (unabbreviated(&mut self.r, Some(&mut ops))?, None),
                id => {
                    let abbrev = abbrev_of(Self::info_of(&self.info, block, inherited), &abbrevs, id)?;
                    let code = scalar(&mut self.r, abbrev[0])?;
                    (code, operands(&mut self.r, abbrev, Some(&mut ops))?)
                }
            };
            match (block, code) {
                (MODULE_BLOCK, MODULE_CODE_VERSION) => self.module.version = ops.first().copied().unwrap_or(0),
                // [strtab offset, strtab size, type, calling convention, isproto, ...]
                (MODULE_BLOCK, MODULE_CODE_FUNCTION) if ops.get(4) == Some(&0) => self.module.defined.push((ops[0], ops[1])),
                (STRTAB_BLOCK, 1) => {
                    if let Some(b) = blob {
                        self.module.strtab = Some(b);
                    }
                }
                _ => {}
            }
            self.ops = ops;
        }
    }
}

/// Reads a bitstream (the `len` bytes after the magic, then PADDING zero bytes); one (string-table
/// offset, name length, instructions) per function definition, and the string table's byte range.
pub fn read(data: &[u8], len: usize) -> Result<(Vec<[u64; 3]>, (usize, usize))> {
    if len > usize::MAX / 8 || data.len() < len + PADDING {
        return fail(Error::Truncated, 0);
    }
    let steps = (len as u64 * 8).saturating_mul(STEPS_PER_BIT).saturating_add(STEPS_FLOOR);
    let mut reader = Reader {
        r: Bits { data, bits: len * 8, bit: 0, steps },
        info: BTreeMap::new(),
        module: Module { version: 0, defined: Vec::new(), bodies: Vec::new(), strtab: None },
        ops: Vec::new(),
    };
    while !reader.r.at_end() {
        match reader.r.fixed(2)? {
            ENTER_SUBBLOCK => reader.enter(TOP)?,
            END_BLOCK if data[(reader.r.bit + 7) / 8..len].iter().all(|b| *b == 0) => break,
            id => return fail(Error::UnexpectedAtTopLevel, id),
        }
    }
    let m = reader.module;
    if m.version < 2 {
        return fail(Error::OldModule, m.version);
    }
    let strtab = match m.strtab {
        Some(s) => s,
        None => return fail(Error::NoStringTable, 0),
    };
    if m.defined.len() != m.bodies.len() {
        return fail(Error::BodiesMismatch, m.defined.len() as u64);
    }
    Ok((m.defined.iter().zip(&m.bodies).map(|(d, n)| [d.0, d.1, *n]).collect(), strtab))
}
