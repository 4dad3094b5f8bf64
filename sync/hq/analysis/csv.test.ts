import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { balancesCsv, csvField, parseCsv, toCsv, transactionsCsv } from './csv.js';

describe('CSV export', () => {
  it('writes UTF-8 with BOM, CRLF, quotes what needs quoting and keeps Persian text', () => {
    const text = transactionsCsv([
      { atMs: Date.UTC(2026, 2, 20, 10), transactionId: 't1', storeId: 'tajrish', memberId: 'm1', kind: 'purchase', amountRial: 1_250_000, points: 12, receiptId: 'R-1', note: 'خرید نوروزی، "ویژه"' },
    ]);
    const bytes = Buffer.from(text, 'utf8');
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(text).toContain('\r\n');
    expect(text).toContain('"خرید نوروزی، ""ویژه"""');
    expect(text).toContain(',1250000,12,');
    expect(parseCsv(text)[1]).toEqual(['2026-03-20T10:00:00.000Z', 't1', 'tajrish', 'm1', 'purchase', '1250000', '12', 'R-1', 'خرید نوروزی، "ویژه"']);
  });

  it('refuses non-integer Rials and neutralises spreadsheet formulas', () => {
    expect(() => balancesCsv([{ memberId: 'm', storeId: 's', points: 1, liabilityRial: 10.5 }])).toThrow(/integer/);
    expect(csvField('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvField(-5)).toBe('-5');
  });

  it('round-trips any text (property)', () => {
    fc.assert(fc.property(fc.array(fc.array(fc.string({ unit: 'binary' }), { minLength: 3, maxLength: 3 }), { maxLength: 20 }), (rows) => {
      const safe = rows.map((row) => row.map((cell) => (/^[=+\-@\t\r]/.test(cell) ? `x${cell}` : cell)));
      const parsed = parseCsv(toCsv(['a', 'b', 'c'], safe));
      expect(parsed).toEqual([['a', 'b', 'c'], ...safe]);
    }));
  });
});
