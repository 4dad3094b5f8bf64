import { em4100CardId, scannedCodeCardId } from '../card-id.js';
import { swipeToCardId } from '../magstripe/swipe-to-card.js';
import type { CardTechnology } from '../types.js';

export type WedgeKind = 'em4100' | 'magstripe' | 'barcode';

/**
 * A reader types a whole card number in a few milliseconds per key; a person needs well over
 * 50 ms between keys. A line counts as machine-typed when every gap between key presses is at
 * most `maxKeyGapMs` (kernel timestamps, so a busy event loop does not blur it).
 */
export function isMachineTyped(keyTimesMs: readonly number[], maxKeyGapMs: number): boolean {
  for (let index = 1; index < keyTimesMs.length; index += 1) {
    if (keyTimesMs[index]! - keyTimesMs[index - 1]! > maxKeyGapMs) return false;
  }
  return true;
}

const EM4100_DECIMAL = /^[0-9]{8,10}$/;
const EM4100_HEX = /^[0-9A-Fa-f]{10}$/;
const CODE_TEXT = /^[\x21-\x7e][\x20-\x7e]{0,126}[\x21-\x7e]?$/;
const EM_ID_DIGITS = 10;

/**
 * EM4100 readers print the low 32 bits of the 40-bit tag id, in decimal (most, zero-padded to
 * 10 digits) or the whole id in hex (some): both normalise to the same 10-digit decimal.
 */
export function normaliseEm4100(text: string): string | undefined {
  if (EM4100_DECIMAL.test(text)) {
    const value = Number(text);
    return value <= 0xffffffff ? String(value).padStart(EM_ID_DIGITS, '0') : undefined;
  }
  if (EM4100_HEX.test(text)) return String(Number(BigInt(`0x${text}`) & 0xffffffffn)).padStart(EM_ID_DIGITS, '0');
  return undefined;
}

/** A typed line → card id, or a problem (never quoting the line: it may be a card number). */
export function lineToCard(
  line: string,
  kind: WedgeKind,
  cardIdKey: string,
): { cardId: string; technology: CardTechnology } | { code: string; message: string } {
  if (kind === 'magstripe') {
    const result = swipeToCardId(line, cardIdKey);
    return 'cardId' in result ? { cardId: result.cardId, technology: 'magstripe' } : result;
  }
  if (kind === 'em4100') {
    const id = normaliseEm4100(line.trim());
    if (id === undefined) return { code: 'UNREADABLE_CARD', message: `the 125 kHz reader typed ${line.length} characters that are not an EM4100 id (8-10 digits or 10 hex digits)` };
    return { cardId: em4100CardId(id), technology: 'em4100' };
  }
  const text = line.trim();
  if (!CODE_TEXT.test(text)) return { code: 'UNREADABLE_CODE', message: `the scanner typed ${line.length} characters that are not a printable code of 1-128 characters` };
  return { cardId: scannedCodeCardId(text), technology: 'barcode' };
}
