import { describe, expect, it } from 'vitest';
import { maskMobile, nameSearchKey, normaliseMobile, toAsciiDigits } from './text.js';

describe('toAsciiDigits', () => {
  it('converts Persian and Arabic-Indic digits', () => {
    expect(toAsciiDigits('۰۹۱۲۳٤٥٦۷۸۹')).toBe('09123456789');
    expect(toAsciiDigits('abc ۱')).toBe('abc 1');
  });
});

describe('normaliseMobile', () => {
  it.each([
    ['09123456789', '09123456789'],
    ['۰۹۱۲۳۴۵۶۷۸۹', '09123456789'],
    ['٠٩١٢٣٤٥٦٧٨٩', '09123456789'],
    ['+98 912 345 6789', '09123456789'],
    ['0098-912-345-6789', '09123456789'],
    ['9123456789', '09123456789'],
  ])('accepts %s', (input, expected) => {
    expect(normaliseMobile(input)).toBe(expected);
  });
  it.each(['02188776655', '0912345678', '091234567890', 'abc', '', '+1 912 345 6789', '08123456789'])('rejects %s', (input) => {
    expect(normaliseMobile(input)).toBeUndefined();
  });
});

describe('names', () => {
  it('folds Arabic ي and ك so both spellings find each other', () => {
    expect(nameSearchKey('علي كريمي')).toBe(nameSearchKey('علی کریمی'));
    expect(nameSearchKey('  Ali   Karimi ')).toBe('ali karimi');
  });
  it('masks all but the last four digits', () => {
    expect(maskMobile('09123456789')).toBe('•••••••6789');
  });
});
