import type { FastifyInstance } from 'fastify';
import type { Logger } from '../log/logger.js';

export interface ListenOptions {
  host: string;
  port: number;
}

/** Limits on slow or idle clients, so a stuck POS cannot hold sockets forever. */
const TIMEOUTS = { requestMs: 15_000, headersMs: 10_000, keepAliveMs: 5_000 };
const CLOSE_GRACE_MS = 5_000;

/** Listens on the app; returns the address and a `close` that drains connections first. */
export async function listen(app: FastifyInstance, options: ListenOptions, logger: Logger): Promise<{ url: string; port: number; close: () => Promise<void> }> {
  app.server.requestTimeout = TIMEOUTS.requestMs;
  app.server.headersTimeout = TIMEOUTS.headersMs;
  app.server.keepAliveTimeout = TIMEOUTS.keepAliveMs;
  await app.listen({ host: options.host, port: options.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : options.port;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      // Sockets that do not finish within the grace period are cut: shutdown must end.
      const timer = setTimeout(() => {
        logger.warn('closing connections that did not finish in time');
        app.server.closeAllConnections();
      }, CLOSE_GRACE_MS);
      timer.unref();
      for (const client of app.websocketServer?.clients ?? []) client.close(1001, 'server shutting down');
      await app.close();
      clearTimeout(timer);
    })();
    return closing;
  };
  return { url: `http://${host}:${port}`, port, close };
}
