import type { LoyaltyRules } from '../../../firmware/src/loyalty/config.js';
import type { FieldProblem } from './validate.js';

/**
 * What the JSON schema cannot say, with the index path of the field at fault so the editor
 * shows it in place. The kiosk's `parseLoyaltyRules` checks part of this too (unique ids, a
 * tier at zero, fields per reward kind); the head office checks more, because a rule that is
 * accepted but meaningless (a prize above the game's budget, a 31st of Mehr) is a mistake the
 * manager should hear about before every kiosk of the chain applies it.
 */
export interface CrossFieldResult {
  errors: FieldProblem[];
  warnings: FieldProblem[];
}

/** Days in each Jalali month; Esfand has 30 only in leap years. */
const JALALI_MONTH_DAYS = [31, 31, 31, 31, 31, 31, 30, 30, 30, 30, 30, 30];
const JALALI_LEAP_ONLY = '12-30';

export function monthDayProblem(monthDay: string, calendar: 'persian' | 'islamic-umalqura'): string | undefined {
  const month = Number(monthDay.slice(0, 2));
  const day = Number(monthDay.slice(3, 5));
  const longest = calendar === 'persian' ? JALALI_MONTH_DAYS[month - 1]! : 30;
  return day > longest ? `month ${month} has no day ${day}` : undefined;
}

function duplicateIndexes<T>(items: readonly T[], key: (item: T) => string): number[] {
  const seen = new Set<string>();
  const repeated: number[] = [];
  items.forEach((item, index) => {
    const value = key(item);
    if (seen.has(value)) repeated.push(index);
    seen.add(value);
  });
  return repeated;
}

export function crossFieldProblems(rules: LoyaltyRules): CrossFieldResult {
  const errors: FieldProblem[] = [];
  const warnings: FieldProblem[] = [];
  const error = (path: string, message: string) => errors.push({ path, message });
  const warn = (path: string, message: string) => warnings.push({ path, message });

  try {
    new Intl.DateTimeFormat('en-US', { timeZone: rules.timeZone });
  } catch {
    error('/timeZone', `unknown time zone ${rules.timeZone}`);
  }
  checkEarning(rules, error, warn);
  checkTiers(rules, error, warn);
  checkRewards(rules, error);
  checkOccasions(rules, error, warn);
  checkGame(rules, error, warn);
  checkWindows(rules, error);
  return { errors, warnings };
}

type Report = (path: string, message: string) => void;

function checkEarning(rules: LoyaltyRules, error: Report, warn: Report): void {
  const { categoryMultipliers, campaigns } = rules.earning;
  for (const index of duplicateIndexes(categoryMultipliers, (entry) => entry.category)) {
    error(`/earning/categoryMultipliers/${index}/category`, `category ${categoryMultipliers[index]!.category} is listed twice`);
  }
  for (const index of duplicateIndexes(campaigns, (campaign) => campaign.id)) error(`/earning/campaigns/${index}/id`, `duplicate id ${campaigns[index]!.id}`);
  campaigns.forEach((campaign, index) => {
    const at = `/earning/campaigns/${index}`;
    if (campaign.fromHour !== undefined && campaign.toHour !== undefined && campaign.fromHour >= campaign.toHour) {
      error(`${at}/toHour`, 'must be after the starting hour');
    }
    for (const side of ['fromJalali', 'toJalali'] as const) {
      const value = campaign[side];
      const problem = value === undefined ? undefined : monthDayProblem(value, 'persian');
      if (problem) error(`${at}/${side}`, problem);
      else if (value === JALALI_LEAP_ONLY) warn(`${at}/${side}`, 'Esfand 30 exists only in leap years');
    }
    if (campaign.weekdays) {
      for (const dayIndex of duplicateIndexes(campaign.weekdays, String)) error(`${at}/weekdays/${dayIndex}`, 'weekday listed twice');
      if (campaign.weekdays.length === 0) warn(`${at}/weekdays`, 'no weekday chosen: the campaign runs every day');
    }
    if (campaign.multiplierPercent < 100) warn(`${at}/multiplierPercent`, 'below 100%: members earn less while it runs');
  });
}

