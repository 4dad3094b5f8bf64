import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { tierStanding, windowPoints } from './tiers.js';
import { defaultLoyaltyRules } from '../rules/parse.js';
import { DAY_MS } from '../calendar/local-time.js';

const rules = defaultLoyaltyRules();
const now = Date.UTC(2026, 5, 1);

describe('tiers', () => {
  it('bronze → silver at 500 and gold at 2000 points in the window, with what is still needed', () => {
    expect(tierStanding(rules, { windowPoints: 499, nowMs: now }).tier.id).toBe('bronze');
    expect(tierStanding(rules, { windowPoints: 499, nowMs: now }).nextTier).toEqual({ id: 'silver', name: 'نقره‌ای', pointsNeeded: 1 });
    expect(tierStanding(rules, { windowPoints: 500, nowMs: now }).tier.id).toBe('silver');
    expect(tierStanding(rules, { windowPoints: 2000, nowMs: now }).tier.id).toBe('gold');
    expect(tierStanding(rules, { windowPoints: 2000, nowMs: now }).nextTier).toBeUndefined();
  });

  it('drops one tier per 180 days without a purchase', () => {
    const gold = { windowPoints: 5000, nowMs: now };
    expect(tierStanding(rules, { ...gold, lastPurchaseAtMs: now - 179 * DAY_MS }).tier.id).toBe('gold');
    expect(tierStanding(rules, { ...gold, lastPurchaseAtMs: now - 180 * DAY_MS }).tier.id).toBe('silver');
    expect(tierStanding(rules, { ...gold, lastPurchaseAtMs: now - 400 * DAY_MS }).tier.id).toBe('bronze');
  });

  it('recognises members of three years with +10% on the multiplier', () => {
    const standing = tierStanding(rules, { windowPoints: 600, nowMs: now, memberSinceMs: now - 3 * 365 * DAY_MS });
    expect(standing.longStanding).toBe(true);
    expect(standing.multiplierPercent).toBe(135);
  });

  it('is monotone in points (property)', () => {
    fc.assert(
      fc.property(fc.nat(100_000), fc.nat(100_000), fc.option(fc.nat(1000)), (a, b, idleDays) => {
        const last = idleDays === null ? undefined : now - idleDays * DAY_MS;
        const index = (points: number) => tierStanding(rules, { windowPoints: points, nowMs: now, lastPurchaseAtMs: last }).index;
        return a <= b ? index(a) <= index(b) : index(a) >= index(b);
      }),
    );
  });

  it('counts only purchases inside the rolling window', () => {
    const history = [
      { atMs: now - 400 * DAY_MS, points: 1000 },
      { atMs: now - 100 * DAY_MS, points: 300 },
      { atMs: now, points: 5 },
    ];
    expect(windowPoints(history, now, 365)).toBe(305);
  });
});
