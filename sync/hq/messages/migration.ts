/**
 * The outbox's schema, in the head office's migration format ({ version, name, sql }) so the
 * server applies it with its own `migrate(db, [...MIGRATIONS, ...MESSAGES_MIGRATIONS])`.
 * Versions 7001+ are reserved for messages; every table is prefixed `messages_`.
 */
export interface MessagesMigration {
  version: number;
  name: string;
  sql: string;
}

export const MESSAGES_MIGRATIONS: MessagesMigration[] = [
  {
    version: 7001,
    name: 'messages: outbox, attempts, consent',
    sql: `
CREATE TABLE messages_outbox (
  id bigserial PRIMARY KEY,
  idempotency_key text NOT NULL UNIQUE,
  member_id text,
  channel text NOT NULL CHECK (channel IN ('sms', 'email')),
  recipient text NOT NULL,
  subject text,
  body text NOT NULL,
  occasion text NOT NULL,
  state text NOT NULL CHECK (state IN ('queued', 'sending', 'sent', 'delivered', 'failed', 'cancelled')),
  attempts int NOT NULL DEFAULT 0,
  attempts_max int NOT NULL,
  not_before_ms bigint NOT NULL,
  next_attempt_at_ms bigint NOT NULL,
  lease_until_ms bigint,
  last_error text,
  provider_message_id text,
  created_at_ms bigint NOT NULL,
  updated_at_ms bigint NOT NULL,
  sent_at_ms bigint,
  delivered_at_ms bigint
);
CREATE INDEX messages_outbox_due ON messages_outbox (state, next_attempt_at_ms);
CREATE INDEX messages_outbox_member ON messages_outbox (member_id);
CREATE INDEX messages_outbox_provider_id ON messages_outbox (provider_message_id);
CREATE TABLE messages_attempts (
  outbox_id bigint NOT NULL REFERENCES messages_outbox (id),
  attempt int NOT NULL,
  started_at_ms bigint NOT NULL,
  finished_at_ms bigint,
  outcome text,
  detail text,
  PRIMARY KEY (outbox_id, attempt)
);
CREATE TABLE messages_consent (
  member_id text NOT NULL,
  channel text NOT NULL CHECK (channel IN ('sms', 'email')),
  granted boolean NOT NULL,
  updated_at_ms bigint NOT NULL,
  PRIMARY KEY (member_id, channel)
);
`,
  },
];
