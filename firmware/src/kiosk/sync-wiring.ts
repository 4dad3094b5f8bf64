import type { Config } from '../config/schema.js';
import type { Logger } from '../log/logger.js';
import type { Ledger } from '../ledger/ledger.js';
import type { SyncStatusSource } from './health.js';

export interface SyncWiring {
  status: SyncStatusSource;
  stop(): Promise<void>;
}

/**
 * Starts the head-office sync agent when the configuration enables it. The kiosk is offline
 * first: a missing device key or an unreachable head office is a health status (degraded),
 * never a reason not to serve customers.
 */
export async function startSync(config: Config, ledger: Ledger, dataDir: string, logger: Logger): Promise<SyncWiring | undefined> {
  if (!config.sync.enabled) return undefined;
  const { SyncAgent } = await import('../../../sync/agent/agent.js');
  const { keyFilePath, loadIdentity } = await import('../../../sync/agent/identity.js');
  const log = logger.child({ part: 'sync' });
  try {
    const identity = await loadIdentity(keyFilePath(dataDir, config.sync.keyFile));
    const agent = await SyncAgent.open({ config: config.sync, identity, ledger, dataDir, logger: log });
    agent.start();
    return {
      status: {
        status() {
          const status = agent.status();
          const detail = `${status.phase}, ${status.pendingRecords} records to send${status.alarms.length ? `, alarms: ${status.alarms.join(' ')}` : ''}`;
          const healthy = status.phase !== 'backoff' && status.alarms.length === 0;
          return { state: healthy ? 'ok' : 'degraded', detail };
        },
      },
      stop: () => agent.stop(),
    };
  } catch (error) {
    const message = (error as Error).message;
    log.error({ err: error }, 'sync could not start; the kiosk runs on without it');
    return { status: { status: () => ({ state: 'degraded', detail: `sync could not start: ${message}` }) }, stop: async () => undefined };
  }
}
