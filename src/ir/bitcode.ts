// LLVM bitcode, read just far enough for compile work: each function body's name and how many
// IR instructions it has. Rustc writes the bitcode (`--emit=llvm-bc`) beside its other outputs;
// it is several times smaller than the printed IR (`--emit=llvm-ir`) and holds one record per
// instruction, where printed IR spreads a `switch` or an `invoke` over several lines. No package
// reads bitcode, so this follows LLVM's documented format
// (https://llvm.org/docs/BitCodeFormat.html): a bitstream of nested blocks whose records are
// written plainly or through abbreviations. Blocks that do not matter are skipped whole.

/** One function definition in a module. */
export interface BitcodeFunction {
  /** The symbol, as mangled. */
  symbol: string;
  /** IR instructions in its body (debug records and locations are not instructions). */
  instructions: number;
}

const BLOCK = { blockInfo: 0, module: 8, function: 12, strtab: 23 } as const;
const MODULE_CODE = { version: 1, function: 8 } as const;
const FUNCTION_CODE_DECLAREBLOCKS = 1;
/** Function-block records that are not instructions: debug locations, operand bundles, block-address users, debug records. */
const NOT_INSTRUCTIONS = new Set([33, 35, 55, 60, 61, 62, 63, 64, 65]);
const ABBREV_ID = { endBlock: 0, enterBlock: 1, defineAbbrev: 2, unabbreviated: 3 } as const;

/** The kinds of an abbreviation's operands. */
const Op = { Literal: 0, Fixed: 1, Vbr: 2, Array: 3, Char6: 4, Blob: 5 } as const;

/** One operand of an abbreviation; one shape for all kinds (the reader's hot path stays monomorphic). */
interface AbbrevOp {
  kind: (typeof Op)[keyof typeof Op];
  /** The literal's value, or the field's width. */
  value: number;
}
type Abbrev = AbbrevOp[];

export class BitcodeError extends Error {}

/** Reads fields of any width, least significant bit first, as the bitstream stores them. */
class BitReader {
  #bit = 0;
  readonly #bits: number;

  constructor(readonly bytes: Uint8Array) {
    this.#bits = bytes.length * 8;
  }

  get position(): number {
    return this.#bit;
  }

  /** Up to 32 bits. */
  fixed(width: number): number {
    if (width > 24) return this.fixed(16) + this.fixed(width - 16) * 0x10000;
    const at = this.#bit;
    if (at + width > this.#bits) throw new BitcodeError('truncated bitcode');
    this.#bit = at + width;
    return (this.#window(at >>> 3) >>> (at & 7)) & ((1 << width) - 1);
  }

  /** The 4 bytes from `i`, little-endian; zeros past the end. */
  #window(i: number): number {
    const b = this.bytes;
    if (i + 3 < b.length) return (b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24)) >>> 0;
    let w = 0;
    for (let k = 0; k < 4 && i + k < b.length; k++) w |= b[i + k]! << (8 * k);
    return w >>> 0;
  }

  /** Variable width: chunks of `width` bits, the top bit of each saying another follows (values up to 2^53 exact). */
  vbr(width: number): number {
    const high = 1 << (width - 1);
    let chunk = this.fixed(width);
    if (chunk < high) return chunk;
    let value = 0;
    for (let scale = 1; ; scale *= high) {
      value += (chunk & (high - 1)) * scale;
      if (chunk < high) return value;
      chunk = this.fixed(width);
    }
  }

  align32(): void {
    this.#bit = Math.ceil(this.#bit / 32) * 32;
  }

