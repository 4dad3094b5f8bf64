import { ReaderEventSource } from './reader-events.js';
import type { Logger } from '../../firmware/src/log/logger.js';
import type { DeviceStatus } from '../status.js';
import type { ReaderDriver } from './driver.js';
import type { CardReaders } from './types.js';

const FORWARDED_EVENTS = ['card', 'removed', 'problem', 'status'] as const;

/**
 * Every configured driver behind the CardReaders interface. A driver that fails to start is a
 * status (`offline`, with the reason), never a crash: the kiosk keeps working with the others.
 */
export class ReaderHub extends ReaderEventSource implements CardReaders {
  private readonly failedStarts = new Map<string, DeviceStatus>();

  constructor(
    readonly drivers: readonly ReaderDriver[],
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {
    super();
    for (const driver of drivers) {
      for (const event of FORWARDED_EVENTS) {
        driver.on(event, (...payload: unknown[]) => void this.emitter.emit(event, ...payload));
      }
    }
  }

  statuses(): DeviceStatus[] {
    return this.drivers.flatMap((driver) => this.failedStarts.get(driver.id) ?? driver.statuses());
  }

  /** The driver with this id, e.g. the simulated twin the demo drives. */
  driver<T extends ReaderDriver>(id: string, type: abstract new (...args: never[]) => T): T | undefined {
    const found = this.drivers.find((driver) => driver.id === id && driver instanceof type);
    return found as T | undefined;
  }

  async start(): Promise<void> {
    await Promise.all(this.drivers.map((driver) => this.startOne(driver)));
  }

  async stop(): Promise<void> {
    await Promise.all(
      this.drivers.map(async (driver) => {
        try {
          await driver.stop();
        } catch (error) {
          this.logger.warn({ readerId: driver.id, err: error }, 'reader driver did not stop cleanly');
        }
      }),
    );
  }

  private async startOne(driver: ReaderDriver): Promise<void> {
    try {
      await driver.start();
      this.failedStarts.delete(driver.id);
    } catch (error) {
      const status: DeviceStatus = {
        device: `reader:${driver.id}`,
        state: 'offline',
        detail: `the reader driver could not start: ${(error as Error).message}`,
        sinceMs: this.now(),
      };
      this.failedStarts.set(driver.id, status);
      this.logger.error({ readerId: driver.id, err: error }, 'reader driver failed to start');
      this.emitter.emit('status', status);
    }
  }
}
