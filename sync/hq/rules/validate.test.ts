import { describe, expect, it } from 'vitest';
import { defaultLoyaltyRules, parseLoyaltyRules } from '../../../firmware/src/loyalty/rules/parse.js';
import { formatProblem, validateLoyaltyDraft } from './validate.js';

const defaults = () => structuredClone(defaultLoyaltyRules()) as ReturnType<typeof defaultLoyaltyRules> & Record<string, unknown>;
const errorsOf = (draft: unknown) => validateLoyaltyDraft(draft).errors.map(formatProblem);

describe('validateLoyaltyDraft', () => {
  it('accepts the empty section and the defaults, filling every default in', () => {
    const empty = validateLoyaltyDraft({});
    expect(empty.valid).toBe(true);
    expect(empty.rules).toEqual(defaultLoyaltyRules());
    expect(validateLoyaltyDraft(defaults()).valid).toBe(true);
  });

  it('reports every schema problem as path: message, at the field', () => {
    const draft = defaults();
    draft.earning.rialPerPoint = 0;
    draft.earning.campaigns[1]!.multiplierPercent = 5000;
    (draft.rewards[0] as Record<string, unknown>).kind = 'coupon';
    (draft.tiers.levels[0] as Record<string, unknown>).colour = 'red';
    delete (draft.game.prizes[0] as Partial<(typeof draft.game.prizes)[0]>).weight;
    const errors = errorsOf(draft);
    expect(errors).toContain('/earning/rialPerPoint: must be >= 1');
    expect(errors).toContain('/earning/campaigns/1/multiplierPercent: must be <= 1000');
    expect(errors).toContain('/rewards/0/kind: must be one of: percent-discount, rial-discount, free-product, gift');
    expect(errors).toContain('/tiers/levels/0/colour: is not a known field');
    expect(errors).toContain('/game/prizes/0/weight: is required');
    expect(errors).toHaveLength(5);
  });

  it('refuses tiers out of order and a first tier above zero', () => {
    const draft = defaults();
    draft.tiers.levels[2]!.minPoints = 400; // below silver's 500
    expect(errorsOf(draft)).toEqual(['/tiers/levels/2/minPoints: must be more than the tier before (500)']);
    const noZero = defaults();
    noZero.tiers.levels[0]!.minPoints = 10;
    expect(errorsOf(noZero)).toContain('/tiers/levels/0/minPoints: the first tier must start at 0 points');
  });

  it('refuses campaign windows that cannot happen', () => {
    const draft = defaults();
    draft.earning.campaigns[1]!.fromHour = 11;
    draft.earning.campaigns[1]!.toHour = 9;
    draft.earning.campaigns[0]!.toJalali = '07-31'; // Mehr has 30 days
    draft.earning.campaigns[1]!.weekdays = [0, 1, 1];
    expect(errorsOf(draft).sort()).toEqual([
      '/earning/campaigns/0/toJalali: month 7 has no day 31',
      '/earning/campaigns/1/toHour: must be after the starting hour',
      '/earning/campaigns/1/weekdays/2: weekday listed twice',
    ]);
  });

  it('requires exactly the fields of each reward kind and a known tier', () => {
    const draft = defaults();
    delete draft.rewards[0]!.percent; // percent-discount without percent
    draft.rewards[3]!.amountRial = 1000; // a gift with an amount
    draft.rewards[4]!.minTierId = 'platinum';
    expect(errorsOf(draft).sort()).toEqual([
      '/rewards/0/percent: is required for a percent-discount reward',
      '/rewards/3/amountRial: does not belong to a gift reward',
      '/rewards/4/minTierId: unknown tier platinum',
    ]);
  });

  it('checks game prizes against the budget, and duplicate ids everywhere', () => {
    const draft = defaults();
    draft.game.dailyBudgetPoints = 50; // the 100-point prize could never be given
    draft.occasions.days[1]!.id = 'nowruz';
    draft.earning.categoryMultipliers.push({ category: 'dairy', multiplierPercent: 200 });
    expect(errorsOf(draft).sort()).toEqual([
      '/earning/categoryMultipliers/2/category: category dairy is listed twice',
      '/game/prizes/3/points: more than the daily budget (50): it could never be given',
      '/occasions/days/1/id: duplicate id nowruz',
    ]);
  });

  it('refuses windows that do not nest: expiry before the return window ends', () => {
    const draft = defaults();
    draft.expiry.lifetimeMonths = 1;
    draft.earning.returnWindowDays = 45;
    expect(errorsOf(draft)).toEqual(['/expiry/lifetimeMonths: points would expire before the 45-day return window lets them be spent']);
  });

  it('warns without refusing when a higher tier earns less', () => {
    const draft = defaults();
    draft.tiers.levels[2]!.multiplierPercent = 110;
    const result = validateLoyaltyDraft(draft);
    expect(result.valid).toBe(true);
    expect(result.warnings.map(formatProblem)).toContain('/tiers/levels/2/multiplierPercent: lower than the tier before: members earn less after moving up');
  });

  it('never accepts what the kiosk parser refuses (an unknown time zone)', () => {
    const draft = { ...defaults(), timeZone: 'Mars/Olympus' };
    expect(() => parseLoyaltyRules(draft)).toThrow();
    expect(errorsOf(draft)).toEqual(['/timeZone: unknown time zone Mars/Olympus']);
  });

  it('refuses non-objects and oversized drafts', () => {
    expect(errorsOf([])).toEqual(['/: must be an object (the loyalty section)']);
    expect(errorsOf({ timeZone: 'x'.repeat(300_000) })[0]).toMatch(/^\/: is larger than/);
  });
});
