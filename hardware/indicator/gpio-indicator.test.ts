import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { IndicatorConfigSchema, type IndicatorConfig } from './config.js';
import { createIndicator } from './factory.js';
import { GpioIndicator, type GpioBackend } from './gpio-indicator.js';

const config: IndicatorConfig = {
  driver: 'gpio', pins: { green: 17, red: 27, buzzer: 22 }, activeLow: false, sysfsRoot: '/nonexistent',
  chipLabels: ['pinctrl-bcm2711', 'pinctrl-bcm2835', 'pinctrl-rp1'],
};
const roots: string[] = [];
afterEach(async () => {
  for (const root of roots.splice(0)) await rm(root, { recursive: true, force: true });
});

async function bookwormPi4(): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'bashgah-sysfs-'));
  roots.push(root);
  await mkdir(join(root, 'gpiochip512'));
  await writeFile(join(root, 'gpiochip512', 'label'), 'pinctrl-bcm2711\n');
  await writeFile(join(root, 'gpiochip512', 'base'), '512\n');
  await writeFile(join(root, 'gpiochip512', 'ngpio'), '58\n');
  return root;
}

/** The edge onoff stands at: records which sysfs numbers were opened and what was written. */
function recordingBackend(accessible = true, failing: number[] = []): GpioBackend & { writes: string[] } {
  const writes: string[] = [];
  return {
    accessible,
    writes,
    openOutput: (sysfsNumber) => {
      if (failing.includes(sysfsNumber)) throw new Error('EBUSY: resource busy');
      return { writeSync: (value) => writes.push(`${sysfsNumber}=${value}`), unexport: () => writes.push(`${sysfsNumber} unexported`) };
    },
  };
}

describe('GPIO indicator', () => {
  it('drives the Bookworm sysfs numbers of the configured BCM pins', async () => {
    const backend = recordingBackend();
    const indicator = await GpioIndicator.open({ config: { ...config, sysfsRoot: await bookwormPi4() }, backend });
    expect(indicator.status().state).toBe('ok');
    expect(indicator.outputs()).toEqual({ green: 529, red: 539, buzzer: 534 });
    indicator.signal('success');
    expect(backend.writes).toContain('529=1');
    expect(backend.writes).toContain('534=1');
    await indicator.close();
    expect(backend.writes).toContain('529 unexported');
  });

  it('is absent, with the reason, when the header chip is missing', async () => {
    const root = await mkdtemp(join(tmpdir(), 'bashgah-sysfs-'));
    roots.push(root);
    const indicator = await GpioIndicator.open({ config: { ...config, sysfsRoot: root }, backend: recordingBackend() });
    expect(indicator.status()).toMatchObject({ state: 'absent', detail: expect.stringMatching(/no GPIO chip labelled .*found no GPIO chips/) });
    expect(() => indicator.signal('error')).not.toThrow();
  });

  it('is degraded when one output cannot be opened, and keeps the others', async () => {
    const backend = recordingBackend(true, [534]);
    const indicator = await GpioIndicator.open({ config: { ...config, sysfsRoot: await bookwormPi4() }, backend });
    expect(indicator.status()).toMatchObject({ state: 'degraded', detail: expect.stringMatching(/buzzer \(BCM 22, sysfs 534\): EBUSY/) });
    indicator.signal('unknown-card');
    expect(backend.writes).toContain('539=1');
  });

  // Only where the machine has no GPIO sysfs: elsewhere the real onoff would export real pins.
  it.skipIf(existsSync('/sys/class/gpio/export'))('loads the real onoff lazily and reports "absent" where GPIO sysfs is not accessible', async () => {
    const { indicator } = await createIndicator({ ...config, sysfsRoot: await bookwormPi4() });
    const status = indicator.status();
    // This test machine has no /sys/class/gpio/export; on a Pi the same call would open the pins.
    expect(status.state).toBe('absent');
    expect(status.detail).toMatch(/GPIO sysfs is not accessible|onoff/);
    expect(() => indicator.signal('success')).not.toThrow();
    await indicator.close();
  });

  it('defaults to the simulated indicator and names valid drivers for an unknown one', async () => {
    const { Ajv } = await import('ajv');
    const defaults: Record<string, unknown> = {};
    new Ajv({ useDefaults: true, strict: false }).validate({ type: 'object', properties: { indicator: IndicatorConfigSchema } }, defaults);
    const built = await createIndicator(defaults.indicator as IndicatorConfig);
    expect(built.simulator).toBeDefined();
    await expect(createIndicator({ ...config, driver: 'blinkenlights' as 'gpio' })).rejects.toThrow(/valid drivers: gpio, simulated, none/);
  });
});
