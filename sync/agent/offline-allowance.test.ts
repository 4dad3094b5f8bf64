import { describe, expect, it } from 'vitest';
import { OfflineAllowance } from './offline-allowance.js';

describe('OfflineAllowance', () => {
  const settings = { allowancePoints: 500, allowanceRial: 100_000, trackedCardsMax: 2 };

  it('lets anything through online, and at most the allowance per card offline', () => {
    const allowance = new OfflineAllowance(settings);
    expect(allowance.decide('card-a', 10_000, 'points', true)).toMatchObject({ allowed: true, reason: 'online' });
    expect(allowance.decide('card-a', 400, 'points', false)).toMatchObject({ allowed: true, remaining: 100 });
    allowance.record('card-a', { amount: 400, unit: 'points', seq: 7 });
    expect(allowance.decide('card-a', 101, 'points', false)).toMatchObject({ allowed: false, reason: 'allowance-exceeded', remaining: 100 });
    expect(allowance.decide('card-a', 100, 'points', false).allowed).toBe(true);
    // Rials are counted apart from points.
    expect(allowance.decide('card-a', 100_000, 'rial', false).allowed).toBe(true);
  });

  it('forgets spends the head office has acknowledged', () => {
    const allowance = new OfflineAllowance(settings);
    allowance.record('card-a', { amount: 300, unit: 'points', seq: 7 });
    allowance.record('card-a', { amount: 200, unit: 'points', seq: 9 });
    expect(allowance.acknowledge(8)).toBe(1);
    expect(allowance.decide('card-a', 300, 'points', false)).toMatchObject({ allowed: true, remaining: 0 });
    allowance.acknowledge(9);
    expect(allowance.trackedCards).toBe(0);
  });

  it('refuses offline spends for new cards once its table is full', () => {
    const allowance = new OfflineAllowance(settings);
    allowance.record('card-a', { amount: 1, unit: 'points', seq: 1 });
    allowance.record('card-b', { amount: 1, unit: 'points', seq: 2 });
    expect(allowance.decide('card-c', 1, 'points', false)).toMatchObject({ allowed: false, reason: 'too-many-cards-offline' });
    expect(allowance.decide('card-a', 1, 'points', false).allowed).toBe(true);
  });
});
