import type { Op } from '../../../firmware/src/ledger/types.js';
import type { MemoryLedger } from './memory-ledger.js';

export { seededRandom } from '../../support/seeded-random.js';

/**
 * Writes a plausible store day into a ledger: enrolments with a card, earnings, redemptions
 * within the balance, a block now and then, and an op from a module the head office does not
 * know (it must be kept and counted). Returns what the head office should end up with.
 */
export interface Expected {
  members: Set<string>;
  pointsByMember: Map<string, number>;
  transfers: number;
  unknownOps: number;
}

export function newExpected(): Expected {
  return { members: new Set(), pointsByMember: new Map(), transfers: 0, unknownOps: 0 };
}

export function writeStoreDay(ledger: MemoryLedger, options: { prefix: string; storeId: string; commits: number; random: () => number; expected: Expected }): void {
  const { prefix, storeId, random, expected } = options;
  const members: string[] = [];
  for (let index = 0; index < options.commits; index++) {
    const id = `${prefix}-c${ledger.lastSeq + 1}`;
    const roll = random();
    if (members.length === 0 || roll < 0.2) {
      const memberId = `${prefix}-m${members.length}`;
      const ops: Op[] = [
        { op: 'member.create', memberId, name: 'عضو', phone: `09${String(Math.floor(random() * 1e9)).padStart(9, '0')}`, smsConsent: true, storeId },
        { op: 'card.link', cardId: `nfc:${prefix}-${members.length}`.toUpperCase(), memberId, kind: 'member' },
      ];
      members.push(memberId);
      expected.members.add(memberId);
      ledger.commit(id, ops);
      continue;
    }
    const memberId = members[Math.floor(random() * members.length)]!;
    const balance = expected.pointsByMember.get(memberId) ?? 0;
    if (roll < 0.65 || balance === 0) {
      const amount = 1 + Math.floor(random() * 500);
      ledger.commit(id, [{ op: 'transfer', debit: 'club:earned', credit: `member:${memberId}:points`, amount, unit: 'points', reason: 'earn', ref: { receipt: id } }]);
      expected.pointsByMember.set(memberId, balance + amount);
      expected.transfers++;
    } else if (roll < 0.9) {
      const amount = 1 + Math.floor(random() * balance);
      ledger.commit(id, [{ op: 'transfer', debit: `member:${memberId}:points`, credit: 'club:redeemed', amount, unit: 'points', reason: 'redeem' }]);
      expected.pointsByMember.set(memberId, balance - amount);
      expected.transfers++;
    } else {
      ledger.commit(id, [{ op: 'purchase.record', receiptId: id, amountRial: 1_250_000 }]);
      expected.unknownOps++;
    }
  }
}
