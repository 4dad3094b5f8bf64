import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { prizeForRoll, publishedOdds, settle } from './game.js';
import { drawTickets, seedHash } from './lottery.js';
import { checkAnswers, surveyDue } from './survey.js';
import { defaultLoyaltyRules } from '../rules/parse.js';
import { isWellFormedReferralCode, leaderboard, referralCodeFor } from '../referral/referral.js';

const prizes = defaultLoyaltyRules().game.prizes;

describe('daily game rules', () => {
  it('maps exactly `weight` rolls to each prize, so the published odds are the real odds', () => {
    const { totalWeight } = publishedOdds(prizes, 2000);
    const counts = new Map<string, number>();
    for (let roll = 0; roll < totalWeight; roll++) counts.set(prizeForRoll(prizes, roll).id, (counts.get(prizeForRoll(prizes, roll).id) ?? 0) + 1);
    expect(Object.fromEntries(counts)).toEqual(Object.fromEntries(prizes.map((prize) => [prize.id, prize.weight])));
    expect(() => prizeForRoll(prizes, totalWeight)).toThrow(RangeError);
    expect(() => prizeForRoll(prizes, -1)).toThrow(RangeError);
  });

  it('never spends more than the day budget, whatever the rolls (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(999), { maxLength: 300 }), fc.nat(500), (rolls, budget) => {
        let spent = 0;
        for (const roll of rolls) spent += settle(prizeForRoll(prizes, roll), spent, budget).points;
        return spent <= budget;
      }),
    );
  });
});

describe('lottery draw', () => {
  const seed = '5f'.repeat(32);

  it('is reproducible, draws distinct tickets, and depends on the seed', () => {
    expect(drawTickets(seed, 'l1', 100, 5)).toEqual(drawTickets(seed, 'l1', 100, 5));
    expect(new Set(drawTickets(seed, 'l1', 100, 5)).size).toBe(5);
    expect(drawTickets(seed, 'l1', 3, 10)).toHaveLength(3);
    expect(drawTickets('60'.repeat(32), 'l1', 1_000_000, 3)).not.toEqual(drawTickets(seed, 'l1', 1_000_000, 3));
    expect(seedHash(seed)).toMatch(/^[0-9a-f]{64}$/);
    expect(() => seedHash('not hex')).toThrow(RangeError);
  });

  it('gives every ticket a fair chance (chi-square over 20,000 seeds, 10 tickets)', () => {
    const counts = Array<number>(10).fill(0);
    for (let index = 0; index < 20_000; index++) counts[drawTickets(index.toString(16).padStart(64, '0'), 'fair', 10, 1)[0]!]!++;
    const expected = 2000;
    const chiSquare = counts.reduce((sum, count) => sum + (count - expected) ** 2 / expected, 0);
    expect(chiSquare).toBeLessThan(27.88); // p = 0.001 for 9 degrees of freedom
  });
});

describe('survey and referral rules', () => {
  it('validates answers and the period', () => {
    expect(checkAnswers({ csat: 4, nps: 10 })).toEqual({ csat: 4, nps: 10 });
    expect(checkAnswers({ csat: 0, nps: 10 })).toMatch(/csat/);
    expect(checkAnswers({ csat: 3, nps: 11 })).toMatch(/nps/);
    expect(checkAnswers({ csat: 3, nps: 5, comment: 'x'.repeat(281) })).toMatch(/comment/);
    expect(surveyDue(undefined, 0, 90)).toBe(true);
    expect(surveyDue(0, 89 * 86_400_000, 90)).toBe(false);
  });

  it('derives stable, checkable referral codes and ranks ambassadors', () => {
    expect(referralCodeFor('m1')).toBe(referralCodeFor('m1'));
    expect(referralCodeFor('m1', 1)).not.toBe(referralCodeFor('m1'));
    expect(isWellFormedReferralCode(referralCodeFor('m1'))).toBe(true);
    expect(leaderboard([{ memberId: 'b', referrals: 2 }, { memberId: 'a', referrals: 2 }, { memberId: 'c', referrals: 5 }, { memberId: 'd', referrals: 0 }], 10)).toEqual([
      { memberId: 'c', referrals: 5 },
      { memberId: 'a', referrals: 2 },
      { memberId: 'b', referrals: 2 },
    ]);
  });
});
