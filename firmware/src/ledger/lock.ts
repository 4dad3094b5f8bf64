import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LedgerError } from './types.js';

/**
 * One process at a time may own a ledger directory: two writers appending to one journal
 * would corrupt it, and `bashgah journal repair` must not cut a journal the service is
 * writing. The lock is a file holding the owner's pid; a lock left by a dead process (a
 * crash, a power cut) is taken over.
 */
const heldHere = new Set<string>();

export function acquireLedgerLock(ledgerDir: string): () => void {
  const path = join(ledgerDir, 'lock');
  if (heldHere.has(path)) throw new LedgerError('LEDGER_LOCKED', `the ledger in ${ledgerDir} is already open in this process`);
  const release = () => {
    heldHere.delete(path);
    rmSync(path, { force: true });
  };
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(path, `${process.pid}\n`, { flag: 'wx', mode: 0o640 });
      heldHere.add(path);
      return release;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number(readFileSync(path, 'utf8').trim());
      // Our own pid in a lock we do not hold is a lock from before a reboot (pids repeat).
      if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && isAlive(owner)) {
        throw new LedgerError('LEDGER_LOCKED', `the ledger in ${ledgerDir} is open in another process (pid ${owner}); stop it first (systemctl stop bashgah)`);
      }
      rmSync(path, { force: true });
    }
  }
  throw new LedgerError('LEDGER_LOCKED', `could not lock the ledger in ${ledgerDir}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
