import type { LoyaltyRules, Reward } from '../loyalty/config.js';
import type { MemberSummary } from '../loyalty/module/views.js';
import { rewardAllowed } from '../loyalty/module/views.js';
import { sortedTiers } from '../loyalty/tiers/tiers.js';
import type { Member } from '../ledger/types.js';
import type { MemberView, RewardView, TierView } from './protocol.js';
import { maskMobile } from './text.js';

/** How loyalty's data looks on the screen and in the API: Persian names, English fallbacks. */
function englishFromId(id: string): string {
  const words = id.split('-').filter(Boolean);
  return words.map((word) => word.charAt(0).toUpperCase() + word.slice(1)).join(' ');
}

export function tierView(rules: LoyaltyRules, tierId: string): TierView {
  const tier = rules.tiers.levels.find((level) => level.id === tierId);
  return { id: tierId, name: { fa: tier?.name ?? tierId, en: englishFromId(tierId) } };
}

export function rewardView(reward: Reward, affordable: boolean): RewardView {
  return { rewardId: reward.id, title: { fa: reward.title, en: englishFromId(reward.id) }, costPoints: reward.costPoints, affordable };
}

export function memberView(rules: LoyaltyRules, member: Member, summary: MemberSummary, engagement: { surveyDue: boolean; gameToday: boolean }): MemberView {
  const tiers = sortedTiers(rules);
  const index = tiers.findIndex((tier) => tier.id === summary.tier.id);
  let nextTier: MemberView['nextTier'] = null;
  if (summary.nextTier && index >= 0) {
    const span = Math.max(1, tiers[index + 1]!.minPoints - tiers[index]!.minPoints);
    nextTier = {
      tier: tierView(rules, summary.nextTier.id),
      pointsNeeded: summary.nextTier.pointsNeeded,
      progress: Math.min(1, Math.max(0, 1 - summary.nextTier.pointsNeeded / span)),
    };
  }
  return {
    memberId: member.id,
    // The first word of the name is enough for a greeting.
    firstName: member.name.split(/\s+/)[0] ?? '',
    maskedPhone: maskMobile(member.phone),
    pointsBalance: summary.balance,
    pendingPoints: summary.pending,
    tier: tierView(rules, summary.tier.id),
    nextTier,
    nextExpiry: summary.expiringNext ?? null,
    engagement: { ...engagement, surveyPoints: rules.survey.points, ...(rules.survey.questions && { surveyQuestions: rules.survey.questions }) },
  };
}

/** The catalogue as this member sees it: rewards their tier allows, marked affordable or not. */
export function rewardsFor(rules: LoyaltyRules, summary: MemberSummary): RewardView[] {
  const tierIndex = sortedTiers(rules).findIndex((tier) => tier.id === summary.tier.id);
  return rules.rewards
    .filter((reward) => rewardAllowed(rules, reward, tierIndex))
    .map((reward) => rewardView(reward, reward.costPoints <= summary.balance))
    .sort((a, b) => a.costPoints - b.costPoints);
}
