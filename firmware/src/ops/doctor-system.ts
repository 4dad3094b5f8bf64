import { existsSync } from 'node:fs';
import { ConfigError, loadConfig, type LoadedConfig } from '../config/load.js';
import { NodeFileSystem } from '../ledger/fs/node-file-system.js';
import { verifyJournal } from '../ledger/journal/verify.js';
import { ledgerDirectory } from '../ledger/paths.js';
import type { CheckResult } from './doctor-checks.js';
import { readKernelLog, sdCardErrors, type KernelLogSources } from './kernel-log.js';
import { clockSynchronised, diskSpace, mebibytes } from './local-state.js';
import type { HealthProbe } from './service-probe.js';

/** `bashgah doctor`'s checks of the system around the kiosk: config, service, disk, clock, SD card, journal. */
function result(name: string, state: CheckResult['state'], detail: string, fix?: string): CheckResult {
  return { name, state, detail, ...(fix !== undefined && state !== 'ok' && { fix }) };
}

export async function checkConfig(env: NodeJS.ProcessEnv): Promise<{ check: CheckResult; loaded?: LoadedConfig }> {
  try {
    const loaded = await loadConfig(env);
    return { check: result('config', 'ok', `valid (${loaded.source})`), loaded };
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return { check: result('config', 'fail', `${error.source}: ${error.problems.join('; ')}`, 'correct the named settings with bashgah config set KEY VALUE (bashgah config get --raw shows the file)') };
  }
}

export function checkService(health: HealthProbe): CheckResult {
  if (!health.answered) return result('service', 'warn', `not answering at ${health.url} (${health.reason})`, 'start it with sudo systemctl start bashgah; bashgah logs shows why it stopped');
  const { status } = health.report;
  return result('service', status === 'ok' ? 'ok' : status === 'degraded' ? 'warn' : 'fail', `running, reports ${status}`, 'see the checks below and bashgah status');
}

export async function checkDisk(dataDir: string): Promise<CheckResult> {
  if (!existsSync(dataDir)) return result('disk space', 'warn', `${dataDir} does not exist yet`, 'start the service once (it creates the data directory), or set BASHGAH_DATA_DIR');
  try {
    const disk = await diskSpace(dataDir);
    const detail = `${mebibytes(disk.freeBytes)} free of ${mebibytes(disk.totalBytes)} on ${dataDir}`;
    const fix = 'free space: move old backups off the card (bashgah backup to a USB stick, then delete them) and shrink the system journal (sudo journalctl --vacuum-size=50M)';
    return result('disk space', disk.state === 'ok' ? 'ok' : disk.state === 'low' ? 'warn' : 'fail', detail, fix);
  } catch (error) {
    return result('disk space', 'fail', `cannot check ${dataDir}: ${(error as Error).message}`, 'check that the data partition is mounted');
  }
}

export async function checkClock(flagPath: string): Promise<CheckResult> {
  return (await clockSynchronised(flagPath))
    ? result('clock sync', 'ok', 'synchronised since boot')
    : result('clock sync', 'warn', `not synchronised since boot (${flagPath} is missing); a Pi has no battery clock`, 'let it reach a time server: sudo timedatectl set-ntp true, and check the network (timedatectl timesync-status shows the server)');
}

export async function checkSdCard(sources: KernelLogSources): Promise<CheckResult> {
  const log = await readKernelLog(sources);
  if (log === undefined) return result('sd card', 'warn', 'cannot read the kernel log', 'run doctor as root (sudo bashgah doctor) or as a member of the systemd-journal group');
  const errors = sdCardErrors(log);
  if (errors.length === 0) return result('sd card', 'ok', 'no storage errors in the kernel log since boot');
  return result('sd card', 'fail', `${errors.length} storage error line(s) since boot, e.g. "${errors[0]}"`, 'the SD card is failing: back up now (bashgah backup /media/usb) and move to a new, good-quality card');
}

export async function checkJournal(dataDir: string): Promise<CheckResult> {
  const dir = ledgerDirectory(dataDir);
  if (!existsSync(dir)) return result('journal', 'warn', `no ledger in ${dir} yet`, 'start the service once; it creates the ledger');
  try {
    const report = await verifyJournal(new NodeFileSystem(), dir);
    if (report.damage) return result('journal', 'fail', `damaged: ${report.damage.file} at byte ${report.damage.offset}: ${report.damage.reason}`, 'stop the service (sudo systemctl stop bashgah), run bashgah journal repair --yes (it keeps a copy of what it cuts), then start it');
    if (report.tornTail) return result('journal', 'ok', `sound; an interrupted last write (${report.tornTail.bytes} bytes) is cut at the next start`);
    return result('journal', 'ok', `sound, last record ${report.lastSeq ?? 'none'}`);
  } catch (error) {
    return result('journal', 'fail', `cannot read it: ${(error as Error).message}`, 'check the data partition; restore the latest backup with bashgah restore FILE --yes if the files are gone');
  }
}
