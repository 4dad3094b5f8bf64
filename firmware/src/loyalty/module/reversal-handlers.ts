import type { ApplyContext } from '../../ledger/module.js';
import { clubAccount, memberAccount, type Op } from '../../ledger/types.js';
import { balanceOf, debitPoints, fail, loyaltyOf, post, putLoyalty } from './books.js';
import type { Grant, LoyaltyState, Purchase } from './state.js';

/**
 * Voids and refunds: never points on what was returned. Points still pending leave the pending
 * account; released points leave the spendable account as far as the balance allows, and the
 * rest is recorded as a shortfall (never a negative balance) that later grants pay first.
 */
export interface VoidResult {
  receiptId: string;
  pointsReversed: number;
  /** Points that had already been spent: the member owes them, and later grants pay them first. */
  shortfalls: Array<{ memberId: string; points: number }>;
}

function purchaseOf(state: LoyaltyState, receiptId: unknown): Purchase {
  const purchase = typeof receiptId === 'string' ? state.purchases.get(receiptId) : undefined;
  if (!purchase) fail('UNKNOWN_RECEIPT', `no purchase recorded for receipt ${String(receiptId)}`);
  if (purchase.voided) fail('PURCHASE_VOIDED', `receipt ${purchase.receiptId} was already voided`);
  return purchase;
}

/** Takes `points` of one grant back; returns what came back and what could not. */
function takeBack(state: LoyaltyState, ctx: ApplyContext, purchase: Purchase, grant: Grant, points: number): { reversed: number; shortfall: number } {
  if (points <= 0) return { reversed: 0, shortfall: 0 };
  const club = clubAccount(grant.reason === 'earn' ? 'earned' : 'bonus');
  const ref = { receiptId: purchase.receiptId };
  const loyalty = loyaltyOf(state, grant.memberId);
  const pendingIndex = loyalty.pending.findIndex((entry) => entry.receiptId === purchase.receiptId && entry.reason === grant.reason);
  if (pendingIndex >= 0) {
    const entry = loyalty.pending[pendingIndex]!;
    const take = Math.min(points, entry.points);
    const pending = loyalty.pending.flatMap((candidate, index) => (index !== pendingIndex ? [candidate] : candidate.points > take ? [{ ...candidate, points: candidate.points - take }] : []));
    putLoyalty(state, ctx, grant.memberId, { ...loyalty, pending });
    post(ctx, memberAccount(grant.memberId, 'pending'), club, take, 'void', ref);
    return { reversed: take, shortfall: 0 };
  }
  const take = Math.min(points, balanceOf(ctx, memberAccount(grant.memberId)));
  debitPoints(state, ctx, grant.memberId, take, club, 'void', ref);
  const shortfall = points - take;
  if (shortfall > 0) {
    const now = loyaltyOf(state, grant.memberId);
    putLoyalty(state, ctx, grant.memberId, { ...now, owedPoints: now.owedPoints + shortfall });
  }
  return { reversed: take, shortfall };
}

function reduceHistory(state: LoyaltyState, ctx: ApplyContext, purchase: Purchase, points: number | 'all'): void {
  const buyer = loyaltyOf(state, purchase.memberId);
  const history = buyer.history.flatMap((entry) => {
    if (entry.receiptId !== purchase.receiptId) return [entry];
    if (points === 'all' || entry.points <= points) return [];
    return [{ ...entry, points: entry.points - points }];
  });
  putLoyalty(state, ctx, purchase.memberId, { ...buyer, history });
}

/** Takes back every point a receipt caused (what a partial refund already took is not taken twice). */
export function voidPurchase(state: LoyaltyState, raw: Op, ctx: ApplyContext): VoidResult {
  const purchase = purchaseOf(state, (raw as Op & { receiptId: string }).receiptId);
  let reversed = 0;
  const shortfalls: VoidResult['shortfalls'] = [];
  for (const grant of purchase.grants) {
    const outstanding = grant.points - (grant.reason === 'earn' ? (purchase.refunded?.points ?? 0) : 0);
    const result = takeBack(state, ctx, purchase, grant, outstanding);
    reversed += result.reversed;
    if (result.shortfall > 0) {
      const existing = shortfalls.find((shortfall) => shortfall.memberId === grant.memberId);
      if (existing) existing.points += result.shortfall;
      else shortfalls.push({ memberId: grant.memberId, points: result.shortfall });
    }
    if (grant.reason === 'referral') {
      const referrer = loyaltyOf(state, grant.memberId);
      putLoyalty(state, ctx, grant.memberId, { ...referrer, referralsCompleted: Math.max(0, referrer.referralsCompleted - 1) });
    }
  }
  reduceHistory(state, ctx, purchase, 'all');
  ctx.undo.set(state.purchases, purchase.receiptId, { ...purchase, voided: { atMs: ctx.at.atMs, shortfalls } });
  return { receiptId: purchase.receiptId, pointsReversed: reversed, shortfalls };
}

export interface RefundResult extends VoidResult {
  refundedRial: number;
  /** Purchase points the receipt still holds after this refund. */
  pointsKept: number;
}

/**
 * A partial refund: the receipt keeps the purchase points its remaining amount earns in
 * proportion, rounded down (so no point stays on a returned item); bonuses stay. Refunding
 * the whole amount is a void.
 */
export function refundPurchase(state: LoyaltyState, raw: Op, ctx: ApplyContext): RefundResult {
  const op = raw as Op & { receiptId: string; refundRial: number };
  const purchase = purchaseOf(state, op.receiptId);
  const refundedBefore = purchase.refunded?.rial ?? 0;
  if (!Number.isSafeInteger(op.refundRial) || op.refundRial <= 0 || refundedBefore + op.refundRial > purchase.amountRial) {
    fail('INVALID_OPERATION', `refundRial must be a positive integer up to ${purchase.amountRial - refundedBefore}`);
  }
  const remainingRial = purchase.amountRial - refundedBefore - op.refundRial;
  if (remainingRial === 0) {
    const voided = voidPurchase(state, { op: 'purchase.void', receiptId: purchase.receiptId }, ctx);
    return { ...voided, refundedRial: op.refundRial, pointsKept: 0 };
  }
  const kept = Number((BigInt(purchase.earnedPoints) * BigInt(remainingRial)) / BigInt(purchase.amountRial));
  const alreadyTaken = purchase.refunded?.points ?? 0;
  const toTake = purchase.earnedPoints - alreadyTaken - kept;
  const earnGrant = purchase.grants.find((grant) => grant.reason === 'earn');
  const result = earnGrant ? takeBack(state, ctx, purchase, earnGrant, toTake) : { reversed: 0, shortfall: 0 };
  reduceHistory(state, ctx, purchase, toTake);
  ctx.undo.set(state.purchases, purchase.receiptId, { ...purchase, refunded: { rial: refundedBefore + op.refundRial, points: alreadyTaken + toTake } });
  return {
    receiptId: purchase.receiptId,
    refundedRial: op.refundRial,
    pointsKept: kept,
    pointsReversed: result.reversed,
    shortfalls: result.shortfall > 0 ? [{ memberId: purchase.memberId, points: result.shortfall }] : [],
  };
}
