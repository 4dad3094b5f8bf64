import type { Migration } from '../migrations.js';

/**
 * Head-office lottery rounds (versions 8401-8499, tables `lottery_*`): the round with its
 * secret seed (revealed only by the draw), and the kiosks it was opened at, each with the
 * directives (`directives_queue`) that open and draw it there.
 */
export const LOTTERY_MIGRATIONS: Migration[] = [
  {
    version: 8401,
    name: 'lottery rounds run by the head office',
    sql: `
CREATE TABLE lottery_rounds (
  id text PRIMARY KEY,
  title text NOT NULL,
  prizes jsonb NOT NULL,
  closes_at_ms bigint NOT NULL,
  store_ids text[],
  seed_hex text NOT NULL,
  seed_hash text NOT NULL,
  created_by text NOT NULL,
  created_at_ms bigint NOT NULL,
  drawn_by text,
  drawn_at_ms bigint
);
CREATE TABLE lottery_round_kiosks (
  lottery_id text NOT NULL REFERENCES lottery_rounds (id),
  device_id text NOT NULL,
  store_id text NOT NULL,
  open_directive_id text NOT NULL,
  draw_directive_id text,
  PRIMARY KEY (lottery_id, device_id)
);
`,
  },
];
