import { join } from 'node:path';

/** Where the ledger keeps its snapshot and journal inside the kiosk's data directory. */
export function ledgerDirectory(dataDir: string): string {
  return join(dataDir, 'ledger');
}

export function journalDirectory(ledgerDir: string): string {
  return join(ledgerDir, 'journal');
}

export function snapshotPath(ledgerDir: string): string {
  return join(ledgerDir, 'snapshot.json');
}
