import { encodeRecord } from '../../../firmware/src/ledger/journal/record-codec.js';
import { encodeFrame, ZERO_HASH } from '../../../firmware/src/ledger/journal/frame.js';
import type { CommitRecord, Op } from '../../../firmware/src/ledger/types.js';
import type { JournalEntryLike, SyncableLedger } from '../../../sync/agent/ledger-port.js';

/**
 * A journal with the ledger's sync-facing API (readRecords, retainFrom, onCommit, lastSeq)
 * and the ledger's own frame hash chain: a light stand-in for firmware/src/ledger/ledger.ts.
 * It also compacts: `compact()` drops records below what `retainFrom` allows, like the
 * real ledger would, so a test can prove the agent never loses an unsynced record.
 */
export class MemoryLedger implements SyncableLedger {
  private readonly entries: JournalEntryLike[] = [];
  /** Every record ever committed, compaction or not: what the head office must end up with. */
  private readonly history: JournalEntryLike[] = [];
  private firstKeptSeq = 1;
  private retain: () => number = () => Number.MAX_SAFE_INTEGER;
  private readonly listeners = new Set<(entry: { seq: number }) => void>();
  private clockMs: number;

  constructor(startMs = Date.UTC(2026, 0, 1)) {
    this.clockMs = startMs;
  }

  get lastSeq(): number {
    return this.entries.length === 0 ? this.firstKeptSeq - 1 : this.entries[this.entries.length - 1]!.seq;
  }

  commit(id: string, ops: Op[], actor: CommitRecord['actor'] = { kind: 'pos', id: 'till-1' }): JournalEntryLike {
    this.clockMs += 1000;
    const record: CommitRecord = { id, actor, at: { atMs: this.clockMs, clockSynced: true }, ops };
    const prevHash = this.history[this.history.length - 1]?.hash ?? ZERO_HASH.toString('hex');
    const seq = this.lastSeq + 1;
    // Hashed exactly as the ledger frames its journal records, so the head office can check it.
    const hash = encodeFrame(seq, Buffer.from(prevHash, 'hex'), encodeRecord(record as CommitRecord)).hash.toString('hex');
    const entry = { seq, hash, prevHash, record };
    this.entries.push(entry);
    this.history.push(entry);
    for (const listener of this.listeners) listener({ seq: entry.seq });
    return entry;
  }

  async readRecords(afterSeq: number, limit: number): Promise<JournalEntryLike[]> {
    if (afterSeq + 1 < this.firstKeptSeq && this.entries.length > 0) throw new Error(`records after ${afterSeq} were compacted`);
    const start = this.entries.findIndex((entry) => entry.seq > afterSeq);
    return start < 0 ? [] : this.entries.slice(start, start + limit).map((entry) => structuredClone(entry));
  }

  retainFrom(seq: () => number): void {
    this.retain = seq;
  }

  onCommit(listener: (entry: { seq: number }) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Drops every record the retention hook allows; returns how many. */
  compact(): number {
    const keepFrom = this.retain();
    let dropped = 0;
    while (this.entries.length > 1 && this.entries[0]!.seq < keepFrom) {
      this.entries.shift();
      dropped++;
    }
    this.firstKeptSeq = this.entries[0]?.seq ?? this.firstKeptSeq;
    return dropped;
  }

  /** The records still in the journal (after compaction). */
  all(): JournalEntryLike[] {
    return this.entries.map((entry) => structuredClone(entry));
  }

  /** Every record ever written, including compacted ones. */
  written(): JournalEntryLike[] {
    return this.history.map((entry) => structuredClone(entry));
  }
}
