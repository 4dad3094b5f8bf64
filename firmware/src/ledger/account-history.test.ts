import { beforeEach, describe, expect, it } from 'vitest';
import { Ledger } from './ledger.js';
import { coreModule } from './core-module.js';
import { RECENT_TRANSFERS_PER_ACCOUNT, recentTransfers } from './account-history.js';
import { clubAccount, memberAccount, type Op, type Transfer } from './types.js';
import { ledgerPerTest } from '../../../tests/support/temp-ledger.js';
import { actor, enrol, earn, redeem } from '../../../tests/support/ledger-ops.js';
import { expectBooksBalance } from '../../../tests/ledger/invariants.js';

const gift = (from: string, to: string, amount: number): Op => ({ op: 'transfer', debit: memberAccount(from), credit: memberAccount(to), amount, unit: 'points', reason: 'transfer' });
const ids = (transfers: readonly Transfer[] | undefined) => (transfers ?? []).map((t) => t.id);

describe('account history in memory', () => {
  const temp = ledgerPerTest();
  const open = temp.open;
  let ledger: Ledger;

  beforeEach(async () => {
    ledger = await open();
    await ledger.commit({ id: 'enrol', actor, ops: [enrol('m1', '09120000001'), enrol('m2', '09120000002')] });
  });

  it('keeps the most recent transfers of an account and carries what the older ones add up to', async () => {
    for (let i = 0; i < 250; i++) await ledger.commit({ id: `e${i}`, actor, ops: [earn('m1', i + 1)] });
    const listed = ledger.core.accounts.get(memberAccount('m1'))!.recent;
    expect(listed.length).toBeGreaterThanOrEqual(RECENT_TRANSFERS_PER_ACCOUNT);
    expect(listed.length).toBeLessThan(2 * RECENT_TRANSFERS_PER_ACCOUNT);
    expect(listed.at(-1)!.id).toBe('e249#0');
    expect(ids(recentTransfers(ledger.core, memberAccount('m1')))).toEqual(Array.from({ length: RECENT_TRANSFERS_PER_ACCOUNT }, (_, i) => `e${200 + i}#0`));
    expect(ledger.balance(memberAccount('m1'))).toBe((250 * 251) / 2);
    expect(ledger.core.accounts.get(memberAccount('m1'))!.carried).toBe(listed[0]!.amount * (listed[0]!.amount - 1) / 2);
    expectBooksBalance(ledger);
  });

  it('puts a trimmed list back as it was when the commit that trimmed it is refused', async () => {
    for (let i = 0; i < 2 * RECENT_TRANSFERS_PER_ACCOUNT - 1; i++) await ledger.commit({ id: `e${i}`, actor, ops: [earn('m1', 1)] });
    const before = ids(ledger.core.accounts.get(memberAccount('m1'))?.recent);
    expect(before).toHaveLength(2 * RECENT_TRANSFERS_PER_ACCOUNT - 1);
    // The earn fills the list and trims it; the redeem after it is refused, so both are undone.
    await expect(ledger.commit({ id: 'refused', actor, ops: [earn('m1', 1), redeem('m1', 10_000)] })).rejects.toMatchObject({ code: 'INSUFFICIENT_BALANCE' });
    expect(ids(ledger.core.accounts.get(memberAccount('m1'))?.recent)).toEqual(before);
    expect(ledger.core.accounts.get(memberAccount('m1'))!.carried).toBe(0);
    expect(ledger.balance(memberAccount('m1'))).toBe(2 * RECENT_TRANSFERS_PER_ACCOUNT - 1);
    expectBooksBalance(ledger);
  });

  it('comes back with the same lists, in order, after a snapshot and a restart', async () => {
    await ledger.commit({ id: 'start', actor, ops: [earn('m1', 500), earn('m2', 500)] });
    // Transfers between two members are listed under both, and each list is trimmed on its own.
    for (let i = 0; i < 180; i++) await ledger.commit({ id: `g${i}`, actor, ops: [i % 3 === 0 ? gift('m2', 'm1', 1) : earn('m1', 1)] });
    const lists = () => [ids(ledger.core.accounts.get(memberAccount('m1'))?.recent), ids(ledger.core.accounts.get(memberAccount('m2'))?.recent)];
    const carried = () => [...ledger.core.accounts.values()].filter((a) => a.carried !== 0).map((a) => [a.id, a.carried]).sort();
    const listsBefore = lists();
    const carriedBefore = carried();
    expect(listsBefore[1]).toContain('start#1');
    await ledger.snapshot();
    await ledger.close();
    ledger = await open();
    expect(lists()).toEqual(listsBefore);
    expect(carried()).toEqual(carriedBefore);
    expectBooksBalance(ledger);
    for (let i = 0; i < 120; i++) await ledger.commit({ id: `after${i}`, actor, ops: [gift('m1', 'm2', 1)] });
    expectBooksBalance(ledger);
  });

  it('trims the full histories of a snapshot written before lists were trimmed', () => {
    const at = { atMs: 1, clockSynced: true };
    const account = memberAccount('m1');
    const transfers: Transfer[] = Array.from({ length: 130 }, (_, i) => ({ id: `old${i}#0`, debit: clubAccount('earned'), credit: account, amount: 2, unit: 'points', reason: 'earn', at }));
    const member = { id: 'm1', name: 'سارا', phone: '09120000001', smsConsent: true, storeId: 'store-1', createdAt: at, updatedAt: at };
    const state = coreModule.fromSnapshot({ members: [member], cards: [], balances: [[account, 260], [clubAccount('earned'), -260]], transfers });
    const listed = state.accounts.get(account)!.recent;
    expect(ids(listed)).toEqual(Array.from({ length: RECENT_TRANSFERS_PER_ACCOUNT }, (_, i) => `old${130 - RECENT_TRANSFERS_PER_ACCOUNT + i}#0`));
    expect(state.accounts.get(account)!.carried).toBe(2 * (130 - RECENT_TRANSFERS_PER_ACCOUNT));
  });
});
