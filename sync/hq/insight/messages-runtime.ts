import { readFile } from 'node:fs/promises';
import type { Logger } from '../../../firmware/src/log/logger.js';
import { ConfigError } from '../../../firmware/src/config/load.js';
import type { Db } from '../db.js';
import { Dispatcher } from '../messages/dispatcher.js';
import { parseMessagesConfig, type MessagesConfig } from '../messages/config.js';
import { providersFromConfig } from '../messages/providers.js';
import type { Channel, MessageProvider } from '../messages/types.js';
import { MemberConsentOutboxStore, planOccasionsNow, syncConsent } from './messages-service.js';

/**
 * The outbox running inside `bashgah hq serve`: the dispatcher polls and sends, and once at
 * start and every hour the members' consent is copied and today's occasions are planned.
 * Providers come from the messages configuration and are off unless configured; with no
 * provider nothing is planned (a birthday wish queued for a gateway configured next month
 * would arrive late) and nothing leaves the building.
 */
export interface MessagesRuntime {
  readonly config: MessagesConfig;
  readonly store: MemberConsentOutboxStore;
  readonly channels: Channel[];
  /** Consent copy and occasion planning, as the hourly timer runs it. */
  planNow(): Promise<{ created: number; existing: number }>;
  stop(): Promise<void>;
}

export interface MessagesRuntimeOptions {
  db: Db;
  config: MessagesConfig;
  logger: Logger;
  nowMs?: () => number;
  /** Tests inject providers pointed at local sinks; by default they come from the config. */
  providers?: Partial<Record<Channel, MessageProvider>>;
  planIntervalMs?: number;
}

export const PLAN_INTERVAL_MS = 60 * 60_000;

/** The configuration of the head office's messages: `{}` (no providers) without a file. */
export async function loadMessagesConfig(path: string | undefined): Promise<MessagesConfig> {
  if (!path) return parseMessagesConfig({});
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ConfigError(path, [`cannot read: ${(error as Error).message}`]);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(path, [`not JSON: ${(error as Error).message}`]);
  }
  return parseMessagesConfig(json, path);
}

/** The config the dashboard's composer uses for one database (set by the server at start). */
const configs = new WeakMap<Db, MessagesRuntime>();
export const messagesRuntimeFor = (db: Db): MessagesRuntime | undefined => configs.get(db);

export function startMessagesRuntime(options: MessagesRuntimeOptions): MessagesRuntime {
  const { db, config, logger } = options;
  const now = options.nowMs ?? Date.now;
  const store = new MemberConsentOutboxStore(db);
  const providers = options.providers ?? providersFromConfig(config);
  const channels = (Object.keys(providers) as Channel[]).sort();
  const dispatcher = new Dispatcher({ store, providers, config, logger, now });
  let planning: Promise<unknown> = Promise.resolve();
  let stopped = false;

  const planNow = async (): Promise<{ created: number; existing: number }> => {
    await syncConsent(db, now());
    if (channels.length === 0) return { created: 0, existing: 0 };
    const result = await planOccasionsNow(db, store, config, now());
    if (result.created > 0) logger.info({ created: result.created }, 'messages: occasions planned');
    return result;
  };
  const runPlan = (): void => {
    if (stopped) return;
    planning = planNow().catch((error: unknown) => logger.error({ err: error }, 'messages: planning failed'));
  };
  runPlan();
  const timer = setInterval(runPlan, options.planIntervalMs ?? PLAN_INTERVAL_MS);
  timer.unref();
  dispatcher.start();
  logger.info({ channels }, channels.length ? 'messages: outbox dispatcher started' : 'messages: no provider configured; nothing will be sent');

  const runtime: MessagesRuntime = {
    config,
    store,
    channels,
    planNow,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await planning;
      await dispatcher.stop();
      configs.delete(db);
    },
  };
  configs.set(db, runtime);
  return runtime;
}
