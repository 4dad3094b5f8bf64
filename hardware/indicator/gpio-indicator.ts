import type { Logger } from '../../firmware/src/log/logger.js';
import type { DeviceState, DeviceStatus } from '../status.js';
import type { IndicatorConfig } from './config.js';
import { resolveBcmPins } from './gpio-chip.js';
import type { IndicatorOutput } from './patterns.js';
import { PatternPlayer } from './player.js';
import type { Indicator, IndicatorPattern } from './types.js';

/**
 * LEDs and a buzzer on GPIO through onoff (sysfs). onoff is imported only here, only when this
 * driver is configured. Anything missing (no sysfs, no matching chip, onoff not installed, a
 * pin that cannot be exported) becomes the status and the indicator stays silent: the kiosk
 * works without lights.
 */
export interface GpioLine {
  writeSync(value: 0 | 1): void;
  unexport(): void;
}

/** The edge to the hardware: opens one sysfs GPIO as an output. Tests pass their own. */
export interface GpioBackend {
  accessible: boolean;
  openOutput(sysfsNumber: number, activeLow: boolean): GpioLine;
}

export async function loadOnoffBackend(): Promise<GpioBackend> {
  const onoff = (await import('onoff')) as typeof import('onoff') & { default?: typeof import('onoff') };
  const Gpio = onoff.Gpio ?? onoff.default?.Gpio;
  if (Gpio === undefined) throw new Error('the onoff package has no Gpio export');
  return {
    accessible: Gpio.accessible,
    openOutput: (sysfsNumber, activeLow) => new Gpio(sysfsNumber, 'out', 'none', { activeLow, reconfigureDirection: true }),
  };
}

export interface GpioIndicatorOptions {
  config: Pick<IndicatorConfig, 'pins' | 'activeLow' | 'sysfsRoot' | 'chipLabels'>;
  backend?: GpioBackend;
  logger?: Logger;
}

export class GpioIndicator implements Indicator {
  private readonly lines = new Map<IndicatorOutput, GpioLine>();
  private readonly sysfsNumbers: Partial<Record<IndicatorOutput, number>> = {};
  private readonly player: PatternPlayer;
  private current: DeviceStatus;

  private constructor(private readonly logger: Logger | undefined) {
    this.current = { device: 'indicator', state: 'absent', detail: 'not opened', sinceMs: Date.now() };
    this.player = new PatternPlayer(
      (output, on) => this.lines.get(output)?.writeSync(on ? 1 : 0),
      (error, output) => this.setStatus('degraded', `cannot switch the ${output} output: ${(error as Error).message}`),
    );
  }

  static async open(options: GpioIndicatorOptions): Promise<GpioIndicator> {
    const indicator = new GpioIndicator(options.logger);
    await indicator.connect(options);
    return indicator;
  }

  private async connect({ config, backend }: GpioIndicatorOptions): Promise<void> {
    let gpio: GpioBackend;
    try {
      gpio = backend ?? (await loadOnoffBackend());
    } catch (error) {
      this.setStatus('absent', `the onoff package cannot be loaded (${(error as Error).message}); run npm install on the kiosk`);
      return;
    }
    if (!gpio.accessible) {
      this.setStatus('absent', 'GPIO sysfs is not accessible (/sys/class/gpio/export cannot be opened): not a Raspberry Pi, or the service lacks the gpio group');
      return;
    }
    let numbers: Partial<Record<IndicatorOutput, number>>;
    try {
      ({ numbers } = await resolveBcmPins<IndicatorOutput>(config.sysfsRoot, config.chipLabels, config.pins));
    } catch (error) {
      this.setStatus('absent', (error as Error).message);
      return;
    }
    const problems: string[] = [];
    for (const [output, sysfsNumber] of Object.entries(numbers) as Array<[IndicatorOutput, number]>) {
      try {
        const line = gpio.openOutput(sysfsNumber, config.activeLow);
        line.writeSync(0);
        this.lines.set(output, line);
        this.sysfsNumbers[output] = sysfsNumber;
      } catch (error) {
        problems.push(`${output} (BCM ${config.pins[output]}, sysfs ${sysfsNumber}): ${(error as Error).message}`);
      }
    }
    if (this.lines.size === 0) this.setStatus('absent', problems.length > 0 ? `no output could be opened: ${problems.join('; ')}` : 'no pins are configured');
    else if (problems.length > 0) this.setStatus('degraded', `some outputs could not be opened: ${problems.join('; ')}`);
    else this.setStatus('ok');
  }

  /** Sysfs numbers in use, by output (for `bashgah status` and tests). */
  outputs(): Partial<Record<IndicatorOutput, number>> {
    return { ...this.sysfsNumbers };
  }

  signal(pattern: IndicatorPattern): void {
    try {
      this.player.play(pattern);
    } catch (error) {
      this.setStatus('degraded', `pattern ${pattern} failed: ${(error as Error).message}`);
    }
  }

  status(): DeviceStatus {
    return { ...this.current };
  }

  async close(): Promise<void> {
    this.player.stop();
    for (const line of this.lines.values()) {
      try {
        line.unexport();
      } catch {
        // Leaving a pin exported is harmless; closing must not fail.
      }
    }
    this.lines.clear();
  }

  private setStatus(state: DeviceState, detail?: string): void {
    if (state === this.current.state && detail === this.current.detail) return;
    this.current = { device: 'indicator', state, sinceMs: Date.now(), ...(detail === undefined ? {} : { detail }) };
    if (state !== 'ok') this.logger?.warn({ state, detail }, 'indicator: status');
  }
}
