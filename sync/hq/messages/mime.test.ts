import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { buildMail, decodeHeaderWords, encodeHeaderWords } from './mime.js';
import { normaliseIranMobile, jsonPath } from './sms-gateway.js';

describe('MIME', () => {
  it('encodes Persian subjects as short encoded words that decode back (property)', () => {
    fc.assert(fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }).filter((s) => !/[\r\n]/.test(s)), (subject) => {
      const encoded = encodeHeaderWords(subject);
      for (const line of encoded.split('\r\n')) expect(line.length).toBeLessThanOrEqual(76);
      expect(decodeHeaderWords(encoded)).toBe(subject);
    }));
  });

  it('builds a UTF-8 base64 message and refuses header injection', () => {
    const mail = buildMail({ from: 'club@shop.ir', fromName: 'باشگاه', to: 'a@b.ir', subject: 'تولدتان مبارک', body: 'سلام\nخوش آمدید', messageId: '<x.1@bashgah.local>', dateMs: 0 });
    expect(mail).toContain('Content-Type: text/plain; charset=UTF-8\r\n');
    expect(mail).toContain('Subject: =?UTF-8?B?');
    const body = mail.split('\r\n\r\n')[1]!;
    expect(Buffer.from(body.replace(/\r\n/g, ''), 'base64').toString('utf8')).toBe('سلام\r\nخوش آمدید');
    expect(() => encodeHeaderWords('hi\r\nBcc: x@y.z')).toThrow();
    expect(() => buildMail({ from: 'club@shop.ir', fromName: '', to: 'a@b.ir>\r\nBcc: c@d.ir', subject: '', body: '', messageId: '<x@y>', dateMs: 0 })).toThrow();
  });

  it('normalises Iranian mobiles (with Persian digits) and reads JSON paths', () => {
    expect(normaliseIranMobile('+98 912 123 4567')).toBe('09121234567');
    expect(normaliseIranMobile('۰۹۱۲۱۲۳۴۵۶۷')).toBe('09121234567');
    expect(normaliseIranMobile('021-88888888')).toBeNull();
    expect(jsonPath({ entries: [{ messageid: 7 }] }, 'entries.0.messageid')).toBe(7);
    expect(jsonPath({ a: 1 }, 'a.b')).toBeUndefined();
  });
});
