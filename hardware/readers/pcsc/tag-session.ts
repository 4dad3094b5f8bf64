import { TimeoutError } from '../backoff.js';
import { GET_UID, GET_UID_RESPONSE_MAX, readBinary, splitResponse, statusWordHex, SW_OK } from './apdu.js';
import type { CardKind } from './atr.js';
import { CC_PAGE, parseUserMemory, userMemoryBytes } from './ndef.js';

/** Sends one APDU to the card in the field and returns the raw response (data + status word). */
export type Transmit = (apdu: Buffer, responseMaxBytes: number) => Promise<Buffer>;

export interface TagProblem {
  code: string;
  message: string;
}

export interface TagReadResult {
  uid?: Buffer;
  tagText?: string;
  problems: TagProblem[];
}

const READ_BYTES = 16; // one READ BINARY returns four pages
const VALID_UID_LENGTHS = new Set([4, 7, 10]);
/** ISO 14443-3: a 4-byte UID starting with 0x08 is random, new on every tap (phones, bank cards). */
const RANDOM_UID_FIRST_BYTE = 0x08;

/** An empty answer (no status word) is what pcscd returns when the card vanished mid-command. */
const NO_ANSWER = (step: string): TagProblem => ({
  code: 'CARD_REMOVED_MID_READ',
  message: `the card stopped answering while ${step}: hold it still and tap again`,
});

/** Turns a transmit failure into a problem a technician can read; never includes card data. */
export function describeTransmitFailure(error: unknown, step: string): TagProblem {
  if (error instanceof TimeoutError) return { code: 'READER_TIMEOUT', message: `the reader did not answer while ${step}: tap again` };
  const text = String((error as { previous?: unknown })?.previous ?? '') + String((error as Error)?.message ?? error);
  if (/removed|0x80100069|no smart card|0x8010000c|reset/i.test(text)) {
    return { code: 'CARD_REMOVED_MID_READ', message: `the card left the reader while ${step}: hold it still and tap again` };
  }
  return { code: 'TRANSMIT_FAILED', message: `the reader failed while ${step}: tap again` };
}

async function readUid(transmit: Transmit, result: TagReadResult): Promise<Buffer | undefined> {
  let response: Buffer;
  try {
    response = await transmit(GET_UID, GET_UID_RESPONSE_MAX);
  } catch (error) {
    result.problems.push(describeTransmitFailure(error, 'reading the UID'));
    return undefined;
  }
  if (response.length < 2) {
    result.problems.push(NO_ANSWER('reading the UID'));
    return undefined;
  }
  const { data, statusWord } = splitResponse(response);
  if (statusWord !== SW_OK || !VALID_UID_LENGTHS.has(data.length)) {
    result.problems.push({ code: 'UID_READ_FAILED', message: `the reader could not read the UID (status ${statusWordHex(statusWord)}, ${data.length} bytes)` });
    return undefined;
  }
  return Buffer.from(data);
}

/** Reads NTAG/Ultralight user memory page by page, only as far as the NDEF TLV reaches. */
async function readTagText(transmit: Transmit, result: TagReadResult): Promise<void> {
  const read = async (page: number): Promise<Buffer | undefined> => {
    let response: Buffer;
    try {
      response = await transmit(readBinary(page, READ_BYTES), READ_BYTES + 2);
    } catch (error) {
      result.problems.push(describeTransmitFailure(error, 'reading the tag memory'));
      return undefined;
    }
    if (response.length < 2) {
      result.problems.push(NO_ANSWER('reading the tag memory'));
      return undefined;
    }
    const { data, statusWord } = splitResponse(response);
    if (statusWord !== SW_OK || data.length !== READ_BYTES) {
      result.problems.push({ code: 'TAG_MEMORY_UNREADABLE', message: `reading page ${page} failed (status ${statusWordHex(statusWord)}, ${data.length} bytes)` });
      return undefined;
    }
    return Buffer.from(data);
  };

  const first = await read(CC_PAGE);
  if (!first) return;
  const memoryBytes = userMemoryBytes(first.subarray(0, 4));
  if (memoryBytes === undefined) return; // not NDEF-formatted: a plain UID card
  let memory = first.subarray(4);
  let nextPage = CC_PAGE + READ_BYTES / 4;
  for (;;) {
    const parsed = parseUserMemory(memory, memoryBytes);
    if (parsed.kind === 'text') result.tagText = parsed.text;
    if (parsed.kind === 'malformed') result.problems.push({ code: 'TAG_MEMORY_MALFORMED', message: `the tag memory is malformed: ${parsed.reason}` });
    if (parsed.kind !== 'incomplete') return;
    while (memory.length < parsed.bytesNeeded) {
      const more = await read(nextPage);
      if (!more) return;
      memory = Buffer.concat([memory, more]);
      nextPage += READ_BYTES / 4;
    }
  }
}

/**
 * Everything read from one card, in order: its UID, then (NTAG/Ultralight only) the text in its
 * memory. A failure after the UID still returns the UID: the card is identified even when its
 * memory is malformed or it was pulled away mid-read.
 */
export async function readTag(transmit: Transmit, card: CardKind, options: { readTagText: boolean }): Promise<TagReadResult> {
  const result: TagReadResult = { problems: [] };
  if (card.kind === 'unknown') {
    result.problems.push({ code: 'UNSUPPORTED_CARD', message: `this card cannot be used here (${card.reason})` });
    return result;
  }
  const uid = await readUid(transmit, result);
  if (!uid) return result;
  if (card.kind === 'iso14443-4' && uid.length === 4 && uid[0] === RANDOM_UID_FIRST_BYTE) {
    result.problems.push({
      code: 'RANDOM_UID',
      message: 'this phone or card shows a new random identifier on every tap, so it cannot be a club card: use the club card or look the member up by phone number',
    });
    return result;
  }
  result.uid = uid;
  if (card.kind === 'ultralight' && options.readTagText) await readTagText(transmit, result);
  return result;
}
