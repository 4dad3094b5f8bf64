import { randomBytes } from 'node:crypto';
import { withChecksum } from '../atr.js';
import { encodeTextMemory } from '../ndef.js';

/**
 * Cards as a PC/SC contactless reader presents them: an ATR and answers to the pseudo-APDUs.
 * The vpcd virtual card serves these to the real pcscd; unit tests call them directly.
 * Test-only code: nothing in the production path imports this folder.
 */
export interface CardModel {
  readonly name: string;
  readonly atr: Buffer;
  respond(apdu: Buffer): Buffer;
}

const SW_OK = Buffer.from([0x90, 0x00]);
const SW_WRONG_PARAMETERS = Buffer.from([0x6a, 0x86]);
const SW_NOT_FOUND = Buffer.from([0x6a, 0x82]);
const SW_UNSUPPORTED = Buffer.from([0x6d, 0x00]);

export const NTAG_ATR = withChecksum([0x3b, 0x8f, 0x80, 0x01, 0x80, 0x4f, 0x0c, 0xa0, 0x00, 0x00, 0x03, 0x06, 0x03, 0x00, 0x03, 0x00, 0x00, 0x00, 0x00]);
/** What an ACR122U reports for Android/iOS host card emulation: no historical bytes. */
export const PHONE_ATR = withChecksum([0x3b, 0x80, 0x80, 0x01]);
export const DESFIRE_ATR = withChecksum([0x3b, 0x81, 0x80, 0x01, 0x80]);
/** A contact smart card's ATR: not something a club card reader should see. */
export const CONTACT_CARD_ATR = Buffer.from('3B6E00008031806686B0840C016E0183009000', 'hex');

const NTAG213_PAGES = 45;
const NTAG213_USER_BYTES = 144;

function isGetUid(apdu: Buffer): boolean {
  return apdu.length === 5 && apdu[0] === 0xff && apdu[1] === 0xca && apdu[2] === 0x00 && apdu[3] === 0x00;
}

/** NTAG213: 7-byte UID, capability container E1 10 12 00, 144 bytes of user memory from page 4. */
export function ntag213(uid: Buffer, userMemory: Buffer = encodeTextMemory('باشگاه')): CardModel {
  if (uid.length !== 7) throw new RangeError('an NTAG213 UID has 7 bytes');
  if (userMemory.length > NTAG213_USER_BYTES) throw new RangeError('NTAG213 user memory is 144 bytes');
  const pages = Buffer.alloc(NTAG213_PAGES * 4);
  uid.copy(pages, 0, 0, 3);
  pages[3] = 0x88 ^ uid[0]! ^ uid[1]! ^ uid[2]!;
  uid.copy(pages, 4, 3, 7);
  pages[8] = uid[3]! ^ uid[4]! ^ uid[5]! ^ uid[6]!;
  Buffer.from([0xe1, 0x10, 0x12, 0x00]).copy(pages, 12);
  userMemory.copy(pages, 16);
  return {
    name: 'NTAG213',
    atr: NTAG_ATR,
    respond(apdu) {
      if (isGetUid(apdu)) return Buffer.concat([uid, SW_OK]);
      if (apdu.length === 5 && apdu[0] === 0xff && apdu[1] === 0xb0) {
        const page = (apdu[2]! << 8) | apdu[3]!;
        const length = apdu[4]!;
        if (page >= NTAG213_PAGES || length === 0 || length > 16) return SW_WRONG_PARAMETERS;
        // The tag's READ returns four pages and wraps around at the end of memory.
        const out = Buffer.alloc(length);
        for (let index = 0; index < length; index += 1) out[index] = pages[(page * 4 + index) % pages.length]!;
        return Buffer.concat([out, SW_OK]);
      }
      return SW_UNSUPPORTED;
    },
  };
}

/** A phone doing host card emulation: random 4-byte UID (08 xx xx xx) on every tap. */
export function phone(): CardModel {
  const uid = Buffer.concat([Buffer.from([0x08]), randomBytes(3)]);
  return {
    name: 'phone',
    atr: PHONE_ATR,
    respond(apdu) {
      if (isGetUid(apdu)) return Buffer.concat([uid, SW_OK]);
      return SW_NOT_FOUND; // SELECT of an unknown AID, as a phone answers
    },
  };
}

/** A DESFire card: ISO 14443-4 with a fixed 7-byte UID, usable as a club card. */
export function desfire(uid: Buffer): CardModel {
  return {
    name: 'DESFire',
    atr: DESFIRE_ATR,
    respond: (apdu) => (isGetUid(apdu) ? Buffer.concat([uid, SW_OK]) : SW_NOT_FOUND),
  };
}

/** Any ATR at all, answering nothing usefully (an unknown or corrupted card). */
export function unknownCard(atr: Buffer = CONTACT_CARD_ATR): CardModel {
  return { name: 'unknown', atr, respond: () => SW_UNSUPPORTED };
}