  skipTo(bit: number): void {
    if (bit > this.#bits) throw new BitcodeError('truncated bitcode');
    this.#bit = bit;
  }

  bytesAt(count: number): Uint8Array {
    const start = this.#bit >>> 3;
    this.skipTo(this.#bit + count * 8);
    return this.bytes.subarray(start, start + count);
  }

  get atEnd(): boolean {
    return this.#bit >= this.#bits;
  }
}

interface BitRecord {
  code: number;
  ops: number[];
  blob: Uint8Array | null;
}

/** What a block reader is told: records of the block itself, and which sub-blocks to enter. */
interface BlockHandler {
  record(record: BitRecord): void;
  /** Set when only record codes matter: operands are skipped, not collected (function bodies are most of a module). */
  code?(code: number): void;
  /** A handler for a sub-block, or null to skip it. */
  enter(blockId: number): BlockHandler | null;
  /** After the block's END_BLOCK. */
  exit?(): void;
}

/** The abbreviations BLOCKINFO defines for every block of an id. */
type BlockInfo = Map<number, Abbrev[]>;

function readAbbrev(r: BitReader): Abbrev {
  const ops: Abbrev = [];
  for (let n = r.vbr(5); ops.length < n;) {
    if (r.fixed(1)) {
      ops.push({ kind: Op.Literal, value: r.vbr(8) });
      continue;
    }
    const encoding = r.fixed(3);
    if (encoding === 1 || encoding === 2) {
      const width = r.vbr(5);
      // A field of width 0 is always 0.
      ops.push(width === 0 ? { kind: Op.Literal, value: 0 } : { kind: encoding === 1 ? Op.Fixed : Op.Vbr, value: width });
    } else if (encoding >= 3 && encoding <= 5) ops.push({ kind: [Op.Array, Op.Char6, Op.Blob][encoding - 3]!, value: 0 });
    else throw new BitcodeError(`unknown abbreviation encoding ${encoding}`);
  }
  if (ops.length === 0) throw new BitcodeError('an abbreviation without a record code');
  return ops;
}

function readScalar(r: BitReader, op: AbbrevOp): number {
  switch (op.kind) {
    case Op.Literal:
      return op.value;
    case Op.Fixed:
      return r.fixed(op.value);
    case Op.Vbr:
      return r.vbr(op.value);
    case Op.Char6:
      return r.fixed(6);
    case Op.Array:
    case Op.Blob:
      throw new BitcodeError('an array or a blob cannot be an array element or a record code');
  }
}

/**
 * The operands after an abbreviated record's code, pushed onto `ops` when given (function bodies
 * need only codes, so they skip them without collecting); the blob, if the record has one.
 */
function readOperands(r: BitReader, abbrev: Abbrev, ops: number[] | null): Uint8Array | null {
  let blob: Uint8Array | null = null;
  for (let i = 1; i < abbrev.length; i++) {
    const op = abbrev[i]!;
    if (op.kind === Op.Array) {
      const element = abbrev[++i];
      if (!element) throw new BitcodeError('an array abbreviation without its element');
      for (let n = r.vbr(6); n > 0; n--) {
        const value = readScalar(r, element);
        if (ops) ops.push(value);
      }
    } else if (op.kind === Op.Blob) {
      const length = r.vbr(6);
      r.align32();
      blob = r.bytesAt(length);
      r.align32();
    } else {
      const value = readScalar(r, op);
      if (ops) ops.push(value);
    }
  }
  return blob;
}

function readAbbreviated(r: BitReader, abbrev: Abbrev): BitRecord {
  const code = readScalar(r, abbrev[0]!);
  const ops: number[] = [];
  return { code, ops, blob: readOperands(r, abbrev, ops) };
}

/** An abbreviated record's code, its operands skipped. */
function skipAbbreviated(r: BitReader, abbrev: Abbrev): number {
  const code = readScalar(r, abbrev[0]!);
  readOperands(r, abbrev, null);
  return code;
}

/** An unabbreviated record's code; its operands pushed onto `ops` when given. */
function readUnabbreviated(r: BitReader, ops: number[] | null): number {
  const code = r.vbr(6);
  for (let n = r.vbr(6); n > 0; n--) {
    const value = r.vbr(6);
    if (ops) ops.push(value);
  }
  return code;
}

/** BLOCKINFO: abbreviations for the blocks named by SETBID records, shared by the whole stream. */
function readBlockInfo(r: BitReader, width: number, info: BlockInfo): void {
  let current: number | null = null;
  for (;;) {
    const id = r.fixed(width);
    if (id === ABBREV_ID.endBlock) return r.align32();
    if (id === ABBREV_ID.defineAbbrev) {
      if (current === null) throw new BitcodeError('an abbreviation in BLOCKINFO before SETBID');
      info.set(current, [...(info.get(current) ?? []), readAbbrev(r)]);
    } else if (id === ABBREV_ID.unabbreviated) {
      const ops: number[] = [];
      if (readUnabbreviated(r, ops) === 1) current = ops[0] ?? null;
    } else throw new BitcodeError(`unexpected abbreviation id ${id} in BLOCKINFO`);
  }
}

/** The body of a block just entered (its header read), up to and including END_BLOCK. */
function readBlock(r: BitReader, blockId: number, width: number, info: BlockInfo, handler: BlockHandler): void {
  const abbrevs = [...(info.get(blockId) ?? [])];
  for (;;) {
    if (r.atEnd) throw new BitcodeError('a block without its end');
    const id = r.fixed(width);
    if (id === ABBREV_ID.endBlock) return r.align32();
    if (id === ABBREV_ID.enterBlock) enterBlock(r, info, handler);
    else if (id === ABBREV_ID.defineAbbrev) abbrevs.push(readAbbrev(r));
    else if (id === ABBREV_ID.unabbreviated) {
      if (handler.code) handler.code(readUnabbreviated(r, null));
      else {
        const ops: number[] = [];
        const code = readUnabbreviated(r, ops);
        handler.record({ code, ops, blob: null });
      }
    } else {
      const abbrev = abbrevs[id - 4];
      if (!abbrev) throw new BitcodeError(`undefined abbreviation ${id} in block ${blockId}`);
      if (handler.code) handler.code(skipAbbreviated(r, abbrev));
      else handler.record(readAbbreviated(r, abbrev));
    }
  }
}

/** A sub-block: read when the handler wants it, else skipped by its length. */
function enterBlock(r: BitReader, info: BlockInfo, parent: BlockHandler): void {
  const blockId = r.vbr(8);
  const width = r.vbr(4);
  r.align32();
  const words = r.fixed(32);
  const end = r.position + words * 32;
  if (blockId === BLOCK.blockInfo) return readBlockInfo(r, width, info);
  const handler = parent.enter(blockId);
  if (!handler) return r.skipTo(end);
  readBlock(r, blockId, width, info, handler);
  handler.exit?.();
}

/** The bitcode itself: after the wrapper header when there is one (Darwin's), after the magic. */
function bitstreamOf(bytes: Uint8Array): Uint8Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length >= 20 && view.getUint32(0, true) === 0x0b17c0de) {
    const [offset, size] = [view.getUint32(8, true), view.getUint32(12, true)];
    return bitstreamOf(bytes.subarray(offset, offset + size));
  }
  if (bytes.length < 4 || bytes[0] !== 0x42 || bytes[1] !== 0x43 || bytes[2] !== 0xc0 || bytes[3] !== 0xde) throw new BitcodeError('not LLVM bitcode');
  return bytes.subarray(4);
}

