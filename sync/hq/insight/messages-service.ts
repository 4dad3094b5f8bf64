import type { Db, Queryable } from '../db.js';
import { SqlOutboxStore } from '../messages/sql-store.js';
import { enqueueAll, planCampaign, planOccasions, type Recipient } from '../messages/planner.js';
import type { MessagesConfig, MessageTemplates } from '../messages/config.js';
import type { Channel, MessageState, NewMessage } from '../messages/types.js';

/**
 * The outbox as the head office runs it: members' SMS consent is what the kiosk recorded
 * (`members.sms_consent`, kept current by sync), read at the moment of sending so a member who
 * withdrew it at the kiosk is not messaged; recipients come from the members table in pages.
 * Members have no e-mail address recorded today, so only SMS reaches them.
 */
export class MemberConsentOutboxStore extends SqlOutboxStore {
  constructor(private readonly database: Db) {
    super(database);
  }

  override async hasConsent(memberId: string, channel: Channel): Promise<boolean> {
    if (channel === 'sms') {
      const row = (await this.database.query<{ sms_consent: boolean }>('SELECT sms_consent FROM members WHERE id = $1', [memberId])).rows[0];
      if (row) return row.sms_consent === true;
    }
    return super.hasConsent(memberId, channel);
  }
}

/** Copies members' SMS consent into `messages_consent` (the outbox's own record of it); returns rows changed. */
export async function syncConsent(db: Queryable, nowMs: number): Promise<number> {
  const result = await db.query(
    `INSERT INTO messages_consent (member_id, channel, granted, updated_at_ms)
     SELECT id, 'sms', sms_consent, $1 FROM members
     ON CONFLICT (member_id, channel) DO UPDATE SET granted = EXCLUDED.granted, updated_at_ms = EXCLUDED.updated_at_ms
     WHERE messages_consent.granted IS DISTINCT FROM EXCLUDED.granted`,
    [nowMs],
  );
  return result.rowCount;
}

interface MemberRow {
  id: string;
  name: string;
  phone: string;
  birthday: string | null;
  anniversary: string | null;
  sms_consent: boolean;
}

const recipientOf = (row: MemberRow): Recipient => ({
  memberId: row.id,
  name: row.name,
  phone: row.phone,
  ...(row.birthday && { birthday: row.birthday }),
  ...(row.anniversary && { anniversary: row.anniversary }),
  smsConsent: row.sms_consent,
  emailConsent: false,
});

const PAGE = 2000;

/** Consenting members in pages by id, optionally only the given ids (a segment). */
async function* recipientPages(db: Queryable, memberIds: string[] | null): AsyncGenerator<Recipient[]> {
  let afterId = '';
  for (;;) {
    const page = await db.query<MemberRow>(
      `SELECT id, name, phone, birthday, anniversary, sms_consent FROM members
       WHERE id > $1 AND sms_consent AND ($2::text[] IS NULL OR id = ANY($2::text[])) ORDER BY id LIMIT ${PAGE}`,
      [afterId, memberIds],
    );
    if (page.rows.length === 0) return;
    yield page.rows.map(recipientOf);
    afterId = page.rows[page.rows.length - 1]!.id;
  }
}

/** Birthdays, anniversaries and calendar days due today; safe to run every hour (idempotency keys). */
export async function planOccasionsNow(db: Queryable, store: SqlOutboxStore, config: MessagesConfig, nowMs: number): Promise<{ created: number; existing: number }> {
  const total = { created: 0, existing: 0 };
  for await (const recipients of recipientPages(db, null)) {
    const result = await enqueueAll(store, planOccasions(recipients, nowMs, config), config, nowMs);
    total.created += result.created;
    total.existing += result.existing;
  }
  return total;
}

export interface CampaignRequest {
  id: string;
  kind: 'announcement' | 'offer';
  templates: MessageTemplates;
  notBeforeMs: number;
}

/** Plans a campaign to the given members (who consented); returns the messages to enqueue. */
export async function planCampaignFor(db: Queryable, memberIds: string[], campaign: CampaignRequest, config: MessagesConfig): Promise<NewMessage[]> {
  const out: NewMessage[] = [];
  for await (const recipients of recipientPages(db, memberIds)) out.push(...planCampaign(recipients, campaign, config));
  return out;
}

