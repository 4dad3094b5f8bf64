import { EventEmitter } from 'node:events';
import { join } from 'node:path';
import type { Logger } from '../../firmware/src/log/logger.js';
import type { PrinterConfig } from './config.js';
import type { FakeEscPosPrinter } from './simulated/fake-escpos-printer.js';
import type { PrintOutcome, PrinterStatus, Receipt, ReceiptPrinter } from './types.js';

/**
 * Builds the configured receipt printer. Each driver's code is imported only when chosen, so a
 * kiosk without a printer never loads the canvas or the ESC/POS library. 'simulated' runs the
 * real ESC/POS driver against the fake network printer, started here on 127.0.0.1; the fake is
 * returned as `simulator` so the demo (and `bashgah simulate paper out|in`) can drive it.
 */
export interface PrinterHardware {
  printer: ReceiptPrinter;
  /** Present for the 'simulated' driver: set paper out/near-end/ok, go offline, see printed jobs. */
  simulator?: FakeEscPosPrinter;
  close(): Promise<void>;
}

export interface PrinterContext {
  /** The kiosk's data directory; the spool lives in `<dataDir>/printer-spool`. */
  dataDir: string;
  logger?: Logger;
}

type DriverName = PrinterConfig['driver'];

const DRIVERS: Record<DriverName, (config: PrinterConfig, context: PrinterContext) => Promise<PrinterHardware>> = {
  escpos: async (config, context) => {
    const { EscPosReceiptPrinter } = await import('./escpos-printer.js');
    const printer = await EscPosReceiptPrinter.open({ settings: config, spoolDir: join(context.dataDir, 'printer-spool'), ...loggerOf(context) });
    return { printer, close: () => printer.close() };
  },
  simulated: async (config, context) => {
    const { FakeEscPosPrinter } = await import('./simulated/fake-escpos-printer.js');
    const { EscPosReceiptPrinter } = await import('./escpos-printer.js');
    const simulator = new FakeEscPosPrinter({ model: config.model });
    await simulator.start();
    const printer = await EscPosReceiptPrinter.open({
      settings: { ...config, interface: simulator.uri },
      spoolDir: join(context.dataDir, 'printer-spool'),
      ...loggerOf(context),
    });
    return {
      printer,
      simulator,
      close: async () => {
        await printer.close();
        await simulator.close();
      },
    };
  },
  none: async () => {
    const printer = new NoPrinter();
    return { printer, close: () => printer.close() };
  },
};

function loggerOf(context: PrinterContext): { logger?: Logger } {
  return context.logger === undefined ? {} : { logger: context.logger.child({ part: 'printer' }) };
}

export async function createReceiptPrinter(config: PrinterConfig, context: PrinterContext): Promise<PrinterHardware> {
  const create = Object.hasOwn(DRIVERS, config.driver) ? DRIVERS[config.driver] : undefined;
  if (create === undefined) {
    throw new Error(`unknown printer driver "${String(config.driver)}"; valid drivers: ${Object.keys(DRIVERS).join(', ')}`);
  }
  return create(config, context);
}

/** No printer configured: a status, and a clear refusal to print. */
class NoPrinter extends EventEmitter implements ReceiptPrinter {
  private readonly since = Date.now();

  async print(receipt: Receipt): Promise<PrintOutcome> {
    throw new Error(`cannot print ${receipt.jobId}: no receipt printer is configured (hardware.printer.driver is "none")`);
  }

  async reprint(jobId: string): Promise<PrintOutcome> {
    throw new Error(`cannot reprint ${jobId}: no receipt printer is configured`);
  }

  queued(): Receipt[] {
    return [];
  }

  status(): PrinterStatus {
    return { device: 'printer', state: 'disabled', detail: 'no receipt printer is configured', sinceMs: this.since, paper: 'unknown', queuedJobs: 0 };
  }

  async close(): Promise<void> {}
}
