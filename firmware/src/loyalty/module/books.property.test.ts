import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { EngineHarness } from '../testing/engine-harness.js';
import { parseLoyaltyRules } from '../rules/parse.js';
import { voucherCodeFromBytes } from '../vouchers/code.js';
import { lotTotal } from '../expiry/lots.js';
import { localMoment } from '../calendar/local-time.js';
import type { Op } from '../../ledger/types.js';
import { balances } from '../../ledger/core-state.js';

/**
 * Random sequences of everything a store does, applied through the real ledger engine with
 * the loyalty module. After every step the books must balance and every rule's limit hold.
 */
// The demo club with a short lifetime, a short return window and a small game budget, so
// that expiry, release and the budget limit all happen within a few dozen steps.
const rules = parseLoyaltyRules({ expiry: { lifetimeMonths: 2 }, earning: { returnWindowDays: 3 }, game: { dailyBudgetPoints: 60 }, retention: { purchaseDays: 60, voucherDaysAfterExpiry: 30 } });
const MEMBERS = ['m1', 'm2', 'm3', 'm4'];
const START = Date.parse('2026-03-15T10:00:00+03:30'); // a week before Nowruz 1405
const DAY = 86_400_000;
const RIAL_ACCOUNT = /^(member:[^:]+:credit|card:.*:gift|club:(credit-issued|credit-spent|gift-sold|gift-spent))$/;

