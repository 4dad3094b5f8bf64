import type { Config } from '../config/schema.js';
import type { Logger } from '../log/logger.js';
import { notifyReady, notifyStopping } from '../ops/notify.js';
import { startWatchdog } from '../ops/watchdog.js';
import type { TokenEntry } from '../server/plugins/auth.js';
import { composeKiosk, type Kiosk } from './compose.js';

export interface ServeOptions {
  config: Config;
  dataDir: string;
  logger: Logger;
  extraTokens?: TokenEntry[];
  /** Called once HTTP listens (the demo prints its URL and tokens here). */
  onListening?: (kiosk: Kiosk, url: string) => Promise<void> | void;
  /** Called after shutdown, before the process exits. */
  onStopped?: () => Promise<void> | void;
}

/**
 * Runs the kiosk until SIGTERM or SIGINT: compose, listen, tell systemd it is ready, feed the
 * watchdog from a real health check, then close everything in order on the signal.
 */
export async function serveKiosk(options: ServeOptions): Promise<number> {
  const { logger } = options;
  const kiosk = await composeKiosk({ config: options.config, dataDir: options.dataDir, logger, ...(options.extraTokens && { extraTokens: options.extraTokens }) });
  let address: { url: string };
  try {
    address = await kiosk.listen();
  } catch (error) {
    await kiosk.close();
    throw error;
  }
  await options.onListening?.(kiosk, address.url);
  await notifyReady(`serving ${address.url}`);
  // systemd restarts the service when this fails: only for what a restart can fix (a stuck
  // event loop, which the watchdog measures itself, or a broken journal) — not for a full
  // disk or a missing printer, which would only make it restart in a loop.
  const watchdog = startWatchdog(async () => {
    const response = await kiosk.app.inject({ method: 'GET', url: '/healthz' });
    return (response.json() as { checks?: { journal?: { state?: string } } }).checks?.journal?.state === 'ok';
  }, { onTick: (tick) => { if (!tick.healthy) logger.warn({ reason: tick.reason }, 'watchdog: unhealthy'); } });

  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGTERM', () => resolve('SIGTERM'));
    process.once('SIGINT', () => resolve('SIGINT'));
  });
  logger.info({ signal }, 'shutting down');
  await notifyStopping();
  watchdog.stop();
  // A second signal during shutdown ends the process at once.
  const hardStop = () => process.exit(1);
  process.once('SIGTERM', hardStop);
  process.once('SIGINT', hardStop);
  await kiosk.close();
  await options.onStopped?.();
  return 0;
}
