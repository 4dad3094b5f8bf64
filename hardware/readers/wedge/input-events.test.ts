import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { isMachineTyped, lineToCard, normaliseEm4100 } from './classify.js';
import { decodeEvent, encodeEvent, KeystrokeDecoder, nativeEventBytes, type DecoderOutput } from './input-events.js';
import { typeLine } from './testing/type-line.js';

function decodeAll(bytes: Buffer, eventBytes: 16 | 24): DecoderOutput[] {
  const decoder = new KeystrokeDecoder();
  const outputs: DecoderOutput[] = [];
  for (let offset = 0; offset < bytes.length; offset += eventBytes) {
    const output = decoder.push(decodeEvent(bytes.subarray(offset, offset + eventBytes), eventBytes));
    if (output) outputs.push(output);
  }
  return outputs;
}

describe('input_event records', () => {
  it('round-trips 16- and 24-byte records', () => {
    const event = { timeMs: 1_700_000_000_123.456, type: 1, code: 30, value: 1 };
    for (const size of [16, 24] as const) {
      const record = encodeEvent(event, size);
      expect(record).toHaveLength(size);
      const decoded = decodeEvent(record, size);
      expect(decoded).toMatchObject({ type: 1, code: 30, value: 1 });
      expect(decoded.timeMs).toBeCloseTo(event.timeMs, 2);
    }
  });

  it('knows the record size of 64- and 32-bit processes', () => {
    expect(nativeEventBytes('x64')).toBe(24);
    expect(nativeEventBytes('arm64')).toBe(24);
    expect(nativeEventBytes('arm')).toBe(16);
  });

  it('decodes typed text with Shift, in both record sizes', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Za-z0-9%;?=^ /.-]{1,60}$/), fc.constantFrom(16 as const, 24 as const), (text, size) => {
        const outputs = decodeAll(typeLine(text, 1000, 3, size), size);
        expect(outputs).toEqual([{ kind: 'line', line: expect.objectContaining({ text }) }]);
      }),
      { numRuns: 300 },
    );
  });

  it('reports a line longer than the limit instead of growing without bound', () => {
    const outputs = decodeAll(typeLine('1'.repeat(300), 0, 1, 24), 24);
    expect(outputs).toEqual([{ kind: 'overflow', chars: 256 }]);
  });
});

describe('reader or person', () => {
  it('tells them apart by the gaps between keys', () => {
    expect(isMachineTyped([0, 4, 8, 12, 16], 40)).toBe(true);
    expect(isMachineTyped([0, 120, 260, 390], 40)).toBe(false);
    expect(isMachineTyped([0, 4, 8, 200, 204], 40)).toBe(false);
  });
});

describe('lineToCard', () => {
  it('normalises EM4100 ids typed in decimal or hex to the same id', () => {
    expect(normaliseEm4100('0012345678')).toBe('0012345678');
    expect(normaliseEm4100('12345678')).toBe('0012345678');
    expect(normaliseEm4100('1F00BC614E')).toBe('0012345678'); // 0xBC614E = 12345678, version byte 1F
    expect(normaliseEm4100('9999999999')).toBeUndefined();
    expect(lineToCard('0012345678', 'em4100', 'k'.repeat(16))).toEqual({ cardId: 'em:0012345678', technology: 'em4100' });
    expect(lineToCard('12ab', 'em4100', 'k'.repeat(16))).toMatchObject({ code: 'UNREADABLE_CARD' });
  });

  it('passes magstripe lines through the ISO 7813 parser and hashes them', () => {
    const result = lineToCard(';6037991234567890=2903?', 'magstripe', 'k'.repeat(16));
    expect(result).toMatchObject({ technology: 'magstripe', cardId: expect.stringMatching(/^mag:[0-9a-f]{64}$/) });
    expect(lineToCard(';60379912', 'magstripe', 'k'.repeat(16))).toMatchObject({ code: 'PARTIAL_SWIPE' });
  });

  it('accepts printable codes from scanners', () => {
    expect(lineToCard('CLUB-0042', 'barcode', 'k'.repeat(16))).toEqual({ cardId: 'code:CLUB-0042', technology: 'barcode' });
    expect(lineToCard('   ', 'barcode', 'k'.repeat(16))).toMatchObject({ code: 'UNREADABLE_CODE' });
  });
});
