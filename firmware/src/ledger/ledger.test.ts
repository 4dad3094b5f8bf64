import { beforeEach, describe, expect, it } from 'vitest';
import { Ledger } from './ledger.js';
import { ManualClock } from './clock.js';
import { LedgerError, clubAccount, memberAccount } from './types.js';
import { ledgerPerTest } from '../../../tests/support/temp-ledger.js';
import { actor, enrol, earn, redeem } from '../../../tests/support/ledger-ops.js';


describe('Ledger', () => {
  const temp = ledgerPerTest();
  const open = temp.open;
  let ledger: Ledger;

  beforeEach(async () => {
    ledger = await open();
  });

  it('applies a commit atomically and acknowledges it with a sequence number', async () => {
    const result = await ledger.commit({ id: 'c1', actor, ops: [enrol('m1', '09120000001'), earn('m1', 50)] });
    expect(result).toMatchObject({ id: 'c1', seq: 1, replayed: false });
    expect(ledger.balance(memberAccount('m1'))).toBe(50);
    expect(ledger.balance(clubAccount('earned'))).toBe(-50);
    expect(ledger.core.members.get('m1')?.phone).toBe('09120000001');
  });

  it('refuses a commit whose second operation fails, and changes nothing', async () => {
    await ledger.commit({ id: 'c1', actor, ops: [enrol('m1', '09120000001'), earn('m1', 10)] });
    await expect(ledger.commit({ id: 'c2', actor, ops: [earn('m1', 5), redeem('m1', 100)] })).rejects.toMatchObject({ code: 'INSUFFICIENT_BALANCE' });
    expect(ledger.balance(memberAccount('m1'))).toBe(10);
    expect(ledger.core.accounts.get(memberAccount('m1'))?.recent).toHaveLength(1);
    expect(ledger.lastSeq).toBe(1);
  });

  it('returns the first result for a repeated id and refuses a reused id with other content', async () => {
    await ledger.commit({ id: 'c1', actor, ops: [enrol('m1', '09120000001')] });
    const first = await ledger.commit({ id: 'c2', actor, ops: [earn('m1', 7)] });
    const again = await ledger.commit({ id: 'c2', actor, ops: [earn('m1', 7)] });
    expect(again).toEqual({ ...first, replayed: true });
    expect(ledger.balance(memberAccount('m1'))).toBe(7);
    const error = await ledger.commit({ id: 'c2', actor, ops: [earn('m1', 8)] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LedgerError);
    expect((error as LedgerError).code).toBe('IDEMPOTENCY_CONFLICT');
  });

  it('answers a repeated old request from its journal record, and says so when even that is gone', async () => {
    await ledger.close();
    ledger = await open({ recentResults: 2 });
    await ledger.commit({ id: 'c1', actor, ops: [enrol('m1', '09120000001')] });
    const first = await ledger.commit({ id: 'c2', actor, ops: [earn('m1', 7)] });
    for (let i = 0; i < 5; i++) await ledger.commit({ id: `later${i}`, actor, ops: [earn('m1', 1)] });
    expect(await ledger.commit({ id: 'c2', actor, ops: [earn('m1', 7)] })).toEqual({ ...first, replayed: true });
    await ledger.snapshot(); // compacts the journal: c2's record is gone
    await expect(ledger.commit({ id: 'c2', actor, ops: [earn('m1', 7)] })).rejects.toMatchObject({ code: 'ALREADY_COMMITTED' });
    expect(ledger.balance(memberAccount('m1'))).toBe(12);
  });

  it('treats a repeated id with fields in another order as the same request', async () => {
    await ledger.commit({ id: 'c1', actor, ops: [enrol('m1', '09120000001')] });
    await ledger.commit({ id: 'c2', actor, ops: [{ op: 'transfer', debit: clubAccount('earned'), credit: memberAccount('m1'), amount: 3, unit: 'points', reason: 'earn' }] });
    const again = await ledger.commit({ id: 'c2', actor, ops: [{ reason: 'earn', unit: 'points', amount: 3, credit: memberAccount('m1'), debit: clubAccount('earned'), op: 'transfer' }] });
    expect(again.replayed).toBe(true);
  });

  it('never lets a member balance go below zero, even under concurrent redemptions', async () => {
    await ledger.commit({ id: 'c1', actor, ops: [enrol('m1', '09120000001'), earn('m1', 10)] });
    const attempts = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => ledger.commit({ id: `r${i}`, actor, ops: [redeem('m1', 3)] })));
    expect(attempts.filter((a) => a.status === 'fulfilled')).toHaveLength(3);
    expect(ledger.balance(memberAccount('m1'))).toBe(1);
  });

  it('comes back with the same state after a restart, and after a snapshot plus compaction', async () => {
    await ledger.commit({ id: 'c1', actor, ops: [enrol('m1', '09120000001'), earn('m1', 40)] });
    await Promise.all(Array.from({ length: 30 }, (_, i) => ledger.commit({ id: `e${i}`, actor, ops: [earn('m1', 1)] })));
    await ledger.close();
    ledger = await open();
    expect(ledger.balance(memberAccount('m1'))).toBe(70);
    expect(ledger.lastSeq).toBe(31);
    await ledger.snapshot();
    await ledger.commit({ id: 'after', actor, ops: [redeem('m1', 5)] });
    expect(await ledger.segmentFiles()).toEqual(['0000000000000032.journal']);
    await ledger.close();
    ledger = await open();
    expect(ledger.balance(memberAccount('m1'))).toBe(65);
    expect(ledger.lastSeq).toBe(32);
    expect((await ledger.commit({ id: 'e3', actor, ops: [earn('m1', 1)] })).replayed).toBe(true);
  });

  it('keeps records the head office has not received when compacting', async () => {
    ledger.retainFrom(() => 2);
    await ledger.commit({ id: 'c1', actor, ops: [enrol('m1', '09120000001')] });
    await ledger.commit({ id: 'c2', actor, ops: [earn('m1', 1)] });
    await ledger.commit({ id: 'c3', actor, ops: [earn('m1', 1)] });
    await ledger.snapshot();
    const records = await ledger.readRecords(1, 10);
    expect(records.map((r) => r.seq)).toEqual([2, 3]);
    expect(records[1]!.prevHash).toBe(records[0]!.hash);
    expect(records[0]!.record.ops[0]).toMatchObject({ op: 'transfer', amount: 1 });
  });

  it('tells listeners about each durable commit, in order', async () => {
    const seen: number[] = [];
    ledger.onCommit((entry) => seen.push(entry.seq));
    await ledger.commit({ id: 'c1', actor, ops: [enrol('m1', '09120000001')] });
    await Promise.all([ledger.commit({ id: 'c2', actor, ops: [earn('m1', 1)] }), ledger.commit({ id: 'c3', actor, ops: [earn('m1', 1)] })]);
    expect(seen).toEqual([1, 2, 3]);
  });

  it('refuses malformed operations with a clear message', async () => {
    await expect(ledger.commit({ id: 'x', actor, ops: [{ op: 'transfer', debit: 'club:earned', credit: 'member:nobody:points', amount: 1, unit: 'points', reason: 'earn' }] })).rejects.toMatchObject({ code: 'UNKNOWN_MEMBER' });
    await expect(ledger.commit({ id: 'x', actor, ops: [enrol('m1', '0912')] })).rejects.toThrow(/phone/);
    await expect(ledger.commit({ id: 'x', actor, ops: [{ op: 'launch.rocket' }] })).rejects.toMatchObject({ code: 'UNKNOWN_OPERATION' });
    await expect(ledger.commit({ id: '', actor, ops: [] })).rejects.toMatchObject({ code: 'INVALID_OPERATION' });
    expect(ledger.lastSeq).toBe(0);
  });

  it('links, blocks and refuses cards as the rules say', async () => {
    await ledger.commit({ id: 'c1', actor, ops: [enrol('m1', '09120000001'), enrol('m2', '09120000002'), { op: 'card.link', cardId: 'nfc:04A1B2', memberId: 'm1', kind: 'member' }] });
    await expect(ledger.commit({ id: 'c2', actor, ops: [{ op: 'card.link', cardId: 'nfc:04A1B2', memberId: 'm2', kind: 'member' }] })).rejects.toMatchObject({ code: 'CARD_IN_USE' });
    await ledger.commit({ id: 'c3', actor, ops: [{ op: 'card.block', cardId: 'nfc:04A1B2', reason: 'lost' }] });
    expect(ledger.core.cards.get('nfc:04A1B2')?.status).toBe('blocked');
    await expect(ledger.commit({ id: 'c4', actor, ops: [{ op: 'card.link', cardId: 'nfc:04A1B2', memberId: 'm1', kind: 'member' }] })).rejects.toMatchObject({ code: 'CARD_BLOCKED' });
    await expect(ledger.commit({ id: 'c5', actor, ops: [enrol('m3', '09120000001')] })).rejects.toMatchObject({ code: 'PHONE_IN_USE' });
  });

  it('records when each commit happened and whether the clock was synchronised', async () => {
    const clock = new ManualClock(Date.UTC(2026, 0, 1), false);
    await ledger.close();
    ledger = await open({ clock });
    const result = await ledger.commit({ id: 'c1', actor, ops: [enrol('m1', '09120000001')] });
    expect(result.at).toEqual({ atMs: Date.UTC(2026, 0, 1), clockSynced: false });
    expect(ledger.core.members.get('m1')?.createdAt.clockSynced).toBe(false);
  });
});
