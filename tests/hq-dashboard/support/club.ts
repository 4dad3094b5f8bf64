import type { FastifyInstance } from 'fastify';
import { HqClient } from '../../../sync/agent/client.js';
import type { DeviceIdentity } from '../../../sync/agent/identity.js';
import type { Op } from '../../../firmware/src/ledger/types.js';
import { MemoryLedger } from '../../sync/support/memory-ledger.js';
import { provision } from '../../sync/support/hq.js';

/**
 * A small chain pushed to the head office the way kiosks push it (signed sync requests from a
 * journal): two stores, a kiosk each, members with cards and point histories, and a likely
 * duplicate member (same person enrolled twice at store-a).
 */
export const CLUB = {
  zahra: { id: 'm-a1', storeId: 'store-a', name: 'زهرا محمدی', phone: '09121234567', cardId: 'nfc:04A1B2C3D4E5F6' },
  zahraAgain: { id: 'm-a2', storeId: 'store-a', name: 'زهرا محمدی', phone: '09351112233', cardId: 'nfc:0A0B0C0D' },
  mina: { id: 'm-a3', storeId: 'store-a', name: 'مینا کاظمی', phone: '09187770000', cardId: 'nfc:11223344' },
  ali: { id: 'm-b1', storeId: 'store-b', name: 'علی رضایی', phone: '09127654321', cardId: 'nfc:B1B2B3B4' },
} as const;
/** zahra earns this many times (10 points each), enough for several pages of history. */
export const ZAHRA_EARNINGS = 30;

export interface SeededClub {
  kioskA: DeviceIdentity;
  kioskB: DeviceIdentity;
  clientA: HqClient;
  clientB: HqClient;
}

export async function seedClub(app: FastifyInstance, url: string): Promise<SeededClub> {
  const kioskA = await provision(app, 'kiosk-a1', 'store-a');
  const kioskB = await provision(app, 'kiosk-b1', 'store-b');
  const ledgerA = new MemoryLedger(Date.now() - 60 * 86_400_000);
  const ledgerB = new MemoryLedger(Date.now() - 60 * 86_400_000);
  const enrol = (ledger: MemoryLedger, member: (typeof CLUB)[keyof typeof CLUB]) =>
    ledger.commit(`enrol-${member.id}`, [
      { op: 'member.create', memberId: member.id, name: member.name, phone: member.phone, smsConsent: true, storeId: member.storeId },
      { op: 'card.link', cardId: member.cardId, memberId: member.id, kind: 'member' },
    ] as Op[]);
  enrol(ledgerA, CLUB.zahra);
  enrol(ledgerA, CLUB.zahraAgain);
  enrol(ledgerA, CLUB.mina);
  enrol(ledgerB, CLUB.ali);
  for (let index = 0; index < ZAHRA_EARNINGS; index++) {
    ledgerA.commit(`earn-${index}`, [{ op: 'transfer', debit: 'club:earned', credit: `member:${CLUB.zahra.id}:points`, amount: 10, unit: 'points', reason: 'earn', ref: { receipt: `r${index}` } }]);
  }
  ledgerA.commit('redeem-1', [{ op: 'transfer', debit: `member:${CLUB.zahra.id}:points`, credit: 'club:redeemed', amount: 50, unit: 'points', reason: 'redeem' }]);
  ledgerA.commit('earn-again', [{ op: 'transfer', debit: 'club:earned', credit: `member:${CLUB.zahraAgain.id}:points`, amount: 40, unit: 'points', reason: 'earn' }]);
  ledgerB.commit('earn-b', [{ op: 'transfer', debit: 'club:earned', credit: `member:${CLUB.ali.id}:points`, amount: 70, unit: 'points', reason: 'earn' }]);
  const clientA = new HqClient(url, kioskA, 10_000);
  const clientB = new HqClient(url, kioskB, 10_000);
  await clientA.push(ledgerA.all());
  await clientB.push(ledgerB.all());
  return { kioskA, kioskB, clientA, clientB };
}
