import { fileURLToPath } from 'node:url';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import fastifySwagger from '@fastify/swagger';
import fastifyWebsocket from '@fastify/websocket';
import fastifyStatic from '@fastify/static';
import type { Logger } from '../log/logger.js';
import type { Club } from '../kiosk/club-types.js';
import { createAuthorizer, type TokenEntry } from './plugins/auth.js';
import { installErrorHandling } from './plugins/error-handler.js';
import { ErrorResponse } from './schemas.js';
import { memberRoutes } from './routes/members.js';
import { purchaseRoutes } from './routes/purchases.js';
import { voucherRoutes } from './routes/vouchers.js';
import { healthRoutes, type HealthReport } from './routes/health.js';
import { controlRoutes, type SimulatorControl } from './routes/control.js';
import { kioskSocketRoutes, type KioskChannel } from './routes/kiosk-socket.js';
import { MAX_MESSAGE_BYTES } from '../kiosk/protocol.js';

export interface AppOptions {
  logger: Logger;
  tokens: readonly TokenEntry[];
  club: Club;
  kiosk: KioskChannel;
  health: () => Promise<HealthReport>;
  /** Present only when the hardware is simulated (`bashgah demo`). */
  simulator?: SimulatorControl;
  /** Where kiosk-ui/ and node_modules/vazirmatn are; defaults to the repository root. */
  rootDir?: string;
}

const BODY_LIMIT_BYTES = 16 * 1024;
export const DEFAULT_ROOT_DIR = fileURLToPath(new URL('../../../', import.meta.url).href.replace(/\/dist\/$/, '/'));

/** Builds the app; never listens (server.ts does). Tests use `app.inject()`. */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: options.logger as FastifyBaseLogger,
    bodyLimit: BODY_LIMIT_BYTES,
    // Reject, never silently drop or coerce: a POS that sends a wrong field must hear about it.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, useDefaults: true, allErrors: false } },
    return503OnClosing: true,
    // A scanned voucher QR payload (~150 characters) travels as a path parameter.
    routerOptions: { maxParamLength: 256 },
  });

  // External plugins first.
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: 'Bashgah kiosk POS API', version: '1.0.0', description: 'Members, purchases and vouchers for point-of-sale integrators.' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    },
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, index) => (typeof json.$id === 'string' ? json.$id : `def-${index}`) },
  });
  await app.register(fastifyWebsocket, { options: { maxPayload: MAX_MESSAGE_BYTES } });
  const root = options.rootDir ?? DEFAULT_ROOT_DIR;
  await app.register(fastifyStatic, { root: `${root}kiosk-ui`, prefix: '/', index: 'index.html', decorateReply: false, cacheControl: false });
  await app.register(fastifyStatic, { root: `${root}node_modules/vazirmatn`, prefix: '/fonts/vazirmatn/', decorateReply: false, maxAge: 86_400_000 });

  // Then the app's own.
  app.addSchema(ErrorResponse);
  installErrorHandling(app);
  const requireRole = createAuthorizer(options.tokens);
  const context = { club: options.club, requireRole };
  await app.register(memberRoutes, context);
  await app.register(purchaseRoutes, context);
  await app.register(voucherRoutes, context);
  await app.register(healthRoutes, { health: options.health });
  await app.register(kioskSocketRoutes, { channel: options.kiosk });
  if (options.simulator) await app.register(controlRoutes, { simulator: options.simulator, requireRole });

  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  await app.ready();
  return app;
}
