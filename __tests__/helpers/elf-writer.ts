// Crafted ELF object files for the compile-work reader's hostile-input tests: a relocatable
// x86-64 object with a .text section, a symbol table and its string table, every field settable
// (names pointing anywhere, sizes and addresses out of range, absurd section sizes).

export interface ElfSymbol {
  /** Offset of its name in the string table. */
  name: number;
  value: number;
  size: number;
  /** STT_FUNC (2) unless given. */
  type?: number;
  /** Section index: 1 is .text. */
  section?: number;
}

export interface ElfSpec {
  textSize: number;
  symbols: ElfSymbol[];
  /** The string table's bytes (starts with a NUL). */
  strtab: Buffer;
  /** Overrides of the symbol table's section header: offset or size. */
  symtabHeader?: { offset?: bigint; size?: bigint };
  /** Overrides of the ELF header's section count. */
  sectionCount?: number;
}

const SHT = { PROGBITS: 1, SYMTAB: 2, STRTAB: 3 };

function sectionHeader(h: {
  name: number;
  type: number;
  flags?: bigint;
  offset: bigint;
  size: bigint;
  link?: number;
  info?: number;
  align?: bigint;
  entsize?: bigint;
}): Buffer {
  const b = Buffer.alloc(64);
  b.writeUInt32LE(h.name, 0);
  b.writeUInt32LE(h.type, 4);
  b.writeBigUInt64LE(h.flags ?? 0n, 8);
  b.writeBigUInt64LE(h.offset, 24);
  b.writeBigUInt64LE(h.size, 32);
  b.writeUInt32LE(h.link ?? 0, 40);
  b.writeUInt32LE(h.info ?? 0, 44);
  b.writeBigUInt64LE(h.align ?? 1n, 48);
  b.writeBigUInt64LE(h.entsize ?? 0n, 56);
  return b;
}

function symbolTable(symbols: ElfSymbol[]): Buffer {
  const table = Buffer.alloc(24 * (symbols.length + 1));
  symbols.forEach((s, i) => {
    const at = 24 * (i + 1);
    table.writeUInt32LE(s.name, at);
    // Global binding (1 << 4) and the type.
    table.writeUInt8((1 << 4) | (s.type ?? 2), at + 4);
    table.writeUInt16LE(s.section ?? 1, at + 6);
    table.writeBigUInt64LE(BigInt(s.value), at + 8);
    table.writeBigUInt64LE(BigInt(s.size), at + 16);
  });
  return table;
}

/** An ELF64 little-endian relocatable object: header, .text, .symtab, .strtab, .shstrtab, section headers. */
export function elfObject(spec: ElfSpec): Buffer {
  const shstrtab = Buffer.from('\0.text\0.symtab\0.strtab\0.shstrtab\0');
  const text = Buffer.alloc(spec.textSize, 0xc3);
  const symtab = symbolTable(spec.symbols);
  const pad = (n: number) => Buffer.alloc((8 - (n % 8)) % 8);
  const parts: Buffer[] = [Buffer.alloc(64)];
  const offsetOf = (b: Buffer) => {
    const at = parts.reduce((a, p) => a + p.length, 0);
    parts.push(b, pad(at + b.length));
    return BigInt(at);
  };
  const [textAt, symtabAt, strtabAt, shstrtabAt] = [text, symtab, spec.strtab, shstrtab].map(offsetOf);
  const headersAt = parts.reduce((a, p) => a + p.length, 0);
  parts.push(
    Buffer.alloc(64),
    sectionHeader({ name: 1, type: SHT.PROGBITS, flags: 6n, offset: textAt!, size: BigInt(text.length), align: 16n }),
    sectionHeader({
      name: 7,
      type: SHT.SYMTAB,
      offset: spec.symtabHeader?.offset ?? symtabAt!,
      size: spec.symtabHeader?.size ?? BigInt(symtab.length),
      link: 3,
      info: 1,
      align: 8n,
      entsize: 24n,
    }),
    sectionHeader({ name: 15, type: SHT.STRTAB, offset: strtabAt!, size: BigInt(spec.strtab.length) }),
    sectionHeader({ name: 23, type: SHT.STRTAB, offset: shstrtabAt!, size: BigInt(shstrtab.length) }),
  );
  const out = Buffer.concat(parts);
  out.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1], 0);
  out.writeUInt16LE(1, 16); // ET_REL
  out.writeUInt16LE(62, 18); // EM_X86_64
  out.writeUInt32LE(1, 20);
  out.writeBigUInt64LE(BigInt(headersAt), 40);
  out.writeUInt16LE(64, 52);
  out.writeUInt16LE(64, 58);
  out.writeUInt16LE(spec.sectionCount ?? 5, 60);
  out.writeUInt16LE(4, 62);
  return out;
}

/** `count` functions of `size` bytes each, named `f0`, `f1`, … (a real object's shape). */
export function manyFunctions(count: number, size: number): Buffer {
  const names = Array.from({ length: count }, (_, i) => `_ZN5tools${`f${i}`.length}f${i}17h0123456789abcdefE`);
  const offsets: number[] = [];
  let strtab = '\0';
  for (const n of names) {
    offsets.push(strtab.length);
    strtab += `${n}\0`;
  }
  return elfObject({
    textSize: count * size,
    symbols: names.map((_, i) => ({ name: offsets[i]!, value: i * size, size })),
    strtab: Buffer.from(strtab),
  });
}

/** `count` function symbols that all share one name of `length` characters: little file, much name to read. */
export function sharedNameBomb(count: number, length: number): Buffer {
  const strtab = Buffer.from(`\0_ZN5tools${'a'.repeat(length)}E\0`);
  return elfObject({
    textSize: count,
    symbols: Array.from({ length: count }, (_, i) => ({ name: 1, value: i, size: 1 })),
    strtab,
  });
}

/** An `ar` archive of the given members (GNU format, names in the header). */
export function arArchive(members: Array<{ name: string; data: Buffer }>): Buffer {
  const parts: Buffer[] = [Buffer.from('!<arch>\n')];
  for (const m of members) {
    const header = `${`${m.name}/`.padEnd(16)}${'0'.padEnd(12)}${'0'.padEnd(6)}${'0'.padEnd(6)}${'644'.padEnd(8)}${String(m.data.length).padEnd(10)}\`\n`;
    parts.push(Buffer.from(header, 'latin1'), m.data);
    if (m.data.length % 2) parts.push(Buffer.from('\n'));
  }
  return Buffer.concat(parts);
}
