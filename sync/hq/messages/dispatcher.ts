import type { Logger } from '../../../firmware/src/log/logger.js';
import { afterQuietHours } from './calendar.js';
import type { MessagesConfig } from './config.js';
import type { OutboxStore } from './store.js';
import type { Channel, ClaimedMessage, MessageProvider } from './types.js';

/**
 * Sends what the outbox holds. The order that makes "never twice" hold:
 *  1. claim: in one transaction the attempt is counted, recorded and leased — before sending;
 *  2. send, with a reference that is the same on every attempt of this message;
 *  3. record the outcome, fenced by the attempt number.
 * If the process dies between 2 and 3, the lease runs out and the message comes back marked
 * `interrupted`: the provider may or may not have it. Then it is resent only when the
 * provider refuses duplicates of a reference (`dedupesReference`); otherwise it is marked
 * failed ("outcome unknown") for a person to check, never resent blindly.
 */
export interface DispatcherOptions {
  store: OutboxStore;
  providers: Partial<Record<Channel, MessageProvider>>;
  config: MessagesConfig;
  logger: Logger;
  now?: () => number;
  /** 0..1; the backoff delay is drawn from [d/2, d]. */
  random?: () => number;
  /** How long a claimed message belongs to this worker; must exceed the providers' timeouts. */
  leaseMs?: number;
}

export interface DispatchSummary {
  claimed: number;
  sent: number;
  retried: number;
  failed: number;
  cancelled: number;
}

export function backoffDelayMs(attempt: number, config: Pick<MessagesConfig, 'backoffInitialMs' | 'backoffMaxMs'>, random: () => number): number {
  const full = Math.min(config.backoffMaxMs, config.backoffInitialMs * 2 ** Math.min(attempt - 1, 30));
  return Math.round(full / 2 + (full / 2) * random());
}

export const INTERRUPTED_REASON = 'interrupted during sending; the provider may have it; not resent to avoid a duplicate';

export class Dispatcher {
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly leaseMs: number;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> = Promise.resolve();
  private stopped = true;

  constructor(private readonly options: DispatcherOptions) {
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
    const timeouts = [options.config.smtp?.timeoutMs ?? 0, options.config.smsGateway?.timeoutMs ?? 0];
    this.leaseMs = options.leaseMs ?? Math.max(...timeouts) * 2 + 10_000;
  }

  /** Channels that have a provider and are outside their quiet hours right now. */
  openChannels(nowMs: number): Channel[] {
    const { quietHours, timeZone } = this.options.config;
    return (['sms', 'email'] as const).filter(
      (channel) => this.options.providers[channel] && (!quietHours.channels.includes(channel) || afterQuietHours(nowMs, quietHours, timeZone) === nowMs),
    );
  }

  async runOnce(): Promise<DispatchSummary> {
    const summary: DispatchSummary = { claimed: 0, sent: 0, retried: 0, failed: 0, cancelled: 0 };
    const nowMs = this.now();
    const claimed = await this.options.store.claimDue(this.openChannels(nowMs), nowMs, this.options.config.batchSize, this.leaseMs);
    summary.claimed = claimed.length;
    for (const message of claimed) summary[await this.deliver(message)] += 1;
    return summary;
  }

  private async deliver(message: ClaimedMessage): Promise<'sent' | 'retried' | 'failed' | 'cancelled'> {
    const { store, config, logger } = this.options;
    const provider = this.options.providers[message.channel]!;
    const attempt = message.attempts;
    const log = { messageId: message.id, channel: message.channel, occasion: message.occasion, attempt };
    if (message.memberId !== null && !(await store.hasConsent(message.memberId, message.channel))) {
      await store.cancel(message.id, `no ${message.channel} consent`, this.now());
      logger.info(log, 'message cancelled: no consent');
      return 'cancelled';
    }
    if (message.interrupted && !provider.dedupesReference) {
      await store.markFailed(message.id, attempt, INTERRUPTED_REASON, this.now());
      logger.warn(log, 'message interrupted mid-send; marked failed for review');
      return 'failed';
    }
    if (attempt > message.attemptsMax) {
      await store.markFailed(message.id, attempt, `gave up after ${message.attemptsMax} attempts: ${message.lastError ?? 'interrupted'}`, this.now());
      return 'failed';
    }
    const result = await provider.send({ recipient: message.recipient, ...(message.subject !== undefined && { subject: message.subject }), body: message.body, reference: `bashgah-${message.id}` });
    const doneMs = this.now();
    if (result.ok) {
      await store.markSent(message.id, attempt, result.providerMessageId, doneMs);
      logger.info(log, 'message sent');
      return 'sent';
    }
    if (result.permanent || attempt >= message.attemptsMax) {
      const reason = result.permanent ? result.error : `gave up after ${attempt} attempts: ${result.error}`;
      await store.markFailed(message.id, attempt, reason, doneMs);
      // The provider's words may quote the recipient: they go to the database, not the log.
      logger.warn({ ...log, permanent: result.permanent }, 'message failed');
      return 'failed';
    }
    const dueMs = doneMs + backoffDelayMs(attempt, config, this.random);
    const nextMs = config.quietHours.channels.includes(message.channel) ? afterQuietHours(dueMs, config.quietHours, config.timeZone) : dueMs;
    await store.markRetry(message.id, attempt, result.error, nextMs, doneMs);
    logger.info({ ...log, nextAttemptAtMs: nextMs }, 'message will be retried');
    return 'retried';
  }

  /** Polls every `pollIntervalMs` until stop(); one round at a time. */
  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    const tick = (): void => {
      this.running = this.runOnce()
        .catch((error: unknown) => this.options.logger.error({ err: error }, 'outbox round failed'))
        .finally(() => {
          if (!this.stopped) this.timer = setTimeout(tick, this.options.config.pollIntervalMs);
        });
    };
    tick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }
}
