import { createHash } from 'node:crypto';

/**
 * A checkable lottery. Before tickets close the club publishes sha256(seed); after they close
 * it reveals the seed. Anyone holding the ticket list (in purchase order) can then recompute
 * the winners: for prize k, the first 8 bytes of sha256("<seed>:<lotteryId>:<k>") as an
 * unsigned integer, modulo the number of tickets not yet drawn, picks the next ticket.
 */
export const SEED_PATTERN = /^[0-9a-f]{64}$/;

export function seedHash(seedHex: string): string {
  if (!SEED_PATTERN.test(seedHex)) throw new RangeError('a lottery seed is 32 bytes in lower-case hex');
  return createHash('sha256').update(Buffer.from(seedHex, 'hex')).digest('hex');
}

/** Ticket numbers (0-based indexes into the ticket list) in prize order. */
export function drawTickets(seedHex: string, lotteryId: string, ticketCount: number, prizeCount: number): number[] {
  const remaining = Array.from({ length: ticketCount }, (_, index) => index);
  const winners: number[] = [];
  for (let prize = 0; prize < prizeCount && remaining.length > 0; prize++) {
    const digest = createHash('sha256').update(`${seedHex}:${lotteryId}:${prize}`).digest();
    const pick = Number(digest.readBigUInt64BE(0) % BigInt(remaining.length));
    winners.push(remaining[pick]!);
    remaining.splice(pick, 1);
  }
  return winners;
}
