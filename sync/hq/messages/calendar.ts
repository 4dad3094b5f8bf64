/**
 * Jalali dates and local clock times through Intl (calendar 'persian'), so there is no
 * hand-written calendar arithmetic to get wrong. Iran has had no daylight saving since 2022;
 * offsets are still read from Intl for each instant, never assumed.
 */
export interface JalaliDate {
  year: number;
  month: number;
  day: number;
}

const jalaliFormats = new Map<string, Intl.DateTimeFormat>();
const clockFormats = new Map<string, Intl.DateTimeFormat>();

function jalaliFormat(timeZone: string): Intl.DateTimeFormat {
  let format = jalaliFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-u-ca-persian-nu-latn', { timeZone, year: 'numeric', month: 'numeric', day: 'numeric' });
    jalaliFormats.set(timeZone, format);
  }
  return format;
}

function part(parts: Intl.DateTimeFormatPart[], type: string): number {
  const found = parts.find((p) => p.type === type);
  if (!found) throw new Error(`Intl gave no ${type}`);
  return Number(found.value);
}

/** The Jalali date of an instant in `timeZone`. */
export function jalaliOf(atMs: number, timeZone: string): JalaliDate {
  const parts = jalaliFormat(timeZone).formatToParts(new Date(atMs));
  return { year: part(parts, 'year'), month: part(parts, 'month'), day: part(parts, 'day') };
}

/** The Jalali month and day of a Gregorian ISO date (YYYY-MM-DD), e.g. a birthday. */
export function jalaliOfIsoDate(isoDate: string): JalaliDate | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(isoDate);
  if (!match) return null;
  const atMs = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]), 12);
  if (Number.isNaN(atMs) || new Date(atMs).getUTCDate() !== Number(match[3])) return null;
  return jalaliOf(atMs, 'UTC');
}

/** Local wall-clock parts of an instant in `timeZone`. */
export function localClock(atMs: number, timeZone: string): { hour: number; minute: number; second: number; millisecond: number } {
  let format = clockFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', { timeZone, hour: 'numeric', minute: 'numeric', second: 'numeric', hourCycle: 'h23' });
    clockFormats.set(timeZone, format);
  }
  const parts = format.formatToParts(new Date(atMs));
  return { hour: part(parts, 'hour'), minute: part(parts, 'minute'), second: part(parts, 'second'), millisecond: ((atMs % 1000) + 1000) % 1000 };
}

export function minutesOf(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}

/** The instant of local time `hhmm` on the same local day as `atMs`. */
export function atLocalTime(atMs: number, hhmm: string, timeZone: string): number {
  const clock = localClock(atMs, timeZone);
  const sinceMidnightMs = ((clock.hour * 60 + clock.minute) * 60 + clock.second) * 1000 + clock.millisecond;
  return atMs - sinceMidnightMs + minutesOf(hhmm) * 60_000;
}

/**
 * Does a yearly Jalali date (month/day) fall on `today`? 30 Esfand exists only in leap years;
 * in other years it is celebrated on 29 Esfand.
 */
export function isJalaliAnniversary(today: JalaliDate, month: number, day: number, tomorrow: JalaliDate): boolean {
  if (today.month === month && today.day === day) return true;
  return month === 12 && day === 30 && today.month === 12 && today.day === 29 && tomorrow.month === 1;
}

/**
 * The first instant at or after `atMs` outside the quiet hours [start, end) local time
 * (the window may wrap midnight, e.g. 22:00–09:00).
 */
export function afterQuietHours(atMs: number, quiet: { start: string; end: string }, timeZone: string): number {
  const start = minutesOf(quiet.start);
  const end = minutesOf(quiet.end);
  if (start === end) return atMs;
  const clock = localClock(atMs, timeZone);
  const now = clock.hour * 60 + clock.minute;
  const inside = start < end ? now >= start && now < end : now >= start || now < end;
  if (!inside) return atMs;
  const minutesLeft = (end - now + 1440) % 1440;
  return atMs + minutesLeft * 60_000 - (clock.second * 1000 + clock.millisecond);
}
