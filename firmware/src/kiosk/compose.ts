import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../config/schema.js';
import type { Logger } from '../log/logger.js';
import { Ledger } from '../ledger/ledger.js';
import type { Clock } from '../ledger/clock.js';
import { LoyaltyService } from '../loyalty/service.js';
import { loadOrCreateDeviceSigner } from '../loyalty/vouchers/signer.js';
import { createReaders } from '../../../hardware/readers/create-readers.js';
import { SimulatedReader } from '../../../hardware/readers/simulated/simulated-reader.js';
import { createReceiptPrinter } from '../../../hardware/printer/factory.js';
import { createIndicator } from '../../../hardware/indicator/factory.js';
import type { FakeEscPosPrinter } from '../../../hardware/printer/simulated/fake-escpos-printer.js';
import type { SimulatedIndicator } from '../../../hardware/indicator/simulated-indicator.js';
import { buildApp } from '../server/app.js';
import { listen } from '../server/server.js';
import type { TokenEntry } from '../server/plugins/auth.js';
import type { SimulatorControl } from '../server/routes/control.js';
import { AuditLog } from './audit.js';
import { ClubService } from './club.js';
import { healthReport, type SyncStatusSource } from './health.js';
import { KioskRuntime } from './runtime.js';
import { StaffGate } from './staff/gate.js';
import { kioskLedgerModules } from './ledger-modules.js';
import { ledgerDirectory } from '../ledger/paths.js';
import { loadHqRules, startSync, type SyncWiring } from './sync-wiring.js';
import type { HealthReport } from '../server/routes/health.js';

const MAINTENANCE_EVERY_MS = 60 * 60 * 1000;

export interface KioskOptions {
  config: Config;
  dataDir: string;
  logger: Logger;
  /** Tokens besides the configured ones (the demo's POS and control tokens). */
  extraTokens?: TokenEntry[];
  /** Replaces the sync agent's status (tests); normally the agent started from `config.sync`. */
  sync?: SyncStatusSource;
  rootDir?: string;
  /** Tests set the time by hand; the device uses the system clock. */
  clock?: Clock;
}

export interface Kiosk {
  app: FastifyInstance;
  ledger: Ledger;
  runtime: KioskRuntime;
  club: ClubService;
  audit: AuditLog;
  /** The head-office sync, when the configuration enables it. */
  sync?: SyncWiring;
  /** Simulated devices, when the configuration chose them (the demo, tests). */
  simulated: { reader?: SimulatedReader; printer?: FakeEscPosPrinter; indicator?: SimulatedIndicator };
  listen(): Promise<{ url: string; port: number }>;
  close(): Promise<void>;
}

