// Writes LLVM bitstreams (https://llvm.org/docs/BitCodeFormat.html) for tests of the reader:
// small valid modules of any size, and the crafted ones a hostile proc macro could plant.
const MAGIC = [0x42, 0x43, 0xc0, 0xde];

export class BitWriter {
  private bytes = new Uint8Array(1 << 16);
  private length = 0;
  private cur = 0;
  private used = 0;
  private readonly blocks: Array<{ width: number; lengthAt: number }> = [];
  width = 2;

  /** `value` in `width` bits (up to 32), least significant first, a byte's worth at a time. */
  fixed(value: number, width: number): this {
    for (let done = 0; done < width;) {
      const take = Math.min(8 - this.used, width - done);
      this.cur |= (Math.floor(value / 2 ** done) % 2 ** take) << this.used;
      this.used += take;
      done += take;
      if (this.used === 8) {
        if (this.length === this.bytes.length) this.push();
        this.bytes[this.length++] = this.cur;
        this.cur = 0;
        this.used = 0;
      }
    }
    return this;
  }

  private push(...bytes: number[]): void {
    if (this.length + bytes.length >= this.bytes.length) {
      const grown = new Uint8Array(this.bytes.length * 2);
      grown.set(this.bytes);
      this.bytes = grown;
    }
    for (const b of bytes) this.bytes[this.length++] = b;
  }

  vbr(value: number, width: number): this {
    const high = 2 ** (width - 1);
    while (value >= high) {
      this.fixed((value % high) + high, width);
      value = Math.floor(value / high);
    }
    return this.fixed(value, width);
  }

  align32(): this {
    while (this.used !== 0 || this.length % 4 !== 0) this.fixed(0, 1);
    return this;
  }

  enterBlock(id: number, width: number): this {
    this.fixed(1, this.width).vbr(id, 8).vbr(width, 4).align32();
    this.blocks.push({ width: this.width, lengthAt: this.length });
    this.push(0, 0, 0, 0);
    this.width = width;
    return this;
  }

  endBlock(): this {
    this.fixed(0, this.width).align32();
    const block = this.blocks.pop()!;
    const words = (this.length - block.lengthAt - 4) / 4;
    for (let i = 0; i < 4; i++) this.bytes[block.lengthAt + i] = (words >>> (8 * i)) & 0xff;
    this.width = block.width;
    return this;
  }

  /** An unabbreviated record: code and operands as 6-bit VBRs. */
  record(code: number, ops: number[]): this {
    this.fixed(3, this.width).vbr(code, 6).vbr(ops.length, 6);
    for (const op of ops) this.vbr(op, 6);
    return this;
  }

  /** DEFINE_ABBREV; ops: ['lit', v], ['fixed', w], ['vbr', w], ['array'], ['char6'], ['blob']. */
  defineAbbrev(ops: Array<[string, number?]>): this {
    this.fixed(2, this.width).vbr(ops.length, 5);
    for (const [kind, v] of ops) {
      if (kind === 'lit') this.fixed(1, 1).vbr(v!, 8);
      else {
        this.fixed(0, 1).fixed({ fixed: 1, vbr: 2, array: 3, char6: 4, blob: 5 }[kind]!, 3);
        if (kind === 'fixed' || kind === 'vbr') this.vbr(v!, 5);
      }
    }
    return this;
  }

  get bitLength(): number {
    return this.length * 8 + this.used;
  }

  /** The file: magic, then the stream (flushed to whole 32-bit words). */
  file(): Buffer {
    this.align32();
    return Buffer.concat([Buffer.from(MAGIC), this.bytes.subarray(0, this.length)]);
  }
}

/** A valid module: one defined function per entry, with that many instructions, names in the string table. */
export function bitcodeModule(functions: Array<{ name: string; instructions: number }>): Buffer {
  const w = new BitWriter();
  const names = functions.map((f) => f.name).join('');
  w.enterBlock(8, 3).record(1, [2]);
  let offset = 0;
  for (const f of functions) {
    w.record(8, [offset, f.name.length, 0, 0, 0]);
    offset += f.name.length;
  }
  for (const f of functions) {
    w.enterBlock(12, 4).record(1, [1]);
    // RET (10) with no operands: one instruction each.
    for (let i = 0; i < f.instructions; i++) w.record(10, []);
    w.endBlock();
  }
  w.endBlock();
  w.enterBlock(23, 3).defineAbbrev([['lit', 1], ['blob']]);
  w.fixed(4, 3).vbr(names.length, 6).align32();
  for (const c of Buffer.from(names, 'latin1')) w.fixed(c, 8);
  w.align32().endBlock();
  return w.file();
}

/**
 * A module block whose records each carry an array of literal elements: every record costs the
 * file a few bytes and a naive reader as many steps as there are bits left. `bytes` long.
 */
export function literalArrayBomb(bytes: number): Buffer {
  const w = new BitWriter();
  w.enterBlock(8, 3)
    .record(1, [2])
    .defineAbbrev([['lit', 99], ['array'], ['lit', 0]]);
  const end = (bytes - 16) * 8;
  // Each count is half the bits left, so it is always plausible.
  while (w.bitLength + 64 < end) w.fixed(4, 3).vbr(Math.floor((end - w.bitLength) / 2), 6);
  w.endBlock();
  return w.file();
}

/** A module whose BLOCKINFO gives the function block `abbrevs` abbreviations, then `functions` empty function bodies. */
export function blockInfoBomb(abbrevs: number, functions: number): Buffer {
  const w = new BitWriter();
  w.enterBlock(8, 3).record(1, [2]);
  w.enterBlock(0, 2).record(1, [12]);
  for (let i = 0; i < abbrevs; i++) w.defineAbbrev([['lit', 10]]);
  w.endBlock();
  for (let i = 0; i < functions; i++) w.enterBlock(12, 2).endBlock();
  w.endBlock();
  return w.file();
}
