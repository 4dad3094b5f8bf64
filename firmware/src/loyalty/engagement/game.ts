import type { GamePrize } from '../config.js';

/**
 * The daily game (a wheel): published odds are each prize's weight over the sum of weights.
 * The caller draws `roll`, a uniform integer in [0, total weight), with crypto before the
 * commit; the rule here is deterministic so the journal can replay it. A prize that would
 * overspend the day's budget is not given: the play ends with nothing, and says why.
 */
export interface PublishedOdds {
  totalWeight: number;
  prizes: Array<{ id: string; label: string; points: number; weight: number; probability: number }>;
  note: string;
}

export function publishedOdds(prizes: readonly GamePrize[], dailyBudgetPoints: number): PublishedOdds {
  const totalWeight = prizes.reduce((sum, prize) => sum + prize.weight, 0);
  return {
    totalWeight,
    prizes: prizes.map((prize) => ({ ...prize, probability: prize.weight / totalWeight })),
    note: `Prizes are given while the day's budget of ${dailyBudgetPoints} points lasts.`,
  };
}

export function prizeForRoll(prizes: readonly GamePrize[], roll: number): GamePrize {
  const totalWeight = prizes.reduce((sum, prize) => sum + prize.weight, 0);
  if (!Number.isSafeInteger(roll) || roll < 0 || roll >= totalWeight) throw new RangeError(`roll must be an integer in [0, ${totalWeight})`);
  let remaining = roll;
  for (const prize of prizes) {
    if (remaining < prize.weight) return prize;
    remaining -= prize.weight;
  }
  throw new Error('unreachable: roll below total weight');
}

export interface GameOutcome {
  prizeId: string;
  label: string;
  points: number;
  /** Set when the drawn prize was not given because the budget would be overspent. */
  withheld?: 'budget';
}

export function settle(prize: GamePrize, spentTodayPoints: number, dailyBudgetPoints: number): GameOutcome {
  if (prize.points > 0 && spentTodayPoints + prize.points > dailyBudgetPoints) {
    return { prizeId: prize.id, label: prize.label, points: 0, withheld: 'budget' };
  }
  return { prizeId: prize.id, label: prize.label, points: prize.points };
}
