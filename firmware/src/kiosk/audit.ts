import { appendFile, rename, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Actor } from '../ledger/types.js';
import type { Logger } from '../log/logger.js';

/**
 * Who did what at the kiosk, one JSON line per action: staff sign-ins (and failed PINs),
 * every staff and POS change, lockouts. Changes to the books are also in the ledger journal
 * with their actor; this file adds what the journal does not see (sign-ins, refusals).
 * Never holds card numbers, phones or names: only ids and outcomes.
 */
export interface AuditEntry {
  atMs: number;
  actor: Actor;
  action: string;
  outcome: 'ok' | 'refused' | 'failed';
  /** Ids only (memberId, receiptId, voucher code, error code). */
  details?: Record<string, string | number | boolean>;
}

const MAX_FILE_BYTES = 4 * 1024 * 1024;
const MAX_PENDING = 1000;

export class AuditLog {
  private chain: Promise<void> = Promise.resolve();
  private pending = 0;
  readonly path: string;
  private readonly recent: AuditEntry[] = [];

  constructor(
    dataDir: string,
    private readonly logger: Logger,
  ) {
    this.path = join(dataDir, 'audit.jsonl');
  }

  /** Appends in order without blocking the caller; a write failure is logged, never thrown. */
  record(entry: AuditEntry): void {
    this.recent.push(entry);
    if (this.recent.length > 200) this.recent.shift();
    if (this.pending >= MAX_PENDING) {
      this.logger.error({ action: entry.action }, 'audit queue full; entry dropped');
      return;
    }
    this.pending++;
    const line = `${JSON.stringify(entry)}\n`;
    this.chain = this.chain
      .then(() => this.rotateIfLarge())
      .then(() => appendFile(this.path, line, { mode: 0o600 }))
      .catch((error: unknown) => this.logger.error({ err: error }, 'audit write failed'))
      .finally(() => this.pending--);
  }

  /** The last entries written by this process, newest last (for tests and `status`). */
  latest(count = 50): AuditEntry[] {
    return this.recent.slice(-count);
  }

  flush(): Promise<void> {
    return this.chain;
  }

  private async rotateIfLarge(): Promise<void> {
    const size = await stat(this.path).then((info) => info.size, () => 0);
    if (size > MAX_FILE_BYTES) await rename(this.path, `${this.path}.1`);
  }
}
