/** The outbox's vocabulary, shared by the store, the providers and the dispatcher. */
export type Channel = 'sms' | 'email';

/**
 * queued → sending → sent → delivered; any attempt may go back to queued (retry later) or to
 * failed (permanent error, attempts used up, or an interrupted send that could not be
 * repeated safely); cancelled when consent is missing or withdrawn before sending.
 */
export type MessageState = 'queued' | 'sending' | 'sent' | 'delivered' | 'failed' | 'cancelled';

export interface NewMessage {
  /** Unique per intent, e.g. `m42:birthday:1405:sms`; a second enqueue with it is a no-op. */
  idempotencyKey: string;
  memberId: string | null;
  channel: Channel;
  recipient: string;
  subject?: string;
  body: string;
  /** What it is for: birthday, anniversary, nowruz, announcement:<id>, offer:<id>… */
  occasion: string;
  /** Not before this instant (quiet hours and send times already applied). */
  notBeforeMs: number;
}

export interface OutboxMessage extends NewMessage {
  id: number;
  state: MessageState;
  attempts: number;
  attemptsMax: number;
  nextAttemptAtMs: number;
  leaseUntilMs: number | null;
  lastError: string | null;
  providerMessageId: string | null;
  createdAtMs: number;
  updatedAtMs: number;
  sentAtMs: number | null;
  deliveredAtMs: number | null;
}

/** A message handed to a worker; `interrupted` when a previous worker died mid-send. */
export interface ClaimedMessage extends OutboxMessage {
  interrupted: boolean;
}

export interface ProviderMessage {
  recipient: string;
  subject?: string;
  body: string;
  /** Stable per outbox message: the same on every attempt (client reference / Message-ID). */
  reference: string;
}

export type SendResult =
  | { ok: true; providerMessageId: string | null }
  | { ok: false; permanent: boolean; error: string };

export interface MessageProvider {
  readonly channel: Channel;
  /** True when resending with the same reference cannot deliver twice. */
  readonly dedupesReference: boolean;
  send(message: ProviderMessage): Promise<SendResult>;
}
