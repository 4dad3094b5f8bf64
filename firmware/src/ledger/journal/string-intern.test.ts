import { describe, expect, it, vi } from 'vitest';
import { StringInterner } from './string-intern.js';

/** The bytes of `text` inside a larger buffer, as the decoder meets them. */
function framed(text: string | Buffer): { buffer: Buffer; start: number; end: number } {
  const bytes = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  return { buffer: Buffer.concat([Buffer.from([0xff, 0x00]), bytes, Buffer.from([0x7b])]), start: 2, end: 2 + bytes.length };
}

function decode(interner: StringInterner, text: string | Buffer): string {
  const { buffer, start, end } = framed(text);
  return interner.decode(buffer, start, end);
}

describe('StringInterner', () => {
  it('gives the very same string for equal bytes, read from different buffers', () => {
    const interner = new StringInterner();
    const first = decode(interner, 'member:m12:points');
    expect(first).toBe('member:m12:points');
    // Another buffer with the same bytes: a hit, handed back without decoding anything. (Which
    // string object it is cannot be seen from JS; that nothing was decoded can.)
    const decodes = vi.spyOn(Buffer.prototype as unknown as { utf8Slice(start: number, end: number): string }, 'utf8Slice');
    try {
      expect(decode(interner, 'member:m12:points')).toBe(first);
      expect(decodes).not.toHaveBeenCalled();
      expect(decode(interner, 'member:m13:points')).toBe('member:m13:points');
      expect(decodes).toHaveBeenCalledTimes(1);
    } finally {
      decodes.mockRestore();
    }
    expect(interner.size).toBe(2);
  });

  it('never mistakes one string for another, even when they share a slot', () => {
    // Two slots for a thousand strings: nearly every lookup collides with a different string.
    const interner = new StringInterner(2);
    const words = Array.from({ length: 1000 }, (_, index) => `member:m${index}:points`);
    for (let round = 0; round < 3; round++) {
      for (const word of words) expect(decode(interner, word)).toBe(word);
    }
    // Same length, one byte apart.
    expect(decode(interner, 'acct:a')).toBe('acct:a');
    expect(decode(interner, 'acct:b')).toBe('acct:b');
    expect(decode(interner, 'acct:a')).toBe('acct:a');
  });

  it('holds at most its capacity, however many strings pass through', () => {
    const interner = new StringInterner(64);
    expect(interner.capacity).toBe(64);
    for (let index = 0; index < 10_000; index++) decode(interner, `id-${index}`);
    expect(interner.size).toBeGreaterThan(0);
    expect(interner.size).toBeLessThanOrEqual(64);
  });

  it('decodes but does not keep non-ASCII, invalid, long or empty strings', () => {
    const interner = new StringInterner();
    expect(decode(interner, 'عضو')).toBe('عضو');
    expect(decode(interner, 'عضو')).toBe('عضو');
    // Bytes that are not UTF-8 decode as UTF-8 would (replacement characters), every time.
    const invalid = Buffer.from([0x61, 0xff, 0x62]);
    expect(decode(interner, invalid)).toBe(invalid.toString('utf8'));
    expect(decode(interner, invalid)).toBe('a\uFFFDb');
    const long = 'x'.repeat(StringInterner.MAX_BYTES + 1);
    expect(decode(interner, long)).toBe(long);
    expect(decode(interner, '')).toBe('');
    expect(interner.size).toBe(0);
    // A Latin-1 byte that happens to equal a held string's character code is still not a hit.
    expect(decode(interner, 'caf\u00e9')).toBe('café');
    expect(decode(interner, Buffer.from([0x63, 0x61, 0x66, 0xe9]))).toBe('caf\uFFFD');
  });
});
