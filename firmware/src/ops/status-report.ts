import { existsSync } from 'node:fs';
import type { Config } from '../config/schema.js';
import { NodeFileSystem } from '../ledger/fs/node-file-system.js';
import { verifyJournal } from '../ledger/journal/verify.js';
import { ledgerDirectory } from '../ledger/paths.js';
import { clockSynchronised, diskSpace, mebibytes } from './local-state.js';
import { probeHealth } from './service-probe.js';

/**
 * What `bashgah status` shows: the running service's own /healthz when it answers, otherwise
 * what the files say (journal, disk, clock) with the devices marked unknown.
 */
export type StatusState = 'ok' | 'degraded' | 'offline' | 'absent' | 'disabled' | 'failing' | 'unknown';

export interface StatusLine {
  state: StatusState;
  detail?: string;
}

export interface StatusReport {
  service: { running: boolean; url: string; uptimeSeconds?: number; reason?: string };
  status: 'ok' | 'degraded' | 'failing' | 'not running';
  checks: { readers: StatusLine; printer: StatusLine; journal: StatusLine; sync: StatusLine; disk: StatusLine; clock: StatusLine };
}

export async function clockLine(flagPath: string): Promise<StatusLine> {
  return (await clockSynchronised(flagPath))
    ? { state: 'ok', detail: 'synchronised since boot' }
    : { state: 'degraded', detail: 'not synchronised since boot: times recorded now may be wrong' };
}

async function journalLine(dataDir: string): Promise<StatusLine> {
  const dir = ledgerDirectory(dataDir);
  if (!existsSync(dir)) return { state: 'absent', detail: `no ledger in ${dir} yet` };
  try {
    const report = await verifyJournal(new NodeFileSystem(), dir);
    if (!report.ok) return { state: 'failing', detail: `damaged: ${report.damage?.reason ?? 'unknown damage'} (bashgah journal verify)` };
    const last = report.lastSeq === null ? 'empty' : `last record ${report.lastSeq}`;
    return { state: 'ok', detail: `${last}, ${report.records} records in the journal${report.tornTail ? ', torn tail cut at next start' : ''}` };
  } catch (error) {
    return { state: 'failing', detail: `cannot read the journal: ${(error as Error).message}` };
  }
}

async function diskLine(dataDir: string): Promise<StatusLine> {
  try {
    const disk = await diskSpace(dataDir);
    const detail = `${mebibytes(disk.freeBytes)} free of ${mebibytes(disk.totalBytes)} (${dataDir})`;
    return { state: disk.state === 'low' ? 'degraded' : disk.state, detail };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { state: 'absent', detail: `${dataDir} does not exist yet (the service creates it at its first start)` };
    return { state: 'failing', detail: `cannot check ${dataDir}: ${code ?? (error as Error).message}` };
  }
}

export async function collectStatus(config: Config, dataDir: string, timesyncFlag: string): Promise<StatusReport> {
  const [health, clock] = await Promise.all([probeHealth(config), clockLine(timesyncFlag)]);
  if (health.answered) {
    const { report } = health;
    const status = report.status === 'ok' && clock.state !== 'ok' ? 'degraded' : report.status;
    return { service: { running: true, url: health.url, uptimeSeconds: report.uptimeSeconds }, status, checks: { ...report.checks, clock } };
  }
  const stopped: StatusLine = { state: 'unknown', detail: 'the service is not running' };
  const [journal, disk] = await Promise.all([journalLine(dataDir), diskLine(dataDir)]);
  return {
    service: { running: false, url: health.url, reason: health.reason },
    status: 'not running',
    checks: { readers: stopped, printer: stopped, journal, sync: stopped, disk, clock },
  };
}
