import { describe, expect, it } from 'vitest';
import { sampleBalanceReceipt, sampleVoucherReceipt } from '../samples.js';
import { layoutReceipt, wrapText, type DrawOp, type MeasureText } from './layout.js';
import { digitsFor, formatDateTime } from './format.js';

/** Every character half the font size wide: enough to check geometry without a font. */
const measure: MeasureText = (text, font) => Array.from(text).length * font.sizePx * 0.5;
type TextOp = Extract<DrawOp, { kind: 'text' }>;
const texts = (ops: DrawOp[]): TextOp[] => ops.filter((op): op is TextOp => op.kind === 'text');

describe('receipt layout', () => {
  it('lays Persian out right to left: labels on the right, values on the left, Persian digits', () => {
    const layout = layoutReceipt(sampleBalanceReceipt('fa'), { widthDots: 384, timeZone: 'Asia/Tehran', measure });
    const label = texts(layout.ops).find((op) => op.text === 'مانده امتیاز');
    const value = texts(layout.ops).find((op) => op.text === '۱٬۵۹۰');
    expect(label).toMatchObject({ direction: 'rtl', align: 'right', x: 376 });
    expect(value).toMatchObject({ direction: 'rtl', align: 'left', x: 8, baselineY: label?.baselineY });
    expect(texts(layout.ops).some((op) => /[0-9]/.test(op.text))).toBe(false);
  });

  it('lays English out left to right with Latin digits', () => {
    const layout = layoutReceipt(sampleBalanceReceipt('en'), { widthDots: 576, timeZone: 'Asia/Tehran', measure });
    expect(texts(layout.ops).find((op) => op.text === 'Balance')).toMatchObject({ direction: 'ltr', align: 'left', x: 16 });
    expect(texts(layout.ops).find((op) => op.text === '1,590')).toMatchObject({ align: 'right', x: 560 });
    expect(texts(layout.ops).some((op) => /[۰-۹]/.test(op.text))).toBe(false);
  });

  it('keeps every text inside the paper and stacks lines downwards', () => {
    for (const widthDots of [384, 576] as const) {
      for (const receipt of [sampleVoucherReceipt('fa'), sampleVoucherReceipt('en'), sampleBalanceReceipt('fa')]) {
        const layout = layoutReceipt(receipt, { widthDots, timeZone: 'Asia/Tehran', measure });
        for (const op of texts(layout.ops)) {
          const width = measure(op.text, op.font, op.direction);
          const left = op.align === 'left' ? op.x : op.align === 'right' ? op.x - width : op.x - width / 2;
          expect(left).toBeGreaterThanOrEqual(0);
          expect(left + width).toBeLessThanOrEqual(widthDots);
          expect(op.baselineY).toBeLessThan(layout.heightDots);
        }
      }
    }
  });

  it('puts a whole-dot QR code of the payload in the middle of a voucher, with the code in Latin', () => {
    const receipt = sampleVoucherReceipt('fa');
    const layout = layoutReceipt(receipt, { widthDots: 384, timeZone: 'Asia/Tehran', measure });
    const qr = layout.ops.find((op): op is Extract<DrawOp, { kind: 'qr' }> => op.kind === 'qr');
    expect(qr).toBeDefined();
    expect(Number.isInteger(qr!.modulePx) && qr!.modulePx >= 3).toBe(true);
    expect(Math.abs(qr!.x * 2 + qr!.size * qr!.modulePx - 384)).toBeLessThanOrEqual(1);
    expect(texts(layout.ops).find((op) => op.text === 'K7QX-M2PD-4')).toMatchObject({ direction: 'ltr', align: 'center' });
  });

  it('wraps long text by words and breaks a word longer than a line', () => {
    const font = { sizePx: 20, weight: 400 as const };
    expect(wrapText('aaa bbb ccc', 60, font, 'ltr', measure)).toEqual(['aaa', 'bbb', 'ccc']);
    expect(wrapText('aaaaaaaaaa', 40, font, 'ltr', measure)).toEqual(['aaaa', 'aaaa', 'aa']);
  });

  it('refuses a receipt longer than the limit', () => {
    const receipt = { ...sampleBalanceReceipt('en'), lines: Array.from({ length: 40 }, () => ({ label: 'x '.repeat(60), value: '1' })) };
    expect(() => layoutReceipt(receipt, { widthDots: 384, timeZone: 'Asia/Tehran', measure })).toThrow(/limit 4000/);
  });
});

describe('receipt text formats', () => {
  it('writes Jalali dates with Persian digits and Gregorian ones with Latin digits, in Tehran time', () => {
    const atMs = Date.UTC(2026, 2, 20, 20, 30); // 00:00 on 1 Farvardin 1405 in Tehran
    expect(formatDateTime('fa', atMs, 'Asia/Tehran')).toBe('۱ فروردین ۱۴۰۵، ساعت ۰۰:۰۰');
    expect(formatDateTime('en', atMs, 'Asia/Tehran')).toBe('21 March 2026, 00:00');
  });

  it('converts digits and thousands separators both ways', () => {
    expect(digitsFor('fa', '1,340 و ٢')).toBe('۱٬۳۴۰ و ۲');
    expect(digitsFor('en', '۱٬۳۴۰')).toBe('1,340');
  });
});
