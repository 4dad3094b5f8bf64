/** What one poll of the RC522 found. */
export type PollResult = { kind: 'none' } | { kind: 'uid'; uid: number[] } | { kind: 'cascade' } | { kind: 'misread' };

export type PresenceChange = { kind: 'card'; uid: number[] } | { kind: 'removed' } | undefined;

/**
 * Turns a stream of polls into card / removed events: a card is reported once when it
 * arrives (or when a different card replaces it) and counts as removed only after
 * `removeAfterMisses` empty polls in a row, so a card at the edge of the field does not
 * flicker. A misread (bad BCC) neither adds nor removes a card. Pure.
 */
export class CardPresence {
  private current: string | undefined;
  private misses = 0;

  constructor(private readonly removeAfterMisses: number) {}

  update(poll: PollResult): PresenceChange {
    if (poll.kind === 'misread') return undefined;
    if (poll.kind === 'uid') {
      this.misses = 0;
      const key = poll.uid.join(',');
      if (key === this.current) return undefined;
      this.current = key;
      return { kind: 'card', uid: poll.uid };
    }
    if (this.current === undefined) return undefined;
    this.misses += 1;
    if (this.misses < this.removeAfterMisses) return undefined;
    this.current = undefined;
    this.misses = 0;
    return { kind: 'removed' };
  }
}

/** The subset of mfrc522-rpi's MFRC522 class the poller uses. */
export interface Mfrc522Like {
  reset(): void;
  findCard(): { status: boolean | null };
  getUid(): { status: boolean; data: number[] };
  /** SELECT; returns the SAK byte, 0 when the card did not answer. */
  selectCard(uidWithBcc: number[]): number;
}

const CASCADE_TAG = 0x88;

/**
 * One poll: reset (re-powers the field so a present card answers REQA again), request,
 * anticollision, select. A card that does not answer SELECT with its UID is a misread.
 */
export function pollOnce(chip: Mfrc522Like): PollResult {
  chip.reset();
  if (!chip.findCard().status) return { kind: 'none' };
  const response = chip.getUid();
  if (!response.status || response.data.length < 5) return { kind: 'misread' };
  const uid = response.data.slice(0, 4);
  // A 7- or 10-byte UID starts with the cascade tag; mfrc522-rpi only does one level.
  if (uid[0] === CASCADE_TAG) return { kind: 'cascade' };
  if (chip.selectCard(response.data.slice(0, 5)) === 0) return { kind: 'misread' };
  return { kind: 'uid', uid };
}
