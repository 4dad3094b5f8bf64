import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { memberAccount } from '../ledger/types.js';
import { DAY_MS } from './calendar/local-time.js';
import { defaultLoyaltyRules, parseLoyaltyRules } from './rules/parse.js';
import { openServiceFixture, staff, type ServiceFixture } from './testing/service-fixture.js';

const pos = { kind: 'pos' as const, id: 'till-1' };
// Sunday 1404/08/25, 14:00 Tehran: no campaign running.
const START = Date.parse('2025-11-16T14:00:00+03:30');

describe('LoyaltyService: earning, pending, void', () => {
  let f: ServiceFixture;
  beforeEach(async () => {
    f = await openServiceFixture(defaultLoyaltyRules(), START);
    await f.enrol('m1', '09120000001');
  });
  afterEach(() => f.close());

  it('a purchase earns by the rules; points are pending for the return window, then spendable', async () => {
    const result = await f.service.recordPurchase({ memberId: 'm1', amountRial: 2_350_000, receiptId: 'R-1001', actor: pos });
    // 23 purchase points + 50 first-purchase bonus, all pending for 7 days.
    expect(result).toMatchObject({ memberId: 'm1', pointsEarned: 23, bonusPoints: 50, pointsPending: 73, balance: 0, tier: 'bronze' });
    expect(f.service.memberSummary('m1')).toMatchObject({ balance: 0, pending: 73 });
    const week = START + 7 * DAY_MS;
    expect(f.service.memberSummary('m1', week)).toMatchObject({ balance: 73, pending: 0 });
    f.clock.atMs = week;
    expect(await f.service.runExpiry(week)).toMatchObject({ releasedPoints: 73, expiredPoints: 0 });
    expect(f.ledger.balance(memberAccount('m1'))).toBe(73);
    expect(f.service.memberSummary('m1')).toMatchObject({ balance: 73, pending: 0, expiringNext: { points: 73 } });
  });

  it('is idempotent by receipt id, and refuses the same receipt with other content', async () => {
    const first = await f.service.recordPurchase({ memberId: 'm1', amountRial: 5_000_000, receiptId: 'R-1', actor: pos });
    await f.service.recordPurchase({ memberId: 'm1', amountRial: 1_000_000, receiptId: 'R-2', actor: pos });
    const again = await f.service.recordPurchase({ memberId: 'm1', amountRial: 5_000_000, receiptId: 'R-1', actor: pos, requestId: 'retry' });
    expect(again).toEqual(first);
    await expect(f.service.recordPurchase({ memberId: 'm1', amountRial: 5_000_001, receiptId: 'R-1', actor: pos })).rejects.toMatchObject({ code: 'RECEIPT_CONFLICT' });
    expect(f.ledger.balance(memberAccount('m1', 'pending'))).toBe(50 + 50 + 10);
  });

  it('a void takes pending points back; after they were spent the shortfall is recorded and repaid from later earnings', async () => {
    await f.service.recordPurchase({ memberId: 'm1', amountRial: 20_000_000, receiptId: 'R-1', actor: pos }); // 200 + 50
    await f.service.recordPurchase({ memberId: 'm1', amountRial: 3_000_000, receiptId: 'R-2', actor: pos }); // 30
    expect(await f.service.voidPurchase({ receiptId: 'R-2', actor: pos })).toEqual({ receiptId: 'R-2', pointsReversed: 30, shortfalls: [] });
    expect(f.ledger.balance(memberAccount('m1', 'pending'))).toBe(250);
    f.clock.advance(8 * DAY_MS);
    await f.service.runExpiry(f.clock.atMs);
    await f.service.redeemReward({ memberId: 'm1', rewardId: 'free-tea', requestId: 'q-1', actor: staff }); // -150
    expect(f.ledger.balance(memberAccount('m1'))).toBe(100);
    const voided = await f.service.voidPurchase({ receiptId: 'R-1', actor: pos });
    expect(voided).toEqual({ receiptId: 'R-1', pointsReversed: 100, shortfalls: [{ memberId: 'm1', points: 150 }] });
    expect(f.ledger.balance(memberAccount('m1'))).toBe(0);
    expect(f.service.memberSummary('m1').owedPoints).toBe(150);
    await expect(f.service.voidPurchase({ receiptId: 'R-1', actor: staff, })).resolves.toEqual(voided); // a retried void replays
    // The next 160 points pay the 150 owed first.
    await f.service.recordPurchase({ memberId: 'm1', amountRial: 16_000_000, receiptId: 'R-3', actor: pos });
    f.clock.advance(8 * DAY_MS);
    await f.service.runExpiry(f.clock.atMs);
    expect(f.service.memberSummary('m1')).toMatchObject({ balance: 10, owedPoints: 0 });
  });

  it('a partial refund takes back the points of the returned part, rounded in the club favour', async () => {
    // 4,550,000 Rial earns 45; 1,000,000 Rial comes back: the rest (3,550,000) keeps floor(45 × 3.55/4.55) = 35.
    await f.service.recordPurchase({ memberId: 'm1', amountRial: 4_550_000, receiptId: 'R-1', actor: pos });
    const refund = await f.service.refundPurchase({ receiptId: 'R-1', refundId: 'ret-1', refundRial: 1_000_000, actor: pos });
    expect(refund).toEqual({ receiptId: 'R-1', refundedRial: 1_000_000, pointsKept: 35, pointsReversed: 10, shortfalls: [] });
    expect(f.ledger.balance(memberAccount('m1', 'pending'))).toBe(35 + 50);
    await expect(f.service.refundPurchase({ receiptId: 'R-1', refundId: 'ret-2', refundRial: 3_550_001, actor: pos })).rejects.toMatchObject({ code: 'INVALID_OPERATION' });
    // Returning the rest is a void: the first-purchase bonus goes too.
    const rest = await f.service.refundPurchase({ receiptId: 'R-1', refundId: 'ret-2', refundRial: 3_550_000, actor: pos });
    expect(rest).toMatchObject({ pointsKept: 0, pointsReversed: 35 + 50 });
    expect(f.ledger.balance(memberAccount('m1', 'pending'))).toBe(0);
  });

  it('caps purchase points per member per local day', async () => {
    const capped = await f.service.recordPurchase({ memberId: 'm1', amountRial: 150_000_000, receiptId: 'R-big', actor: pos });
    expect(capped).toMatchObject({ pointsEarned: 1000, pointsCapped: 500 });
    expect((await f.service.recordPurchase({ memberId: 'm1', amountRial: 1_000_000, receiptId: 'R-more', actor: pos })).pointsEarned).toBe(0);
    f.clock.advance(DAY_MS);
    // A new day; the 1000 points of yesterday made the member silver (×1.25): 10 → 12.
    expect((await f.service.recordPurchase({ memberId: 'm1', amountRial: 1_000_000, receiptId: 'R-next-day', actor: pos })).pointsEarned).toBe(12);
  });

  it('a purchase queued offline at the till earns by its own time, not the time it arrived', async () => {
    // Sold at 09:30 on a Saturday (happy hour ×1.5), recorded at 14:00 the next day.
    const soldAtMs = Date.parse('2025-11-15T09:30:00+03:30');
    f.clock.atMs = Date.parse('2025-11-16T14:00:00+03:30');
    const late = await f.service.recordPurchase({ memberId: 'm1', amountRial: 2_000_000, receiptId: 'Q-1', purchasedAtMs: soldAtMs, actor: pos });
    expect(late).toMatchObject({ pointsEarned: 30, campaignId: 'happy-hour' });
    expect(f.ledger.slice<{ purchases: Map<string, { atMs: number }> }>('loyalty').purchases.get('Q-1')!.atMs).toBe(soldAtMs);
    await expect(f.service.recordPurchase({ memberId: 'm1', amountRial: 1, receiptId: 'Q-2', purchasedAtMs: soldAtMs - 8 * DAY_MS, actor: pos })).rejects.toMatchObject({ code: 'PURCHASE_TOO_OLD' });
    await expect(f.service.recordPurchase({ memberId: 'm1', amountRial: 1, receiptId: 'Q-3', purchasedAtMs: f.clock.atMs + DAY_MS, actor: pos })).rejects.toMatchObject({ code: 'INVALID_OPERATION' });
  });

  it('moves up a tier and applies its multiplier to the next purchase', async () => {
    for (let day = 0; day < 3; day++) {
      await f.service.recordPurchase({ memberId: 'm1', amountRial: 100_000_000, receiptId: `R-${day}`, actor: pos });
      f.clock.advance(DAY_MS);
    }
    expect(f.service.memberSummary('m1').tier.id).toBe('gold');
    const next = await f.service.recordPurchase({ memberId: 'm1', amountRial: 1_000_000, receiptId: 'R-gold', actor: pos });
    expect(next).toMatchObject({ pointsEarned: 15, tier: 'gold' });
  });

  it('replays to the same books after a restart, even when the config rules changed since', async () => {
    await f.service.recordPurchase({ memberId: 'm1', amountRial: 7_777_777, receiptId: 'R-1', actor: pos });
    const before = f.service.memberSummary('m1');
    await f.reopen(parseLoyaltyRules({ earning: { rialPerPoint: 10_000 } }));
    expect(f.service.memberSummary('m1')).toEqual(before);
    expect((await f.service.recordPurchase({ memberId: 'm1', amountRial: 1_000_000, receiptId: 'R-2', actor: pos })).pointsEarned).toBe(100);
  });
});

