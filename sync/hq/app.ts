import Fastify, { LogController, type FastifyInstance, type FastifyRequest } from 'fastify';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Logger } from '../../firmware/src/log/logger.js';
import { HEADER_DEVICE, HEADER_NONCE, HEADER_SIGNATURE, HEADER_TIMESTAMP } from '../protocol/signing.js';
import { ErrorResponseSchema } from '../protocol/messages.js';
import type { Db } from './db.js';
import { authenticate, type AuthenticatedDevice } from './devices.js';
import { HqError } from './errors.js';
import { registerSyncRoutes } from './routes-sync.js';
import { registerAdminRoutes } from './routes-admin.js';
import { registerChainRoutes } from './routes-chain.js';
import { chainCounts } from './queries.js';
import { registerDashboard } from './dashboard/index.js';

declare module 'fastify' {
  interface FastifyRequest {
    rawBody?: Buffer;
    device?: AuthenticatedDevice;
  }
}

export interface HqAppOptions {
  db: Db;
  /** Bearer token for the admin and chain API; absent: those routes refuse everything. */
  adminToken?: string;
  logger?: Logger;
  /** Injected clock, for tests of stale timestamps. */
  nowMs?: () => number;
  bodyLimitBytes?: number;
}

export interface HqContext {
  db: Db;
  nowMs: () => number;
}

/**
 * Builds the head office app without listening (server.ts listens). It holds no state that
 * matters between requests: devices, nonces and the ledger live in the database, so any
 * number of instances can serve behind a load balancer.
 */
export async function buildHqApp(options: HqAppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    ...(options.logger ? { loggerInstance: options.logger } : { logger: false }),
    // Two log lines per kiosk request would drown journald; errors are still logged.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: options.bodyLimitBytes ?? 16 * 1024 * 1024,
    ajv: { customOptions: { removeAdditional: false, useDefaults: true, coerceTypes: 'array', strict: false } },
  });
  const context: HqContext = { db: options.db, nowMs: options.nowMs ?? Date.now };

  // Keep the exact bytes: signatures cover the body as sent, not as re-serialised.
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    request.rawBody = body as Buffer;
    if ((body as Buffer).length === 0) return done(null, undefined);
    try {
      done(null, JSON.parse((body as Buffer).toString('utf8')));
    } catch {
      done(new HqError('BAD_REQUEST', 'body is not valid JSON'), undefined);
    }
  });

  app.setErrorHandler((error: Error & { statusCode?: number; validation?: unknown; code?: string }, request, reply) => {
    if (error instanceof HqError) return reply.code(error.statusCode).send({ code: error.code, message: error.message });
    if (error.validation) return reply.code(400).send({ code: 'BAD_REQUEST', message: error.message });
    if (error.statusCode && error.statusCode < 500) return reply.code(error.statusCode).send({ code: error.code ?? 'BAD_REQUEST', message: error.message });
    request.log.error({ err: error }, 'request failed');
    return reply.code(500).send({ code: 'INTERNAL', message: 'internal error' });
  });

  app.get('/healthz', { schema: { response: { 503: ErrorResponseSchema } } }, async (_request, reply) => {
    try {
      return { ok: true, database: options.db.kind, counts: await chainCounts(options.db) };
    } catch {
      return reply.code(503).send({ code: 'DATABASE_UNAVAILABLE', message: 'database unavailable' });
    }
  });

  await app.register(async (sync) => {
    // Before schema validation: an unsigned caller learns nothing about what the body should be.
    sync.addHook('preValidation', async (request) => {
      request.device = await authenticateRequest(context, request);
    });
    registerSyncRoutes(sync, context);
  });

  const adminTokenHash = options.adminToken ? sha256(options.adminToken) : undefined;
  const requireAdmin = async (request: FastifyRequest) => {
    const header = request.headers.authorization ?? '';
    const presented = header.startsWith('Bearer ') ? header.slice('Bearer '.length) : '';
    if (!adminTokenHash || !timingSafeEqual(sha256(presented), adminTokenHash)) throw new HqError('UNAUTHORIZED', 'admin token required');
  };
  await app.register(async (admin) => {
    admin.addHook('preHandler', requireAdmin);
    registerAdminRoutes(admin, context);
    registerChainRoutes(admin, context);
  });
  await registerDashboard(app as unknown as FastifyInstance, { ...context, ...(options.logger ? { logger: options.logger } : {}) });
  return app as unknown as FastifyInstance;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest();

async function authenticateRequest(context: HqContext, request: FastifyRequest): Promise<AuthenticatedDevice> {
  const header = (name: string) => {
    const value = request.headers[name];
    if (typeof value !== 'string' || value.length === 0 || value.length > 200) throw new HqError('BAD_SIGNATURE', `missing header ${name}`);
    return value;
  };
  const parts = {
    method: request.method,
    path: request.url,
    body: request.rawBody ?? Buffer.alloc(0),
    deviceId: header(HEADER_DEVICE),
    timestampMs: Number(header(HEADER_TIMESTAMP)),
    nonce: header(HEADER_NONCE),
  };
  return authenticate(context.db, parts, header(HEADER_SIGNATURE), context.nowMs());
}
