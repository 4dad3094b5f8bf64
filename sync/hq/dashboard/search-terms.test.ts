import { describe, expect, it } from 'vitest';
import { escapeLike, parseSearchTerm } from './search-terms.js';

describe('members search terms', () => {
  it.each([
    ['09121234567', '09121234567'],
    ['۰۹۱۲۱۲۳۴۵۶۷', '09121234567'],
    ['٠٩١٢١٢٣٤٥٦٧', '09121234567'],
    ['+98 912 123 4567', '09121234567'],
    ['0098-912-123-4567', '09121234567'],
    ['989121234567', '09121234567'],
    ['9121234567', '09121234567'],
    ['(0912) 123 45 67', '09121234567'],
    ['+۹۸۹۱۲۱۲۳۴۵۶۷', '09121234567'],
  ])('reads %s as the mobile %s', (typed, phone) => {
    expect(parseSearchTerm(typed)).toEqual({ kind: 'mobile', phone });
  });

  it('reads card ids, and a bare NFC UID in hex as the card ids a reader would give it', () => {
    expect(parseSearchTerm('nfc:04A1B2C3D4E5F6')).toEqual({ kind: 'card', cardIds: ['nfc:04A1B2C3D4E5F6'] });
    expect(parseSearchTerm(' 04a1b2c3d4e5f6 ')).toEqual({ kind: 'card', cardIds: ['nfc:04A1B2C3D4E5F6', 'rc522:04A1B2C3D4E5F6'] });
  });

  it('searches inside mobile numbers for a few digits, without the trunk prefix', () => {
    expect(parseSearchTerm('۱۲۳۴۵')).toEqual({ kind: 'digits', digits: '12345' });
    expect(parseSearchTerm('0912')).toEqual({ kind: 'digits', digits: '0912' });
    expect(parseSearchTerm('09121')).toEqual({ kind: 'digits', digits: '9121' });
    expect(parseSearchTerm('091')).toEqual({ problem: expect.stringMatching(/^q: /) });
  });

  it('folds Arabic letters and spacing in names, and refuses a single letter', () => {
    expect(parseSearchTerm('  علي   كاظمي ')).toEqual({ kind: 'name', name: 'علی کاظمی' });
    expect(parseSearchTerm('ز')).toEqual({ problem: expect.stringMatching(/^q: /) });
  });

  it('escapes LIKE wildcards typed by a person', () => {
    expect(escapeLike('50%_off\\')).toBe('50\\%\\_off\\\\');
  });
});
