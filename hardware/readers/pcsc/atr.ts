/**
 * What kind of contactless card an ATR describes, following PC/SC part 3: readers synthesise
 * `3B 8F 80 01 80 4F 0C A0 00 00 03 06 <standard> <card name 2 bytes> 00 00 00 00 <TCK>` for
 * storage cards (MIFARE, NTAG) and `3B 8n 80 01 <historical bytes> <TCK>` for ISO 14443-4
 * cards and phones. Anything else (a contact card, a corrupted ATR) is `unknown`. Pure.
 */
export type CardKind =
  | { kind: 'ultralight'; cardName: number } // MIFARE Ultralight, NTAG21x: UID + readable pages
  | { kind: 'mifare-classic'; cardName: number }
  | { kind: 'storage-other'; standard: number; cardName: number } // other ISO 14443-3 / FeliCa
  | { kind: 'iso14443-4' }
  | { kind: 'unknown'; reason: string };

const PCSC_RID = [0xa0, 0x00, 0x00, 0x03, 0x06];
const STANDARD_ISO14443A_3 = 0x03;
const CARD_NAME_ULTRALIGHT = 0x0003;
const CARD_NAMES_CLASSIC = new Set([0x0001, 0x0002, 0x0026, 0x0036, 0x0037]);
const ATR_BYTES_MAX = 33;

function checksumValid(atr: Uint8Array): boolean {
  let xor = 0;
  for (let index = 1; index < atr.length; index += 1) xor ^= atr[index]!;
  return xor === 0;
}

export function classifyAtr(atr: Uint8Array): CardKind {
  if (atr.length < 5 || atr.length > ATR_BYTES_MAX) return { kind: 'unknown', reason: `an ATR of ${atr.length} bytes` };
  if (atr[0] !== 0x3b || (atr[1]! & 0xf0) !== 0x80 || atr[2] !== 0x80 || atr[3] !== 0x01) {
    return { kind: 'unknown', reason: 'not a contactless (PC/SC part 3) ATR' };
  }
  const historicalBytes = atr[1]! & 0x0f;
  if (atr.length !== 4 + historicalBytes + 1) return { kind: 'unknown', reason: 'ATR length does not match its historical byte count' };
  if (!checksumValid(atr)) return { kind: 'unknown', reason: 'ATR checksum (TCK) is wrong' };
  const isStorageCard = historicalBytes === 15 && atr[4] === 0x80 && atr[5] === 0x4f && atr[6] === 0x0c && PCSC_RID.every((byte, index) => atr[7 + index] === byte);
  if (!isStorageCard) return { kind: 'iso14443-4' };
  const standard = atr[12]!;
  const cardName = (atr[13]! << 8) | atr[14]!;
  if (standard === STANDARD_ISO14443A_3 && cardName === CARD_NAME_ULTRALIGHT) return { kind: 'ultralight', cardName };
  if (standard === STANDARD_ISO14443A_3 && CARD_NAMES_CLASSIC.has(cardName)) return { kind: 'mifare-classic', cardName };
  return { kind: 'storage-other', standard, cardName };
}

/** Builds a valid ATR from its bytes before TCK (used by the virtual card and tests). */
export function withChecksum(bytesBeforeTck: number[]): Buffer {
  let xor = 0;
  for (const byte of bytesBeforeTck.slice(1)) xor ^= byte;
  return Buffer.from([...bytesBeforeTck, xor]);
}
