import type { Db, Queryable } from '../db.js';
import type { OutboxStore } from './store.js';
import type { Channel, ClaimedMessage, MessageState, NewMessage, OutboxMessage } from './types.js';

/** The outbox on PostgreSQL (`pg`) or PGlite, through the head office's Db wrapper. */
interface Row {
  id: number | string;
  idempotency_key: string;
  member_id: string | null;
  channel: Channel;
  recipient: string;
  subject: string | null;
  body: string;
  occasion: string;
  state: MessageState;
  attempts: number;
  attempts_max: number;
  not_before_ms: number | string;
  next_attempt_at_ms: number | string;
  lease_until_ms: number | string | null;
  last_error: string | null;
  provider_message_id: string | null;
  created_at_ms: number | string;
  updated_at_ms: number | string;
  sent_at_ms: number | string | null;
  delivered_at_ms: number | string | null;
  previous_state?: MessageState;
}

const nullableNumber = (value: number | string | null): number | null => (value === null ? null : Number(value));

function fromRow(row: Row): OutboxMessage {
  return {
    id: Number(row.id),
    idempotencyKey: row.idempotency_key,
    memberId: row.member_id,
    channel: row.channel,
    recipient: row.recipient,
    ...(row.subject !== null && { subject: row.subject }),
    body: row.body,
    occasion: row.occasion,
    notBeforeMs: Number(row.not_before_ms),
    state: row.state,
    attempts: row.attempts,
    attemptsMax: row.attempts_max,
    nextAttemptAtMs: Number(row.next_attempt_at_ms),
    leaseUntilMs: nullableNumber(row.lease_until_ms),
    lastError: row.last_error,
    providerMessageId: row.provider_message_id,
    createdAtMs: Number(row.created_at_ms),
    updatedAtMs: Number(row.updated_at_ms),
    sentAtMs: nullableNumber(row.sent_at_ms),
    deliveredAtMs: nullableNumber(row.delivered_at_ms),
  };
}

const ERROR_LENGTH_MAX = 500;
const clip = (text: string): string => (text.length > ERROR_LENGTH_MAX ? `${text.slice(0, ERROR_LENGTH_MAX)}…` : text);

async function finishAttempt(tx: Queryable, id: number, attempt: number, outcome: string, detail: string | null, nowMs: number): Promise<void> {
  await tx.query('UPDATE messages_attempts SET finished_at_ms = $3, outcome = $4, detail = $5 WHERE outbox_id = $1 AND attempt = $2', [id, attempt, nowMs, outcome, detail]);
}

export class SqlOutboxStore implements OutboxStore {
  constructor(private readonly db: Db) {}

  async enqueue(message: NewMessage, attemptsMax: number, nowMs: number): Promise<{ id: number; created: boolean }> {
    const inserted = await this.db.query<{ id: number | string }>(
      `INSERT INTO messages_outbox (idempotency_key, member_id, channel, recipient, subject, body, occasion, state, attempts_max, not_before_ms, next_attempt_at_ms, created_at_ms, updated_at_ms)
       VALUES ($1, $2, $3, $4, $5, $6, $7, 'queued', $8, $9, $9, $10, $10)
       ON CONFLICT (idempotency_key) DO NOTHING RETURNING id`,
      [message.idempotencyKey, message.memberId, message.channel, message.recipient, message.subject ?? null, message.body, message.occasion, attemptsMax, message.notBeforeMs, nowMs],
    );
    if (inserted.rows[0]) return { id: Number(inserted.rows[0].id), created: true };
    const existing = await this.db.query<{ id: number | string }>('SELECT id FROM messages_outbox WHERE idempotency_key = $1', [message.idempotencyKey]);
    return { id: Number(existing.rows[0]!.id), created: false };
  }

  async claimDue(channels: readonly Channel[], nowMs: number, limit: number, leaseMs: number): Promise<ClaimedMessage[]> {
    if (channels.length === 0) return [];
    return this.db.transaction(async (tx) => {
      // SKIP LOCKED lets several head office processes share the outbox without waiting.
      const claimed = await tx.query<Row>(
        `WITH due AS (
           SELECT id, state AS previous_state FROM messages_outbox
           WHERE channel = ANY($1::text[])
             AND ((state = 'queued' AND next_attempt_at_ms <= $2) OR (state = 'sending' AND lease_until_ms < $2))
           ORDER BY next_attempt_at_ms, id
           LIMIT $3
           FOR UPDATE SKIP LOCKED)
         UPDATE messages_outbox o SET state = 'sending', attempts = o.attempts + 1, lease_until_ms = $2 + $4, updated_at_ms = $2
         FROM due WHERE o.id = due.id
         RETURNING o.*, due.previous_state`,
        [channels, nowMs, limit, leaseMs],
      );
      for (const row of claimed.rows) {
        if (row.previous_state === 'sending') {
          await finishAttempt(tx, Number(row.id), row.attempts - 1, 'interrupted', 'worker stopped during the send', nowMs);
        }
        await tx.query('INSERT INTO messages_attempts (outbox_id, attempt, started_at_ms) VALUES ($1, $2, $3)', [row.id, row.attempts, nowMs]);
      }
      return claimed.rows.map((row) => ({ ...fromRow(row), interrupted: row.previous_state === 'sending' })).sort((a, b) => a.nextAttemptAtMs - b.nextAttemptAtMs || a.id - b.id);
    });
  }

