import type { Migration } from '../migrations.js';

/**
 * The dashboard's own tables (versions 8001-8099, prefix `dashboard_`): staff users, their
 * sessions and the audit trail. The lock-out lives in the user row so that it survives a
 * restart and holds across several head office instances.
 */
export const DASHBOARD_MIGRATIONS: Migration[] = [
  {
    version: 8001,
    name: 'dashboard users, sessions, audit',
    sql: `
CREATE TABLE dashboard_users (
  id bigserial PRIMARY KEY,
  username text NOT NULL UNIQUE,
  display_name text NOT NULL,
  role text NOT NULL CHECK (role IN ('manager', 'store-manager', 'support')),
  store_ids jsonb,
  password_hash text NOT NULL,
  disabled_at_ms bigint,
  failed_attempts int NOT NULL DEFAULT 0,
  locked_until_ms bigint,
  created_at_ms bigint NOT NULL,
  updated_at_ms bigint NOT NULL,
  CHECK ((role = 'store-manager') = (store_ids IS NOT NULL))
);
CREATE TABLE dashboard_sessions (
  id_hash text PRIMARY KEY,
  user_id bigint NOT NULL REFERENCES dashboard_users (id) ON DELETE CASCADE,
  csrf_token text NOT NULL,
  created_at_ms bigint NOT NULL,
  last_seen_at_ms bigint NOT NULL,
  expires_at_ms bigint NOT NULL
);
CREATE INDEX dashboard_sessions_user ON dashboard_sessions (user_id);
CREATE INDEX dashboard_sessions_expiry ON dashboard_sessions (expires_at_ms);
CREATE TABLE dashboard_audit (
  id bigserial PRIMARY KEY,
  at_ms bigint NOT NULL,
  user_id bigint,
  username text NOT NULL,
  role text,
  action text NOT NULL,
  subject text NOT NULL,
  details jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX dashboard_audit_at ON dashboard_audit (at_ms DESC, id DESC);
CREATE INDEX dashboard_audit_subject ON dashboard_audit (subject, at_ms DESC);
`,
  },
];
