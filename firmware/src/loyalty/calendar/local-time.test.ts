import { describe, expect, it } from 'vitest';
import { addMonthsMs, jalaliMonthDayOfIsoDate, localMoment } from './local-time.js';

describe('local calendar (Asia/Tehran)', () => {
  it('Nowruz 1405 starts at local midnight of 21 March 2026', () => {
    const before = localMoment(Date.parse('2026-03-20T23:59:00+03:30'), 'Asia/Tehran');
    const after = localMoment(Date.parse('2026-03-21T00:00:00+03:30'), 'Asia/Tehran');
    expect(before.jalali).toEqual({ year: 1404, month: 12, day: 29 });
    expect(after.jalali).toEqual({ year: 1405, month: 1, day: 1 });
    expect(after.weekday).toBe(0); // Saturday
    expect(after.dayKey).toBe('1405-01-01');
  });

  it('Yalda is 30 Azar; a birthday is celebrated on its Jalali day', () => {
    expect(localMoment(Date.parse('2025-12-21T20:00:00+03:30'), 'Asia/Tehran').jalali).toEqual({ year: 1404, month: 9, day: 30 });
    expect(jalaliMonthDayOfIsoDate('1990-03-21', 'Asia/Tehran')).toBe('01-01');
    expect(jalaliMonthDayOfIsoDate('1990-02-30', 'Asia/Tehran')).toBeUndefined();
  });

  it('adds calendar months, clamping the day', () => {
    expect(new Date(addMonthsMs(Date.UTC(2026, 0, 31, 10), 1)).toISOString()).toBe('2026-02-28T10:00:00.000Z');
    expect(new Date(addMonthsMs(Date.UTC(2026, 2, 21), 12)).toISOString()).toBe('2027-03-21T00:00:00.000Z');
  });
});
