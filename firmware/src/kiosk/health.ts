import { statfs } from 'node:fs/promises';
import type { CardReaders } from '../../../hardware/readers/types.js';
import type { ReceiptPrinter } from '../../../hardware/printer/types.js';
import type { DeviceState } from '../../../hardware/status.js';
import type { HealthCheck, HealthReport } from '../server/routes/health.js';
import type { LedgerPort } from './ledger-port.js';

/** Free space below which the journal is at risk (failing) or soon will be (degraded). */
const DISK_FAILING_BYTES = 50 * 1024 * 1024;
const DISK_DEGRADED_BYTES = 250 * 1024 * 1024;

export interface SyncStatusSource {
  /** The sync agent's view; absent while sync is not part of this build or is disabled. */
  status(): { state: DeviceState | 'failing'; detail?: string };
}

export interface HealthSources {
  readers: CardReaders;
  printer: ReceiptPrinter;
  ledger: LedgerPort;
  dataDir: string;
  sync?: SyncStatusSource;
  startedAtMs: number;
}

function worst(states: DeviceState[]): DeviceState {
  const order: DeviceState[] = ['ok', 'disabled', 'degraded', 'absent', 'offline'];
  return states.reduce<DeviceState>((acc, state) => (order.indexOf(state) > order.indexOf(acc) ? state : acc), states.length ? 'ok' : 'absent');
}

async function diskCheck(dataDir: string): Promise<HealthCheck> {
  try {
    const info = await statfs(dataDir);
    const freeBytes = info.bavail * info.bsize;
    const detail = `${Math.floor(freeBytes / (1024 * 1024))} MiB free`;
    if (freeBytes < DISK_FAILING_BYTES) return { state: 'failing', detail };
    return { state: freeBytes < DISK_DEGRADED_BYTES ? 'degraded' : 'ok', detail };
  } catch (error) {
    return { state: 'failing', detail: `cannot check the data directory: ${(error as Error).message}` };
  }
}

/** The report behind GET /healthz. Devices degrade the kiosk; journal and disk can fail it. */
export async function healthReport(sources: HealthSources): Promise<HealthReport> {
  const readerStatuses = sources.readers.statuses();
  const readers: HealthCheck = { state: worst(readerStatuses.map((status) => status.state)) };
  const brokenReader = readerStatuses.find((status) => status.state !== 'ok' && status.detail);
  if (brokenReader?.detail) readers.detail = brokenReader.detail;
  const printerStatus = sources.printer.status();
  const printer: HealthCheck = { state: printerStatus.state, ...(printerStatus.detail !== undefined && { detail: printerStatus.detail }) };
  const ledgerHealth = sources.ledger.health();
  const journal: HealthCheck = { state: ledgerHealth.state, detail: ledgerHealth.detail };
  const sync: HealthCheck = sources.sync ? sources.sync.status() : { state: 'disabled', detail: 'sync is not enabled on this kiosk' };
  const disk = await diskCheck(sources.dataDir);
  const checks = { readers, printer, journal, sync, disk };
  const states = Object.values(checks).map((check) => check.state);
  const status = states.includes('failing') ? 'failing' : states.every((state) => state === 'ok' || state === 'disabled') ? 'ok' : 'degraded';
  return { status, checks, uptimeSeconds: Math.floor((Date.now() - sources.startedAtMs) / 1000) };
}
