/**
 * Decoded strings shared by their bytes. A replay decodes the same few strings (account ids,
 * actor ids, member ids) millions of times; handing back the string decoded last time for the
 * same bytes saves the allocation and its garbage collection, and the engine's Map lookups
 * find that string's hash already computed.
 *
 * Direct-mapped and fixed in size: each byte sequence has one slot (by a hash of its bytes),
 * and a newcomer simply replaces what was there. Only ASCII strings are kept, so a kept
 * string is its own copy of the bytes (one character per byte, equal codes): a hit compares
 * every byte with the kept string's characters, the hash only picks the slot. Strings of
 * unique bytes (record ids) should not be looked up here: they would only push out the
 * useful ones.
 */
export class StringInterner {
  /** Longer strings bypass the cache (decoded each time): long text is rarely repeated. */
  static readonly MAX_BYTES = 64;
  private readonly mask: number;
  /** '' marks an empty slot: the empty string is never looked up. */
  private readonly strings: string[];

  /** `slots` is rounded up to a power of two. */
  constructor(slots = 4096) {
    let size = 1;
    while (size < slots) size *= 2;
    this.mask = size - 1;
    this.strings = new Array<string>(size).fill('');
  }

  /** Number of slots: the most strings held at once. */
  get capacity(): number {
    return this.mask + 1;
  }

  /** The UTF-8 string of `source[start, end)`, the same string object as last time if it is still held. */
  decode(source: Buffer, start: number, end: number): string {
    const length = end - start;
    if (length === 0 || length > StringInterner.MAX_BYTES) return utf8(source, start, end);
    // FNV-1a over the bytes.
    let hash = 0x811c9dc5;
    for (let index = start; index < end; index++) hash = Math.imul(hash ^ source[index]!, 0x01000193);
    const slot = (hash ^ (hash >>> 15)) & this.mask;
    const kept = this.strings[slot]!;
    if (kept.length === length) {
      let index = 0;
      while (index < length && kept.charCodeAt(index) === source[start + index]) index++;
      if (index === length) return kept;
    }
    const decoded = utf8(source, start, end);
    // As many characters as bytes and (checked on a hit) each character's code equal to its
    // byte: ASCII. Anything else (a byte of 0x80 or more) is not kept.
    if (isAscii(decoded, length)) this.strings[slot] = decoded;
    return decoded;
  }

  /** Strings currently held (for tests). */
  get size(): number {
    let count = 0;
    for (const string of this.strings) if (string !== '') count++;
    return count;
  }
}

function isAscii(decoded: string, bytes: number): boolean {
  if (decoded.length !== bytes) return false;
  for (let index = 0; index < bytes; index++) if (decoded.charCodeAt(index) > 0x7f) return false;
  return true;
}

/** Buffer's own UTF-8 decoder, without toString's dispatch on the encoding name. */
interface Utf8Slicer {
  utf8Slice(start: number, end: number): string;
}

function utf8(source: Buffer, start: number, end: number): string {
  return (source as unknown as Utf8Slicer).utf8Slice(start, end);
}
