import type { Migration } from '../migrations.js';

/** Members enrolled before directives existed: their kiosk is read from the journal once. */
export const MEMBER_HOMES_BACKFILL_SQL = `
INSERT INTO directives_member_homes (member_id, device_id)
SELECT DISTINCT ON (op->>'memberId') op->>'memberId', j.device_id
FROM journal j, jsonb_array_elements(j.record->'ops') AS op
WHERE op->>'op' = 'member.create' AND op->>'memberId' IS NOT NULL
ORDER BY op->>'memberId', j.received_at_ms, j.device_id, j.seq
ON CONFLICT DO NOTHING;
`;

/**
 * Directives (versions 8301-8399, tables `directives_*`): the per-store queue of adjustments
 * and merges with their delivery state, the members merged away, and the fleet status kiosks
 * report on every pull.
 */
export const DIRECTIVES_MIGRATIONS: Migration[] = [
  {
    version: 8301,
    name: 'directives queue, merged members, device status',
    sql: `
CREATE TABLE directives_queue (
  id text PRIMARY KEY,
  store_id text NOT NULL,
  device_id text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('adjust', 'merge')),
  member_id text NOT NULL,
  merged_member_id text,
  points bigint,
  reason text,
  requested_by text NOT NULL,
  state text NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'delivered', 'applied', 'failed')),
  failure_code text,
  failure_message text,
  created_at_ms bigint NOT NULL,
  delivered_at_ms bigint,
  deliveries int NOT NULL DEFAULT 0,
  settled_at_ms bigint,
  settled_seq bigint
);
CREATE INDEX directives_queue_open ON directives_queue (device_id, created_at_ms) WHERE state IN ('queued', 'delivered');
CREATE INDEX directives_queue_member ON directives_queue (member_id, created_at_ms);
CREATE INDEX directives_queue_merged ON directives_queue (merged_member_id) WHERE merged_member_id IS NOT NULL;
CREATE TABLE directives_merged_members (
  merged_member_id text PRIMARY KEY,
  survivor_member_id text NOT NULL,
  device_id text NOT NULL,
  seq bigint NOT NULL,
  at_ms bigint NOT NULL
);
CREATE TABLE directives_device_status (
  device_id text PRIMARY KEY,
  reported_at_ms bigint NOT NULL,
  software_version text NOT NULL,
  queue_depth int NOT NULL,
  health jsonb NOT NULL
);
`,
  },
  {
    version: 8302,
    name: 'directives: the kiosk that enrolled each member',
    sql: `
CREATE TABLE directives_member_homes (
  member_id text PRIMARY KEY,
  device_id text NOT NULL
);
${MEMBER_HOMES_BACKFILL_SQL}`,
  },
  {
    version: 8303,
    name: 'directives: the loyalty rules version each kiosk runs',
    // NULL: not reported (older kiosk); 0: the kiosk's own config file rules.
    sql: `ALTER TABLE directives_device_status ADD COLUMN rules_version int;`,
  },
  {
    version: 8304,
    name: 'directives: head-office lottery rounds (open and draw) for kiosks',
    // The round's fields travel as the kiosk's op wants them; members play no part in them.
    sql: `
ALTER TABLE directives_queue DROP CONSTRAINT directives_queue_kind_check;
ALTER TABLE directives_queue ADD CONSTRAINT directives_queue_kind_check CHECK (kind IN ('adjust', 'merge', 'lottery.open', 'lottery.draw'));
ALTER TABLE directives_queue ALTER COLUMN member_id DROP NOT NULL;
ALTER TABLE directives_queue ADD COLUMN lottery_id text;
ALTER TABLE directives_queue ADD COLUMN lottery jsonb;
CREATE INDEX directives_queue_lottery ON directives_queue (lottery_id) WHERE lottery_id IS NOT NULL;
`,
  },
];
