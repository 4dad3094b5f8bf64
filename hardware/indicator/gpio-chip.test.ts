import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { bcmToSysfs, GpioResolveError, listGpioChips, resolveBcmPins } from './gpio-chip.js';

const DEFAULT_LABELS = ['pinctrl-bcm2711', 'pinctrl-bcm2835', 'pinctrl-rp1', 'pinctrl-bcm2712'];
const roots: string[] = [];
afterEach(async () => {
  for (const root of roots.splice(0)) await rm(root, { recursive: true, force: true });
});

/** A fake /sys/class/gpio with the given chips (as the kernel lays them out). */
async function fakeSysfs(chips: Array<{ label: string; base: number; ngpio: number }>): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'bashgah-sysfs-'));
  roots.push(root);
  await writeFile(join(root, 'export'), '');
  for (const chip of chips) {
    const directory = join(root, `gpiochip${chip.base}`);
    await mkdir(directory);
    await writeFile(join(directory, 'label'), `${chip.label}\n`);
    await writeFile(join(directory, 'base'), `${chip.base}\n`);
    await writeFile(join(directory, 'ngpio'), `${chip.ngpio}\n`);
  }
  return root;
}

describe('BCM to sysfs GPIO numbers', () => {
  it('adds the Bookworm base on a Pi 4 (pinctrl-bcm2711 at 512), ignoring the expander', async () => {
    const root = await fakeSysfs([
      { label: 'raspberrypi-exp-gpio', base: 570, ngpio: 8 },
      { label: 'pinctrl-bcm2711', base: 512, ngpio: 58 },
    ]);
    const { chip, numbers } = await resolveBcmPins(root, DEFAULT_LABELS, { green: 17, red: 27, buzzer: 22 });
    expect(chip.label).toBe('pinctrl-bcm2711');
    expect(numbers).toEqual({ green: 529, red: 539, buzzer: 534 });
  });

  it('finds the RP1 on a Pi 5 (base 571) next to other chips with lower bases', async () => {
    const root = await fakeSysfs([
      { label: 'gpio-brcmstb@107d508500', base: 512, ngpio: 32 },
      { label: 'gpio-brcmstb@107d517c00', base: 544, ngpio: 15 },
      { label: 'pinctrl-rp1', base: 571, ngpio: 54 },
    ]);
    expect((await resolveBcmPins(root, DEFAULT_LABELS, { green: 17 })).numbers).toEqual({ green: 588 });
  });

  it('keeps base 0 on older kernels (pinctrl-bcm2835)', async () => {
    const root = await fakeSysfs([{ label: 'pinctrl-bcm2835', base: 0, ngpio: 54 }]);
    expect((await resolveBcmPins(root, DEFAULT_LABELS, { red: 27 })).numbers).toEqual({ red: 27 });
  });

  it('names the chips it found when the header chip is missing', async () => {
    const root = await fakeSysfs([{ label: 'gpio-mockup-A', base: 600, ngpio: 8 }]);
    await expect(resolveBcmPins(root, DEFAULT_LABELS, { green: 17 })).rejects.toThrow(/no GPIO chip labelled pinctrl-bcm2711 .*found gpiochip600 "gpio-mockup-A"/);
  });

  it('says clearly when there is no GPIO sysfs at all', async () => {
    await expect(listGpioChips('/nonexistent/gpio')).rejects.toThrow(/cannot read \/nonexistent\/gpio \(ENOENT\)/);
  });

  it('skips chips with unreadable attributes and rejects pins beyond the chip', async () => {
    const root = await fakeSysfs([{ label: 'pinctrl-bcm2711', base: 512, ngpio: 58 }]);
    await mkdir(join(root, 'gpiochip999'));
    const chips = await listGpioChips(root);
    expect(chips.map((chip) => chip.name)).toEqual(['gpiochip512']);
    expect(() => bcmToSysfs(chips[0]!, 58)).toThrow(GpioResolveError);
  });
});
