import { statSync } from 'node:fs';
import type { Actor } from '../ledger/types.js';
import { Ledger } from '../ledger/ledger.js';
import { LedgerError } from '../ledger/types.js';
import { ledgerDirectory } from '../ledger/paths.js';
import { kioskLedgerModules } from '../kiosk/ledger-modules.js';
import { createLogger } from '../log/logger.js';
import { ledgerLockOwner, stopServiceAdvice } from './service-probe.js';

/**
 * Opening the kiosk's ledger from a technician's command while the service is stopped. The
 * ledger's lock file keeps it to one process; when the service holds it the error says so.
 */
export class LedgerBusyError extends Error {
  override name = 'LedgerBusyError';
}

/**
 * Under sudo, journal segments and snapshots this process writes would belong to root, and
 * the service (its own user) could no longer append to them: act as the data directory's
 * owner instead. For the rest of this process, which is one short command.
 */
export function actAsDataOwner(dataDir: string): void {
  if (process.getuid?.() !== 0 || !process.setuid || !process.setgid || !process.setgroups) return;
  let info;
  try {
    info = statSync(dataDir);
  } catch {
    return; // Nothing there yet: whoever creates it owns it.
  }
  if (info.uid === 0) return;
  process.setgroups([info.gid]);
  process.setgid(info.gid);
  process.setuid(info.uid);
}

export async function openToolLedger(dataDir: string): Promise<Ledger> {
  const dir = ledgerDirectory(dataDir);
  actAsDataOwner(dataDir);
  try {
    // Its log goes to stderr (warnings only unless asked) so that --json stdout stays one document.
    const logger = createLogger({ level: process.env.BASHGAH_LOG_LEVEL ?? 'warn', destination: process.stderr, name: 'ledger' });
    return await Ledger.open({ dataDir: dir, modules: kioskLedgerModules(), logger });
  } catch (error) {
    if (error instanceof LedgerError && error.code === 'LEDGER_LOCKED') {
      const pid = ledgerLockOwner(dir);
      throw new LedgerBusyError(stopServiceAdvice(`the kiosk service${pid === undefined ? '' : ` (pid ${pid})`} has the ledger open`));
    }
    throw error;
  }
}

/** Who did it, as recorded in the journal: the login that ran the command. */
export function technicianActor(env: NodeJS.ProcessEnv): Actor {
  const login = env.SUDO_USER ?? env.USER ?? env.LOGNAME ?? 'unknown';
  return { kind: 'technician', id: `cli:${login.replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 48)}` };
}
