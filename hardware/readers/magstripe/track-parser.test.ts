import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseSwipe, SWIPE_CHARS_MAX } from './track-parser.js';

const PAN = '4111111111111111';
const TRACK1 = `%B${PAN}^HOSSEINI/ALI^2812101000000000000?`;
const TRACK2 = `;${PAN}=28121010000000000?`;

describe('parseSwipe: real framings', () => {
  const framings: Array<[string, string, Array<1 | 2>]> = [
    ['both tracks on one line, CR', `${TRACK1}${TRACK2}\r`, [1, 2]],
    ['both tracks, CRLF', `${TRACK1}${TRACK2}\r\n`, [1, 2]],
    ['tracks on separate lines', `${TRACK1}\r${TRACK2}\r`, [1, 2]],
    ['STX ... ETX framing', `\u0002${TRACK1}${TRACK2}\u0003`, [1, 2]],
    ['LRC after each end sentinel', `${TRACK1}Q${TRACK2}7\r`, [1, 2]],
    ['track 2 only', `${TRACK2}\r`, [2]],
    ['track 1 only, LF', `${TRACK1}\n`, [1]],
    ['Spanish keyboard sentinels', `ñ${PAN}=2812101?\r`.replace('?', '_'), [2]],
    ['EMV-style D separator', `;${PAN}D28121010000?\r`, [2]],
    ['sentinel-less track 2', `${PAN}=2812101000\r`, [2]],
    ['sentinel-less digits', `${PAN}\r`, [2]],
    ['track 1 read error, track 2 good', `%E?${TRACK2}\r`, [2]],
  ];
  for (const [name, swipe, tracks] of framings) {
    it(name, () => {
      expect(parseSwipe(swipe)).toEqual({ ok: true, cardNumber: PAN, tracks });
    });
  }

  it('accepts a non-ISO loyalty card whose track 2 is just digits', () => {
    expect(parseSwipe(';00012345?\r')).toEqual({ ok: true, cardNumber: '00012345', tracks: [2] });
  });
});

describe('parseSwipe: rejects clearly', () => {
  const bad: Array<[string, string, string]> = [
    ['empty', '\r\n', 'EMPTY_SWIPE'],
    ['partial track 2', `;${PAN.slice(0, 9)}\r`, 'PARTIAL_SWIPE'],
    ['partial track 1, nothing else', `%B${PAN}^HOSS`, 'PARTIAL_SWIPE'],
    ['read errors on both tracks', '%E?;E?\r', 'UNREADABLE_SWIPE'],
    ['garbage text', 'hello world\r', 'UNREADABLE_SWIPE'],
    ['binary noise', '\u00ff\u00fe\u0010abc', 'UNREADABLE_SWIPE'],
    ['stray text around a track', `xx${TRACK2}yy\r`, 'UNREADABLE_SWIPE'],
    ['tracks that disagree', `${TRACK1};5500000000000004=2812?\r`, 'INCONSISTENT_TRACKS'],
    ['letters in track 2', ';12AB34?\r', 'UNREADABLE_SWIPE'],
    ['too long', ';'.padEnd(SWIPE_CHARS_MAX + 1, '1'), 'SWIPE_TOO_LONG'],
  ];
  for (const [name, swipe, code] of bad) {
    it(name, () => {
      const result = parseSwipe(swipe);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.code).toBe(code);
    });
  }
});

describe('parseSwipe: properties', () => {
  it('never throws and never puts input digits into a message', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 600, unit: fc.constantFrom('%', ';', '?', '=', '^', 'B', '\r', '\n', '0', '1', '4', '9', 'A', ' ', '\u0002') }), (swipe) => {
        const result = parseSwipe(swipe);
        if (!result.ok) {
          for (const run of swipe.match(/[0-9]{5,}/g) ?? []) expect(result.message).not.toContain(run);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('finds the card number of any well-formed track 2 in any framing', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[0-9]{6,19}$/),
        fc.constantFrom('', '\u0002'),
        fc.constantFrom('\r', '\r\n', '\n', '\u0003', ''),
        (pan, prefix, suffix) => {
          expect(parseSwipe(`${prefix};${pan}=2912?${suffix}`)).toEqual({ ok: true, cardNumber: pan, tracks: [2] });
        },
      ),
    );
  });
});
