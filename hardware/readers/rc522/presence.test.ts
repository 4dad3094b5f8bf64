import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { CardPresence, pollOnce, type Mfrc522Like, type PollResult } from './presence.js';
import { CARD_MODE, CARD_SLOT_INTS, crcA, FakeMfrc522Spi, setCard } from './testing/fake-spi.js';

// The REAL mfrc522-rpi driver code, talking to a fake SPI bus that models the chip's registers.
const require = createRequire(import.meta.url);
const Mfrc522 = require('mfrc522-rpi') as new (spi: FakeMfrc522Spi) => Mfrc522Like;

function chipWithSlot(): { chip: Mfrc522Like; slot: SharedArrayBuffer; spi: FakeMfrc522Spi } {
  const slot = new SharedArrayBuffer(CARD_SLOT_INTS * 4);
  const spi = new FakeMfrc522Spi(slot);
  return { chip: new Mfrc522(spi), slot, spi };
}

describe('CRC_A', () => {
  it('matches the ISO 14443-3 example (REQA-free SELECT of 00 00 00 00)', () => {
    // ISO/IEC 14443-3 Annex B: CRC_A of 0x00 0x00 is 0xA0 0x1E.
    expect(crcA([0x00, 0x00])).toEqual([0xa0, 0x1e]);
  });
});

describe('pollOnce with the real mfrc522-rpi', () => {
  it('finds nothing on an empty reader', () => {
    const { chip, spi } = chipWithSlot();
    expect(pollOnce(chip)).toEqual({ kind: 'none' });
    expect(spi.transceiveCount).toBe(1);
  });

  it('reads a 4-byte UID through request, anticollision and select', () => {
    const { chip, slot, spi } = chipWithSlot();
    setCard(slot, [0xde, 0xad, 0xbe, 0xef]);
    expect(pollOnce(chip)).toEqual({ kind: 'uid', uid: [0xde, 0xad, 0xbe, 0xef] });
    expect(spi.transceiveCount).toBe(3);
  });

  it('treats a bad BCC as a misread and a cascade tag as a 7-byte card', () => {
    const { chip, slot } = chipWithSlot();
    setCard(slot, [0x12, 0x34, 0x56, 0x78], CARD_MODE.badBcc);
    expect(pollOnce(chip)).toEqual({ kind: 'misread' });
    setCard(slot, [0x88, 0x04, 0x11, 0x22]);
    expect(pollOnce(chip)).toEqual({ kind: 'cascade' });
  });
});

describe('CardPresence', () => {
  it('reports a card once, a replacement card, and removal after enough misses', () => {
    const presence = new CardPresence(2);
    const uid: PollResult = { kind: 'uid', uid: [1, 2, 3, 4] };
    expect(presence.update(uid)).toEqual({ kind: 'card', uid: [1, 2, 3, 4] });
    expect(presence.update(uid)).toBeUndefined();
    expect(presence.update({ kind: 'misread' })).toBeUndefined();
    expect(presence.update({ kind: 'none' })).toBeUndefined();
    expect(presence.update(uid)).toBeUndefined(); // back before the second miss: same tap
    expect(presence.update({ kind: 'none' })).toBeUndefined();
    expect(presence.update({ kind: 'none' })).toEqual({ kind: 'removed' });
    expect(presence.update({ kind: 'none' })).toBeUndefined();
    expect(presence.update(uid)).toEqual({ kind: 'card', uid: [1, 2, 3, 4] });
    expect(presence.update({ kind: 'uid', uid: [9, 9, 9, 9] })).toEqual({ kind: 'card', uid: [9, 9, 9, 9] });
  });
});
