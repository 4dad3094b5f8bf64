import type { Campaign, LoyaltyRules } from '../config.js';
import { localMoment, monthDayOf, type LocalMoment } from '../calendar/local-time.js';

/**
 * Purchase points. The stated rule: every Rial is weighted by its category's multiplier
 * (100% when the category has none), the sum is multiplied by the member's tier multiplier
 * and by the best campaign running at that moment (campaigns do not stack), and the result
 * is divided by `rialPerPoint` and rounded DOWN once, for the whole receipt. Integer
 * arithmetic in BigInt, so no floating-point drift on large receipts.
 */
export interface CategoryLine {
  category: string;
  amountRial: number;
}

export interface EarnInput {
  amountRial: number;
  categories?: CategoryLine[] | undefined;
  atMs: number;
  /** Tier multiplier plus any long-standing bonus, in percent. */
  tierMultiplierPercent: number;
}

export interface EarnResult {
  points: number;
  campaignId?: string;
  campaignPercent: number;
  tierPercent: number;
}

export const MAX_RECEIPT_RIAL = 1_000_000_000_000;

export function validatePurchaseAmounts(amountRial: number, categories: CategoryLine[] | undefined): string | undefined {
  if (!Number.isSafeInteger(amountRial) || amountRial <= 0 || amountRial > MAX_RECEIPT_RIAL) {
    return `amountRial must be a positive integer up to ${MAX_RECEIPT_RIAL}`;
  }
  if (categories === undefined) return undefined;
  if (!Array.isArray(categories) || categories.length > 200) return 'categories must be a list of at most 200 lines';
  let sum = 0;
  for (const line of categories) {
    if (typeof line !== 'object' || line === null || typeof line.category !== 'string' || !/^[a-z0-9][a-z0-9-]{0,39}$/.test(line.category)) {
      return 'each category line needs a category id (a-z, 0-9, -)';
    }
    if (!Number.isSafeInteger(line.amountRial) || line.amountRial < 0) return 'each category line needs a non-negative integer amountRial';
    sum += line.amountRial;
  }
  if (sum > amountRial) return 'category lines add up to more than the receipt amount';
  return undefined;
}

export function campaignMatches(campaign: Campaign, moment: LocalMoment): boolean {
  if (campaign.weekdays && campaign.weekdays.length > 0 && !campaign.weekdays.includes(moment.weekday)) return false;
  if (campaign.fromHour !== undefined && moment.hour < campaign.fromHour) return false;
  if (campaign.toHour !== undefined && moment.hour >= campaign.toHour) return false;
  const from = campaign.fromJalali;
  const to = campaign.toJalali;
  if (from !== undefined || to !== undefined) {
    const today = monthDayOf(moment.jalali);
    const start = from ?? '01-01';
    const end = to ?? '12-31';
    // A range such as 12-25..01-05 runs across the Jalali new year.
    const inside = start <= end ? today >= start && today <= end : today >= start || today <= end;
    if (!inside) return false;
  }
  return true;
}

export function bestCampaign(rules: LoyaltyRules, atMs: number): Campaign | undefined {
  const moment = localMoment(atMs, rules.timeZone);
  let best: Campaign | undefined;
  for (const campaign of rules.earning.campaigns) {
    if (campaignMatches(campaign, moment) && (!best || campaign.multiplierPercent > best.multiplierPercent)) best = campaign;
  }
  return best;
}

export function purchasePoints(rules: LoyaltyRules, input: EarnInput): EarnResult {
  const problem = validatePurchaseAmounts(input.amountRial, input.categories);
  if (problem) throw new RangeError(problem);
  const categoryPercent = new Map(rules.earning.categoryMultipliers.map((entry) => [entry.category, entry.multiplierPercent]));
  let weighted = 0n;
  let categorised = 0;
  for (const line of input.categories ?? []) {
    weighted += BigInt(line.amountRial) * BigInt(categoryPercent.get(line.category) ?? 100);
    categorised += line.amountRial;
  }
  weighted += BigInt(input.amountRial - categorised) * 100n;
  const campaign = bestCampaign(rules, input.atMs);
  const campaignPercent = campaign?.multiplierPercent ?? 100;
  const numerator = weighted * BigInt(input.tierMultiplierPercent) * BigInt(campaignPercent);
  const denominator = BigInt(rules.earning.rialPerPoint) * 1_000_000n;
  const points = Number(numerator / denominator); // BigInt division truncates: floor for non-negatives
  const result: EarnResult = { points, campaignPercent, tierPercent: input.tierMultiplierPercent };
  if (campaign) result.campaignId = campaign.id;
  return result;
}

/** How much of `points` the daily cap still allows, given what was already earned today. */
export function applyDailyCap(points: number, earnedTodayPoints: number, dailyCapPoints: number): number {
  return Math.max(0, Math.min(points, dailyCapPoints - earnedTodayPoints));
}

/** Points paid at the till for `discountRial`, and the largest discount a purchase allows. */
export function maxPartialRedemptionPoints(rules: LoyaltyRules, purchaseRial: number, balancePoints: number): number {
  const maxRial = Math.floor((purchaseRial * rules.redemption.maxPercentOfPurchase) / 100);
  return Math.max(0, Math.min(balancePoints, Math.floor(maxRial / rules.redemption.rialPerPoint)));
}