/** Inserts planned messages inside a transaction (the composer audits in the same one). */
export async function enqueueInTx(tx: Queryable, messages: readonly NewMessage[], attemptsMax: number, nowMs: number): Promise<number> {
  let created = 0;
  for (let i = 0; i < messages.length; i += 500) {
    const batch = messages.slice(i, i + 500);
    const result = await tx.query(
      `INSERT INTO messages_outbox (idempotency_key, member_id, channel, recipient, subject, body, occasion, state, attempts_max, not_before_ms, next_attempt_at_ms, created_at_ms, updated_at_ms)
       SELECT k, m, c, r, s, b, o, 'queued', $8, n, n, $9, $9 FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $10::bigint[]) AS x(k, m, c, r, s, b, o, n)
       ON CONFLICT (idempotency_key) DO NOTHING`,
      [
        batch.map((m) => m.idempotencyKey),
        batch.map((m) => m.memberId),
        batch.map((m) => m.channel),
        batch.map((m) => m.recipient),
        batch.map((m) => m.subject ?? null),
        batch.map((m) => m.body),
        batch.map((m) => m.occasion),
        attemptsMax,
        nowMs,
        batch.map((m) => m.notBeforeMs),
      ],
    );
    created += result.rowCount;
  }
  return created;
}

export interface OutboxItem {
  id: number;
  memberId: string | null;
  channel: Channel;
  /** Phone or address masked: enough to tell two apart, not to dial. */
  recipient: string;
  occasion: string;
  state: MessageState;
  attempts: number;
  attemptsMax: number;
  nextAttemptAtMs: number;
  lastError: string | null;
  createdAtMs: number;
  sentAtMs: number | null;
  deliveredAtMs: number | null;
  preview: string;
}

export function maskRecipient(recipient: string): string {
  if (recipient.includes('@')) {
    const [local, domain] = recipient.split('@');
    return `${(local ?? '').slice(0, 1)}…@${domain ?? ''}`;
  }
  return recipient.length > 4 ? `…${recipient.slice(-4)}` : '…';
}

const nullable = (value: number | string | null): number | null => (value === null ? null : Number(value));

/** Newest first, `beforeId` pages back; counts are over the whole outbox. */
export async function outboxView(db: Queryable, store: SqlOutboxStore, filter: { state?: MessageState; limit: number; beforeId?: number }): Promise<{ counts: Record<MessageState, number>; messages: OutboxItem[] }> {
  const rows = await db.query<{ id: number | string; member_id: string | null; channel: Channel; recipient: string; occasion: string; state: MessageState; attempts: number; attempts_max: number; next_attempt_at_ms: number | string; last_error: string | null; created_at_ms: number | string; sent_at_ms: number | string | null; delivered_at_ms: number | string | null; body: string }>(
    `SELECT id, member_id, channel, recipient, occasion, state, attempts, attempts_max, next_attempt_at_ms, last_error, created_at_ms, sent_at_ms, delivered_at_ms, body
     FROM messages_outbox WHERE ($1::text IS NULL OR state = $1) AND ($2::bigint IS NULL OR id < $2) ORDER BY id DESC LIMIT $3`,
    [filter.state ?? null, filter.beforeId ?? null, Math.min(Math.max(filter.limit, 1), 500)],
  );
  return {
    counts: await store.countByState(),
    messages: rows.rows.map((row) => ({
      id: Number(row.id),
      memberId: row.member_id,
      channel: row.channel,
      recipient: maskRecipient(row.recipient),
      occasion: row.occasion,
      state: row.state,
      attempts: row.attempts,
      attemptsMax: row.attempts_max,
      nextAttemptAtMs: Number(row.next_attempt_at_ms),
      lastError: row.last_error,
      createdAtMs: Number(row.created_at_ms),
      sentAtMs: nullable(row.sent_at_ms),
      deliveredAtMs: nullable(row.delivered_at_ms),
      preview: row.body.length > 80 ? `${row.body.slice(0, 80)}…` : row.body,
    })),
  };
}
