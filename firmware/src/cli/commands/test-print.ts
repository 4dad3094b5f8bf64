import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from '../command.js';
import { UsageError } from '../command.js';
import { emit, fail, keyValues, parseCommandArgs } from '../output.js';
import { loadConfig } from '../../config/load.js';
import type { Config } from '../../config/schema.js';
import { ledgerDirectory } from '../../ledger/paths.js';
import { serviceInUse, stopServiceAdvice } from '../../ops/service-probe.js';
import { createReceiptPrinter } from '../../../../hardware/printer/factory.js';
import type { Receipt } from '../../../../hardware/printer/types.js';

/**
 * Design: test-print drives the configured printer itself, through the same driver and
 * renderer the service uses, and only while the service is stopped. A printer has one owner:
 * two processes writing to /dev/usb/lp0 (or one TCP port) would interleave their bytes, and
 * the service's control endpoint exists only for the simulated hardware of the demo. The job
 * is spooled in a temporary directory, so a test receipt that cannot print now is reported
 * and dropped, never printed later by the service.
 */
function testReceipt(config: Config, atMs: number): Receipt {
  const { printer } = config.hardware;
  const fa = config.display.language === 'fa';
  return {
    jobId: `test-print-${atMs}`,
    kind: 'test',
    language: config.display.language,
    storeName: config.device.storeName,
    title: fa ? 'چاپ آزمایشی' : 'Test print',
    atMs,
    lines: [
      { label: fa ? 'دستگاه' : 'Device', value: config.device.id },
      { label: fa ? 'چاپگر' : 'Printer', value: `${printer.model} ${printer.paperWidthMm} mm` },
      { label: fa ? 'اتصال' : 'Connection', value: printer.interface.startsWith('tcp://') ? 'TCP' : 'USB' },
    ],
    footer: fa ? 'اگر این متن خوانا است، چاپگر آماده است.' : 'If you can read this, the printer is ready.',
  };
}

export const command: Command = {
  path: ['test-print'],
  summary: 'print a test receipt on the configured printer (service stopped)',
  usage: `usage: bashgah test-print [--json]

Prints a test receipt (store name, device id, printer model and width) through the configured
printer with the service's own driver. The service owns the printer while it runs, so stop it
first (sudo systemctl stop bashgah) and start it again afterwards. A receipt that cannot be
printed now (paper out, printer off) is reported with the reason and not kept.
Exit code: 0 printed, 1 not printed, 75 the service is running.`,
  async run(args, io) {
    const parsed = parseCommandArgs(args);
    if (parsed.positionals.length > 0) throw new UsageError(`unexpected argument "${parsed.positionals[0]}"`);
    const { config, dataDir } = await loadConfig(io.env);
    if (config.hardware.printer.driver === 'none') {
      return fail(io, parsed, 'test-print', 'no printer is configured (hardware.printer.driver is "none"): set it with bashgah config set hardware.printer.driver escpos', 1);
    }
    const use = await serviceInUse(config, ledgerDirectory(dataDir));
    if (use.running) return fail(io, parsed, 'test-print', stopServiceAdvice(`the service owns the printer (${use.evidence})`), 75);
    const spoolDir = await mkdtemp(join(tmpdir(), 'bashgah-test-print-'));
    let hardware;
    try {
      hardware = await createReceiptPrinter(config.hardware.printer, { dataDir: spoolDir });
    } catch (error) {
      await rm(spoolDir, { recursive: true, force: true });
      return fail(io, parsed, 'test-print', `cannot open the printer: ${(error as Error).message}`, 1);
    }
    try {
      const receipt = testReceipt(config, Date.now());
      const outcome = await hardware.printer.print(receipt);
      const status = hardware.printer.status();
      if (outcome.state !== 'printed') {
        return fail(io, parsed, 'test-print', `not printed: ${outcome.reason ?? status.detail ?? 'the printer did not take it'}; fix it and run bashgah test-print again (bashgah doctor helps)`, 1);
      }
      const paper = 'paper' in status ? String(status.paper) : 'unknown';
      emit(io, parsed, { ok: true, jobId: outcome.jobId, printer: config.hardware.printer.interface, paper }, () =>
        keyValues([['printed', outcome.jobId], ['printer', config.hardware.printer.interface], ['paper', paper]]),
      );
      return 0;
    } catch (error) {
      return fail(io, parsed, 'test-print', `not printed: ${(error as Error).message}`, 1);
    } finally {
      await hardware.close();
      await rm(spoolDir, { recursive: true, force: true });
    }
  },
};