/** Counts each function body's instructions, in order; one handler for every body. */
class FunctionBodies implements BlockHandler {
  readonly counts: number[] = [];
  #instructions = 0;

  record(): void {}

  code(code: number): void {
    if (code !== FUNCTION_CODE_DECLAREBLOCKS && !NOT_INSTRUCTIONS.has(code)) this.#instructions++;
  }

  /** Constants, metadata, symbol tables and use lists inside a body are not instructions. */
  enter(): null {
    return null;
  }

  exit(): void {
    this.counts.push(this.#instructions);
    this.#instructions = 0;
  }
}

/** The top-level blocks (abbreviation width 2); a stream may end in zero padding. */
function readTopLevel(r: BitReader, info: BlockInfo, top: BlockHandler): void {
  while (!r.atEnd) {
    const id = r.fixed(2);
    if (id === ABBREV_ID.enterBlock) enterBlock(r, info, top);
    else if (id === ABBREV_ID.endBlock && r.bytes.subarray(Math.ceil(r.position / 8)).every((b) => b === 0)) return;
    else throw new BitcodeError(`unexpected abbreviation id ${id} at the top level`);
  }
}

/** The function definitions of one bitcode module, with their instruction counts. */
export function functionsInBitcode(bytes: Uint8Array): BitcodeFunction[] {
  const r = new BitReader(bitstreamOf(bytes));
  // Function records with a body, in module order: the bodies follow in the same order.
  const defined: Array<{ offset: number; size: number }> = [];
  const bodies = new FunctionBodies();
  let strtab: Uint8Array | null = null;
  let version = 0;
  const module: BlockHandler = {
    record: ({ code, ops }) => {
      if (code === MODULE_CODE.version) version = ops[0] ?? 0;
      // [strtab offset, strtab size, type, calling convention, isproto, ...]
      else if (code === MODULE_CODE.function && ops[4] === 0) defined.push({ offset: ops[0]!, size: ops[1]! });
    },
    enter: (id) => (id === BLOCK.function ? bodies : null),
  };
  const stringTable: BlockHandler = {
    record: ({ code, blob }) => {
      if (code === 1 && blob) strtab = blob;
    },
    enter: () => null,
  };
  readTopLevel(r, new Map(), { record: () => {}, enter: (id) => (id === BLOCK.module ? module : id === BLOCK.strtab ? stringTable : null) });
  return named(defined, bodies.counts, strtab, version);
}

/** Bodies matched to their function records, named from the string table (module version 2, LLVM 5 and later). */
function named(defined: Array<{ offset: number; size: number }>, counts: number[], strtab: Uint8Array | null, version: number): BitcodeFunction[] {
  if (version < 2) throw new BitcodeError(`module version ${version} is older than this reader (LLVM 5 and later write version 2)`);
  if (!strtab) throw new BitcodeError('no string table');
  if (defined.length !== counts.length) throw new BitcodeError(`${defined.length} function definitions but ${counts.length} bodies`);
  const table = strtab as Uint8Array;
  return defined.map((d, i) => ({ symbol: Buffer.from(table.subarray(d.offset, d.offset + d.size)).toString('latin1'), instructions: counts[i]! }));
}
