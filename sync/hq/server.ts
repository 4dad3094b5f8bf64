import type { FastifyInstance } from 'fastify';
import type { Logger } from '../../firmware/src/log/logger.js';
import { buildHqApp } from './app.js';
import { openDatabase, type Db } from './db.js';
import { migrateHq } from './schema.js';
import { parseMessagesConfig, type MessagesConfig } from './messages/config.js';
import { startMessagesRuntime, type MessagesRuntime } from './insight/messages-runtime.js';
import { createLogger } from '../../firmware/src/log/logger.js';

/** Opens the database, migrates it, and listens. `close()` stops accepting, drains, closes the pool. */
export interface HqServerOptions {
  databaseUrl?: string;
  dataDir: string;
  host: string;
  port: number;
  adminToken?: string;
  logger?: Logger;
  /** The outbox's configuration (providers off unless configured); absent: `{}`. */
  messages?: MessagesConfig;
}

export interface HqServer {
  app: FastifyInstance;
  db: Db;
  url: string;
  /** The outbox dispatcher and the hourly occasion planner, stopped by close(). */
  messages: MessagesRuntime;
  close(): Promise<void>;
}

export async function startHqServer(options: HqServerOptions): Promise<HqServer> {
  const db = await openDatabase({ ...(options.databaseUrl ? { databaseUrl: options.databaseUrl } : {}), dataDir: options.dataDir });
  try {
    await migrateHq(db);
    const app = await buildHqApp({ db, ...(options.adminToken ? { adminToken: options.adminToken } : {}), ...(options.logger ? { logger: options.logger } : {}) });
    app.server.requestTimeout = 60_000;
    app.server.headersTimeout = 15_000;
    app.server.keepAliveTimeout = 5_000;
    const url = await app.listen({ host: options.host, port: options.port });
    const messages = startMessagesRuntime({
      db,
      config: options.messages ?? parseMessagesConfig({}),
      logger: options.logger ?? createLogger({ name: 'bashgah-hq', level: 'silent' }),
    });
    return {
      app,
      db,
      url,
      messages,
      async close() {
        await messages.stop();
        await closeGracefully(app);
        await db.close();
      },
    };
  } catch (error) {
    await db.close();
    throw error;
  }
}

/**
 * Stops accepting, lets requests in flight finish for `graceMs`, then cuts what is left: a
 * keep-alive connection that was busy when close began would otherwise hold the process open.
 */
export async function closeGracefully(app: FastifyInstance, graceMs = 5000): Promise<void> {
  const timer = setTimeout(() => app.server.closeAllConnections(), graceMs);
  timer.unref();
  try {
    await app.close();
  } finally {
    clearTimeout(timer);
  }
}
