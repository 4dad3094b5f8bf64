import { Low } from 'lowdb';
import type { Logger } from 'pino';
import { createLogger } from '../log/logger.js';
import { canonicalCopy, fingerprintOf } from './canonical.js';
import { SystemClock, type Clock } from './clock.js';
import { coreModule } from './core-module.js';
import { balanceOf, CORE_MODULE, type CoreState } from './core-state.js';
import { LedgerEngine } from './engine.js';
import type { FileSystem } from './fs/file-system.js';
import { NodeFileSystem } from './fs/node-file-system.js';
import { encodeRecordFrame } from './journal/record-codec.js';
import type { JournalEntry } from './journal/reader.js';
import { JournalFiles } from './journal/journal-files.js';
import { RecentResults } from './recent-results.js';
import type { LedgerModule, Undo } from './module.js';
import { recover, type SnapshotData } from './recovery.js';
import { DurableJsonFile } from './snapshot/durable-file.js';
import { LedgerError, RECENT_RESULTS, type AccountId, type CommitRecord, type CommitRequest, type CommitResult } from './types.js';
import { validateRequest } from './request.js';
import { journalDirectory, snapshotPath } from './paths.js';
import { acquireLedgerLock } from './lock.js';

export interface LedgerOptions {
  /** The ledger's own directory (see `ledgerDirectory(dataDir)`): snapshot.json and journal/. */
  dataDir: string;
  /** Modules besides the core (which is always there). */
  modules?: LedgerModule<unknown>[];
  logger?: Logger;
  clock?: Clock;
  fileSystem?: FileSystem;
  /** Take a snapshot and compact the journal after this many records. */
  snapshotEveryRecords?: number;
  /** Keep the results of this many recent commits in memory (default RECENT_RESULTS). */
  recentResults?: number;
}

export type { JournalEntry } from './journal/reader.js';

export interface CommittedEntry extends JournalEntry {
  results: unknown[];
}

interface Pending {
  seq: number;
  frame: Buffer;
  hash: Buffer;
  prevHash: Buffer;
  record: CommitRecord;
  undo: Undo;
  result: CommitResult;
  promise: Promise<CommitResult>;
  resolve(result: CommitResult): void;
  reject(error: unknown): void;
}

interface Held {
  request: CommitRequest;
  resolve(result: CommitResult): void;
  reject(error: unknown): void;
}

/** Commits at most this many records per write + fsync, so one batch cannot grow unbounded. */
const MAX_BATCH_RECORDS = 4096;
/** Requests waiting while a snapshot is cut; more are refused rather than queued forever. */
const MAX_HELD_REQUESTS = 10_000;

/**
 * The kiosk's books: members, cards and points in memory, every change journaled and fsynced
 * before it is acknowledged. Concurrent commits share one write and one fsync (group commit).
 * Periodically the whole state is saved as a snapshot (through lowdb, with a durable adapter)
 * and the journal before it is deleted, except what the head office has not yet received.
 */
export class Ledger {
  private readonly engine: LedgerEngine;
  private readonly snapshotDb: Low<SnapshotData | null>;
  private journal!: JournalFiles;
  private nextSeq = 1;
  private lastHash!: Buffer;
  private durableSeq = 0;
  private durableHash!: Buffer;
  private snapshotSeq = 0;
  private recordsSinceSnapshot = 0;
  /**
   * Commits applied but not yet durable, in sequence order: those waiting for the writer
   * (`queue`) and the batch it is writing. Both are plain arrays replaced whole, never a
   * long-lived Map keyed by commit id: V8 leaves a Map's abandoned hash tables in the old
   * generation until a full collection, and every scavenge until then keeps the young
   * records they point to alive and promotes them. With a Map here, a commit's whole working
   * set (record, frame, undo log) reached the old generation, which at a million members
   * made full collections of a gigabyte heap part of every transfer's cost.
   */
  private queue: Pending[] = [];
  private writingBatch: Pending[] = [];
  /**
   * Results of the most recent commits, oldest first, for a caller retrying a request. Older
   * results are read back from the journal record; every id stays known forever.
   */
  private readonly recentResults: RecentResults;
  private writing: Promise<void> | undefined;
  private writerActive = false;
  private holding = false;
  private held: Held[] = [];
  private failure: LedgerError | undefined;
  private closed = false;
  private readonly listeners = new Set<(entry: CommittedEntry) => void>();
  private retention: () => number = () => Number.POSITIVE_INFINITY;
  private readonly journalDirectory: string;
  private releaseLock: () => void = () => {};

