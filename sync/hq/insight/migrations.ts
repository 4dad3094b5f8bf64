import type { Migration } from '../migrations.js';

/**
 * Insight's schema (versions 8201-8299). Charts and exports read ledger transfers by time
 * for the whole chain; the core schema indexes them only by account, so a window would scan
 * the table. Only indexes: insight keeps no state of its own (flag reviews live in
 * `analysis_flag_reviews`, messages in `messages_*`).
 */
export const INSIGHT_MIGRATIONS: Migration[] = [
  {
    version: 8201,
    name: 'insight: transfers by time, members by enrolment time',
    sql: `
CREATE INDEX IF NOT EXISTS insight_transfers_at ON transfers (at_ms);
CREATE INDEX IF NOT EXISTS insight_members_created ON members (created_at_ms);
CREATE INDEX IF NOT EXISTS insight_conflicts_created ON conflicts (created_at_ms);
`,
  },
];
