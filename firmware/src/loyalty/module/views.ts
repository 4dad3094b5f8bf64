import { balanceOf as coreBalanceOf, type CoreState } from '../../ledger/core-state.js';
import { memberAccount } from '../../ledger/types.js';
import type { LoyaltyRules, Reward } from '../config.js';
import { nextExpiring } from '../expiry/lots.js';
import { DAY_MS } from '../calendar/local-time.js';
import { sortedTiers, tierStanding, windowPoints } from '../tiers/tiers.js';
import { dueOccasions, recentDays } from '../occasions/occasions.js';
import { emptyMemberLoyalty, type LoyaltyState } from './state.js';

/**
 * Read-only views of the books for the kiosk and the POS. Pending points whose return window
 * has passed count as spendable here: every spending operation releases them first.
 */
export interface MemberSummary {
  memberId: string;
  balance: number;
  pending: number;
  tier: { id: string; name: string; discountPercent: number; multiplierPercent: number };
  longStanding: boolean;
  nextTier?: { id: string; name: string; pointsNeeded: number };
  expiringNext?: { points: number; atMs: number };
  affordableRewards: Reward[];
  /** Points a void could not take back; later earnings pay them first. */
  owedPoints: number;
  creditRial: number;
  referralCode?: string;
}

export function rewardAllowed(rules: LoyaltyRules, reward: Reward, tierIndex: number): boolean {
  if (reward.minTierId === undefined) return true;
  return tierIndex >= sortedTiers(rules).findIndex((tier) => tier.id === reward.minTierId);
}

export function memberSummary(rules: LoyaltyRules, state: LoyaltyState, core: CoreState, memberId: string, nowMs: number): MemberSummary | undefined {
  const member = core.members.get(memberId);
  if (!member) return undefined;
  const loyalty = state.members.get(memberId) ?? emptyMemberLoyalty();
  const balanceOf = (account: string) => coreBalanceOf(core, account);
  const matured = loyalty.pending.filter((entry) => entry.releaseAtMs <= nowMs).reduce((sum, entry) => sum + entry.points, 0);
  const stillPending = balanceOf(memberAccount(memberId, 'pending')) - matured;
  const maturedSpendable = matured - Math.min(loyalty.owedPoints, matured);
  const balance = balanceOf(memberAccount(memberId)) + maturedSpendable;
  const standing = tierStanding(rules, {
    windowPoints: windowPoints(loyalty.history, nowMs, rules.tiers.windowDays),
    lastPurchaseAtMs: loyalty.lastPurchaseAtMs,
    memberSinceMs: member.createdAt.atMs,
    nowMs,
  });
  const summary: MemberSummary = {
    memberId,
    balance,
    pending: stillPending,
    tier: { id: standing.tier.id, name: standing.tier.name, discountPercent: standing.tier.discountPercent, multiplierPercent: standing.multiplierPercent },
    longStanding: standing.longStanding,
    affordableRewards: rules.rewards.filter((reward) => reward.costPoints <= balance && rewardAllowed(rules, reward, standing.index)),
    owedPoints: Math.max(0, loyalty.owedPoints - (matured - maturedSpendable)),
    creditRial: balanceOf(memberAccount(memberId, 'credit')),
  };
  if (standing.nextTier) summary.nextTier = standing.nextTier;
  const expiring = nextExpiring(loyalty.lots, nowMs);
  if (expiring) summary.expiringNext = expiring;
  if (loyalty.referralCode) summary.referralCode = loyalty.referralCode;
  return summary;
}

/** Whether `loyalty.maintain` would release, expire or prune anything at `asOfMs`. */
export function maintenanceDue(state: LoyaltyState, asOfMs: number): boolean {
  const retention = state.rules?.retention;
  // Maps keep insertion order: the first entries are (about) the oldest.
  const oldestPurchase = state.purchases.values().next().value;
  if (retention && oldestPurchase && oldestPurchase.atMs < asOfMs - retention.purchaseDays * DAY_MS) return true;
  const oldestVoucher = state.vouchers.values().next().value;
  if (retention && oldestVoucher && oldestVoucher.expiresAtMs < asOfMs - retention.voucherDaysAfterExpiry * DAY_MS) return true;
  for (const loyalty of state.members.values()) {
    if (loyalty.pending.some((entry) => entry.releaseAtMs <= asOfMs)) return true;
    if (loyalty.lots.some((lot) => lot.expiresAtMs <= asOfMs)) return true;
  }
  return false;
}

/** Whether `occasions.run` would grant anything at `asOfMs`. */
export function occasionsDue(rules: LoyaltyRules, state: LoyaltyState, core: CoreState, asOfMs: number): boolean {
  const days = recentDays(rules, asOfMs);
  for (const member of core.members.values()) {
    const granted = state.members.get(member.id)?.occasions ?? [];
    const due = dueOccasions(rules, { birthday: member.birthday, anniversary: member.anniversary, memberSinceMs: member.createdAt.atMs }, days);
    if (due.some((occasion) => !granted.includes(occasion.key))) return true;
  }
  return false;
}