describe('LoyaltyService: rules', () => {
  it('refuses rules a schema cannot catch before journaling anything, listing every problem', async () => {
    const f = await openServiceFixture(defaultLoyaltyRules(), START);
    try {
      const seq = f.ledger.lastSeq;
      await expect(f.service.applyRules({ rewards: [{ id: 'x', title: 'X', kind: 'rial-discount', costPoints: 5, validityDays: 3 }] }, staff)).rejects.toMatchObject({
        name: 'RulesError',
        problems: ['/rewards/x: a Rial discount needs amountRial'],
      });
      expect(f.ledger.lastSeq).toBe(seq);
      expect(await f.service.applyRules({}, staff)).toMatchObject({ changed: false });
    } finally {
      await f.close();
    }
  });
});

describe('LoyaltyService: snapshots', () => {
  it('the loyalty slice survives a snapshot and journal compaction unchanged', async () => {
    const f = await openServiceFixture(parseLoyaltyRules({ earning: { returnWindowDays: 0 } }), START, undefined, 'kiosk-1', 10);
    try {
      await f.enrol('m1', '09120000001');
      await f.enrol('m2', '09120000002');
      for (let index = 0; index < 25; index++) {
        await f.service.recordPurchase({ memberId: index % 2 ? 'm1' : 'm2', amountRial: 3_000_000 + index, receiptId: `R-${index}`, actor: pos });
        f.clock.advance(3_600_000);
      }
      await f.service.voidPurchase({ receiptId: 'R-3', actor: pos });
      const { voucher } = await f.service.redeemReward({ memberId: 'm1', rewardId: 'free-tea', requestId: 'q-1', actor: staff });
      const module = (await import('./module/loyalty-module.js')).loyaltyModule;
      const before = JSON.stringify(module.toSnapshot(f.ledger.slice('loyalty')));
      const summary = f.service.memberSummary('m1');
      await f.reopen();
      expect(existsSync(join(f.dir, 'snapshot.json'))).toBe(true);
      expect(JSON.stringify(module.toSnapshot(f.ledger.slice('loyalty')))).toBe(before);
      expect(f.service.memberSummary('m1')).toEqual(summary);
      expect(f.service.voucherState(voucher.qrPayload).state).toBe('valid');
      // Idempotency survives too: the same receipt again is a replay, not a second purchase.
      await expect(f.service.recordPurchase({ memberId: 'm1', amountRial: 3_000_001, receiptId: 'R-1', actor: pos })).resolves.toMatchObject({ receiptId: 'R-1' });
      expect(f.service.memberSummary('m1')).toEqual(summary);
    } finally {
      await f.close();
    }
  });
});

