import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { afterQuietHours, jalaliOf, jalaliOfIsoDate, localClock } from './calendar.js';
import { parseMessagesConfig } from './config.js';
import { planCampaign, planOccasions, type Recipient } from './planner.js';
import { backoffDelayMs } from './dispatcher.js';

const TEHRAN = 'Asia/Tehran';
const config = parseMessagesConfig({});
const QUIET = config.quietHours;

describe('Jalali calendar through Intl', () => {
  it('knows Nowruz, Yalda and the Tehran day boundary', () => {
    expect(jalaliOf(Date.parse('2026-03-20T20:29:00Z'), TEHRAN)).toEqual({ year: 1404, month: 12, day: 29 });
    expect(jalaliOf(Date.parse('2026-03-20T20:31:00Z'), TEHRAN)).toEqual({ year: 1405, month: 1, day: 1 });
    expect(jalaliOf(Date.parse('2025-12-21T08:00:00Z'), TEHRAN)).toEqual({ year: 1404, month: 9, day: 30 });
    expect(jalaliOfIsoDate('2025-03-20')).toEqual({ year: 1403, month: 12, day: 30 });
    expect(jalaliOfIsoDate('2025-02-30')).toBeNull();
    expect(jalaliOfIsoDate('yesterday')).toBeNull();
  });
});

describe('quiet hours (22:00–09:00 Tehran by default)', () => {
  it('a message due at 23:30 Tehran waits until 09:00 the next morning', () => {
    const due = Date.parse('2026-05-10T20:00:00Z'); // 23:30 in Tehran (UTC+3:30)
    expect(localClock(due, TEHRAN)).toMatchObject({ hour: 23, minute: 30 });
    expect(new Date(afterQuietHours(due, QUIET, TEHRAN)).toISOString()).toBe('2026-05-11T05:30:00.000Z');
  });

  it('never returns a time inside quiet hours or before the input, and leaves daytime alone (property)', () => {
    fc.assert(fc.property(fc.integer({ min: Date.UTC(2024, 0, 1), max: Date.UTC(2030, 0, 1) }), (atMs) => {
      const out = afterQuietHours(atMs, QUIET, TEHRAN);
      expect(out).toBeGreaterThanOrEqual(atMs);
      expect(out - atMs).toBeLessThanOrEqual(11 * 3_600_000);
      const { hour } = localClock(out, TEHRAN);
      expect(hour >= 9 && hour < 22).toBe(true);
      if (out !== atMs) expect(localClock(out, TEHRAN)).toMatchObject({ hour: 9, minute: 0, second: 0 });
    }), { numRuns: 300 });
  });
});

describe('occasion planner', () => {
  const ali: Recipient = { memberId: 'm1', name: 'علی', phone: '09121234567', email: 'ali@example.ir', birthday: '1990-04-21', smsConsent: true, emailConsent: false };
  const sara: Recipient = { memberId: 'm2', name: 'سارا', phone: '09350000000', birthday: '2025-03-20', anniversary: '2015-12-21', smsConsent: false, emailConsent: false };

  it('plans a birthday on its Jalali date, at the send time, only on channels with consent', () => {
    // 1990-04-21 is 1 Ordibehesht; in 1405 that is 2026-04-21.
    const now = Date.parse('2026-04-21T03:00:00Z'); // 06:30 Tehran: inside quiet hours
    const planned = planOccasions([ali, sara], now, config);
    expect(planned).toHaveLength(1);
    expect(planned[0]).toMatchObject({ idempotencyKey: 'm1:birthday:1405:sms', channel: 'sms', recipient: '09121234567', occasion: 'birthday' });
    expect(planned[0]!.body).toContain('علی');
    expect(new Date(planned[0]!.notBeforeMs).toISOString()).toBe('2026-04-21T06:30:00.000Z'); // 10:00 Tehran
  });

  it('30 Esfand birthdays fall on 29 Esfand in common years; Nowruz reaches everyone with consent', () => {
    const withConsent = { ...sara, smsConsent: true };
    const lastDay = planOccasions([withConsent], Date.parse('2026-03-20T08:00:00Z'), config);
    expect(lastDay.map((m) => m.idempotencyKey)).toEqual(['m2:birthday:1404:sms']);
    const nowruz = planOccasions([ali, withConsent], Date.parse('2026-03-21T08:00:00Z'), config);
    expect(nowruz.map((m) => m.idempotencyKey).sort()).toEqual(['m1:nowruz:1405:sms', 'm2:nowruz:1405:sms']);
    const yalda = planOccasions([withConsent], Date.parse('2025-12-21T08:00:00Z'), config);
    expect(yalda.map((m) => m.idempotencyKey).sort()).toEqual(['m2:anniversary:1404:sms', 'm2:yalda:1404:sms']);
  });

  it('religious days are configured per Jalali year', () => {
    const withReligious = parseMessagesConfig({
      occasions: [{ key: 'eid-fitr', jalaliMonth: 1, jalaliDay: 1, jalaliYear: 1405, templates: { sms: 'عید فطر مبارک {name}', emailSubject: 'عید فطر', emailBody: 'عید فطر مبارک' } }],
    });
    expect(planOccasions([ali], Date.parse('2026-03-21T08:00:00Z'), withReligious).map((m) => m.occasion)).toEqual(['eid-fitr']);
    expect(planOccasions([ali], Date.parse('2027-03-21T08:00:00Z'), withReligious)).toEqual([]);
  });

  it('quiet hours hold back only the channels they name', () => {
    const lateNight = Date.parse('2026-04-21T19:00:00Z'); // 22:30 Tehran, still 1 Ordibehesht
    const smsQuiet = planOccasions([ali], lateNight, config);
    expect(new Date(smsQuiet[0]!.notBeforeMs).toISOString()).toBe('2026-04-22T05:30:00.000Z'); // 09:00 next morning
    const noneQuiet = parseMessagesConfig({ quietHours: { channels: [] }, occasionSendTime: '00:00' });
    expect(planOccasions([ali], lateNight, noneQuiet)[0]!.notBeforeMs).toBe(lateNight);
    const offer = { id: 'night', kind: 'offer' as const, templates: config.birthday, notBeforeMs: lateNight };
    expect(planCampaign([ali], offer, noneQuiet)[0]!.notBeforeMs).toBe(lateNight);
  });

  it('campaign messages are keyed by campaign and respect quiet hours', () => {
    const planned = planCampaign([ali, { ...sara, smsConsent: true }], { id: 'spring', kind: 'offer', templates: config.birthday, notBeforeMs: Date.parse('2026-05-10T20:00:00Z') }, config);
    expect(planned.map((m) => m.idempotencyKey)).toEqual(['m1:offer:spring:once:sms', 'm2:offer:spring:once:sms']);
    expect(new Date(planned[0]!.notBeforeMs).toISOString()).toBe('2026-05-11T05:30:00.000Z');
  });

  it('backoff doubles up to the cap', () => {
    const one = () => 1;
    expect([1, 2, 3, 4, 30].map((a) => backoffDelayMs(a, { backoffInitialMs: 1000, backoffMaxMs: 5000 }, one))).toEqual([1000, 2000, 4000, 5000, 5000]);
    expect(backoffDelayMs(2, { backoffInitialMs: 1000, backoffMaxMs: 5000 }, () => 0)).toBe(1000);
  });
});
