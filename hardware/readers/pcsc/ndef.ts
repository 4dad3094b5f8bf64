/**
 * NFC Forum Type 2 tag memory (NTAG21x, MIFARE Ultralight): the capability container on page 3
 * and the TLV blocks from page 4 on, then the first NDEF Text record of the NDEF message.
 * Lenient where tags in the field differ (lock/memory control TLVs, NULL padding, a missing
 * terminator, several records) and strict about lengths: a tag can claim anything. Pure.
 */

export const USER_MEMORY_FIRST_PAGE = 4;
export const CC_PAGE = 3;
/** NTAG216, the largest Type 2 tag a loyalty card would be, has 888 bytes of user memory. */
export const USER_MEMORY_BYTES_MAX = 888;
export const TAG_TEXT_CHARS_MAX = 200;

const CC_MAGIC = 0xe1;
const TLV_NULL = 0x00;
const TLV_NDEF = 0x03;
const TLV_TERMINATOR = 0xfe;
const TNF_WELL_KNOWN = 0x01;

export type UserMemory =
  | { kind: 'text'; text: string }
  | { kind: 'none'; reason: string } // blank, not NDEF-formatted, or no text record: not an error
  | { kind: 'incomplete'; bytesNeeded: number } // read more pages and ask again
  | { kind: 'malformed'; reason: string };

/** The user memory size a capability container declares, or undefined when not NDEF-formatted. */
export function userMemoryBytes(capabilityContainer: Uint8Array): number | undefined {
  if (capabilityContainer.length < 4 || capabilityContainer[0] !== CC_MAGIC) return undefined;
  return Math.min(USER_MEMORY_BYTES_MAX, capabilityContainer[2]! * 8);
}

/** Reads the TLVs in `memory` (bytes from page 4) up to `memoryBytes`, the declared size. */
export function parseUserMemory(memory: Uint8Array, memoryBytes: number): UserMemory {
  let offset = 0;
  while (offset < memoryBytes) {
    if (offset >= memory.length) return { kind: 'incomplete', bytesNeeded: Math.min(memoryBytes, offset + 4) };
    const type = memory[offset]!;
    if (type === TLV_NULL) {
      offset += 1;
      continue;
    }
    if (type === TLV_TERMINATOR) return { kind: 'none', reason: 'the tag holds no NDEF message' };
    if (offset + 1 >= memory.length) return { kind: 'incomplete', bytesNeeded: Math.min(memoryBytes, offset + 4) };
    let length = memory[offset + 1]!;
    let valueStart = offset + 2;
    if (length === 0xff) {
      if (offset + 3 >= memory.length) return { kind: 'incomplete', bytesNeeded: Math.min(memoryBytes, offset + 4) };
      length = (memory[offset + 2]! << 8) | memory[offset + 3]!;
      valueStart = offset + 4;
    }
    const valueEnd = valueStart + length;
    if (valueEnd > memoryBytes) return { kind: 'malformed', reason: `a TLV of ${length} bytes runs past the tag's ${memoryBytes} bytes of memory` };
    if (type !== TLV_NDEF) {
      offset = valueEnd; // lock control, memory control or proprietary TLV: skip it
      continue;
    }
    if (valueEnd > memory.length) return { kind: 'incomplete', bytesNeeded: valueEnd };
    if (length === 0) return { kind: 'none', reason: 'the NDEF message is empty' };
    return firstTextRecord(memory.subarray(valueStart, valueEnd));
  }
  return { kind: 'none', reason: 'the tag holds no NDEF message' };
}

/** Walks the records of an NDEF message and decodes the first well-known Text ('T') record. */
export function firstTextRecord(message: Uint8Array): UserMemory {
  let offset = 0;
  for (let record = 0; offset < message.length; record += 1) {
    const header = message[offset]!;
    const shortRecord = (header & 0x10) !== 0;
    const hasIdLength = (header & 0x08) !== 0;
    const typeNameFormat = header & 0x07;
    if (record === 0 && (header & 0x80) === 0) return { kind: 'malformed', reason: 'the first NDEF record lacks the message-begin flag' };
    if ((header & 0x20) !== 0) return { kind: 'none', reason: 'chunked NDEF records are not used for club cards' };
    const fixedBytes = 1 + 1 + (shortRecord ? 1 : 4) + (hasIdLength ? 1 : 0);
    if (offset + fixedBytes > message.length) return { kind: 'malformed', reason: 'an NDEF record header is cut short' };
    const typeLength = message[offset + 1]!;
    const payloadLength = shortRecord
      ? message[offset + 2]!
      : ((message[offset + 2]! << 24) | (message[offset + 3]! << 16) | (message[offset + 4]! << 8) | message[offset + 5]!) >>> 0;
    const idLength = hasIdLength ? message[offset + fixedBytes - 1]! : 0;
    const typeStart = offset + fixedBytes;
    const payloadStart = typeStart + typeLength + idLength;
    const payloadEnd = payloadStart + payloadLength;
    if (payloadEnd > message.length) return { kind: 'malformed', reason: `an NDEF record claims ${payloadLength} bytes but the message holds ${message.length}` };
    const isText = typeNameFormat === TNF_WELL_KNOWN && typeLength === 1 && message[typeStart] === 0x54;
    if (isText) return decodeTextPayload(message.subarray(payloadStart, payloadEnd));
    if ((header & 0x40) !== 0) break; // message end
    offset = payloadEnd;
  }
  return { kind: 'none', reason: 'the NDEF message has no text record' };
}

function decodeTextPayload(payload: Uint8Array): UserMemory {
  if (payload.length < 1) return { kind: 'malformed', reason: 'the text record is empty' };
  const status = payload[0]!;
  const languageLength = status & 0x3f;
  if (1 + languageLength > payload.length) return { kind: 'malformed', reason: 'the text record language code runs past its payload' };
  const encoding = (status & 0x80) !== 0 ? 'utf-16be' : 'utf-8';
  let text: string;
  try {
    text = new TextDecoder(encoding, { fatal: true }).decode(payload.subarray(1 + languageLength));
  } catch {
    return { kind: 'malformed', reason: `the text record is not valid ${encoding.toUpperCase()}` };
  }
  // Control characters would only confuse the screen and the logs; drop them, keep the rest.
  const clean = text.replace(/[\u0000-\u001f\u007f-\u009f]/g, '').trim();
  if (clean.length === 0) return { kind: 'none', reason: 'the text record is blank' };
  return { kind: 'text', text: clean.slice(0, TAG_TEXT_CHARS_MAX) };
}

/** Encodes a one-record NDEF text message as Type 2 user memory (for the virtual card and tests). */
export function encodeTextMemory(text: string, language = 'fa'): Buffer {
  const textBytes = Buffer.from(text, 'utf8');
  const payload = Buffer.concat([Buffer.from([language.length]), Buffer.from(language, 'ascii'), textBytes]);
  if (payload.length > 255) throw new RangeError('the text is too long for a short record');
  const record = Buffer.concat([Buffer.from([0xd1, 0x01, payload.length, 0x54]), payload]);
  const tlvLength = record.length < 0xff ? Buffer.from([record.length]) : Buffer.from([0xff, record.length >> 8, record.length & 0xff]);
  return Buffer.concat([Buffer.from([TLV_NDEF]), tlvLength, record, Buffer.from([TLV_TERMINATOR])]);
}
