import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { calmClub } from './generate.js';
import { applyReviews, fraudFlags, DEFAULT_FRAUD_OPTIONS } from './fraud.js';
import { DAY_MS, type ClubHistory } from './types.js';

const FROM_MS = Date.UTC(2025, 0, 1);
const NOW_MS = Date.UTC(2025, 6, 1);
const MINUTE_MS = 60_000;

function club(seed: number): ClubHistory {
  return calmClub({ seed, members: 40, stores: ['north', 'south', 'east'], fromMs: FROM_MS, toMs: NOW_MS, staff: 8, adjustmentsPerStaff: 15 });
}

describe('fraud flags on generated histories', () => {
  it('a calm club raises no flags, for any seed', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 2 ** 31 }), (seed) => {
      expect(fraudFlags(club(seed))).toEqual([]);
    }), { numRuns: 30 });
  });

  it('flags one card used at two stores five minutes apart, with its evidence, and nothing else', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 2 ** 31 }), fc.integer({ min: 0, max: 39 }), (seed, victim) => {
      const history = club(seed);
      const atMs = FROM_MS + 100 * DAY_MS + 11 * 3_600_000 + 7;
      history.cards[victim]!.taps.push({ atMs, storeId: 'north' }, { atMs: atMs + 5 * MINUTE_MS, storeId: 'south' });
      const flags = fraudFlags(history);
      expect(flags.map((f) => [f.kind, f.subject])).toEqual([['card_two_stores', `c${victim}`]]);
      expect(flags[0]!.evidence.map((e) => e.storeId)).toEqual(['north', 'south']);
      expect(flags[0]!.evidence[1]!.minutesApart).toBe(5);
      expect(flags[0]!.review.state).toBe('open');
    }), { numRuns: 20 });
  });

  it('with store locations, two stores 1 km apart 20 min apart pass and 300 km apart are flagged', () => {
    const base = { members: [], adjustments: [], conflicts: [] };
    const options = { ...DEFAULT_FRAUD_OPTIONS, storeLocations: { tehran1: { latitude: 35.70, longitude: 51.40 }, tehran2: { latitude: 35.709, longitude: 51.40 }, isfahan: { latitude: 32.65, longitude: 51.67 } } };
    const near = fraudFlags({ ...base, cards: [{ id: 'k', memberId: 'm', taps: [{ atMs: 0, storeId: 'tehran1' }, { atMs: 20 * MINUTE_MS, storeId: 'tehran2' }] }] }, options);
    expect(near).toEqual([]);
    const far = fraudFlags({ ...base, cards: [{ id: 'k', memberId: 'm', taps: [{ atMs: 0, storeId: 'tehran1' }, { atMs: 60 * MINUTE_MS, storeId: 'isfahan' }] }] }, options);
    expect(far.map((f) => f.kind)).toEqual(['card_two_stores']);
    expect(Number(far[0]!.evidence[1]!.distanceKm)).toBeGreaterThan(300);
  });

  it('flags tap and redemption bursts once per burst', () => {
    const history = club(5);
    const atMs = FROM_MS + 50 * DAY_MS;
    for (let i = 0; i < 9; i++) history.cards[3]!.taps.push({ atMs: atMs + i * 30_000, storeId: 'north' });
    for (let i = 0; i < 5; i++) history.members[4]!.redemptions.push({ atMs: atMs + i * 5 * MINUTE_MS, storeId: 'east', points: 100, rewardId: 'tea' });
    const flags = fraudFlags(history);
    expect(flags.map((f) => [f.kind, f.subject]).sort()).toEqual([['redemption_velocity', 'm4'], ['tap_velocity', 'c3']]);
    expect(flags.find((f) => f.kind === 'tap_velocity')!.evidence.length).toBeGreaterThanOrEqual(9);
  });

  it('flags the staff member with outsized adjustments (robust z-score), for any seed', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 2 ** 31 }), fc.integer({ min: 0, max: 7 }), (seed, cheat) => {
      const history = club(seed);
      for (let i = 0; i < 10; i++) history.adjustments.push({ staffId: `s${cheat}`, memberId: 'm1', points: 500, atMs: FROM_MS + i * DAY_MS });
      const flags = fraudFlags(history);
      expect(flags.map((f) => [f.kind, f.subject])).toEqual([['staff_adjustment_outlier', `s${cheat}`]]);
      expect(Number(flags[0]!.evidence[0]!.robustZ)).toBeGreaterThan(3.5);
    }), { numRuns: 30 });
  });

  it('turns offline conflicts into flags; ids are stable and reviews stick to them', () => {
    const history = club(9);
    history.conflicts.push({ id: '17', deviceId: 'kiosk-2', cardId: 'c5', kind: 'overspend', atMs: FROM_MS + DAY_MS, points: 300 });
    const first = fraudFlags(history);
    const second = fraudFlags({ ...history, cards: history.cards.map((c) => ({ ...c, taps: [...c.taps].reverse() })) });
    expect(first.map((f) => f.id)).toEqual(second.map((f) => f.id));
    expect(first).toHaveLength(1);
    const reviewed = applyReviews(first, [
      { flagId: first[0]!.id, state: 'closed', note: 'sale refunded at the till', byUserId: 'manager-1', atMs: NOW_MS },
      { flagId: 'tap_velocity:unknown', state: 'closed', note: 'stale', byUserId: 'x', atMs: NOW_MS },
    ]);
    expect(reviewed[0]!.review).toEqual({ state: 'closed', note: 'sale refunded at the till', byUserId: 'manager-1', atMs: NOW_MS });
    expect(reviewed).toHaveLength(1);
  });
});