/** The one composition root: config → hardware → ledger → loyalty → services → server. */
export async function composeKiosk(options: KioskOptions): Promise<Kiosk> {
  const { config, dataDir, logger } = options;
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const closers: Array<() => Promise<void>> = [];
  const close = async () => {
    for (const closer of closers.reverse()) {
      try {
        await closer();
      } catch (error) {
        logger.warn({ err: error }, 'shutdown step failed');
      }
    }
  };
  try {
    // Hardware: each part is a status when missing, never a crash.
    const readers = await createReaders(config.hardware.readers, logger);
    closers.push(() => readers.stop());
    const printerHardware = await createReceiptPrinter(config.hardware.printer, { dataDir, logger });
    closers.push(() => printerHardware.close());
    const indicatorHardware = await createIndicator(config.hardware.indicator, logger);
    closers.push(() => indicatorHardware.indicator.close());

    const ledger = await Ledger.open({
      dataDir: ledgerDirectory(dataDir),
      modules: kioskLedgerModules(),
      logger: logger.child({ part: 'ledger' }),
      snapshotEveryRecords: config.ledger.snapshotEveryRecords,
      ...(options.clock && { clock: options.clock }),
    });
    closers.push(() => ledger.close());
    const signer = await loadOrCreateDeviceSigner(config.device.id, join(dataDir, 'keys', 'voucher-ed25519.pem'));
    // Rules the head office sent earlier take precedence over the config file's section.
    const hqRules = await loadHqRules(config, dataDir, logger);
    const loyalty = await LoyaltyService.open({ ledger, rules: hqRules?.startupRules() ?? config.loyalty, signer, logger: logger.child({ part: 'loyalty' }) });

    let healthNow: (() => Promise<HealthReport>) | undefined;
    const sync = await startSync(config, ledger, dataDir, logger, { loyalty, ...(hqRules && { rules: hqRules }), health: async () => healthNow?.() });
    if (sync) closers.push(() => sync.stop());
    const syncStatus = options.sync ?? sync?.status;

    const audit = new AuditLog(dataDir, logger.child({ part: 'audit' }));
    closers.push(() => audit.flush());
    const club = new ClubService(ledger, loyalty, audit, config.device.storeId, sync && ((cardId) => sync.isCardBlocked(cardId)));
    const staffGate = new StaffGate(ledger, audit, () => ledger.clock.now().atMs);
    const runtime = new KioskRuntime({
      club,
      staffGate,
      readers,
      printer: printerHardware.printer,
      indicator: indicatorHardware.indicator,
      settings: { storeName: config.device.storeName, ...config.display },
      audit,
      logger: logger.child({ part: 'kiosk' }),
    });
    runtime.start();
    closers.push(async () => runtime.stop());
    await readers.start();

    const simulatedReader = readers.drivers.find((driver): driver is SimulatedReader => driver instanceof SimulatedReader);
    const simulated: Kiosk['simulated'] = {
      ...(simulatedReader && { reader: simulatedReader }),
      ...(printerHardware.simulator && { printer: printerHardware.simulator }),
      ...(indicatorHardware.simulator && { indicator: indicatorHardware.simulator }),
    };
    const startedAtMs = Date.now();
    healthNow = () => healthReport({ readers, printer: printerHardware.printer, ledger, dataDir, startedAtMs, ...(syncStatus && { sync: syncStatus }) });
    const app = await buildApp({
      logger: logger.child({ part: 'http' }),
      tokens: [...config.tokens, ...(options.extraTokens ?? [])],
      club,
      kiosk: runtime,
      health: healthNow,
      ...(simulatedReader && { simulator: simulatorControl(simulatedReader, printerHardware.simulator) }),
      ...(options.rootDir !== undefined && { rootDir: options.rootDir }),
    });
    closers.push(() => app.close());

    // Points mature and expire, and birthdays and Nowruz bonuses are due, even when nobody
    // taps: catch up now (the kiosk may have been off for days), then every hour. Both write
    // nothing when nothing is due.
    const maintain = async () => {
      try {
        await loyalty.runExpiry(ledger.clock.now().atMs);
        await loyalty.runOccasions(ledger.clock.now().atMs);
      } catch (error) {
        logger.error({ err: error }, 'loyalty maintenance failed');
      }
    };
    void maintain();
    const timer = setInterval(() => void maintain(), MAINTENANCE_EVERY_MS);
    timer.unref();
    closers.push(async () => clearInterval(timer));

    let server: { close(): Promise<void> } | undefined;
    return {
      app, ledger, runtime, club, audit, simulated,
      ...(sync && { sync }),
      async listen() {
        const listening = await listen(app, config.http, logger);
        server = listening;
        closers.push(() => listening.close());
        return listening;
      },
      close: async () => {
        void server;
        await close();
      },
    };
  } catch (error) {
    await close();
    throw error;
  }
}

function simulatorControl(reader: SimulatedReader, printer: FakeEscPosPrinter | undefined): SimulatorControl {
  const refuse = (what: string) => {
    throw new Error(`the simulated reader did not take the ${what} (stopped or unplugged)`);
  };
  return {
    tap: (cardId) => void (reader.tap(cardId) || refuse('tap')),
    swipe: (track) => void (reader.swipe(track) || refuse('swipe')),
    remove: () => void reader.remove(),
    paper: (state) => {
      if (!printer) throw new Error('the printer is not simulated');
      printer.setPaper(state === 'out' ? 'out' : 'ok');
    },
    printedJobs: () => (printer?.jobs() ?? []).map((job) => ({ sequence: job.sequence, receivedAtMs: job.receivedAtMs, printed: job.printed, images: job.images.length })),
    async receiptPng(sequence) {
      const image = printer?.jobs().find((job) => job.sequence === sequence)?.images[0];
      if (!image) return undefined;
      const { rasterToPng } = await import('../../../hardware/printer/simulated/raster-png.js');
      return rasterToPng(image);
    },
  };
}
