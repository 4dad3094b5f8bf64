import type { Db } from './db.js';

/**
 * Versioned schema migrations. Each runs in its own transaction together with the row that
 * records it, under an advisory lock, so several head office instances starting at once
 * apply each migration exactly once. Never edit a released migration: add the next one.
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: Migration[] = [
  {
    version: 1,
    name: 'devices, journal, materialised chain state',
    sql: `
CREATE TABLE devices (
  id text PRIMARY KEY,
  store_id text NOT NULL,
  public_key text NOT NULL,
  created_at_ms bigint NOT NULL,
  revoked_at_ms bigint,
  high_water_mark bigint NOT NULL DEFAULT 0,
  last_hash text,
  records_count bigint NOT NULL DEFAULT 0,
  last_push_at_ms bigint,
  last_seen_at_ms bigint
);
CREATE TABLE request_nonces (
  device_id text NOT NULL,
  nonce text NOT NULL,
  expires_at_ms bigint NOT NULL,
  PRIMARY KEY (device_id, nonce)
);
CREATE INDEX request_nonces_expiry ON request_nonces (expires_at_ms);
CREATE TABLE journal (
  device_id text NOT NULL,
  seq bigint NOT NULL,
  hash text NOT NULL,
  prev_hash text NOT NULL,
  commit_id text NOT NULL,
  actor jsonb NOT NULL,
  at_ms bigint NOT NULL,
  clock_synced boolean NOT NULL,
  received_at_ms bigint NOT NULL,
  via text NOT NULL,
  fingerprint text,
  record jsonb NOT NULL,
  PRIMARY KEY (device_id, seq)
);
CREATE INDEX journal_at ON journal (at_ms);
CREATE SEQUENCE change_revision;
CREATE TABLE members (
  id text PRIMARY KEY,
  store_id text NOT NULL,
  name text NOT NULL,
  phone text NOT NULL,
  birthday text,
  anniversary text,
  sms_consent boolean NOT NULL,
  interests jsonb NOT NULL DEFAULT '[]',
  created_at_ms bigint NOT NULL,
  updated_at_ms bigint NOT NULL,
  revision bigint NOT NULL
);
CREATE INDEX members_store_revision ON members (store_id, revision);
CREATE INDEX members_phone ON members (phone);
CREATE TABLE cards (
  id text PRIMARY KEY,
  member_id text NOT NULL,
  kind text NOT NULL,
  status text NOT NULL,
  linked_at_ms bigint NOT NULL,
  blocked_at_ms bigint,
  block_reason text,
  replaced_by text,
  revision bigint NOT NULL
);
CREATE INDEX cards_member ON cards (member_id);
CREATE INDEX cards_revision ON cards (revision);
CREATE TABLE balances (
  account text PRIMARY KEY,
  member_id text,
  unit text NOT NULL,
  balance bigint NOT NULL
);
CREATE INDEX balances_member ON balances (member_id);
CREATE TABLE transfers (
  device_id text NOT NULL,
  seq bigint NOT NULL,
  op_index int NOT NULL,
  id text NOT NULL,
  debit text NOT NULL,
  credit text NOT NULL,
  amount bigint NOT NULL,
  unit text NOT NULL,
  reason text NOT NULL,
  memo text,
  ref jsonb,
  at_ms bigint NOT NULL,
  PRIMARY KEY (device_id, seq, op_index)
);
CREATE INDEX transfers_debit ON transfers (debit, at_ms);
CREATE INDEX transfers_credit ON transfers (credit, at_ms);
CREATE TABLE unapplied_ops (
  device_id text NOT NULL,
  seq bigint NOT NULL,
  op_index int NOT NULL,
  op text NOT NULL,
  reason text NOT NULL,
  PRIMARY KEY (device_id, seq, op_index)
);
CREATE TABLE conflicts (
  id bigserial PRIMARY KEY,
  device_id text NOT NULL,
  seq bigint NOT NULL,
  op_index int NOT NULL,
  kind text NOT NULL,
  subject text NOT NULL,
  details jsonb NOT NULL,
  status text NOT NULL DEFAULT 'open',
  created_at_ms bigint NOT NULL,
  UNIQUE (device_id, seq, op_index, kind)
);
CREATE TABLE documents (
  kind text PRIMARY KEY,
  version int NOT NULL,
  body jsonb NOT NULL,
  updated_at_ms bigint NOT NULL
);
CREATE TABLE hq_keys (
  id int PRIMARY KEY,
  public_key text NOT NULL,
  private_key_pem text NOT NULL
);
`,
  },
];

const MIGRATION_LOCK_KEY = 7_364_201;

/** Applies the migrations not yet recorded; returns the versions it applied. */
export async function migrate(db: Db, migrations: Migration[] = MIGRATIONS): Promise<number[]> {
  await db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (version int PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
  const applied: number[] = [];
  for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
    const done = await db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
      const existing = await tx.query('SELECT 1 FROM schema_migrations WHERE version = $1', [migration.version]);
      if (existing.rowCount > 0) return false;
      await tx.exec(migration.sql);
      await tx.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [migration.version, migration.name]);
      return true;
    });
    if (done) applied.push(migration.version);
  }
  return applied;
}

export async function appliedMigrations(db: Db): Promise<number[]> {
  const result = await db.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version');
  return result.rows.map((row) => row.version);
}