  private constructor(
    private readonly options: Required<Pick<LedgerOptions, 'dataDir' | 'snapshotEveryRecords' | 'recentResults'>>,
    private readonly fs: FileSystem,
    readonly clock: Clock,
    private readonly logger: Logger,
    modules: LedgerModule<unknown>[],
  ) {
    this.engine = new LedgerEngine([coreModule as LedgerModule<unknown>, ...modules]);
    this.recentResults = new RecentResults(options.recentResults);
    this.journalDirectory = journalDirectory(options.dataDir);
    this.snapshotDb = new Low<SnapshotData | null>(new DurableJsonFile(fs, snapshotPath(options.dataDir)), null);
  }

  static async open(options: LedgerOptions): Promise<Ledger> {
    const fs = options.fileSystem ?? new NodeFileSystem();
    const logger = options.logger ?? createLogger({ name: 'ledger' });
    const ledger = new Ledger(
      { dataDir: options.dataDir, snapshotEveryRecords: options.snapshotEveryRecords ?? 50_000, recentResults: options.recentResults ?? RECENT_RESULTS },
      fs,
      options.clock ?? new SystemClock(),
      logger,
      options.modules ?? [],
    );
    // Only the real file system can be shared with another process.
    if (!options.fileSystem) {
      await fs.mkdir(options.dataDir);
      ledger.releaseLock = acquireLedgerLock(options.dataDir);
    }
    try {
      await ledger.load();
    } catch (error) {
      ledger.releaseLock();
      throw error;
    }
    return ledger;
  }

  private async load(): Promise<void> {
    await this.fs.mkdir(this.journalDirectory);
    await this.snapshotDb.read();
    const snapshot = this.snapshotDb.data;
    if (snapshot && snapshot.format !== 1) throw new Error(`snapshot format ${String(snapshot.format)} is not supported`);
    const started = performance.now();
    for (const [id, recent] of snapshot?.recent ?? []) this.recentResults.remember(id, recent);
    const recovered = await recover(this.fs, this.journalDirectory, snapshot, this.engine, this.logger);
    this.snapshotSeq = recovered.snapshotSeq;
    this.durableSeq = recovered.lastSeq;
    this.nextSeq = recovered.lastSeq + 1;
    this.lastHash = this.durableHash = recovered.lastHash;
    this.journal = await JournalFiles.open(this.fs, this.journalDirectory, recovered.segments, this.nextSeq);
    this.recordsSinceSnapshot = recovered.replayed;
    // The parsed file is in the engine now; lowdb would otherwise keep the whole of it (every
    // commit id, balance and history a second time) until the next snapshot.
    this.snapshotDb.data = null;
    // Replay skipped the results; read back those of the last records replayed.
    const recentCount = Math.min(recovered.replayed, this.options.recentResults);
    for (const entry of await this.readRecords(this.durableSeq - recentCount, recentCount)) {
      this.recentResults.remember(entry.record.id, { seq: entry.seq, at: entry.record.at, results: entry.record.results ?? [] });
    }
    this.logger.info(
      { snapshotSeq: this.snapshotSeq, lastSeq: this.durableSeq, replayed: recovered.replayed, ms: Math.round(performance.now() - started) },
      'ledger: opened',
    );
  }

  // ---- Reading ----------------------------------------------------------------------------

  get core(): CoreState {
    return this.engine.slice<CoreState>(CORE_MODULE);
  }

  slice<S>(name: string): S {
    return this.engine.slice<S>(name);
  }

  balance(account: AccountId): number {
    return balanceOf(this.core, account);
  }

