import type { ReceiptLanguage } from '../types.js';

/**
 * Text as the customer reads it: digits in the receipt's script and dates in its calendar.
 * Pure functions; the time zone is passed in so a receipt printed in Tehran reads Tehran time
 * whatever the Pi's clock zone is.
 */
const PERSIAN_DIGITS = '۰۱۲۳۴۵۶۷۸۹';
const ARABIC_DIGITS = '٠١٢٣٤٥٦٧٨٩';

/** Latin and Arabic-Indic digits to Persian ones (for Persian receipts). */
export function toPersianDigits(text: string): string {
  return text.replace(/[0-9٠-٩]/g, (digit) => {
    const latin = digit.charCodeAt(0) <= 0x39 ? digit.charCodeAt(0) - 0x30 : ARABIC_DIGITS.indexOf(digit);
    return PERSIAN_DIGITS[latin] ?? digit;
  });
}

/** Persian and Arabic-Indic digits to Latin ones (for English receipts). */
export function toLatinDigits(text: string): string {
  return text.replace(/[۰-۹٠-٩]/g, (digit) => {
    const persian = PERSIAN_DIGITS.indexOf(digit);
    return String(persian >= 0 ? persian : ARABIC_DIGITS.indexOf(digit));
  });
}

/** Digits and thousands separators in the receipt's script: `1,340` ↔ `۱٬۳۴۰`. */
export function digitsFor(language: ReceiptLanguage, text: string): string {
  if (language === 'fa') return toPersianDigits(text.replace(/(?<=[0-9۰-۹]),(?=[0-9۰-۹]{3})/g, '٬'));
  return toLatinDigits(text.replace(/(?<=[0-9۰-۹])٬(?=[0-9۰-۹]{3})/g, ','));
}

const LOCALES: Record<ReceiptLanguage, string> = {
  fa: 'fa-IR-u-ca-persian-nu-arabext',
  en: 'en-GB-u-ca-gregory-nu-latn',
};

/** Date and time, e.g. `۲ آذر ۱۴۰۵، ۱۶:۳۸` or `23 Nov 2026, 16:38`. */
export function formatDateTime(language: ReceiptLanguage, atMs: number, timeZone: string): string {
  const date = new Intl.DateTimeFormat(LOCALES[language], { dateStyle: 'long', timeZone }).format(atMs);
  const time = new Intl.DateTimeFormat(LOCALES[language], { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone }).format(atMs);
  return language === 'fa' ? `${date}، ساعت ${time}` : `${date}, ${time}`;
}

/** Date only, for expiry lines. */
export function formatDate(language: ReceiptLanguage, atMs: number, timeZone: string): string {
  return new Intl.DateTimeFormat(LOCALES[language], { dateStyle: 'long', timeZone }).format(atMs);
}

/** Fixed words printed by the driver itself (the caller supplies everything else). */
export const RECEIPT_WORDS: Record<ReceiptLanguage, { voucherCode: string; validUntil: string; scanHint: string }> = {
  fa: { voucherCode: 'کد بن', validUntil: 'معتبر تا', scanHint: 'این کد را به صندوقدار نشان دهید' },
  en: { voucherCode: 'Voucher code', validUntil: 'Valid until', scanHint: 'Show this code at the till' },
};