const member = fc.constantFrom(...MEMBERS);
const action = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('purchase' as const), member, amountRial: fc.integer({ min: 1, max: 300_000_000 }), dairyShare: fc.integer({ min: 0, max: 100 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('void' as const), pick: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('refund' as const), pick: fc.nat(), share: fc.integer({ min: 1, max: 100 }) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('advance' as const), hours: fc.integer({ min: 1, max: 24 * 30 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('maintain' as const) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('reward' as const), member, rewardIndex: fc.nat(4), seed: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('redeem' as const), pick: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('pay' as const), member, points: fc.integer({ min: 1, max: 400 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('exchange' as const), member, points: fc.integer({ min: 1, max: 200 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('game' as const), member, roll: fc.nat(999) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('survey' as const), member, csat: fc.integer({ min: 1, max: 5 }), nps: fc.integer({ min: 0, max: 10 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('occasions' as const) }) },
);

function setup(): EngineHarness {
  const harness = new EngineHarness(START, rules);
  harness.apply(
    MEMBERS.map((id, index): Op => ({
      op: 'member.create',
      memberId: id,
      name: 'مشتری',
      phone: `0912000000${index}`,
      smsConsent: true,
      storeId: 'store-1',
      birthday: `1990-03-${String(16 + index).padStart(2, '0')}`,
    })),
  );
  return harness;
}

type Action = typeof action extends fc.Arbitrary<infer A> ? A : never;
/** What happened over all runs, so the test proves it exercised every path. */
const seen = { pruned: 0, purchases: 0, refunds: 0, voids: 0, shortfalls: 0, vouchers: 0, redeemed: 0, doubleRedeem: 0, expired: 0, released: 0, gamePrizes: 0, budgetWithheld: 0, occasions: 0, capped: 0, paid: 0 };

function run(harness: EngineHarness, step: Action, receipts: string[], codes: string[]): void {
  switch (step.kind) {
    case 'purchase': {
      const receiptId = `r${receipts.length + 1}`;
      const dairy = Math.floor((step.amountRial * step.dairyShare) / 100);
      const result = harness.tryApply([{ op: 'purchase.record', receiptId, memberId: step.member, amountRial: step.amountRial, categories: [{ category: 'dairy', amountRial: dairy }] }]);
      expect(result.ok).toBe(true);
      if (result.ok && (result.results[0] as { pointsCapped: number }).pointsCapped > 0) seen.capped++;
      seen.purchases++;
      receipts.push(receiptId);
      return;
    }
    case 'void':
      if (receipts.length > 0) {
        const receiptId = receipts[step.pick % receipts.length]!;
        const known = harness.loyalty.purchases.has(receiptId);
        const result = harness.tryApply([{ op: 'purchase.void', receiptId }]);
        if (result.ok) {
          seen.voids++;
          if ((result.results[0] as { shortfalls: unknown[] }).shortfalls.length > 0) seen.shortfalls++;
        } else expect(result.code).toBe(known ? 'PURCHASE_VOIDED' : 'UNKNOWN_RECEIPT'); // forgotten after the retention
      }
      return;
    case 'refund': {
      if (receipts.length === 0) return;
      const purchase = harness.loyalty.purchases.get(receipts[step.pick % receipts.length]!);
      if (!purchase) return; // forgotten after the retention
      const left = purchase.amountRial - (purchase.refunded?.rial ?? 0);
      const refundRial = Math.max(1, Math.floor((left * step.share) / 100));
      const result = harness.tryApply([{ op: 'purchase.refund', receiptId: purchase.receiptId, refundRial }]);
      if (purchase.voided) expect(result).toEqual({ ok: false, code: 'PURCHASE_VOIDED' });
      else {
        expect(result.ok).toBe(true);
        seen.refunds++;
        const after = harness.loyalty.purchases.get(purchase.receiptId)!;
        // Never points on what was returned: what the receipt keeps is at most its share of the earn.
        const kept = purchase.earnedPoints - (after.refunded?.points ?? (after.voided ? purchase.earnedPoints : 0));
        const remaining = purchase.amountRial - (after.refunded?.rial ?? purchase.amountRial);
        expect(kept * purchase.amountRial).toBeLessThanOrEqual(purchase.earnedPoints * remaining);
      }
      return;
    }
    case 'advance':
      harness.atMs += step.hours * 3_600_000;
      return;
    case 'maintain': {
      const [result] = harness.apply([{ op: 'loyalty.maintain', asOfMs: harness.atMs }]) as Array<{ expiredPoints: number; releasedPoints: number }>;
      seen.expired += result!.expiredPoints > 0 ? 1 : 0;
      seen.released += result!.releasedPoints > 0 ? 1 : 0;
      seen.pruned += (result as { pruned?: number }).pruned ?? 0;
      // A second run at the same moment finds nothing left to do.
      expect(harness.apply([{ op: 'loyalty.maintain', asOfMs: harness.atMs }])[0]).toEqual({ releasedPoints: 0, expiredPoints: 0, members: 0 });
      const purchaseCutoffMs = harness.atMs - rules.retention.purchaseDays * DAY;
      expect([...harness.loyalty.purchases.values()].every((purchase) => purchase.atMs >= purchaseCutoffMs)).toBe(true);
      for (const loyalty of harness.loyalty.members.values()) {
        expect(loyalty.lots.every((lot) => lot.expiresAtMs > harness.atMs)).toBe(true);
        expect(loyalty.pending.every((entry) => entry.releaseAtMs > harness.atMs)).toBe(true);
      }
      return;
    }
    case 'reward': {
      const reward = rules.rewards[step.rewardIndex % rules.rewards.length]!;
      const code = voucherCodeFromBytes(Uint8Array.from([step.seed & 255, (step.seed >> 8) & 255, (step.seed >> 16) & 255, codes.length, 1, 2, 3]));
      const result = harness.tryApply([
        { op: 'voucher.issue', requestId: `q${codes.length}-${step.seed}`, memberId: step.member, rewardId: reward.id, code, deviceId: 'kiosk-1', payload: `BG1.kiosk-1.${code}.x`, expiresAtMs: harness.atMs + reward.validityDays * DAY },
      ]);
      if (result.ok) {
        codes.push(code);
        seen.vouchers++;
      }
      else expect(['INSUFFICIENT_BALANCE', 'TIER_TOO_LOW', 'VOUCHER_EXISTS', 'REQUEST_REUSED']).toContain(result.code);
      return;
    }
    case 'redeem':
      if (codes.length > 0) {
        const code = codes[step.pick % codes.length]!;
        const before = harness.loyalty.vouchers.get(code);
        const result = harness.tryApply([{ op: 'voucher.redeem', code, receiptId: `pos-${step.pick}` }]);
        if (before === undefined) {
          // Forgotten by maintenance, long after it expired (retention): never redeemable.
          expect(result.ok).toBe(false);
        } else if (before.state === 'redeemed') {
          expect(result).toEqual({ ok: false, code: 'VOUCHER_REDEEMED' });
          seen.doubleRedeem++;
        } else if (harness.atMs >= before.expiresAtMs) expect(result).toEqual({ ok: false, code: 'VOUCHER_EXPIRED' });
        else {
          expect(result.ok).toBe(true);
          seen.redeemed++;
        }
      }
      return;
    case 'pay':
      if (harness.tryApply([{ op: 'points.pay', memberId: step.member, points: step.points, receiptId: `p${step.points}`, purchaseRial: 1_000_000 }]).ok) seen.paid++;
      return;
    case 'exchange':
      harness.tryApply([{ op: 'credit.exchange', memberId: step.member, points: step.points }]);
      return;
    case 'game':
      {
        const result = harness.tryApply([{ op: 'game.play', memberId: step.member, roll: step.roll }]);
        if (result.ok && (result.results[0] as { points: number }).points > 0) seen.gamePrizes++;
        if (result.ok && (result.results[0] as { withheld?: string }).withheld) seen.budgetWithheld++;
      }
      return;
    case 'survey':
      harness.tryApply([{ op: 'survey.submit', memberId: step.member, answers: { csat: step.csat, nps: step.nps } }]);
      return;
    case 'occasions':
      seen.occasions += (harness.apply([{ op: 'occasions.run', asOfMs: harness.atMs }])[0] as { granted: unknown[] }).granted.length;
      return;
  }
}

function checkInvariants(harness: EngineHarness): void {
  let points = 0;
  let rial = 0;
  for (const [account, balance] of balances(harness.core)) {
    if (RIAL_ACCOUNT.test(account)) rial += balance;
    else points += balance;
    if (!account.startsWith('club:')) expect(balance).toBeGreaterThanOrEqual(0);
  }
  // Double entry: nothing is created or lost; every point came from a club account by a rule.
  expect(points).toBe(0);
  expect(rial).toBe(0);
  const today = localMoment(harness.atMs, rules.timeZone).dayKey;
  for (const [memberId, loyalty] of harness.loyalty.members) {
    // Lots follow the spendable account exactly, and pending entries the pending account.
    expect(lotTotal(loyalty.lots)).toBe(harness.balance(`member:${memberId}:points`));
    expect(loyalty.pending.reduce((sum, entry) => sum + entry.points, 0)).toBe(harness.balance(`member:${memberId}:pending`));
    for (const day of loyalty.days) expect(day.points).toBeLessThanOrEqual(rules.earning.dailyCapPoints);
    expect(loyalty.owedPoints).toBeGreaterThanOrEqual(0);
  }
  const game = harness.loyalty.gameDay.get('current');
  if (game) expect(game.spentPoints).toBeLessThanOrEqual(rules.game.dailyBudgetPoints);
  if (game?.key === today) expect(-harness.balance('club:game')).toBeGreaterThanOrEqual(game.spentPoints);
}

describe('the loyalty books under random use (property)', () => {
  it('always balance to zero, never overdraw a member, and keep caps and budgets', () => {
    fc.assert(
      fc.property(fc.array(action, { minLength: 20, maxLength: 80 }), (steps) => {
        const harness = setup();
        const receipts: string[] = [];
        const codes: string[] = [];
        for (const step of steps) {
          run(harness, step, receipts, codes);
          checkInvariants(harness);
        }
      }),
      { numRuns: 150 },
    );
    for (const [what, count] of Object.entries(seen)) expect(count, what).toBeGreaterThan(0);
  });

  it('a snapshot round trip gives the same state', () => {
    fc.assert(
      fc.property(fc.array(action, { minLength: 1, maxLength: 40 }), (steps) => {
        const harness = setup();
        const receipts: string[] = [];
        const codes: string[] = [];
        for (const step of steps) run(harness, step, receipts, codes);
        const module = harness.engine.modules.find((candidate) => candidate.name === 'loyalty')!;
        const snapshot = JSON.parse(JSON.stringify(module.toSnapshot(harness.loyalty)));
        expect(module.toSnapshot(module.fromSnapshot(snapshot))).toEqual(snapshot);
      }),
      { numRuns: 30 },
    );
  });
});
