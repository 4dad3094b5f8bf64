import type { Logger } from '../../firmware/src/log/logger.js';
import type { DeviceStatus } from '../status.js';
import type { IndicatorConfig } from './config.js';
import type { SimulatedIndicator } from './simulated-indicator.js';
import type { Indicator, IndicatorPattern } from './types.js';

/**
 * Builds the configured indicator, importing only the chosen driver (onoff is loaded by the
 * 'gpio' driver alone). An unknown driver name is an error listing the valid ones.
 */
export interface IndicatorHardware {
  indicator: Indicator;
  /** Present for the 'simulated' driver: what was played, for the demo screen and tests. */
  simulator?: SimulatedIndicator;
}

type DriverName = IndicatorConfig['driver'];

const DRIVERS: Record<DriverName, (config: IndicatorConfig, logger?: Logger) => Promise<IndicatorHardware>> = {
  gpio: async (config, logger) => {
    const { GpioIndicator } = await import('./gpio-indicator.js');
    return { indicator: await GpioIndicator.open({ config, ...(logger === undefined ? {} : { logger: logger.child({ part: 'indicator' }) }) }) };
  },
  simulated: async () => {
    const { SimulatedIndicator } = await import('./simulated-indicator.js');
    const simulator = new SimulatedIndicator();
    return { indicator: simulator, simulator };
  },
  none: async () => ({ indicator: new NoIndicator() }),
};

export async function createIndicator(config: IndicatorConfig, logger?: Logger): Promise<IndicatorHardware> {
  const create = Object.hasOwn(DRIVERS, config.driver) ? DRIVERS[config.driver] : undefined;
  if (create === undefined) {
    throw new Error(`unknown indicator driver "${String(config.driver)}"; valid drivers: ${Object.keys(DRIVERS).join(', ')}`);
  }
  return create(config, logger);
}

class NoIndicator implements Indicator {
  private readonly since = Date.now();
  signal(_pattern: IndicatorPattern): void {}
  status(): DeviceStatus {
    return { device: 'indicator', state: 'disabled', detail: 'no indicator is configured', sinceMs: this.since };
  }
  async close(): Promise<void> {}
}
