import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { Notifier, shortStatus } from './notify.js';

/**
 * systemd's software watchdog (WatchdogSec=). The service pets it with WATCHDOG=1 every half
 * period while it is healthy. "Healthy" is measured, not assumed:
 * - the event loop's worst delay since the last pet stays under `maxLoopDelayMs` (a loop
 *   blocked by a synchronous SPI poll or a runaway computation shows up here); a loop that
 *   is stuck for good never runs the timer at all, so the petting stops either way;
 * - the caller's health check (ledger writable, HTTP answering, ...) resolves true within
 *   its time limit.
 * When either fails the pet is skipped and the reason goes to the unit's status line; after
 * WatchdogSec without a pet systemd kills and restarts the service.
 */
export type HealthCheck = () => boolean | Promise<boolean>;

export interface WatchdogOptions {
  env?: NodeJS.ProcessEnv;
  notifier?: Notifier;
  /** Default: half of the time between pets, at most 5 s. */
  maxLoopDelayMs?: number;
  /** Default: half of the time between pets. */
  healthCheckTimeoutMs?: number;
  /** Overrides WATCHDOG_USEC (tests). */
  watchdogUsec?: number;
  /** Told about each decision; for logging (never throws into the loop). */
  onTick?: (tick: WatchdogTick) => void;
}

export interface WatchdogTick {
  healthy: boolean;
  loopDelayMaxMs: number;
  reason?: string;
}

export interface WatchdogHandle {
  /** Whether systemd asked for a watchdog (WATCHDOG_USEC set for this process). */
  readonly active: boolean;
  readonly intervalMs: number;
  stop(): void;
}

/** Reads WATCHDOG_USEC/WATCHDOG_PID the way sd_watchdog_enabled() does; 0 when off. */
export function watchdogUsecFromEnv(env: NodeJS.ProcessEnv, pid = process.pid): number {
  const usec = Number(env.WATCHDOG_USEC);
  if (!Number.isSafeInteger(usec) || usec <= 0) return 0;
  if (env.WATCHDOG_PID !== undefined && env.WATCHDOG_PID !== '' && Number(env.WATCHDOG_PID) !== pid) return 0;
  return usec;
}

/** Smallest allowed pet interval: a misconfigured WatchdogSec=1ms must not spawn a storm. */
const MIN_INTERVAL_MS = 100;

export function startWatchdog(healthCheck: HealthCheck, options: WatchdogOptions = {}): WatchdogHandle {
  const env = options.env ?? process.env;
  const usec = options.watchdogUsec ?? watchdogUsecFromEnv(env);
  const notifier = options.notifier ?? new Notifier({ env });
  if (usec <= 0 || !notifier.enabled) return { active: false, intervalMs: 0, stop: () => {} };

  const intervalMs = Math.max(MIN_INTERVAL_MS, Math.floor(usec / 1000 / 2));
  const maxLoopDelayMs = options.maxLoopDelayMs ?? Math.min(5_000, Math.floor(intervalMs / 2));
  const healthCheckTimeoutMs = options.healthCheckTimeoutMs ?? Math.floor(intervalMs / 2);
  const histogram: IntervalHistogram = monitorEventLoopDelay({ resolution: 20 });
  histogram.enable();

  let stopped = false;
  // The service set its own status with READY=1; only transitions are reported from here.
  let lastStatus = 'ready';
  let timer: NodeJS.Timeout | undefined;

  const tick = async (): Promise<void> => {
    const loopDelayMaxMs = Math.round(histogram.max / 1e6);
    histogram.reset();
    let reason: string | undefined;
    if (loopDelayMaxMs > maxLoopDelayMs) {
      reason = `event loop blocked for ${loopDelayMaxMs} ms (limit ${maxLoopDelayMs} ms)`;
    } else {
      reason = await runHealthCheck(healthCheck, healthCheckTimeoutMs);
    }
    if (stopped) return;
    const healthy = reason === undefined;
    try {
      options.onTick?.({ healthy, loopDelayMaxMs, ...(reason === undefined ? {} : { reason }) });
    } catch {
      // A logging hook must not break the watchdog.
    }
    const status = healthy ? 'ready' : shortStatus(`unhealthy: ${reason}`);
    const state: Record<string, string | number> = healthy ? { WATCHDOG: 1 } : {};
    if (status !== lastStatus) state.STATUS = status;
    if (Object.keys(state).length > 0) {
      await notifier.send(state).then(
        () => {
          lastStatus = status;
        },
        () => {
          // systemd-notify failing (e.g. fork failure) is itself a sign of trouble; the next
          // tick tries again and systemd restarts us if none gets through.
        },
      );
    }
  };

  const schedule = (): void => {
    if (stopped) return;
    timer = setTimeout(() => {
      void tick().finally(schedule);
    }, intervalMs);
  };
  void tick().finally(schedule);

  return {
    active: true,
    intervalMs,
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      histogram.disable();
    },
  };
}

/** Resolves undefined when healthy, else a one-line reason. */
async function runHealthCheck(healthCheck: HealthCheck, timeoutMs: number): Promise<string | undefined> {
  let timeout: NodeJS.Timeout | undefined;
  const timedOut = new Promise<string>((resolve) => {
    timeout = setTimeout(() => resolve(`health check took longer than ${timeoutMs} ms`), timeoutMs);
  });
  const checked = (async () => {
    try {
      return (await healthCheck()) ? undefined : 'health check failed';
    } catch (error) {
      return `health check threw: ${(error as Error).message}`;
    }
  })();
  try {
    return await Promise.race([checked, timedOut]);
  } finally {
    clearTimeout(timeout);
  }
}
