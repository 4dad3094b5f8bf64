import type { CommitRecord } from '../../firmware/src/ledger/types.js';

/**
 * The part of the kiosk ledger (firmware/src/ledger/ledger.ts) the sync agent uses. The
 * journal is the outbox: the agent reads records after the head office's high-water mark,
 * and asks compaction to keep everything the head office has not acknowledged.
 */
export interface JournalEntryLike {
  seq: number;
  hash: string;
  prevHash: string;
  record: CommitRecord;
}

export interface SyncableLedger {
  readonly lastSeq: number;
  readRecords(afterSeq: number, limit: number): Promise<JournalEntryLike[]>;
  retainFrom(seq: () => number): void;
  onCommit(listener: (entry: { seq: number }) => void): () => void;
}
