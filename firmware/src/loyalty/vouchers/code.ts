/**
 * Voucher codes: 10 symbols of Crockford base32 (no I, L, O, U, so nothing reads as 1 or 0)
 * carrying 50 random bits, plus one check symbol (Luhn mod 32), which catches every single
 * mistyped symbol and most swapped neighbours before the ledger is even asked. Shown to
 * people as `XXXX-XXXX-XXX`; stored as the 11 symbols without dashes.
 */
export const CROCKFORD_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export const CODE_BODY_LENGTH = 10;
export const CODE_LENGTH = CODE_BODY_LENGTH + 1;
export const CODE_PATTERN = /^[0-9A-HJKMNP-TV-Z]{11}$/;

const BASE = CROCKFORD_ALPHABET.length;

function valueOf(symbol: string): number {
  return CROCKFORD_ALPHABET.indexOf(symbol);
}

/** Luhn mod N over the alphabet: the symbol that makes the weighted sum a multiple of 32. */
export function checkSymbol(body: string): string {
  let factor = 2;
  let sum = 0;
  for (let index = body.length - 1; index >= 0; index--) {
    const value = valueOf(body[index]!);
    if (value < 0) throw new RangeError('voucher code: symbol outside the alphabet');
    let addend = factor * value;
    factor = factor === 2 ? 1 : 2;
    addend = Math.floor(addend / BASE) + (addend % BASE);
    sum += addend;
  }
  return CROCKFORD_ALPHABET[(BASE - (sum % BASE)) % BASE]!;
}

/** A code from at least 7 random bytes (50 bits used). The caller draws them with crypto. */
export function voucherCodeFromBytes(randomBytes: Uint8Array): string {
  if (randomBytes.length < 7) throw new RangeError('voucher code: need at least 7 random bytes');
  let bits = 0n;
  for (let index = 0; index < 7; index++) bits = (bits << 8n) | BigInt(randomBytes[index]!);
  let body = '';
  for (let index = 0; index < CODE_BODY_LENGTH; index++) {
    body += CROCKFORD_ALPHABET[Number(bits & 31n)];
    bits >>= 5n;
  }
  return body + checkSymbol(body);
}

/**
 * What a person typed, made canonical: Persian/Arabic digits to ASCII, case folded, dashes
 * and spaces removed, and Crockford's look-alikes read as the symbol they resemble.
 */
export function normaliseCode(input: string): string {
  if (input.length > 40) return '';
  return input
    .replace(/[۰-۹]/g, (digit) => String(digit.charCodeAt(0) - 0x06f0))
    .replace(/[٠-٩]/g, (digit) => String(digit.charCodeAt(0) - 0x0660))
    .toUpperCase()
    .replace(/[\s-]/g, '')
    .replace(/[IL]/g, '1')
    .replace(/O/g, '0');
}

/** True when `code` is canonical and its check symbol matches. */
export function isWellFormedCode(code: string): boolean {
  if (!CODE_PATTERN.test(code)) return false;
  return checkSymbol(code.slice(0, CODE_BODY_LENGTH)) === code[CODE_BODY_LENGTH];
}

export const displayCode = (code: string): string => `${code.slice(0, 4)}-${code.slice(4, 8)}-${code.slice(8)}`;
