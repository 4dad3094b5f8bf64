import { createReadStream } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import fastifyStatic from '@fastify/static';
import type { Logger } from '../../../firmware/src/log/logger.js';
import type { HqContext } from '../app.js';
import { createAudit } from './audit.js';
import { createRoleGuard } from './guard.js';
import { registerAuthRoutes } from './routes-auth.js';
import { registerAuditRoutes } from './routes-audit.js';
import { registerPeopleRoutes } from './routes-people.js';
import type { DashboardDeps } from './types.js';
import { registerRulesRoutes } from '../rules/index.js';
import { registerInsightRoutes } from '../insight/index.js';
import { registerDirectivesRoutes } from '../directives/routes.js';
import { registerLotteryRoutes } from '../lottery/index.js';

export type { DashboardDeps, StaffUser, StaffRole, AuditFn, RoleGuard, AuditEntry } from './types.js';
export { assertStoreAccess, canAccessStore, staffUserOf } from './types.js';

/** The repository root (sync/hq/dashboard-ui, kiosk-ui, node_modules), from src or from dist. */
export const DASHBOARD_ROOT_DIR = fileURLToPath(new URL('../../../', import.meta.url).href.replace(/\/dist\/$/, '/'));

export interface DashboardContext extends HqContext {
  logger?: Logger;
  rootDir?: string;
}

const PAGE_HEADERS = {
  'content-security-policy': "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; font-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

/**
 * The head office dashboard: the UI at `/` and `/ui/`, the API under `/v1/dashboard/`. Each
 * slice registers its routes here with one line.
 */
export async function registerDashboard(app: FastifyInstance, context: DashboardContext): Promise<void> {
  const root = context.rootDir ?? DASHBOARD_ROOT_DIR;
  const deps: DashboardDeps = {
    db: context.db,
    nowMs: context.nowMs,
    ...(context.logger ? { logger: context.logger } : {}),
    audit: createAudit(context.nowMs),
    requireRole: createRoleGuard(context.db, context.nowMs),
  };

  app.get('/', async (_request, reply) => reply.headers(PAGE_HEADERS).type('text/html; charset=utf-8').send(createReadStream(`${root}sync/hq/dashboard-ui/index.html`)));
  await app.register(fastifyStatic, { root: `${root}sync/hq/dashboard-ui`, prefix: '/ui/', decorateReply: false, cacheControl: false, index: false });
  await app.register(fastifyStatic, { root: `${root}node_modules/vazirmatn`, prefix: '/ui/fonts/vazirmatn/', decorateReply: false, maxAge: 86_400_000 });
  // The kiosk's Jalali calendar and element builder are reused as they are, not copied.
  await app.register(fastifyStatic, {
    root: `${root}kiosk-ui`,
    prefix: '/ui/kiosk-ui/',
    decorateReply: false,
    cacheControl: false,
    allowedPath: (pathName) => pathName === '/jalali.js' || pathName === '/dom.js',
  });

  await app.register(
    async (api) => {
      await registerAuthRoutes(api, deps);
      await registerAuditRoutes(api, deps);
      await registerPeopleRoutes(api, deps);
      await registerRulesRoutes(api, deps);
      await registerInsightRoutes(api, deps);
      await registerDirectivesRoutes(api, deps);
      await registerLotteryRoutes(api, deps);
    },
    { prefix: '/v1/dashboard' },
  );
}
