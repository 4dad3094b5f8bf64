/** The few pseudo-APDUs a PC/SC contactless reader understands for storage cards. Pure. */

export const SW_OK = 0x9000;

/** PC/SC part 3 GET DATA: the card's UID. */
export const GET_UID = Buffer.from([0xff, 0xca, 0x00, 0x00, 0x00]);
/** UID (up to 10 bytes) + status word. */
export const GET_UID_RESPONSE_MAX = 12;

/** PC/SC part 3 READ BINARY: `length` bytes from NTAG/Ultralight page `page` (4 bytes a page). */
export function readBinary(page: number, length: number): Buffer {
  if (!Number.isInteger(page) || page < 0 || page > 0xff) throw new RangeError(`page ${page} is out of range`);
  if (!Number.isInteger(length) || length < 1 || length > 16) throw new RangeError(`a read is 1-16 bytes, not ${length}`);
  return Buffer.from([0xff, 0xb0, 0x00, page, length]);
}

export interface ApduResponse {
  data: Buffer;
  statusWord: number;
}

export function splitResponse(response: Buffer): ApduResponse {
  if (response.length < 2) throw new RangeError(`an APDU response has at least a status word; got ${response.length} bytes`);
  return { data: response.subarray(0, -2), statusWord: response.readUInt16BE(response.length - 2) };
}

export function statusWordHex(statusWord: number): string {
  return statusWord.toString(16).toUpperCase().padStart(4, '0');
}
