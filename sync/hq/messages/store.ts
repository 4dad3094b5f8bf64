import type { Channel, ClaimedMessage, MessageState, NewMessage, OutboxMessage } from './types.js';

/**
 * Where the outbox lives. Every state change after a claim is fenced by the attempt number,
 * so a worker that lost its lease (and was replaced) cannot overwrite the newer outcome.
 */
export interface OutboxStore {
  /** Inserts unless the idempotency key exists; `created` false means it was already there. */
  enqueue(message: NewMessage, attemptsMax: number, nowMs: number): Promise<{ id: number; created: boolean }>;
  /**
   * Takes up to `limit` due messages of `channels`: queued ones whose time has come, and
   * 'sending' ones whose lease ran out (their worker died: `interrupted`). The attempt is
   * counted and recorded, and the lease set, before anything is sent.
   */
  claimDue(channels: readonly Channel[], nowMs: number, limit: number, leaseMs: number): Promise<ClaimedMessage[]>;
  markSent(id: number, attempt: number, providerMessageId: string | null, nowMs: number): Promise<boolean>;
  /** Back to queued for another attempt at `nextAttemptAtMs`. */
  markRetry(id: number, attempt: number, error: string, nextAttemptAtMs: number, nowMs: number): Promise<boolean>;
  markFailed(id: number, attempt: number, reason: string, nowMs: number): Promise<boolean>;
  /** Returns a claimed message to the queue without using up its attempt (quiet hours, consent check deferred). */
  release(id: number, attempt: number, nextAttemptAtMs: number, nowMs: number): Promise<boolean>;
  cancel(id: number, reason: string, nowMs: number): Promise<boolean>;
  /** A delivery report from the provider, found by its message id. */
  markDelivery(channel: Channel, providerMessageId: string, delivered: boolean, detail: string, nowMs: number): Promise<boolean>;
  get(id: number): Promise<OutboxMessage | null>;
  getByKey(idempotencyKey: string): Promise<OutboxMessage | null>;
  list(filter: { state?: MessageState; memberId?: string; limit: number; afterId?: number }): Promise<OutboxMessage[]>;
  countByState(): Promise<Record<MessageState, number>>;
  setConsent(memberId: string, channel: Channel, granted: boolean, nowMs: number): Promise<void>;
  /** False when not recorded: no consent without a recorded yes. */
  hasConsent(memberId: string, channel: Channel): Promise<boolean>;
}
