/**
 * Local calendar facts for a moment in time: the Jalali (Persian) date, the lunar Hijri date
 * and the local hour and weekday, all from Node's ICU (`Intl`), so no calendar tables live
 * here. Pure: the moment is always a parameter.
 */
export interface LocalMoment {
  /** Jalali year, month (1 = Farvardin) and day. */
  jalali: { year: number; month: number; day: number };
  /** Hijri (Umm al-Qura) year, month and day — used for religious days. */
  hijri: { year: number; month: number; day: number };
  /** 0 = Saturday … 6 = Friday: the Iranian week. */
  weekday: number;
  hour: number;
  /** `YYYY-MM-DD` of the Jalali date: the key for "once per day" rules. */
  dayKey: string;
}

const formatters = new Map<string, { persian: Intl.DateTimeFormat; hijri: Intl.DateTimeFormat }>();

function formattersFor(timeZone: string) {
  let entry = formatters.get(timeZone);
  if (!entry) {
    entry = {
      persian: new Intl.DateTimeFormat('en-US-u-ca-persian-nu-latn', {
        timeZone,
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        hourCycle: 'h23',
        weekday: 'short',
      }),
      hijri: new Intl.DateTimeFormat('en-US-u-ca-islamic-umalqura-nu-latn', { timeZone, year: 'numeric', month: 'numeric', day: 'numeric' }),
    };
    formatters.set(timeZone, entry);
  }
  return entry;
}

const WEEKDAYS: Record<string, number> = { Sat: 0, Sun: 1, Mon: 2, Tue: 3, Wed: 4, Thu: 5, Fri: 6 };

function part(parts: Intl.DateTimeFormatPart[], type: Intl.DateTimeFormatPartTypes): string {
  const found = parts.find((candidate) => candidate.type === type);
  if (!found) throw new Error(`calendar: ICU gave no ${type}`);
  return found.value;
}

export function localMoment(atMs: number, timeZone: string): LocalMoment {
  if (!Number.isFinite(atMs)) throw new RangeError('calendar: time must be a finite number of milliseconds');
  const date = new Date(atMs);
  const { persian, hijri } = formattersFor(timeZone);
  const p = persian.formatToParts(date);
  const h = hijri.formatToParts(date);
  const jalali = { year: Number(part(p, 'year')), month: Number(part(p, 'month')), day: Number(part(p, 'day')) };
  const weekday = WEEKDAYS[part(p, 'weekday')];
  if (weekday === undefined) throw new Error('calendar: unexpected weekday name from ICU');
  return {
    jalali,
    hijri: { year: Number(part(h, 'year')), month: Number(part(h, 'month')), day: Number(part(h, 'day')) },
    weekday,
    hour: Number(part(p, 'hour')) % 24,
    dayKey: `${jalali.year}-${pad(jalali.month)}-${pad(jalali.day)}`,
  };
}

export const pad = (value: number): string => String(value).padStart(2, '0');

/** `MM-DD` of a Jalali or Hijri date, to compare with configured occasions and campaigns. */
export const monthDayOf = (date: { month: number; day: number }): string => `${pad(date.month)}-${pad(date.day)}`;

const monthDayMemo = new Map<string, string | undefined>();
/** Distinct birthdays over a century are ~36,500; the memo is cleared if it ever grows past this. */
const MAX_MEMO_ENTRIES = 50_000;

/** The Jalali month-day of a Gregorian ISO date (a birthday), taken at local noon. Memoised. */
export function jalaliMonthDayOfIsoDate(isoDate: string, timeZone: string): string | undefined {
  const key = `${timeZone}|${isoDate}`;
  if (monthDayMemo.has(key)) return monthDayMemo.get(key);
  if (monthDayMemo.size >= MAX_MEMO_ENTRIES) monthDayMemo.clear();
  const value = computeJalaliMonthDay(isoDate, timeZone);
  monthDayMemo.set(key, value);
  return value;
}

function computeJalaliMonthDay(isoDate: string, timeZone: string): string | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(isoDate);
  if (!match) return undefined;
  const noonUtcMs = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]), 12);
  // Date.UTC rolls 30 February over to March: refuse dates that do not exist.
  if (Number.isNaN(noonUtcMs) || !new Date(noonUtcMs).toISOString().startsWith(isoDate)) return undefined;
  return monthDayOf(localMoment(noonUtcMs, timeZone).jalali);
}

/** Adds calendar months in UTC, clamping the day (31 Jan + 1 month = 28/29 Feb). */
export function addMonthsMs(atMs: number, months: number): number {
  const date = new Date(atMs);
  const targetMonth = date.getUTCMonth() + months;
  const firstOfTarget = Date.UTC(date.getUTCFullYear(), targetMonth, 1);
  const target = new Date(firstOfTarget);
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  const day = Math.min(date.getUTCDate(), lastDay);
  return Date.UTC(target.getUTCFullYear(), target.getUTCMonth(), day, date.getUTCHours(), date.getUTCMinutes(), date.getUTCSeconds(), date.getUTCMilliseconds());
}

export const DAY_MS = 86_400_000;
