import type { ApplyContext } from '../../ledger/module.js';
import { clubAccount, memberAccount, type Op } from '../../ledger/types.js';
import { DAY_MS, localMoment } from '../calendar/local-time.js';
import { applyDailyCap, purchasePoints, validatePurchaseAmounts, type CategoryLine } from '../rules/earn.js';
import { tierStanding, windowPoints } from '../tiers/tiers.js';
import { addPending, balanceOf, coreMember, creditPoints, fail, loyaltyOf, putLoyalty, releaseMatured, rulesOf } from './books.js';
import type { Grant, LoyaltyState, MemberLoyalty, Purchase } from './state.js';

export const RECEIPT_ID_PATTERN = /^[A-Za-z0-9_.:-]{1,64}$/;
/** A purchase the POS queued offline may be recorded this late, stamped with its own time. */
export const MAX_BACKDATE_MS = 7 * DAY_MS;
/** Clocks of a till and the kiosk may disagree by this much. */
export const MAX_CLOCK_SKEW_MS = 5 * 60_000;
const CAP_DAYS_KEPT = 8;

function purchaseTime(purchasedAtMs: number | undefined, commitAtMs: number): number {
  if (purchasedAtMs === undefined) return commitAtMs;
  if (!Number.isSafeInteger(purchasedAtMs)) fail('INVALID_OPERATION', 'purchasedAtMs must be a time in milliseconds');
  if (purchasedAtMs > commitAtMs + MAX_CLOCK_SKEW_MS) fail('INVALID_OPERATION', 'purchasedAtMs is in the future');
  if (purchasedAtMs < commitAtMs - MAX_BACKDATE_MS) fail('PURCHASE_TOO_OLD', 'purchases older than 7 days need a staff adjustment');
  return Math.min(purchasedAtMs, commitAtMs);
}

export interface PurchaseResult {
  receiptId: string;
  memberId: string;
  pointsEarned: number;
  /** Points the daily cap cut off this receipt. */
  pointsCapped: number;
  bonusPoints: number;
  campaignId?: string;
  tierId: string;
  /** Spendable and pending points right after this purchase (a replay returns the same). */
  balance: number;
  pointsPending: number;
}

export function standingOf(state: LoyaltyState, ctx: ApplyContext, memberId: string, loyalty: MemberLoyalty, atMs: number) {
  const rules = rulesOf(state);
  return tierStanding(rules, {
    windowPoints: windowPoints(loyalty.history, atMs, rules.tiers.windowDays),
    lastPurchaseAtMs: loyalty.lastPurchaseAtMs,
    memberSinceMs: coreMember(ctx, memberId).createdAt.atMs,
    nowMs: atMs,
  });
}