  /** The sequence number of the last acknowledged (durable) record. */
  get lastSeq(): number {
    return this.durableSeq;
  }

  /** How the journal is doing, for /healthz and `bashgah status`. */
  health(): { state: 'ok' | 'failing'; detail: string; lastSeq: number; snapshotSeq: number; inFlight: number } {
    const inFlight = this.nextSeq - 1 - this.durableSeq;
    if (this.failure) return { state: 'failing', detail: this.failure.message, lastSeq: this.durableSeq, snapshotSeq: this.snapshotSeq, inFlight };
    if (this.closed) return { state: 'failing', detail: 'the ledger is closed', lastSeq: this.durableSeq, snapshotSeq: this.snapshotSeq, inFlight };
    return { state: 'ok', detail: `last record ${this.durableSeq}, snapshot at ${this.snapshotSeq}`, lastSeq: this.durableSeq, snapshotSeq: this.snapshotSeq, inFlight };
  }

  /** Whether a commit id has been acknowledged. */
  hasCommitted(id: string): boolean {
    const seq = this.engine.commits.seqOf(id);
    return seq !== undefined && seq <= this.durableSeq;
  }

  onCommit(listener: (entry: CommittedEntry) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Journal compaction keeps every record whose sequence number is at least this. */
  retainFrom(provider: () => number): void {
    this.retention = provider;
  }

  /** Durable records after `afterSeq`, oldest first, at most `limit`. */
  readRecords(afterSeq: number, limit: number): Promise<JournalEntry[]> {
    return this.journal.read(afterSeq, limit, this.durableSeq);
  }

  // ---- Writing ----------------------------------------------------------------------------

  /**
   * Applies the operations atomically and resolves once the record is on disk. Refusals
   * (LedgerError) change nothing. Repeating an id returns the first result.
   */
  commit(request: CommitRequest): Promise<CommitResult> {
    if (this.closed) return Promise.reject(new LedgerError('LEDGER_CLOSED', 'the ledger is closed'));
    if (this.failure) return Promise.reject(this.failure);
    try {
      validateRequest(request);
    } catch (error) {
      return Promise.reject(error);
    }
    if (this.holding) {
      if (this.held.length >= MAX_HELD_REQUESTS) return Promise.reject(new LedgerError('BUSY', 'the ledger is busy; try again'));
      return new Promise((resolve, reject) => this.held.push({ request, resolve, reject }));
    }
    try {
      return this.applyAndQueue(request);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  private applyAndQueue(request: CommitRequest): Promise<CommitResult> {
    // A deep copy with sorted keys: the journal must hold what was applied, whatever the
    // caller does with its objects next, and the same content always has the same fingerprint.
    const ops = canonicalCopy(request.ops) as CommitRecord['ops'];
    const fingerprint = fingerprintOf(JSON.stringify(ops));
    const previousSeq = this.engine.commits.seqOf(request.id);
    if (previousSeq !== undefined) {
      if (!this.engine.commits.sameFingerprint(request.id, fingerprint)) {
        throw new LedgerError('IDEMPOTENCY_CONFLICT', `commit id "${request.id}" was already used for different operations`, { id: request.id });
      }
      const pending = this.inFlight(previousSeq);
      if (pending) return pending.promise.then((result) => ({ ...result, replayed: true }));
      return this.replay(request.id, previousSeq);
    }
    const record: CommitRecord = {
      id: request.id,
      actor: request.actor,
      at: this.clock.now(),
      ops,
      fingerprint,
    };
    const seq = this.nextSeq;
    const { results, undo, postings } = this.engine.apply(record, seq, fingerprint);
    record.results = results;
    // `at` is the record's own; the rest is what moved.
    if (postings.length > 0) record.postings = postings.map(({ at: _at, ...posting }) => posting);
    const { frame, hash } = encodeRecordFrame(seq, this.lastHash, record);
    const pending = { seq, frame, hash, prevHash: this.lastHash, record, undo, result: { id: record.id, seq, at: record.at, results, replayed: false } } as Pending;
    pending.promise = new Promise<CommitResult>((resolve, reject) => {
      pending.resolve = resolve;
      pending.reject = reject;
    });
    this.nextSeq = seq + 1;
    this.lastHash = hash;
    this.queue.push(pending);
    if (!this.writerActive) {
      this.writerActive = true;
      this.writing = this.writeLoop();
    }
    return pending.promise;
  }

  /** Writes queued records in batches: one append and one fsync per batch. */
  private async writeLoop(): Promise<void> {
    try {
      await this.writeQueued();
    } catch (error) {
      // Only a programmer error gets here (storage errors are handled per batch).
      this.writerActive = false;
      this.failure = new LedgerError('STORAGE_FAILED', `the journal writer stopped: ${(error as Error).message}`);
      this.logger.fatal({ err: error }, 'ledger: journal writer stopped');
      for (const pending of [...this.writingBatch, ...this.queue.splice(0)]) pending.reject(this.failure);
      this.writingBatch = [];
    }
  }

  private async writeQueued(): Promise<void> {
    for (;;) {
      if (this.queue.length === 0) {
        // Cleared in the same tick as the last look at the queue, so a commit queued after
        // this point always starts a new loop.
        this.writerActive = false;
        return;
      }
      let batch = this.queue;
      if (batch.length <= MAX_BATCH_RECORDS) this.queue = [];
      else batch = this.queue.splice(0, MAX_BATCH_RECORDS);
      this.writingBatch = batch;
      const sizeBefore = this.journal.size;
      try {
        await this.journal.appendDurably(Buffer.concat(batch.map((p) => p.frame)));
      } catch (error) {
        await this.failPending(batch, sizeBefore, error as NodeJS.ErrnoException);
        continue;
      }
      this.writingBatch = [];
      this.acknowledge(batch, sizeBefore);
      if (this.recordsSinceSnapshot >= this.options.snapshotEveryRecords && !this.holding) this.holding = true;
      if (this.holding && this.queue.length === 0) await this.cutSnapshot();
    }
  }

  private acknowledge(batch: Pending[], sizeBefore: number): void {
    this.journal.indexDurable(sizeBefore, batch.map((pending) => pending.frame.length));
    const last = batch.at(-1)!;
    this.durableSeq = last.seq;
    this.durableHash = last.hash;
    this.recordsSinceSnapshot += batch.length;
    for (const pending of batch) {
      // The result object the caller gets is the one kept: nothing new per commit.
      this.recentResults.remember(pending.record.id, pending.result);
      pending.resolve(pending.result);
      // Hex hashes cost two strings per commit: only made when someone listens.
      if (this.listeners.size === 0) continue;
      const entry: CommittedEntry = {
        seq: pending.seq,
        hash: pending.hash.toString('hex'),
        prevHash: pending.prevHash.toString('hex'),
        record: pending.record,
        results: pending.result.results,
      };
      for (const listener of this.listeners) {
        try {
          listener(entry);
        } catch (error) {
          this.logger.error({ err: error }, 'ledger: a commit listener failed');
        }
      }
    }
  }

  /**
   * The disk refused a batch (full, or an I/O error). Every commit not yet durable is undone,
   * newest first, and refused; the partial write is cut off so the journal stays readable.
   */
  private async failPending(batch: Pending[], sizeBefore: number, error: NodeJS.ErrnoException): Promise<void> {
    const all = [...batch, ...this.queue];
    this.queue = [];
    this.writingBatch = [];
    for (const pending of [...all].reverse()) pending.undo.rollback();
    this.nextSeq = this.durableSeq + 1;
    this.lastHash = this.durableHash;
    const reason = error.code === 'ENOSPC' ? 'the disk is full' : `the disk refused the write (${error.code ?? error.message})`;
    const refusal = new LedgerError('STORAGE_FAILED', `not saved: ${reason}; nothing was changed`, { errno: error.code });
    for (const pending of all) {
      pending.reject(refusal);
    }
    this.logger.error({ errno: error.code, refused: all.length }, `ledger: ${reason}; ${all.length} commit(s) refused`);
    try {
      await this.journal.truncate(sizeBefore);
    } catch (truncateError) {
      // The journal may now end with part of a record. Refuse further commits; the next start
      // cuts that torn tail (keeping a copy) and the books are exactly the acknowledged ones.
      this.failure = new LedgerError('STORAGE_FAILED', `the journal could not be repaired after a failed write (${(truncateError as Error).message}); restart the service`);
      this.logger.fatal({ err: truncateError }, 'ledger: journal left with a partial write; refusing commits until restart');
    }
  }

  /** The commit with this sequence number if it is applied but not yet durable. */
  private inFlight(seq: number): Pending | undefined {
    if (seq <= this.durableSeq) return undefined;
    for (const list of [this.writingBatch, this.queue]) {
      const first = list[0];
      if (first !== undefined && seq >= first.seq && seq <= first.seq + list.length - 1) return list[seq - first.seq];
    }
    return undefined;
  }

  /** The first answer to a repeated request: from memory if recent, else from its record. */
  private async replay(id: string, seq: number): Promise<CommitResult> {
    const recent = this.recentResults.get(id, seq);
    if (recent) return { id, seq, at: recent.at, results: recent.results, replayed: true };
    const [entry] = await this.readRecords(seq - 1, 1).catch((error: unknown) => {
      if ((error as LedgerError).code === 'RECORD_COMPACTED') return [];
      throw error;
    });
    if (!entry || entry.record.id !== id) {
      // Known, done, and too old to have its answer at hand: say so rather than guess.
      throw new LedgerError('ALREADY_COMMITTED', `commit "${id}" was done long ago (record ${seq}); its result is no longer kept`, { id, seq });
    }
    return { id, seq, at: entry.record.at, results: entry.record.results ?? [], replayed: true };
  }

  // ---- Snapshots and compaction -----------------------------------------------------------

  /** Saves the state now (when nothing is in flight) and compacts the journal. */
  async snapshot(): Promise<void> {
    this.holding = true;
    while (this.writerActive) await this.writing;
    if (this.holding) await this.cutSnapshot();
  }

  /**
   * Called with no commit in flight, so the in-memory state is exactly the durable state.
   * Serialises it synchronously, starts a new journal segment, lets held requests through,
   * then writes the snapshot and deletes the segments it makes unnecessary.
   */
  private async cutSnapshot(): Promise<void> {
    const data: SnapshotData = {
      format: 1,
      seq: this.durableSeq,
      hash: this.durableHash.toString('hex'),
      takenAt: this.clock.now(),
      modules: this.engine.toSnapshot(),
      commits: [...this.engine.commits.entries()],
      recent: this.recentResults.entries().map(([id, { seq, at, results }]) => [id, { seq, at, results }]),
    };
    this.snapshotDb.data = data;
    const written = this.snapshotDb.write(); // serialises synchronously, before any await
    this.snapshotDb.data = null; // already serialised: keep no second copy of the state
    this.recordsSinceSnapshot = 0;
    try {
      await this.journal.startSegment(this.durableSeq + 1);
    } catch (error) {
      this.logger.error({ err: error }, 'ledger: could not start a new journal segment; continuing in the current one');
    }
    this.releaseHeld();
    try {
      await written;
      this.snapshotSeq = data.seq;
      await this.journal.compact(Math.min(this.snapshotSeq + 1, this.retention()));
    } catch (error) {
      // The journal still holds everything; the next snapshot tries again.
      this.logger.error({ err: error }, 'ledger: snapshot not saved; the journal keeps everything');
    }
  }

  private releaseHeld(): void {
    this.holding = false;
    const held = this.held.splice(0);
    for (const { request, resolve, reject } of held) {
      try {
        this.applyAndQueue(request).then(resolve, reject);
      } catch (error) {
        reject(error);
      }
    }
  }

  /** Waits for every queued commit to be durable, then closes the journal. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    while (this.writerActive) await this.writing;
    await this.journal.close();
    this.releaseLock();
  }

  /** Segment files currently in the journal (for diagnostics and tests). */
  segmentFiles(): Promise<string[]> {
    return this.journal.names();
  }
}
