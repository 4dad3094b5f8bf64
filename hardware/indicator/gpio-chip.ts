import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * BCM pin numbers → sysfs GPIO numbers. Since kernel 6.6 (Raspberry Pi OS Bookworm) the header
 * GPIOs no longer start at sysfs number 0: the chip's `base` (512 on a Pi 4, 571 on a Pi 5,
 * and whatever the next kernel picks) must be added. It is read from the chip's directory,
 * found by its `label`, never assumed. The sysfs root is a parameter so tests use a fake tree.
 */
export interface GpioChip {
  name: string;
  label: string;
  base: number;
  ngpio: number;
}

export class GpioResolveError extends Error {
  override name = 'GpioResolveError';
}

async function readTrimmed(path: string): Promise<string | undefined> {
  try {
    return (await readFile(path, 'utf8')).trim();
  } catch {
    return undefined;
  }
}

/** Every gpiochip directory under the sysfs root with a readable label, base and ngpio. */
export async function listGpioChips(sysfsRoot: string): Promise<GpioChip[]> {
  let names: string[];
  try {
    names = (await readdir(sysfsRoot)).filter((name) => /^gpiochip\d+$/.test(name));
  } catch (error) {
    throw new GpioResolveError(`cannot read ${sysfsRoot} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}): is GPIO sysfs enabled on this system?`);
  }
  const chips: GpioChip[] = [];
  for (const name of names.sort()) {
    const label = await readTrimmed(join(sysfsRoot, name, 'label'));
    const base = Number(await readTrimmed(join(sysfsRoot, name, 'base')));
    const ngpio = Number(await readTrimmed(join(sysfsRoot, name, 'ngpio')));
    if (label === undefined || !Number.isInteger(base) || base < 0 || !Number.isInteger(ngpio) || ngpio <= 0) continue;
    chips.push({ name, label, base, ngpio });
  }
  return chips;
}

/** The first chip whose label is in `labels`, in the order of `labels`. */
export function findHeaderChip(chips: readonly GpioChip[], labels: readonly string[]): GpioChip | undefined {
  for (const label of labels) {
    const chip = chips.find((candidate) => candidate.label === label);
    if (chip) return chip;
  }
  return undefined;
}

export function bcmToSysfs(chip: GpioChip, bcm: number): number {
  if (!Number.isInteger(bcm) || bcm < 0 || bcm >= chip.ngpio) {
    throw new GpioResolveError(`BCM ${bcm} is not on ${chip.label} (${chip.ngpio} lines)`);
  }
  return chip.base + bcm;
}

/** Resolves named BCM pins; the error names the chips that were found, for the technician. */
export async function resolveBcmPins<Name extends string>(
  sysfsRoot: string,
  labels: readonly string[],
  pins: Partial<Record<Name, number>>,
): Promise<{ chip: GpioChip; numbers: Partial<Record<Name, number>> }> {
  const chips = await listGpioChips(sysfsRoot);
  const chip = findHeaderChip(chips, labels);
  if (!chip) {
    const found = chips.length === 0 ? 'no GPIO chips' : chips.map((candidate) => `${candidate.name} "${candidate.label}"`).join(', ');
    throw new GpioResolveError(`no GPIO chip labelled ${labels.join(' or ')} under ${sysfsRoot} (found ${found})`);
  }
  const numbers: Partial<Record<Name, number>> = {};
  for (const [name, bcm] of Object.entries(pins) as Array<[Name, number | undefined]>) {
    if (bcm !== undefined) numbers[name] = bcmToSysfs(chip, bcm);
  }
  return { chip, numbers };
}
