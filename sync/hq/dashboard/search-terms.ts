import { normaliseMobile, normaliseName, toAsciiDigits } from '../../../firmware/src/kiosk/text.js';
import { nfcCardId, rc522CardId } from '../../../hardware/readers/card-id.js';

/**
 * What a person typed in the members search box, understood the way the kiosk stores it:
 * a mobile number in any of its Iranian spellings (Persian/Arabic digits, +98, 0098, 0,
 * spaces and dashes) becomes `09XXXXXXXXX`; a card id (`nfc:04A1B2C3`, or a bare NFC UID in hex)
 * is looked up as a card; a few digits search inside mobile numbers; anything else is a name,
 * with Arabic ي/ك folded to Persian ی/ک.
 */
export type SearchTerm =
  | { kind: 'mobile'; phone: string }
  | { kind: 'card'; cardIds: string[] }
  | { kind: 'digits'; digits: string }
  | { kind: 'name'; name: string };

const CARD_ID = /^[a-z0-9]{2,8}:[A-Za-z0-9_.-]{1,128}$/;
const UID_HEX = /^([0-9A-Fa-f]{8}|[0-9A-Fa-f]{14}|[0-9A-Fa-f]{20})$/;
export const SEARCH_DIGITS_MIN = 4;
export const SEARCH_NAME_LENGTH_MIN = 2;

/** The term, or a message saying why there is nothing to search for. */
export function parseSearchTerm(typed: string): SearchTerm | { problem: string } {
  const text = toAsciiDigits(typed.normalize('NFC')).trim();
  const mobile = normaliseMobile(text);
  if (mobile) return { kind: 'mobile', phone: mobile };
  if (CARD_ID.test(text)) return { kind: 'card', cardIds: [text] };
  const compact = text.replace(/[\s\-().+]/g, '');
  if (/^\d+$/.test(compact)) {
    if (compact.length < SEARCH_DIGITS_MIN) return { problem: `q: type at least ${SEARCH_DIGITS_MIN} digits of a mobile number` };
    // A run of digits can also be a card UID written in hex that happens to have no letters.
    const digits = compact.replace(/^(0098|98|\+98|0)/, '');
    return { kind: 'digits', digits: digits.length >= SEARCH_DIGITS_MIN ? digits : compact };
  }
  if (UID_HEX.test(compact)) {
    const uid = Buffer.from(compact, 'hex');
    return { kind: 'card', cardIds: [nfcCardId(uid), rc522CardId(uid)] };
  }
  const name = normaliseName(text);
  if ([...name].length < SEARCH_NAME_LENGTH_MIN) return { problem: `q: type at least ${SEARCH_NAME_LENGTH_MIN} letters of a name, a mobile number or a card id` };
  return { kind: 'name', name };
}

/** `%` and `_` typed by a person are letters, not wildcards. */
export const escapeLike = (text: string) => text.replace(/[\\%_]/g, (char) => `\\${char}`);
