import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { applyDailyCap, bestCampaign, maxPartialRedemptionPoints, purchasePoints } from './earn.js';
import { defaultLoyaltyRules, parseLoyaltyRules, RulesError } from './parse.js';

const rules = defaultLoyaltyRules();
// Tehran is UTC+03:30 all year (no daylight saving since 1401).
const tehran = (iso: string) => Date.parse(`${iso}+03:30`);
// 1404/08/25 (a Sunday in Aban), 14:00: no campaign running.
const ordinaryAfternoon = tehran('2025-11-16T14:00:00');

describe('purchase points (worked examples, default demo club)', () => {
  it('1 point per 100,000 Rial, rounded down once per receipt', () => {
    // 235,000 Toman = 2,350,000 Rial → 23.5 → 23 points.
    expect(purchasePoints(rules, { amountRial: 2_350_000, atMs: ordinaryAfternoon, tierMultiplierPercent: 100 }).points).toBe(23);
    // Under 10,000 Toman earns nothing.
    expect(purchasePoints(rules, { amountRial: 99_999, atMs: ordinaryAfternoon, tierMultiplierPercent: 100 }).points).toBe(0);
  });

  it('a silver member (×1.25) on a 4,000,000 Rial basket earns 50', () => {
    expect(purchasePoints(rules, { amountRial: 4_000_000, atMs: ordinaryAfternoon, tierMultiplierPercent: 125 }).points).toBe(50);
  });

  it('dairy earns ×1.5 and tobacco nothing; the rest at ×1', () => {
    const result = purchasePoints(rules, {
      amountRial: 5_000_000,
      categories: [
        { category: 'dairy', amountRial: 1_000_000 }, // 15
        { category: 'tobacco', amountRial: 2_000_000 }, // 0
      ],
      atMs: ordinaryAfternoon,
      tierMultiplierPercent: 100,
    });
    expect(result.points).toBe(15 + 0 + 20);
  });

  it('double points in Nowruz week (1 to 7 Farvardin), not on 8 Farvardin', () => {
    const nowruz1405Day3 = tehran('2026-03-23T18:00:00'); // 3 Farvardin 1405
    const eighth = tehran('2026-03-28T18:00:00'); // 8 Farvardin 1405
    expect(bestCampaign(rules, nowruz1405Day3)?.id).toBe('nowruz-week');
    expect(purchasePoints(rules, { amountRial: 2_350_000, atMs: nowruz1405Day3, tierMultiplierPercent: 100 }).points).toBe(47);
    expect(bestCampaign(rules, eighth)).toBeUndefined();
  });

  it('the morning happy hour (09-11, Saturday to Wednesday) gives ×1.5', () => {
    const saturdayMorning = tehran('2025-11-15T09:30:00'); // Saturday
    const fridayMorning = tehran('2025-11-21T09:30:00'); // Friday: weekend
    expect(bestCampaign(rules, saturdayMorning)?.id).toBe('happy-hour');
    expect(bestCampaign(rules, fridayMorning)).toBeUndefined();
    expect(bestCampaign(rules, tehran('2025-11-15T11:00:00'))).toBeUndefined();
  });

  it('campaigns do not stack: the best one applies', () => {
    const nowruzSaturdayMorning = tehran('2026-03-21T09:30:00'); // 1 Farvardin 1405 is a Saturday
    expect(bestCampaign(rules, nowruzSaturdayMorning)?.id).toBe('nowruz-week');
  });

  it('the daily cap cuts what is over it and never goes negative', () => {
    expect(applyDailyCap(300, 900, 1000)).toBe(100);
    expect(applyDailyCap(300, 1200, 1000)).toBe(0);
    fc.assert(
      fc.property(fc.nat(10_000), fc.nat(10_000), fc.nat(10_000), (points, earned, cap) => {
        const allowed = applyDailyCap(points, earned, cap);
        return allowed >= 0 && allowed <= points && (earned >= cap || earned + allowed <= cap);
      }),
    );
  });

  it('partial redemption pays at most half the purchase at 1,000 Rial per point', () => {
    expect(maxPartialRedemptionPoints(rules, 3_000_000, 10_000)).toBe(1500);
    expect(maxPartialRedemptionPoints(rules, 3_000_000, 200)).toBe(200);
  });
});

describe('purchase points (properties)', () => {
  const amount = fc.integer({ min: 1, max: 1_000_000_000_000 });
  const percent = fc.integer({ min: 0, max: 1000 });
  const at = fc.integer({ min: Date.UTC(2024, 0, 1), max: Date.UTC(2030, 0, 1) });

  it('is never negative and never more than the exact product rounded down', () => {
    fc.assert(
      fc.property(amount, percent, at, (amountRial, tier, atMs) => {
        const result = purchasePoints(rules, { amountRial, atMs, tierMultiplierPercent: tier });
        const exact = (amountRial * (tier / 100) * (result.campaignPercent / 100)) / rules.earning.rialPerPoint;
        return Number.isSafeInteger(result.points) && result.points >= 0 && result.points <= exact + 1e-6 && result.points > exact - 1 - 1e-6;
      }),
    );
  });

  it('is monotone in the amount and in the tier multiplier', () => {
    fc.assert(
      fc.property(amount, amount, percent, percent, at, (a, b, p, q, atMs) => {
        const [small, large] = a <= b ? [a, b] : [b, a];
        const [low, high] = p <= q ? [p, q] : [q, p];
        const points = (amountRial: number, tier: number) => purchasePoints(rules, { amountRial, atMs, tierMultiplierPercent: tier }).points;
        return points(small, low) <= points(large, low) && points(small, low) <= points(small, high);
      }),
    );
  });
});

describe('rules validation', () => {
  it('an empty section is the demo club', () => {
    expect(rules.earning.rialPerPoint).toBe(100_000);
    expect(rules.tiers.levels.map((tier) => tier.id)).toEqual(['bronze', 'silver', 'gold']);
    expect(rules.expiry.lifetimeMonths).toBe(12);
    expect(rules.rewards.length).toBeGreaterThanOrEqual(4);
  });

  it('lists every problem a schema cannot catch', () => {
    const bad = () =>
      parseLoyaltyRules({
        timeZone: 'Mars/Olympus',
        tiers: { levels: [{ id: 'a', name: 'A', minPoints: 10, multiplierPercent: 100, discountPercent: 0 }] },
        rewards: [{ id: 'x', title: 'X', kind: 'percent-discount', costPoints: 5, validityDays: 3, minTierId: 'nope' }],
      });
    expect(bad).toThrow(RulesError);
    try {
      bad();
    } catch (error) {
      const problems = (error as RulesError).problems.join('\n');
      expect(problems).toMatch(/time zone/);
      expect(problems).toMatch(/0 points/);
      expect(problems).toMatch(/needs percent/);
      expect(problems).toMatch(/unknown tier/);
    }
  });

  it('refuses unknown settings', () => {
    expect(() => parseLoyaltyRules({ pointsPerRial: 3 })).toThrow(RulesError);
  });
});
