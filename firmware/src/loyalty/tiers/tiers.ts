import type { LoyaltyRules, Tier } from '../config.js';
import { DAY_MS } from '../calendar/local-time.js';

/**
 * Tiers come from points earned by purchases in a rolling window (`windowDays`). Each full
 * `inactivityDowngradeDays` without a purchase drops the member one tier, never below the
 * lowest. Tier levels are sorted by `minPoints`, so the tier is monotone in points.
 */
export interface TierInput {
  /** Purchase points earned inside the window ending now. */
  windowPoints: number;
  lastPurchaseAtMs?: number | undefined;
  memberSinceMs?: number | undefined;
  nowMs: number;
}

export interface TierStanding {
  tier: Tier;
  index: number;
  longStanding: boolean;
  /** Tier multiplier plus the long-standing bonus, in percent. */
  multiplierPercent: number;
  nextTier?: { id: string; name: string; pointsNeeded: number };
}

export function sortedTiers(rules: LoyaltyRules): Tier[] {
  return [...rules.tiers.levels].sort((a, b) => a.minPoints - b.minPoints);
}

export function tierIndexForPoints(tiers: Tier[], points: number): number {
  let index = 0;
  for (let candidate = 0; candidate < tiers.length; candidate++) if (points >= tiers[candidate]!.minPoints) index = candidate;
  return index;
}

export function tierStanding(rules: LoyaltyRules, input: TierInput): TierStanding {
  const tiers = sortedTiers(rules);
  let index = tierIndexForPoints(tiers, input.windowPoints);
  if (input.lastPurchaseAtMs !== undefined) {
    const idleDays = Math.floor(Math.max(0, input.nowMs - input.lastPurchaseAtMs) / DAY_MS);
    index = Math.max(0, index - Math.floor(idleDays / rules.tiers.inactivityDowngradeDays));
  }
  const tier = tiers[index]!;
  const longStanding =
    input.memberSinceMs !== undefined && input.nowMs - input.memberSinceMs >= rules.tiers.longStandingYears * 365 * DAY_MS;
  const standing: TierStanding = {
    tier,
    index,
    longStanding,
    multiplierPercent: tier.multiplierPercent + (longStanding ? rules.tiers.longStandingBonusPercent : 0),
  };
  const next = tiers[index + 1];
  if (next) standing.nextTier = { id: next.id, name: next.name, pointsNeeded: Math.max(0, next.minPoints - input.windowPoints) };
  return standing;
}

/** Sum of the entries inside the window that ends at `nowMs`. */
export function windowPoints(history: ReadonlyArray<{ atMs: number; points: number }>, nowMs: number, windowDays: number): number {
  const fromMs = nowMs - windowDays * DAY_MS;
  let sum = 0;
  for (const entry of history) if (entry.atMs > fromMs && entry.atMs <= nowMs) sum += entry.points;
  return sum;
}
