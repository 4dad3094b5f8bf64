import { describe, expect, it } from 'vitest';
import { defaultLoyaltyRules } from '../../../firmware/src/loyalty/rules/parse.js';
import { diffRules } from './diff.js';

describe('diffRules', () => {
  it('names changed fields of list items by their id, old and new value', () => {
    const before = defaultLoyaltyRules();
    const after = structuredClone(before);
    after.earning.campaigns[1]!.multiplierPercent = 300;
    after.earning.rialPerPoint = 50_000;
    expect(diffRules(before, after)).toEqual({
      changes: [
        { path: '/earning/campaigns/happy-hour/multiplierPercent', from: 150, to: 300 },
        { path: '/earning/rialPerPoint', from: 100_000, to: 50_000 },
      ],
      more: 0,
    });
  });

  it('reports a removed or added item once, and a new order', () => {
    const before = defaultLoyaltyRules();
    const after = structuredClone(before);
    after.earning.campaigns.shift();
    after.rewards.reverse();
    after.earning.categoryMultipliers.push({ category: 'bakery', multiplierPercent: 120 });
    const { changes } = diffRules(before, after);
    expect(changes).toContainEqual({ path: '/earning/campaigns/nowruz-week', from: '…' });
    expect(changes).toContainEqual({ path: '/earning/categoryMultipliers/bakery', to: '…' });
    expect(changes).toContainEqual({ path: '/rewards/(order)', from: 'discount-10, off-500k, free-tea, gift-mug, gold-20', to: 'gold-20, gift-mug, free-tea, off-500k, discount-10' });
    expect(changes).toHaveLength(3);
  });

  it('bounds the list and counts the rest', () => {
    const before = defaultLoyaltyRules();
    const after = structuredClone(before);
    for (const prize of after.game.prizes) prize.weight += 1;
    expect(diffRules(before, after, 2)).toMatchObject({ changes: [{ path: '/game/prizes/none/weight' }, { path: '/game/prizes/p5/weight' }], more: 2 });
    expect(diffRules(before, structuredClone(before))).toEqual({ changes: [], more: 0 });
  });
});
