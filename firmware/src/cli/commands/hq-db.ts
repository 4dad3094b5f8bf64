import { openDatabase, type Db } from '../../../../sync/hq/db.js';
import { migrateHq } from '../../../../sync/hq/schema.js';

/**
 * Opens the head office's database for one command (PostgreSQL from DATABASE_URL, else the
 * embedded one in `dataDir`), brings its schema up to date, runs `work`, and closes it.
 */
export async function withHqDb<T>(dataDir: string, env: NodeJS.ProcessEnv, work: (db: Db) => Promise<T>): Promise<T> {
  const db = await openDatabase({ ...(env.DATABASE_URL ? { databaseUrl: env.DATABASE_URL } : {}), dataDir });
  try {
    await migrateHq(db);
    return await work(db);
  } finally {
    await db.close();
  }
}
