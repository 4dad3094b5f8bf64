/**
 * Text as Iranian users type it: Persian (۰-۹) or Arabic-Indic (٠-٩) digits, Arabic ي/ك
 * instead of Persian ی/ک, a +98 or 0098 prefix on mobiles, spaces and dashes in numbers.
 */
const PERSIAN_ZERO = 0x06f0;
const ARABIC_ZERO = 0x0660;

/** Replaces Persian and Arabic-Indic digits with ASCII digits; leaves everything else. */
export function toAsciiDigits(text: string): string {
  let out = '';
  for (const char of text) {
    const code = char.codePointAt(0)!;
    if (code >= PERSIAN_ZERO && code <= PERSIAN_ZERO + 9) out += String(code - PERSIAN_ZERO);
    else if (code >= ARABIC_ZERO && code <= ARABIC_ZERO + 9) out += String(code - ARABIC_ZERO);
    else out += char;
  }
  return out;
}

/**
 * An Iranian mobile number in the stored form `09XXXXXXXXX` (11 ASCII digits), or undefined
 * when the input is not one. Accepts `+98 912 ...`, `0098912...`, `98912...`, `912...`.
 */
export function normaliseMobile(input: string): string | undefined {
  const digits = toAsciiDigits(input).replace(/[\s\-().]/g, '');
  let national: string;
  if (/^\+98\d{10}$/.test(digits)) national = digits.slice(3);
  else if (/^0098\d{10}$/.test(digits)) national = digits.slice(4);
  else if (/^98\d{10}$/.test(digits)) national = digits.slice(2);
  else if (/^0\d{10}$/.test(digits)) national = digits.slice(1);
  else if (/^\d{10}$/.test(digits)) national = digits;
  else return undefined;
  // Iranian mobile numbers start with 9 after the trunk prefix (909x ... 999x).
  return /^9\d{9}$/.test(national) ? `0${national}` : undefined;
}

/** Arabic letters that Persian keyboards differ on, folded to the Persian forms for search. */
export function normalisePersianLetters(text: string): string {
  return text
    .replace(/[يى]/g, 'ی')
    .replace(/ك/g, 'ک')
    .replace(/\u200c/g, ' ') // zero-width non-joiner: people type it or a space
    .replace(/[\u064b-\u065f\u0670]/g, ''); // harakat
}

/** A name as stored: letters folded, whitespace collapsed, trimmed. */
export function normaliseName(name: string): string {
  return normalisePersianLetters(name).replace(/\s+/g, ' ').trim();
}

/** The form two names are compared in when searching. */
export function nameSearchKey(name: string): string {
  return normaliseName(name).toLowerCase();
}

/** Shows only the last digits of a mobile number, for screens and receipts. */
export function maskMobile(phone: string): string {
  return phone.length >= 4 ? `${'•'.repeat(phone.length - 4)}${phone.slice(-4)}` : '••••';
}
