import { readFile } from 'node:fs/promises';
import type { Config } from '../config/schema.js';
import type { Logger } from '../log/logger.js';
import type { Ledger } from '../ledger/ledger.js';
import type { HealthCheck, HealthReport } from '../server/routes/health.js';
import type { SyncStatusSource } from './health.js';
import type { HqLoyaltyRules, RulesTarget } from '../../../sync/agent/hq-rules.js';
import type { PullResponse } from '../../../sync/protocol/messages.js';
import type { StatusCheck } from '../../../sync/protocol/directives.js';

export interface SyncWiring {
  status: SyncStatusSource;
  /** A card the chain blocked (pulled from the head office): the kiosk refuses it like its own blocked cards. */
  isCardBlocked(cardId: string): boolean;
  /** One exchange now, pull included (tests, the technician); throws when it fails. */
  syncNow(): Promise<void>;
  stop(): Promise<void>;
}

export interface SyncHooks {
  /** Where a pulled `loyalty` document is journaled (the loyalty service). */
  loyalty?: RulesTarget;
  /** The head office's rules as loaded before the loyalty service opened (`loadHqRules`). */
  rules?: HqLoyaltyRules;
  /** The kiosk's /healthz report, sent with each pull for the fleet view. */
  health?: () => Promise<HealthReport | undefined>;
}

/**
 * The head office's loyalty rules kept from an earlier pull, when sync is on: they take
 * precedence over the config file's `loyalty` section (call before the loyalty service opens).
 */
export async function loadHqRules(config: Config, dataDir: string, logger: Logger): Promise<HqLoyaltyRules | undefined> {
  if (!config.sync.enabled) return undefined;
  const { HqLoyaltyRules } = await import('../../../sync/agent/hq-rules.js');
  const rules = await HqLoyaltyRules.load(dataDir, logger.child({ part: 'sync' }));
  if (rules.acceptedVersion !== undefined) logger.info({ version: rules.acceptedVersion }, 'loyalty rules from the head office take precedence over the config file');
  return rules;
}

/**
 * Starts the head-office sync agent when the configuration enables it. The kiosk is offline
 * first: a missing device key or an unreachable head office is a health status (degraded),
 * never a reason not to serve customers. What a pull brings is carried out here: chain-wide
 * card blocks, directives (adjustments, merges) and the head office's loyalty rules.
 */
export async function startSync(config: Config, ledger: Ledger, dataDir: string, logger: Logger, hooks: SyncHooks = {}): Promise<SyncWiring | undefined> {
  if (!config.sync.enabled) return undefined;
  const { SyncAgent } = await import('../../../sync/agent/agent.js');
  const { keyFilePath, loadIdentity } = await import('../../../sync/agent/identity.js');
  const { DirectiveExecutor } = await import('../../../sync/agent/directive-executor.js');
  const { LOYALTY_DOCUMENT_KIND } = await import('../../../sync/agent/hq-rules.js');
  const log = logger.child({ part: 'sync' });
  try {
    const identity = await loadIdentity(keyFilePath(dataDir, config.sync.keyFile));
    const executor = new DirectiveExecutor(ledger, log);
    const version = await softwareVersion();
    const onPull = async (page: PullResponse) => {
      await executor.apply(page);
      const document = page.documents.find((candidate) => candidate.kind === LOYALTY_DOCUMENT_KIND);
      if (document && hooks.rules && hooks.loyalty) await hooks.rules.apply(document, hooks.loyalty, ledger.clock.now().atMs);
    };
    const reportStatus = async () => {
      const report = await hooks.health?.();
      if (!report) return undefined;
      return {
        softwareVersion: version,
        printer: check(report.checks.printer),
        readers: check(report.checks.readers),
        ledger: check(report.checks.journal),
        uptimeS: Math.max(0, Math.floor(report.uptimeSeconds)),
        // So the fleet view shows whether a published rules change has reached this kiosk.
        rulesVersion: hooks.rules?.acceptedVersion ?? 0,
      };
    };
    const agent = await SyncAgent.open({ config: config.sync, identity, ledger, dataDir, logger: log, onPull, reportStatus });
    agent.start();
    return {
      status: {
        status() {
          const status = agent.status();
          const alarms = [...status.alarms, ...(hooks.rules?.alarms() ?? [])];
          const detail = `${status.phase}, ${status.pendingRecords} records to send${alarms.length ? `, alarms: ${alarms.join(' ')}` : ''}`;
          const healthy = status.phase !== 'backoff' && alarms.length === 0;
          return { state: healthy ? 'ok' : 'degraded', detail };
        },
      },
      isCardBlocked: (cardId) => agent.cache.isCardBlocked(cardId),
      syncNow: () => agent.syncOnce({ pullNow: true }),
      stop: () => agent.stop(),
    };
  } catch (error) {
    const message = (error as Error).message;
    log.error({ err: error }, 'sync could not start; the kiosk runs on without it');
    return {
      status: { status: () => ({ state: 'degraded', detail: `sync could not start: ${message}` }) },
      isCardBlocked: () => false,
      syncNow: async () => {
        throw new Error(`sync could not start: ${message}`);
      },
      stop: async () => undefined,
    };
  }
}

/** A health check as the protocol bounds it (the head office refuses longer strings). */
function check(source: HealthCheck | undefined): StatusCheck {
  const state = String(source?.state ?? 'absent').slice(0, 20);
  return source?.detail ? { state, detail: source.detail.slice(0, 300) } : { state };
}

/** The version in package.json, from src/ or dist/. */
async function softwareVersion(): Promise<string> {
  for (const relative of ['../../../package.json', '../../../../package.json']) {
    try {
      const parsed = JSON.parse(await readFile(new URL(relative, import.meta.url), 'utf8')) as { name?: string; version?: string };
      if (typeof parsed.version === 'string' && parsed.version.length > 0) return parsed.version.slice(0, 64);
    } catch {
      // not here; try the next place
    }
  }
  return 'unknown';
}
