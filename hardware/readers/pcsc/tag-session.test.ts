import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { TimeoutError } from '../backoff.js';
import { classifyAtr } from './atr.js';
import { encodeTextMemory, parseUserMemory } from './ndef.js';
import { readTag, type Transmit } from './tag-session.js';
import { CONTACT_CARD_ATR, desfire, ntag213, NTAG_ATR, phone, PHONE_ATR, type CardModel } from './testing/card-models.js';

const UID = Buffer.from('04A1B2C3D4E5F6', 'hex');

function transmitTo(card: CardModel, failAfterApdus = Infinity, failure: Error = new Error('SCardTransmit error: Card was removed.(0x80100069)')): { transmit: Transmit; sent: Buffer[] } {
  const sent: Buffer[] = [];
  return {
    sent,
    transmit: async (apdu) => {
      if (sent.length >= failAfterApdus) throw failure;
      sent.push(apdu);
      return card.respond(apdu);
    },
  };
}

describe('classifyAtr', () => {
  it('recognises NTAG, phones, DESFire and rejects others', () => {
    expect(classifyAtr(NTAG_ATR).kind).toBe('ultralight');
    expect(classifyAtr(PHONE_ATR).kind).toBe('iso14443-4');
    expect(classifyAtr(desfire(UID).atr).kind).toBe('iso14443-4');
    expect(classifyAtr(CONTACT_CARD_ATR).kind).toBe('unknown');
    const corrupted = Buffer.from(NTAG_ATR);
    corrupted[13] = corrupted[13]! ^ 0x01;
    expect(classifyAtr(corrupted)).toEqual({ kind: 'unknown', reason: 'ATR checksum (TCK) is wrong' });
    expect(classifyAtr(Buffer.alloc(0)).kind).toBe('unknown');
  });

  it('never throws on arbitrary bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 40 }), (bytes) => void classifyAtr(bytes)));
  });
});

describe('parseUserMemory', () => {
  it('reads a text record, skipping NULL and lock-control TLVs', () => {
    const memory = Buffer.concat([Buffer.from([0x00, 0x01, 0x03, 0xa0, 0x0c, 0x34]), encodeTextMemory('Club ۱۲۳')]);
    expect(parseUserMemory(memory, 144)).toEqual({ kind: 'text', text: 'Club ۱۲۳' });
  });

  it('asks for more bytes when the NDEF TLV is longer than what was read', () => {
    const memory = encodeTextMemory('a longer text that spans more than one read of sixteen bytes');
    expect(parseUserMemory(memory.subarray(0, 12), 144)).toEqual({ kind: 'incomplete', bytesNeeded: memory.length - 1 });
  });

  it('calls out lengths past the end of memory and broken records', () => {
    expect(parseUserMemory(Buffer.from([0x03, 0xf0, 0xd1]), 144).kind).toBe('malformed');
    expect(parseUserMemory(Buffer.from([0x03, 0x05, 0xd1, 0x01, 0x20, 0x54, 0x02, 0xfe]), 144).kind).toBe('malformed');
    expect(parseUserMemory(Buffer.from([0x03, 0x06, 0xd1, 0x01, 0x02, 0x54, 0x02, 0xff, 0xfe]), 144).kind).toBe('malformed');
    expect(parseUserMemory(Buffer.from([0xfe]), 144)).toEqual({ kind: 'none', reason: 'the tag holds no NDEF message' });
  });

  it('never throws and never asks for more than the declared memory', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 160 }), fc.integer({ min: 0, max: 888 }), (memory, declared) => {
        const parsed = parseUserMemory(memory, declared);
        if (parsed.kind === 'incomplete') expect(parsed.bytesNeeded).toBeLessThanOrEqual(declared);
      }),
      { numRuns: 3000 },
    );
  });
});

describe('readTag', () => {
  it('reads the UID and the text of an NTAG213, only as many pages as needed', async () => {
    const { transmit, sent } = transmitTo(ntag213(UID, encodeTextMemory('عضو طلایی')));
    const result = await readTag(transmit, classifyAtr(NTAG_ATR), { readTagText: true });
    expect(result).toEqual({ uid: UID, tagText: 'عضو طلایی', problems: [] });
    expect(sent.map((apdu) => apdu.toString('hex'))).toEqual(['ffca000000', 'ffb0000310', 'ffb0000710']);
  });

  it('keeps the UID when the memory is malformed', async () => {
    const { transmit } = transmitTo(ntag213(UID, Buffer.from([0x03, 0x0a, 0xd1, 0x01, 0x40, 0x54, 0x02, 0x66, 0x61, 0x41, 0x42, 0x43, 0xfe])));
    const result = await readTag(transmit, classifyAtr(NTAG_ATR), { readTagText: true });
    expect(result.uid).toEqual(UID);
    expect(result.problems.map((problem) => problem.code)).toEqual(['TAG_MEMORY_MALFORMED']);
  });

  it('reports a card pulled mid-read and still identifies it when the UID was read', async () => {
    const { transmit } = transmitTo(ntag213(UID), 1);
    const result = await readTag(transmit, classifyAtr(NTAG_ATR), { readTagText: true });
    expect(result.uid).toEqual(UID);
    expect(result.problems.map((problem) => problem.code)).toEqual(['CARD_REMOVED_MID_READ']);
    const early = await readTag(transmitTo(ntag213(UID), 0).transmit, classifyAtr(NTAG_ATR), { readTagText: true });
    expect(early).toEqual({ problems: [expect.objectContaining({ code: 'CARD_REMOVED_MID_READ' })] });
  });

  it('reports a reader that does not answer in time', async () => {
    const { transmit } = transmitTo(ntag213(UID), 0, new TimeoutError('late'));
    expect((await readTag(transmit, classifyAtr(NTAG_ATR), { readTagText: true })).problems[0]?.code).toBe('READER_TIMEOUT');
  });

  it('refuses phones (random UID) with one problem and accepts DESFire UIDs', async () => {
    const fromPhone = await readTag(transmitTo(phone()).transmit, classifyAtr(PHONE_ATR), { readTagText: true });
    expect(fromPhone.uid).toBeUndefined();
    expect(fromPhone.problems.map((problem) => problem.code)).toEqual(['RANDOM_UID']);
    const card = desfire(UID);
    expect(await readTag(transmitTo(card).transmit, classifyAtr(card.atr), { readTagText: true })).toEqual({ uid: UID, problems: [] });
  });

  it('does not talk to a card with an unknown ATR', async () => {
    const { transmit, sent } = transmitTo(ntag213(UID));
    const result = await readTag(transmit, classifyAtr(CONTACT_CARD_ATR), { readTagText: true });
    expect(result.problems.map((problem) => problem.code)).toEqual(['UNSUPPORTED_CARD']);
    expect(sent).toEqual([]);
  });
});

describe('readTag: a card that stops answering', () => {
  it('treats an empty response as the card leaving', async () => {
    const card = ntag213(UID);
    let count = 0;
    const transmit: Transmit = async (apdu) => (count++ === 0 ? card.respond(apdu) : Buffer.alloc(0));
    const result = await readTag(transmit, classifyAtr(NTAG_ATR), { readTagText: true });
    expect(result.uid).toEqual(UID);
    expect(result.problems.map((problem) => problem.code)).toEqual(['CARD_REMOVED_MID_READ']);
  });
});