export function recordPurchase(state: LoyaltyState, raw: Op, ctx: ApplyContext): PurchaseResult {
  const op = raw as Op & { receiptId: string; memberId: string; amountRial: number; categories?: CategoryLine[]; purchasedAtMs?: number };
  const rules = rulesOf(state);
  if (typeof op.receiptId !== 'string' || !RECEIPT_ID_PATTERN.test(op.receiptId)) fail('INVALID_OPERATION', 'receiptId must be 1-64 of A-Z a-z 0-9 _ . : -');
  const problem = validatePurchaseAmounts(op.amountRial, op.categories);
  if (problem) fail('INVALID_OPERATION', problem);
  coreMember(ctx, op.memberId);
  if (state.purchases.has(op.receiptId)) fail('RECEIPT_EXISTS', `receipt ${op.receiptId} was already recorded`, { receiptId: op.receiptId });
  const atMs = purchaseTime(op.purchasedAtMs, ctx.at.atMs);
  releaseMatured(state, ctx, op.memberId, ctx.at.atMs);

  const before = loyaltyOf(state, op.memberId);
  const standing = standingOf(state, ctx, op.memberId, before, atMs);
  const earn = purchasePoints(rules, { amountRial: op.amountRial, categories: op.categories, atMs, tierMultiplierPercent: standing.multiplierPercent });
  const dayKey = localMoment(atMs, rules.timeZone).dayKey;
  const earnedToday = before.days.find((day) => day.key === dayKey)?.points ?? 0;
  const earned = applyDailyCap(earn.points, earnedToday, rules.earning.dailyCapPoints);

  const grants: Grant[] = [{ memberId: op.memberId, points: earned, reason: 'earn' }];
  const first = before.purchaseCount === 0;
  if (first) grants.push({ memberId: op.memberId, points: rules.earning.firstPurchaseBonusPoints, reason: 'first-purchase' });
  if (first && before.referredBy) {
    grants.push({ memberId: op.memberId, points: rules.referral.refereeBonusPoints, reason: 'referral-welcome' });
    grants.push({ memberId: before.referredBy, points: rules.referral.referrerBonusPoints, reason: 'referral' });
    const referrer = loyaltyOf(state, before.referredBy);
    putLoyalty(state, ctx, before.referredBy, { ...referrer, referralsCompleted: referrer.referralsCompleted + 1 });
  }
  const historyFromMs = atMs - rules.tiers.windowDays * DAY_MS;
  putLoyalty(state, ctx, op.memberId, {
    ...loyaltyOf(state, op.memberId),
    purchaseCount: before.purchaseCount + 1,
    firstPurchaseAtMs: before.firstPurchaseAtMs ?? atMs,
    lastPurchaseAtMs: Math.max(before.lastPurchaseAtMs ?? atMs, atMs),
    history: [...before.history.filter((entry) => entry.atMs > historyFromMs), ...(earned > 0 ? [{ atMs, points: earned, receiptId: op.receiptId }] : [])],
    days: [...before.days.filter((day) => day.key !== dayKey), { key: dayKey, points: earnedToday + earned }].sort((a, b) => (a.key < b.key ? -1 : 1)).slice(-CAP_DAYS_KEPT),
  });
  const releaseAtMs = atMs + rules.earning.returnWindowDays * DAY_MS;
  for (const grant of grants) {
    addPending(state, ctx, grant.memberId, { receiptId: op.receiptId, points: grant.points, reason: grant.reason, earnedAtMs: atMs, releaseAtMs });
  }
  // With no return window the points are spendable at once.
  for (const memberId of new Set(grants.map((grant) => grant.memberId))) releaseMatured(state, ctx, memberId, ctx.at.atMs);

  const purchase: Purchase = {
    receiptId: op.receiptId,
    memberId: op.memberId,
    amountRial: op.amountRial,
    atMs,
    releaseAtMs,
    computedPoints: earn.points,
    earnedPoints: earned,
    tierId: standing.tier.id,
    grants: grants.filter((grant) => grant.points > 0),
    ...(earn.campaignId !== undefined && { campaignId: earn.campaignId }),
  };
  ctx.undo.set(state.purchases, op.receiptId, purchase);
  const after = standingOf(state, ctx, op.memberId, loyaltyOf(state, op.memberId), atMs);
  return {
    receiptId: op.receiptId,
    memberId: op.memberId,
    pointsEarned: earned,
    pointsCapped: earn.points - earned,
    bonusPoints: grants.filter((grant) => grant.memberId === op.memberId && grant.reason !== 'earn').reduce((sum, grant) => sum + grant.points, 0),
    tierId: after.tier.id,
    balance: balanceOf(ctx, memberAccount(op.memberId)),
    pointsPending: balanceOf(ctx, memberAccount(op.memberId, 'pending')),
    ...(earn.campaignId !== undefined && { campaignId: earn.campaignId }),
  };
}

/** A bonus, once, when the profile has a birthday and at least one interest. */
export function profileBonus(state: LoyaltyState, raw: Op, ctx: ApplyContext): { memberId: string; points: number } {
  const rules = rulesOf(state);
  const member = coreMember(ctx, raw.memberId);
  const loyalty = loyaltyOf(state, member.id);
  if (loyalty.profileBonusGiven) fail('BONUS_ALREADY_GIVEN', 'the profile bonus was already given');
  if (!member.birthday || !member.interests || member.interests.length === 0) fail('PROFILE_INCOMPLETE', 'the profile needs a birthday and at least one interest');
  putLoyalty(state, ctx, member.id, { ...loyalty, profileBonusGiven: true });
  const points = rules.earning.profileCompletionBonusPoints;
  if (points > 0) creditPoints(state, ctx, member.id, points, clubAccount('bonus'), 'profile-bonus', { memberId: member.id }, ctx.at.atMs);
  return { memberId: member.id, points };
}
