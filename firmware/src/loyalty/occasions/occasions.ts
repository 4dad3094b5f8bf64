import type { LoyaltyRules } from '../config.js';
import { DAY_MS, jalaliMonthDayOfIsoDate, localMoment, monthDayOf, type LocalMoment } from '../calendar/local-time.js';

/**
 * Occasions on the Jalali calendar: the member's birthday and wedding anniversary (stored as
 * Gregorian dates, celebrated on their Jalali day), Nowruz, Yalda and configured religious
 * days (on the Persian or the lunar Hijri calendar). Each is granted once per year, keyed by
 * that calendar's year. Days missed while the kiosk was off are caught up within `graceDays`.
 */
export interface OccasionDue {
  key: string;
  points: number;
  kind: 'birthday' | 'anniversary' | 'club';
}

export interface RecentDay {
  /** A moment inside that local day. */
  atMs: number;
  moment: LocalMoment;
}

/** The local days from `graceDays` ago up to the day of `asOfMs`. */
export function recentDays(rules: LoyaltyRules, asOfMs: number): RecentDay[] {
  const days: RecentDay[] = [];
  for (let back = rules.occasions.graceDays; back >= 0; back--) {
    const atMs = asOfMs - back * DAY_MS;
    days.push({ atMs, moment: localMoment(atMs, rules.timeZone) });
  }
  return days;
}

export interface OccasionMember {
  birthday?: string | undefined;
  anniversary?: string | undefined;
  memberSinceMs: number;
}

export function dueOccasions(rules: LoyaltyRules, member: OccasionMember, days: readonly RecentDay[]): OccasionDue[] {
  const due = new Map<string, OccasionDue>();
  const birthday = member.birthday ? jalaliMonthDayOfIsoDate(member.birthday, rules.timeZone) : undefined;
  const anniversary = member.anniversary ? jalaliMonthDayOfIsoDate(member.anniversary, rules.timeZone) : undefined;
  for (const day of days) {
    // A member who joined after the day does not get it late.
    if (member.memberSinceMs > day.atMs) continue;
    const jalaliDay = monthDayOf(day.moment.jalali);
    const year = day.moment.jalali.year;
    if (birthday === jalaliDay && rules.occasions.birthdayBonusPoints > 0) {
      due.set(`birthday:${year}`, { key: `birthday:${year}`, points: rules.occasions.birthdayBonusPoints, kind: 'birthday' });
    }
    if (anniversary === jalaliDay && rules.occasions.anniversaryBonusPoints > 0) {
      due.set(`anniversary:${year}`, { key: `anniversary:${year}`, points: rules.occasions.anniversaryBonusPoints, kind: 'anniversary' });
    }
    for (const occasion of rules.occasions.days) {
      const date = occasion.calendar === 'persian' ? day.moment.jalali : day.moment.hijri;
      if (monthDayOf(date) === occasion.monthDay && occasion.bonusPoints > 0) {
        const key = `${occasion.id}:${date.year}`;
        due.set(key, { key, points: occasion.bonusPoints, kind: 'club' });
      }
    }
  }
  return [...due.values()];
}

/** Occasion keys kept per member: a few years of them, newest last, so the list stays short. */
export const MAX_OCCASION_KEYS = 40;
export const pruneOccasionKeys = (keys: readonly string[]): string[] => keys.slice(-MAX_OCCASION_KEYS);
