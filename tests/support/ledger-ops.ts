import { clubAccount, memberAccount, type Actor, type Op } from '../../firmware/src/ledger/types.js';

/** Operations the ledger's own tests build again and again: a till, an enrolment, points in and out. */
export const actor: Actor = { kind: 'pos', id: 'till-1' };
export const enrol = (memberId: string, phone: string): Op => ({ op: 'member.create', memberId, name: 'سارا', phone, smsConsent: true, storeId: 'store-1' });
export const earn = (memberId: string, amount: number): Op => ({ op: 'transfer', debit: clubAccount('earned'), credit: memberAccount(memberId), amount, unit: 'points', reason: 'earn' });
export const redeem = (memberId: string, amount: number): Op => ({ op: 'transfer', debit: memberAccount(memberId), credit: clubAccount('redeemed'), amount, unit: 'points', reason: 'redeem' });
