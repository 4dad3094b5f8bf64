import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { afterEach, describe, expect, it } from 'vitest';
import { PrinterConfigSchema, type PrinterConfig } from '../../../hardware/printer/config.js';
import { createReceiptPrinter, type PrinterHardware } from '../../../hardware/printer/factory.js';
import { sampleVoucherReceipt } from '../../../hardware/printer/samples.js';

function printerConfig(section: object): PrinterConfig {
  const ajv = new Ajv({ useDefaults: true, strict: false });
  const validate = ajv.compile<PrinterConfig>(PrinterConfigSchema);
  const copy = structuredClone(section);
  if (!validate(copy)) throw new Error(JSON.stringify(validate.errors));
  return copy;
}

const opened: PrinterHardware[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const hardware of opened.splice(0)) await hardware.close();
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function dataDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'bashgah-printer-factory-'));
  dirs.push(dir);
  return dir;
}

describe('printer factory', () => {
  it('makes an empty section the demo: the real driver printing to the simulated printer', async () => {
    const hardware = await createReceiptPrinter(printerConfig({}), { dataDir: await dataDir() });
    opened.push(hardware);
    const simulator = hardware.simulator!;
    expect(simulator.uri).toMatch(/^tcp:\/\/127\.0\.0\.1:\d+$/);
    expect((await hardware.printer.print(sampleVoucherReceipt('fa', 'demo-1'))).state).toBe('printed');
    expect(simulator.printedJobs()[0]?.images[0]?.widthDots).toBe(576);
    // What `bashgah simulate paper out` will do:
    simulator.setPaper('out');
    expect((await hardware.printer.print(sampleVoucherReceipt('fa', 'demo-2'))).state).toBe('queued');
    expect(hardware.printer.status()).toMatchObject({ state: 'offline', paper: 'out' });
  });

  it('reports a configured-away printer as disabled and refuses to print', async () => {
    const hardware = await createReceiptPrinter(printerConfig({ driver: 'none' }), { dataDir: await dataDir() });
    expect(hardware.printer.status().state).toBe('disabled');
    await expect(hardware.printer.print(sampleVoucherReceipt('en'))).rejects.toThrow(/no receipt printer is configured/);
  });

  it('rejects bad settings and lists the valid driver names', async () => {
    expect(() => printerConfig({ interface: 'http://printer' })).toThrow(/pattern/);
    await expect(createReceiptPrinter({ ...printerConfig({}), driver: 'zebra' as 'escpos' }, { dataDir: await dataDir() })).rejects.toThrow(
      /unknown printer driver "zebra"; valid drivers: escpos, simulated, none/,
    );
  });
});
