import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { addLot, lotTotal, nextExpiring, splitExpired, takeOldestFirst, type PointLot } from './lots.js';

const lotArbitrary = fc.record({ points: fc.integer({ min: 1, max: 500 }), earnedAtMs: fc.nat(1_000_000), lifeMs: fc.integer({ min: 1, max: 1_000_000 }) });

function build(specs: Array<{ points: number; earnedAtMs: number; lifeMs: number }>): PointLot[] {
  return specs.reduce<PointLot[]>((lots, spec, index) => addLot(lots, { id: `t#${index}`, points: spec.points, earnedAtMs: spec.earnedAtMs, expiresAtMs: spec.earnedAtMs + spec.lifeMs }), []);
}

describe('point lots', () => {
  it('spending takes from the soonest-expiring lot first and loses nothing (property)', () => {
    fc.assert(
      fc.property(fc.array(lotArbitrary, { maxLength: 30 }), fc.nat(20_000), (specs, amount) => {
        const lots = build(specs);
        const { lots: rest, taken, uncovered } = takeOldestFirst(lots, amount);
        const takenTotal = taken.reduce((sum, t) => sum + t.points, 0);
        expect(takenTotal + uncovered).toBe(amount);
        expect(lotTotal(rest) + takenTotal).toBe(lotTotal(lots));
        // Oldest first: every lot that is still (partly) there expires no sooner than any lot emptied.
        const emptied = lots.filter((lot) => !rest.some((r) => r.id === lot.id));
        for (const kept of rest) for (const gone of emptied) expect(gone.expiresAtMs).toBeLessThanOrEqual(kept.expiresAtMs);
      }),
    );
  });

  it('expiry splits exactly the lots due by then', () => {
    fc.assert(
      fc.property(fc.array(lotArbitrary, { maxLength: 30 }), fc.nat(2_000_000), (specs, asOfMs) => {
        const lots = build(specs);
        const { expired, kept } = splitExpired(lots, asOfMs);
        expect(expired.length + kept.length).toBe(lots.length);
        expect(expired.every((lot) => lot.expiresAtMs <= asOfMs)).toBe(true);
        expect(kept.every((lot) => lot.expiresAtMs > asOfMs)).toBe(true);
      }),
    );
  });

  it('tells the member what expires next', () => {
    const lots = build([
      { points: 10, earnedAtMs: 0, lifeMs: 100 },
      { points: 5, earnedAtMs: 10, lifeMs: 90 },
      { points: 7, earnedAtMs: 20, lifeMs: 200 },
    ]);
    expect(nextExpiring(lots, 50)).toEqual({ points: 15, atMs: 100 });
    expect(nextExpiring(lots, 100)).toEqual({ points: 7, atMs: 220 });
  });
});
