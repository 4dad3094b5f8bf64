import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config/schema.js';
import type { HealthReport } from '../server/routes/health.js';

/**
 * Is the kiosk service running on this machine? Two independent signs: its /healthz answers on
 * the loopback address, or a live process holds the ledger's lock file. Commands that need the
 * hardware or the ledger to themselves stop when either is true.
 */
const HEALTH_TIMEOUT_MS = 1500;
const MAX_HEALTH_BYTES = 64 * 1024;

export type HealthProbe = { answered: true; url: string; report: HealthReport } | { answered: false; url: string; reason: string };

/** The address a local tool reaches the service on: loopback, whatever `http.host` says. */
export function localServiceUrl(config: Config): string {
  const host = config.http.host === '::1' || config.http.host === '::' ? '[::1]' : '127.0.0.1';
  return `http://${host}:${config.http.port}`;
}

function isHealthReport(value: unknown): value is HealthReport {
  const report = value as Partial<HealthReport> | null;
  return typeof report === 'object' && report !== null && typeof report.status === 'string' && typeof report.checks === 'object' && report.checks !== null;
}

/** GET /healthz (200 and 503 both carry a report). Never throws. */
export async function probeHealth(config: Config, timeoutMs = HEALTH_TIMEOUT_MS): Promise<HealthProbe> {
  const url = `${localServiceUrl(config)}/healthz`;
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    const text = await response.text();
    if (text.length > MAX_HEALTH_BYTES) return { answered: false, url, reason: 'the answer was too large to be a health report' };
    const body: unknown = JSON.parse(text);
    if (!isHealthReport(body)) return { answered: false, url, reason: `HTTP ${response.status} without a health report` };
    return { answered: true, url, report: body };
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    return { answered: false, url, reason: cause ?? (error as Error).message };
  }
}

/** The pid of a live process holding the ledger lock, or undefined. Read-only: never takes it. */
export function ledgerLockOwner(ledgerDir: string): number | undefined {
  let owner: number;
  try {
    owner = Number(readFileSync(join(ledgerDir, 'lock'), 'utf8').trim());
  } catch {
    return undefined;
  }
  if (!Number.isInteger(owner) || owner <= 0 || owner === process.pid) return undefined;
  try {
    process.kill(owner, 0);
    return owner;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM' ? owner : undefined;
  }
}

export interface ServiceUse {
  running: boolean;
  /** A sentence naming what showed it, for the refusal message. */
  evidence?: string;
  health?: HealthProbe;
}

export async function serviceInUse(config: Config, ledgerDir: string): Promise<ServiceUse> {
  const health = await probeHealth(config);
  if (health.answered) return { running: true, evidence: `the service answers at ${health.url}`, health };
  const pid = ledgerLockOwner(ledgerDir);
  if (pid !== undefined) return { running: true, evidence: `process ${pid} has the ledger open`, health };
  return { running: false, health };
}

/** What to tell a technician when a command needs the service stopped. */
export function stopServiceAdvice(what: string): string {
  return `${what}: stop it first (sudo systemctl stop bashgah), run this again, then start it (sudo systemctl start bashgah)`;
}