  private async transition(id: number, attempt: number, set: string, params: unknown[], outcome: string, detail: string | null, nowMs: number): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const updated = await tx.query(`UPDATE messages_outbox SET ${set}, lease_until_ms = NULL, updated_at_ms = $3 WHERE id = $1 AND attempts = $2 AND state = 'sending'`, [id, attempt, nowMs, ...params]);
      if (updated.rowCount === 0) return false;
      await finishAttempt(tx, id, attempt, outcome, detail, nowMs);
      return true;
    });
  }

  markSent(id: number, attempt: number, providerMessageId: string | null, nowMs: number): Promise<boolean> {
    return this.transition(id, attempt, `state = 'sent', sent_at_ms = $3, provider_message_id = $4, last_error = NULL`, [providerMessageId], 'sent', providerMessageId, nowMs);
  }

  markRetry(id: number, attempt: number, error: string, nextAttemptAtMs: number, nowMs: number): Promise<boolean> {
    return this.transition(id, attempt, `state = 'queued', last_error = $4, next_attempt_at_ms = $5`, [clip(error), nextAttemptAtMs], 'retry', clip(error), nowMs);
  }

  markFailed(id: number, attempt: number, reason: string, nowMs: number): Promise<boolean> {
    return this.transition(id, attempt, `state = 'failed', last_error = $4`, [clip(reason)], 'failed', clip(reason), nowMs);
  }

  async release(id: number, attempt: number, nextAttemptAtMs: number, nowMs: number): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const updated = await tx.query(
        `UPDATE messages_outbox SET state = 'queued', attempts = attempts - 1, next_attempt_at_ms = $4, lease_until_ms = NULL, updated_at_ms = $3 WHERE id = $1 AND attempts = $2 AND state = 'sending'`,
        [id, attempt, nowMs, nextAttemptAtMs],
      );
      if (updated.rowCount === 0) return false;
      await tx.query('DELETE FROM messages_attempts WHERE outbox_id = $1 AND attempt = $2', [id, attempt]);
      return true;
    });
  }

  async cancel(id: number, reason: string, nowMs: number): Promise<boolean> {
    const updated = await this.db.query(
      `UPDATE messages_outbox SET state = 'cancelled', last_error = $2, lease_until_ms = NULL, updated_at_ms = $3 WHERE id = $1 AND state IN ('queued', 'sending')`,
      [id, clip(reason), nowMs],
    );
    return updated.rowCount > 0;
  }

  async markDelivery(channel: Channel, providerMessageId: string, delivered: boolean, detail: string, nowMs: number): Promise<boolean> {
    const updated = await this.db.query(
      delivered
        ? `UPDATE messages_outbox SET state = 'delivered', delivered_at_ms = $3, updated_at_ms = $3 WHERE channel = $1 AND provider_message_id = $2 AND state = 'sent'`
        : `UPDATE messages_outbox SET state = 'failed', last_error = $4, updated_at_ms = $3 WHERE channel = $1 AND provider_message_id = $2 AND state = 'sent'`,
      delivered ? [channel, providerMessageId, nowMs] : [channel, providerMessageId, nowMs, clip(`not delivered: ${detail}`)],
    );
    return updated.rowCount > 0;
  }

  async get(id: number): Promise<OutboxMessage | null> {
    const result = await this.db.query<Row>('SELECT * FROM messages_outbox WHERE id = $1', [id]);
    return result.rows[0] ? fromRow(result.rows[0]) : null;
  }

  async getByKey(idempotencyKey: string): Promise<OutboxMessage | null> {
    const result = await this.db.query<Row>('SELECT * FROM messages_outbox WHERE idempotency_key = $1', [idempotencyKey]);
    return result.rows[0] ? fromRow(result.rows[0]) : null;
  }

  async list(filter: { state?: MessageState; memberId?: string; limit: number; afterId?: number }): Promise<OutboxMessage[]> {
    const result = await this.db.query<Row>(
      `SELECT * FROM messages_outbox WHERE ($1::text IS NULL OR state = $1) AND ($2::text IS NULL OR member_id = $2) AND id > $3 ORDER BY id LIMIT $4`,
      [filter.state ?? null, filter.memberId ?? null, filter.afterId ?? 0, Math.min(Math.max(filter.limit, 1), 1000)],
    );
    return result.rows.map(fromRow);
  }

  async countByState(): Promise<Record<MessageState, number>> {
    const counts: Record<MessageState, number> = { queued: 0, sending: 0, sent: 0, delivered: 0, failed: 0, cancelled: 0 };
    const result = await this.db.query<{ state: MessageState; n: number | string }>('SELECT state, count(*) AS n FROM messages_outbox GROUP BY state');
    for (const row of result.rows) counts[row.state] = Number(row.n);
    return counts;
  }

  async setConsent(memberId: string, channel: Channel, granted: boolean, nowMs: number): Promise<void> {
    await this.db.query(
      `INSERT INTO messages_consent (member_id, channel, granted, updated_at_ms) VALUES ($1, $2, $3, $4)
       ON CONFLICT (member_id, channel) DO UPDATE SET granted = EXCLUDED.granted, updated_at_ms = EXCLUDED.updated_at_ms`,
      [memberId, channel, granted, nowMs],
    );
  }

  async hasConsent(memberId: string, channel: Channel): Promise<boolean> {
    const result = await this.db.query<{ granted: boolean }>('SELECT granted FROM messages_consent WHERE member_id = $1 AND channel = $2', [memberId, channel]);
    return result.rows[0]?.granted === true;
  }
}