describe('LoyaltyService: expiry after the kiosk was off', () => {
  it('expires lot by lot, oldest first, and a second run does nothing', async () => {
    const f = await openServiceFixture(parseLoyaltyRules({ earning: { returnWindowDays: 0, firstPurchaseBonusPoints: 0 } }), START);
    try {
      await f.enrol('m1', '09120000001');
      await f.service.recordPurchase({ memberId: 'm1', amountRial: 10_000_000, receiptId: 'R-old', actor: pos }); // 100
      f.clock.advance(60 * DAY_MS);
      await f.service.recordPurchase({ memberId: 'm1', amountRial: 5_000_000, receiptId: 'R-new', actor: pos }); // 50
      // Spending 30 takes them from the oldest lot.
      await f.service.wallet.payWithPoints({ memberId: 'm1', points: 30, receiptId: 'R-pay', purchaseRial: 1_000_000, actor: pos });
      expect(f.service.memberSummary('m1').expiringNext).toEqual({ points: 70, atMs: Date.parse('2026-11-16T14:00:00+03:30') });
      // The kiosk is off for 13 months.
      f.clock.advance(395 * DAY_MS);
      const ran = await f.service.runExpiry(f.clock.atMs);
      // Both receipts are older than the 120-day retention: they are forgotten in the same run.
      expect(ran).toEqual({ releasedPoints: 0, expiredPoints: 120, members: 1, pruned: 2 });
      const seq = f.ledger.lastSeq;
      expect(await f.service.runExpiry(f.clock.atMs + 1000)).toEqual({ releasedPoints: 0, expiredPoints: 0, members: 0 });
      expect(f.ledger.lastSeq).toBe(seq); // nothing due: nothing journaled
      expect(f.ledger.balance(memberAccount('m1'))).toBe(0);
      expect(f.ledger.balance('club:expired')).toBe(120);
      const expiries = f.ledger.core.accounts.get(memberAccount('m1'))!.recent.filter((t) => t.reason === 'expire');
      expect(expiries.map((t) => t.amount)).toEqual([70, 50]);
    } finally {
      await f.close();
    }
  });
});