function checkTiers(rules: LoyaltyRules, error: Report, warn: Report): void {
  const levels = rules.tiers.levels;
  for (const index of duplicateIndexes(levels, (tier) => tier.id)) error(`/tiers/levels/${index}/id`, `duplicate id ${levels[index]!.id}`);
  if (levels[0] && levels[0].minPoints !== 0) error('/tiers/levels/0/minPoints', 'the first tier must start at 0 points');
  levels.forEach((tier, index) => {
    const previous = levels[index - 1];
    if (!previous) return;
    if (tier.minPoints <= previous.minPoints) error(`/tiers/levels/${index}/minPoints`, `must be more than the tier before (${previous.minPoints})`);
    if (tier.multiplierPercent < previous.multiplierPercent) warn(`/tiers/levels/${index}/multiplierPercent`, 'lower than the tier before: members earn less after moving up');
  });
}

function checkRewards(rules: LoyaltyRules, error: Report): void {
  const rewards = rules.rewards;
  const tierIds = new Set(rules.tiers.levels.map((tier) => tier.id));
  for (const index of duplicateIndexes(rewards, (reward) => reward.id)) error(`/rewards/${index}/id`, `duplicate id ${rewards[index]!.id}`);
  // Each kind uses exactly one of these fields; a stray one would be ignored by the kiosk.
  const fieldOfKind = { 'percent-discount': 'percent', 'rial-discount': 'amountRial', 'free-product': 'productSku', gift: undefined } as const;
  rewards.forEach((reward, index) => {
    const at = `/rewards/${index}`;
    const needed = fieldOfKind[reward.kind];
    for (const field of ['percent', 'amountRial', 'productSku'] as const) {
      if (field === needed && reward[field] === undefined) error(`${at}/${field}`, `is required for a ${reward.kind} reward`);
      if (field !== needed && reward[field] !== undefined) error(`${at}/${field}`, `does not belong to a ${reward.kind} reward`);
    }
    if (reward.minTierId !== undefined && !tierIds.has(reward.minTierId)) error(`${at}/minTierId`, `unknown tier ${reward.minTierId}`);
  });
}

function checkOccasions(rules: LoyaltyRules, error: Report, warn: Report): void {
  const days = rules.occasions.days;
  for (const index of duplicateIndexes(days, (day) => day.id)) error(`/occasions/days/${index}/id`, `duplicate id ${days[index]!.id}`);
  days.forEach((day, index) => {
    const problem = monthDayProblem(day.monthDay, day.calendar);
    if (problem) error(`/occasions/days/${index}/monthDay`, problem);
    else if (day.calendar === 'persian' && day.monthDay === JALALI_LEAP_ONLY) warn(`/occasions/days/${index}/monthDay`, 'Esfand 30 exists only in leap years');
  });
}

function checkGame(rules: LoyaltyRules, error: Report, warn: Report): void {
  const { prizes, dailyBudgetPoints } = rules.game;
  for (const index of duplicateIndexes(prizes, (prize) => prize.id)) error(`/game/prizes/${index}/id`, `duplicate id ${prizes[index]!.id}`);
  prizes.forEach((prize, index) => {
    if (prize.points > dailyBudgetPoints) error(`/game/prizes/${index}/points`, `more than the daily budget (${dailyBudgetPoints}): it could never be given`);
  });
  if (prizes.every((prize) => prize.points === 0)) warn('/game/prizes', 'every prize is empty: nobody can win points');
  if (dailyBudgetPoints === 0 && prizes.some((prize) => prize.points > 0)) warn('/game/dailyBudgetPoints', 'zero: every prize is withheld');
}

/** Windows that must nest: points may not expire before they can be spent, receipts outlive returns. */
function checkWindows(rules: LoyaltyRules, error: Report): void {
  const returnDays = rules.earning.returnWindowDays;
  if (rules.expiry.lifetimeMonths * 28 <= returnDays) {
    error('/expiry/lifetimeMonths', `points would expire before the ${returnDays}-day return window lets them be spent`);
  }
  if (rules.retention.purchaseDays < returnDays) {
    error('/retention/purchaseDays', `must be at least the return window (${returnDays} days): a return inside it must find its receipt`);
  }
}
