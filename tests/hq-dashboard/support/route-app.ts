import type { FastifyInstance } from 'fastify';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildHqApp } from '../../../sync/hq/app.js';
import { closeGracefully } from '../../../sync/hq/server.js';
import { openPGlite, openPostgres, type Db } from '../../../sync/hq/db.js';
import { migrateHq } from '../../../sync/hq/schema.js';
import { createDatabase, startTempPostgres } from '../../../sync/hq/dev/temp-postgres.js';
import { ADMIN_TOKEN } from '../../sync/support/hq.js';
import { addTestStaff } from './staff.js';

/**
 * A head office for route tests: staff of each role, a settable clock, listening on
 * 127.0.0.1 (kiosks' sync clients need a URL), tests mostly use `app.inject`. On embedded
 * PGlite (the head office's default database) or a real PostgreSQL server — the latter starts
 * in ~1.5 s where PGlite takes 5-15 s on a busy 2-core machine.
 */
export interface RouteDashboard {
  app: FastifyInstance;
  url: string;
  db: Db;
  clock: { nowMs: number };
  /** Rebuilds the app on the same database (a restart). */
  restart(): Promise<FastifyInstance>;
  close(): Promise<void>;
}

async function openBackend(backend: 'pglite' | 'postgres'): Promise<{ db: Db; release: () => Promise<void> }> {
  if (backend === 'postgres') {
    const server = await startTempPostgres({ fsync: false });
    try {
      const db = await openPostgres(await createDatabase(server.url, 'routes'), 10);
      return {
        db,
        release: async () => {
          await db.close();
          await server.stop();
        },
      };
    } catch (error) {
      await server.stop();
      throw error;
    }
  }
  const dir = mkdtempSync(join(tmpdir(), 'bashgah-dashboard-'));
  const db = await openPGlite(dir);
  return {
    db,
    release: async () => {
      await db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function startRouteDashboard(backend: 'pglite' | 'postgres'): Promise<RouteDashboard> {
  const { db, release } = await openBackend(backend);
  try {
    await migrateHq(db);
    // Real time at the start: kiosks' signed requests are checked against this clock.
    const clock = { nowMs: Date.now() };
    await addTestStaff(db, clock.nowMs);
    const build = () => buildHqApp({ db, adminToken: ADMIN_TOKEN, nowMs: () => clock.nowMs });
    const app = await build();
    const url = await app.listen({ host: '127.0.0.1', port: 0 });
    const handle: RouteDashboard = {
      app,
      url,
      db,
      clock,
      async restart() {
        await closeGracefully(handle.app, 50);
        handle.app = await build();
        handle.url = await handle.app.listen({ host: '127.0.0.1', port: 0 });
        return handle.app;
      },
      async close() {
        await closeGracefully(handle.app, 50);
        await release();
      },
    };
    return handle;
  } catch (error) {
    await release();
    throw error;
  }
}
