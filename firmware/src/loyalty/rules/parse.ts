import { Ajv } from 'ajv';
import { LoyaltyConfigSchema, type LoyaltyRules } from '../config.js';

/**
 * Validates a `loyalty` section (from the config file or the head office), fills defaults and
 * checks what a JSON schema cannot say: unique ids, a tier for zero points, the fields each
 * reward kind needs, a time zone ICU knows. Throws RulesError listing every problem.
 */
export class RulesError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid loyalty rules:\n  ${problems.join('\n  ')}`);
    this.name = 'RulesError';
  }
}

const ajv = new Ajv({ allErrors: true, useDefaults: true, strict: false });
const validate = ajv.compile<LoyaltyRules>(LoyaltyConfigSchema);

function duplicates(ids: string[]): string[] {
  return ids.filter((id, index) => ids.indexOf(id) !== index);
}

export function parseLoyaltyRules(input: unknown): LoyaltyRules {
  const copy: unknown = structuredClone(input ?? {});
  if (!validate(copy)) {
    throw new RulesError((validate.errors ?? []).map((error) => `${error.instancePath || '/'}: ${error.message ?? 'is invalid'}`));
  }
  const rules = copy;
  const problems: string[] = [];
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: rules.timeZone });
  } catch {
    problems.push(`/timeZone: unknown time zone ${rules.timeZone}`);
  }
  const tierIds = rules.tiers.levels.map((tier) => tier.id);
  for (const id of duplicates(tierIds)) problems.push(`/tiers/levels: duplicate tier id ${id}`);
  if (!rules.tiers.levels.some((tier) => tier.minPoints === 0)) problems.push('/tiers/levels: one tier must start at 0 points');
  for (const id of duplicates(rules.rewards.map((reward) => reward.id))) problems.push(`/rewards: duplicate reward id ${id}`);
  for (const id of duplicates(rules.earning.campaigns.map((campaign) => campaign.id))) problems.push(`/earning/campaigns: duplicate id ${id}`);
  for (const id of duplicates(rules.game.prizes.map((prize) => prize.id))) problems.push(`/game/prizes: duplicate id ${id}`);
  for (const id of duplicates(rules.occasions.days.map((day) => day.id))) problems.push(`/occasions/days: duplicate id ${id}`);
  for (const campaign of rules.earning.campaigns) {
    if (campaign.fromHour !== undefined && campaign.toHour !== undefined && campaign.fromHour >= campaign.toHour) {
      problems.push(`/earning/campaigns/${campaign.id}: fromHour must be before toHour`);
    }
  }
  for (const reward of rules.rewards) {
    const where = `/rewards/${reward.id}`;
    if (reward.kind === 'percent-discount' && reward.percent === undefined) problems.push(`${where}: a percent discount needs percent`);
    if (reward.kind === 'rial-discount' && reward.amountRial === undefined) problems.push(`${where}: a Rial discount needs amountRial`);
    if (reward.kind === 'free-product' && reward.productSku === undefined) problems.push(`${where}: a free product needs productSku`);
    if (reward.minTierId !== undefined && !tierIds.includes(reward.minTierId)) problems.push(`${where}: unknown tier ${reward.minTierId}`);
  }
  if (problems.length > 0) throw new RulesError(problems);
  return rules;
}

/** The demo club: the defaults of an empty section. */
export const defaultLoyaltyRules = (): LoyaltyRules => parseLoyaltyRules({});
