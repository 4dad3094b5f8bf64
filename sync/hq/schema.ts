import type { Db } from './db.js';
import { migrate, MIGRATIONS, type Migration } from './migrations.js';
import { MESSAGES_MIGRATIONS } from './messages/migration.js';
import { ANALYSIS_MIGRATIONS } from './analysis/reviews-store.js';
import { DASHBOARD_MIGRATIONS } from './dashboard/migrations.js';
import { DIRECTIVES_MIGRATIONS } from './directives/migrations.js';
import { RULES_MIGRATIONS } from './rules/migrations.js';
import { INSIGHT_MIGRATIONS } from './insight/migrations.js';
import { LOTTERY_MIGRATIONS } from './lottery/migrations.js';

/**
 * Every part of the head office's schema, in one list: the server, the CLI and the tests
 * migrate with this, so a part's tables exist wherever the part runs. Each part owns a range
 * of versions (core 1-999, messages 7001+, analysis 7101+, dashboard 8001+, rules 8101+,
 * insight 8201+, directives 8301+, lottery 8401+).
 */
export const HQ_MIGRATIONS: Migration[] = [...MIGRATIONS, ...MESSAGES_MIGRATIONS, ...ANALYSIS_MIGRATIONS, ...DASHBOARD_MIGRATIONS, ...DIRECTIVES_MIGRATIONS, ...RULES_MIGRATIONS, ...INSIGHT_MIGRATIONS, ...LOTTERY_MIGRATIONS];

export function migrateHq(db: Db): Promise<number[]> {
  return migrate(db, HQ_MIGRATIONS);
}
