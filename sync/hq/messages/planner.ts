import { afterQuietHours, atLocalTime, isJalaliAnniversary, jalaliOf, jalaliOfIsoDate } from './calendar.js';
import type { MessagesConfig, MessageTemplates } from './config.js';
import type { OutboxStore } from './store.js';
import type { Channel, NewMessage } from './types.js';

/**
 * Turns the calendar and the manager's announcements into outbox entries. Idempotency keys
 * name the member, the occasion and the Jalali year (or the campaign), so running the planner
 * again — every hour, after a restart, on two servers — adds nothing new.
 */
export interface Recipient {
  memberId: string;
  name: string;
  phone?: string;
  email?: string;
  /** Gregorian ISO dates (YYYY-MM-DD), as the kiosk records them. */
  birthday?: string;
  anniversary?: string;
  smsConsent: boolean;
  emailConsent: boolean;
}

const DAY_MS = 86_400_000;

function render(template: string, recipient: Recipient): string {
  return template.replace(/\{name\}/g, recipient.name);
}

function channelsOf(recipient: Recipient): Array<{ channel: Channel; address: string }> {
  const out: Array<{ channel: Channel; address: string }> = [];
  // Consent is checked here and again when sending (it may be withdrawn meanwhile).
  if (recipient.smsConsent && recipient.phone) out.push({ channel: 'sms', address: recipient.phone });
  if (recipient.emailConsent && recipient.email) out.push({ channel: 'email', address: recipient.email });
  return out;
}

/** When a message due at `dueMs` may go out on `channel`: after the quiet hours, if they apply to it. */
function notBeforeFor(channel: Channel, dueMs: number, config: MessagesConfig): number {
  return config.quietHours.channels.includes(channel) ? afterQuietHours(dueMs, config.quietHours, config.timeZone) : dueMs;
}

function messagesFor(recipient: Recipient, occasion: string, keyScope: string, templates: MessageTemplates, dueMs: number, config: MessagesConfig): NewMessage[] {
  return channelsOf(recipient).map(({ channel, address }) => ({
    idempotencyKey: `${recipient.memberId}:${occasion}:${keyScope}:${channel}`,
    memberId: recipient.memberId,
    channel,
    recipient: address,
    ...(channel === 'email' && { subject: render(templates.emailSubject, recipient) }),
    body: render(channel === 'sms' ? templates.sms : templates.emailBody, recipient),
    occasion,
    notBeforeMs: notBeforeFor(channel, dueMs, config),
  }));
}

/** The occasion messages due on the local day of `nowMs` (birthdays, anniversaries, calendar days). */
export function planOccasions(recipients: readonly Recipient[], nowMs: number, config: MessagesConfig): NewMessage[] {
  const today = jalaliOf(nowMs, config.timeZone);
  const tomorrow = jalaliOf(nowMs + DAY_MS, config.timeZone);
  const dueMs = Math.max(nowMs, atLocalTime(nowMs, config.occasionSendTime, config.timeZone));
  const out: NewMessage[] = [];
  const calendarDays = config.occasions.filter(
    (o) => (o.jalaliYear === undefined || o.jalaliYear === today.year) && isJalaliAnniversary(today, o.jalaliMonth, o.jalaliDay, tomorrow),
  );
  for (const recipient of recipients) {
    for (const [occasion, iso, templates] of [['birthday', recipient.birthday, config.birthday], ['anniversary', recipient.anniversary, config.anniversary]] as const) {
      const date = iso ? jalaliOfIsoDate(iso) : null;
      if (date && isJalaliAnniversary(today, date.month, date.day, tomorrow)) out.push(...messagesFor(recipient, occasion, String(today.year), templates, dueMs, config));
    }
    for (const day of calendarDays) out.push(...messagesFor(recipient, day.key, String(today.year), day.templates, dueMs, config));
  }
  return out;
}

/** An announcement or an offer to a segment: one message per member and channel, keyed by the campaign. */
export function planCampaign(recipients: readonly Recipient[], campaign: { id: string; kind: 'announcement' | 'offer'; templates: MessageTemplates; notBeforeMs: number }, config: MessagesConfig): NewMessage[] {
  return recipients.flatMap((recipient) => messagesFor(recipient, `${campaign.kind}:${campaign.id}`, 'once', campaign.templates, campaign.notBeforeMs, config));
}

/** Enqueues planned messages; returns how many were new (the rest were already there). */
export async function enqueueAll(store: OutboxStore, messages: readonly NewMessage[], config: MessagesConfig, nowMs: number): Promise<{ created: number; existing: number }> {
  let created = 0;
  for (const message of messages) if ((await store.enqueue(message, config.attemptsMax, nowMs)).created) created += 1;
  return { created, existing: messages.length - created };
}
