/**
 * The primitives of the compact record encoding (see compact-head.ts): unsigned varints,
 * 48-bit times, and strings that are either UTF-8 bytes or an index into a fixed list of
 * strings the ledger writes all the time (club accounts, reasons, units).
 */
import { StringInterner } from './string-intern.js';

/**
 * Strings written as a number instead of their bytes. This list is part of the journal
 * format: entries may be appended, never changed, removed or reordered.
 */
export const WELL_KNOWN_STRINGS: readonly string[] = [
  'points',
  'rial',
  'earn',
  'redeem',
  'expire',
  'adjust',
  'void',
  'bonus',
  'transfer',
  'refund',
  'release',
  'first-purchase',
  'referral-welcome',
  'referral',
  'club:earned',
  'club:redeemed',
  'club:expired',
  'club:adjusted',
  'club:bonus',
  'club:lottery',
  'club:game',
  'club:gift-sold',
  'club:gift-spent',
  'club:credit-issued',
  'club:credit-spent',
  'member',
  'discount',
  'gift',
  'credit',
  'staff',
  'lost',
  'kiosk',
  'pos',
  'system',
];

const WELL_KNOWN_INDEX = new Map(WELL_KNOWN_STRINGS.map((value, index) => [value, index]));
/** A string with an unpaired surrogate would not survive UTF-8; JSON keeps it (escaped). */
const LONE_SURROGATE = /[\uD800-\uDFFF]/;
const TWO_POW_32 = 2 ** 32;

/** Thrown by the writer when a value has no compact form; the caller writes JSON instead. */
export class NotCompactError extends Error {
  constructor(what: string) {
    super(`no compact form for ${what}`);
    this.name = 'NotCompactError';
  }
}

/** Appends to one growing scratch buffer; `copyTo()` copies the bytes out. Reused, not per record. */
export class ByteWriter {
  private buffer = Buffer.allocUnsafe(4096);
  length = 0;

  reset(): void {
    this.length = 0;
  }

  private reserve(bytes: number): void {
    if (this.length + bytes <= this.buffer.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.length + bytes));
    this.buffer.copy(grown, 0, 0, this.length);
    this.buffer = grown;
  }

  u8(value: number): void {
    this.reserve(1);
    this.buffer[this.length++] = value;
  }

  /** A non-negative safe integer below 2^48 (times in milliseconds). */
  u48(value: number): void {
    this.reserve(6);
    this.buffer.writeUIntLE(value, this.length, 6);
    this.length += 6;
  }

  /** LEB128 of a non-negative safe integer. */
  uvarint(value: number): void {
    this.reserve(8);
    let rest = value;
    while (rest >= 0x80) {
      this.buffer[this.length++] = (rest % 0x80) | 0x80;
      rest = Math.floor(rest / 0x80);
    }
    this.buffer[this.length++] = rest;
  }

  /** Header `index*2+1` for a well-known string, else `byteLength*2` and the UTF-8 bytes. */
  string(value: string): void {
    const known = WELL_KNOWN_INDEX.get(value);
    if (known !== undefined) {
      this.uvarint(known * 2 + 1);
      return;
    }
    if (LONE_SURROGATE.test(value)) throw new NotCompactError('a string with an unpaired surrogate');
    // At most 3 bytes per UTF-16 unit: short strings fit a one-byte header, written after.
    if (value.length * 3 < 64) {
      this.reserve(1 + value.length * 3);
      const written = this.buffer.write(value, this.length + 1, 'utf8');
      this.buffer[this.length] = written * 2;
      this.length += 1 + written;
      return;
    }
    const bytes = Buffer.byteLength(value, 'utf8');
    this.uvarint(bytes * 2);
    this.reserve(bytes);
    this.length += this.buffer.write(value, this.length, 'utf8');
  }

  /** Lower-case hex of an even length, written as its bytes. */
  hex(value: string): void {
    this.reserve(value.length / 2);
    this.length += this.buffer.write(value, this.length, 'hex');
  }

  raw(bytes: Buffer): void {
    this.reserve(bytes.length);
    bytes.copy(this.buffer, this.length);
    this.length += bytes.length;
  }

  /** Copies the bytes written so far into `target` at `offset` (no intermediate buffer). */
  copyTo(target: Buffer, offset: number): void {
    this.buffer.copy(target, offset, 0, this.length);
  }
}

/** Buffer's own decoders, without toString's dispatch on the encoding name (a replay calls them millions of times). */
interface BufferSlices {
  utf8Slice(start: number, end: number): string;
  hexSlice(start: number, end: number): string;
}

/** Reads a compact record in place. One reader is reused; `reset` points it at a payload. */
export class ByteReader {
  private readonly interner = new StringInterner();
  buffer: Buffer = Buffer.alloc(0);
  position = 0;
  end = 0;

  reset(buffer: Buffer, start: number, end: number): void {
    this.buffer = buffer;
    this.position = start;
    this.end = end;
  }

  private need(bytes: number): void {
    if (this.position + bytes > this.end) throw new RangeError('compact journal record ends early');
  }

  u8(): number {
    this.need(1);
    return this.buffer[this.position++]!;
  }

  u48(): number {
    this.need(6);
    // Two fixed-width reads: readUIntLE dispatches on the width on every call.
    const value = this.buffer.readUInt32LE(this.position) + this.buffer.readUInt16LE(this.position + 4) * TWO_POW_32;
    this.position += 6;
    return value;
  }

  uvarint(): number {
    let value = 0;
    let scale = 1;
    for (let shift = 0; shift < 56; shift += 7) {
      const byte = this.u8();
      value += (byte & 0x7f) * scale;
      if (byte < 0x80) return value;
      scale *= 0x80;
    }
    throw new RangeError('compact journal record has an overlong number');
  }

  string(): string {
    const start = this.stringStart();
    return typeof start === 'string' ? start : (this.buffer as unknown as BufferSlices).utf8Slice(start, this.position);
  }

  /**
   * The same as `string`, through the reader's intern cache: for strings that recur from
   * record to record (account ids, units, reasons, actor ids), not for unique ones (record ids).
   */
  sharedString(): string {
    const start = this.stringStart();
    return typeof start === 'string' ? start : this.interner.decode(this.buffer, start, this.position);
  }

  /** Reads a string's header: a well-known string, or where its bytes start (the reader moves past them). */
  private stringStart(): string | number {
    const header = this.uvarint();
    if (header % 2 === 1) return wellKnown(header);
    const bytes = header / 2;
    this.need(bytes);
    const start = this.position;
    this.position += bytes;
    return start;
  }

  /** Copies the next `bytes` bytes into `target` (from its start), allocating nothing. */
  bytesInto(target: Uint8Array, bytes: number): void {
    this.need(bytes);
    const { buffer, position } = this;
    for (let index = 0; index < bytes; index++) target[index] = buffer[position + index]!;
    this.position += bytes;
  }

  hex(bytes: number): string {
    this.need(bytes);
    const start = this.position;
    this.position += bytes;
    return (this.buffer as unknown as BufferSlices).hexSlice(start, this.position);
  }
}

function wellKnown(header: number): string {
  const known = WELL_KNOWN_STRINGS[(header - 1) / 2];
  if (known === undefined) throw new RangeError('compact journal record names an unknown string');
  return known;
}

/** Non-negative safe integers: what `uvarint` can carry exactly. */
export function isUint(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

export function fitsU48(value: unknown): value is number {
  return isUint(value) && value < TWO_POW_32 * 0x10000;
}
