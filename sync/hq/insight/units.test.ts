import { describe, expect, it } from 'vitest';
import { CardResolver } from './card-resolver.js';
import { maskCard } from './fraud-view.js';
import { maskRecipient } from './messages-service.js';
import { scopeFor, windowFrom } from './scope.js';
import { daysOf } from './series.js';
import type { StaffUser } from '../dashboard/types.js';

const DAY_MS = 86_400_000;
const storeManager: StaffUser = { id: 2, username: 'reza', displayName: 'رضا', role: 'store-manager', storeIds: ['store-a', 'store-c'] };
const manager: StaffUser = { id: 1, username: 'maryam', displayName: 'مریم', role: 'manager', storeIds: null };

describe('scope and window', () => {
  it('keeps a store manager to their stores, narrows on request, refuses another store', () => {
    expect(scopeFor(storeManager)).toEqual({ storeIds: ['store-a', 'store-c'] });
    expect(scopeFor(storeManager, 'store-c')).toEqual({ storeIds: ['store-c'] });
    expect(() => scopeFor(storeManager, 'store-b')).toThrow(/outside your access/);
    expect(scopeFor(manager)).toEqual({ storeIds: null });
    expect(scopeFor(manager, 'store-b')).toEqual({ storeIds: ['store-b'] });
  });

  it('defaults the window, and bounds it', () => {
    expect(windowFrom({}, 100 * DAY_MS, 30)).toEqual({ fromMs: 70 * DAY_MS, toMs: 100 * DAY_MS });
    expect(() => windowFrom({ fromMs: 0, toMs: 401 * DAY_MS }, 0, 30)).toThrow(/400 days/);
    expect(() => windowFrom({ fromMs: 5, toMs: 5 }, 0, 30)).toThrow(/before/);
  });

  it('lists every local day of a window once, in Tehran time', () => {
    // 2026-03-20 20:30Z is already 2026-03-21 in Tehran (UTC+3:30).
    const days = daysOf({ fromMs: Date.parse('2026-03-20T20:30:00Z'), toMs: Date.parse('2026-03-23T20:29:00Z') }, 'Asia/Tehran');
    expect(days).toEqual(['2026-03-21', '2026-03-22', '2026-03-23']);
  });
});

describe('cards and masking', () => {
  it('attributes a use to the card held then: the replacement after a block', () => {
    const resolver = new CardResolver([
      { id: 'nfc:OLD1', memberId: 'm1', linkedAtMs: 100, blockedAtMs: 500 },
      { id: 'nfc:NEW2', memberId: 'm1', linkedAtMs: 500, blockedAtMs: null },
    ]);
    expect(resolver.cardAt('m1', 200)).toBe('nfc:OLD1');
    expect(resolver.cardAt('m1', 600)).toBe('nfc:NEW2');
    expect(resolver.cardAt('m1', 50)).toBe('nfc:OLD1');
    expect(resolver.cardAt('m2', 600)).toBeUndefined();
    expect(resolver.ownerOf('nfc:NEW2')).toBe('m1');
  });

  it('masks card numbers and phones', () => {
    expect(maskCard('nfc:04A1B2C3D4E5F6')).toBe('…E5F6');
    expect(maskRecipient('09121234567')).toBe('…4567');
    expect(maskRecipient('zahra@example.ir')).toBe('z…@example.ir');
  });
});
