import { join } from 'node:path';
import type { Logger } from 'pino';
import type { FileSystem } from './fs/file-system.js';
import { ZERO_HASH } from './journal/frame.js';
import { ReplayFingerprint, decodeReplayHead } from './journal/record-codec.js';
import { JournalCorruptError, listSegments, scanJournal, type Segment } from './journal/segments.js';
import type { LedgerEngine, StoredCommit } from './engine.js';
import type { Timestamp } from './types.js';

/** The snapshot file: every module's state as of record `seq`. */
export interface SnapshotData {
  format: 1;
  seq: number;
  /** Hex SHA-256 of record `seq` (zeros when seq is 0), where the journal's chain resumes. */
  hash: string;
  takenAt: Timestamp;
  modules: Record<string, unknown>;
  commits: Array<[string, StoredCommit]>;
  /** Results of the most recent commits, oldest first. */
  recent?: Array<[string, RecentResult]>;
}

export interface RecentResult {
  seq: number;
  at: Timestamp;
  results: unknown[];
}

/** Where each durable record sits, so the sync outbox can read ranges without a scan. */
export interface SegmentIndex {
  segment: Segment;
  offsets: number[];
  endOffset: number;
}

export interface RecoveredJournal {
  snapshotSeq: number;
  lastSeq: number;
  lastHash: Buffer;
  segments: SegmentIndex[];
  replayed: number;
}

export interface RecoverOptions {
  /** From this many journal bytes on, frames are checked on a second thread (see scanJournal). */
  checkOnWorkerAfterBytes?: number;
  /** Bytes read at a time (see scanJournal). */
  chunkBytes?: number;
}

/**
 * Past this, a worker thread (some 30 ms to start) pays for itself: checksums and hashes are
 * about a quarter of a replay's work.
 */
export const CHECK_ON_WORKER_AFTER_BYTES = 8 << 20;

/**
 * Journal bytes per record, a little above a compact transfer's (about 320): enough to size the
 * commit index for the replay at once without making it larger than growing would.
 */
const TYPICAL_RECORD_BYTES = 400;

/**
 * Brings the engine to the state of the last durable record: the snapshot, then every journal
 * record after it. A torn tail is cut (a copy of its bytes is kept beside the journal and the
 * cut is logged with its size); any other damage stops the start with JournalCorruptError.
 */
export async function recover(
  fs: FileSystem,
  journalDirectory: string,
  snapshot: SnapshotData | null,
  engine: LedgerEngine,
  logger: Logger,
  options: RecoverOptions = {},
): Promise<RecoveredJournal> {
  const snapshotSeq = snapshot?.seq ?? 0;
  if (snapshot) engine.loadSnapshot(snapshot.modules, snapshot.commits);
  const segments = await listSegments(fs, journalDirectory);
  if (fs.fileSize) {
    let bytes = 0;
    for (const segment of segments) bytes += await fs.fileSize(segment.path);
    engine.commits.reserve(engine.commits.size + Math.floor(bytes / TYPICAL_RECORD_BYTES));
  }
  const index: SegmentIndex[] = [];
  let replayed = 0;
  let firstSeenSeq: number | undefined;
  const fingerprint = new ReplayFingerprint();
  const result = await scanJournal(fs, segments, {
    checkOnWorkerAfterBytes: options.checkOnWorkerAfterBytes ?? CHECK_ON_WORKER_AFTER_BYTES,
    ...(options.chunkBytes !== undefined && { chunkBytes: options.chunkBytes }),
    onRecord(scanned) {
      firstSeenSeq ??= scanned.seq;
      if (scanned.seq === snapshotSeq && snapshot && scanned.frameHash().toString('hex') !== snapshot.hash) {
        throw new JournalCorruptError(scanned.segment.path, scanned.offset, `record ${scanned.seq} is not the record the snapshot was taken at`);
      }
      if (scanned.seq <= snapshotSeq) return;
      if (scanned.seq === snapshotSeq + 1 && snapshot && scanned.prevHash().toString('hex') !== snapshot.hash) {
        throw new JournalCorruptError(scanned.segment.path, scanned.offset, `record ${scanned.seq} does not follow from the snapshot`);
      }
      const record = decodeReplayHead(scanned.buffer, scanned.payloadStart, scanned.payloadEnd, fingerprint);
      try {
        // Replaying, the engine hands the fingerprint straight to the commit index, which
        // copies bytes into its own words: `fingerprint`'s buffer is free again afterwards.
        engine.apply(record, scanned.seq, fingerprint.value, true);
      } catch (error) {
        // A durable record that no longer applies is a programmer error (a changed rule or a
        // missing module): stop rather than start with books that differ from the journal.
        throw new Error(`journal record ${scanned.seq} in ${scanned.segment.path} cannot be replayed: ${(error as Error).message}`);
      }
      replayed++;
    },
    onSegmentIndex(segment, offsets, endOffset) {
      index.push({ segment, offsets, endOffset });
    },
  });
  if (firstSeenSeq !== undefined && firstSeenSeq > snapshotSeq + 1) {
    const first = segments[0]!;
    throw new JournalCorruptError(first.path, 0, `records ${snapshotSeq + 1} to ${firstSeenSeq - 1} are missing between the snapshot and the journal`);
  }
  if (result.tornTail) {
    const { segment, offset, bytes, problem } = result.tornTail;
    const keptAs = join(journalDirectory, `torn-${segment.name}-at-${offset}.bin`);
    const tail = (await fs.readFile(segment.path)).subarray(offset);
    await fs.writeFileSynced(keptAs, tail);
    await fs.truncate(segment.path, offset);
    await fs.syncDirectory(journalDirectory);
    logger.warn({ file: segment.path, offset, bytes, problem, keptAs }, `journal: cut a torn tail of ${bytes} bytes (an interrupted write); the bytes are kept in ${keptAs}`);
  }
  const lastSeq = Math.max(result.lastSeq ?? 0, snapshotSeq);
  const lastHash = result.lastSeq !== undefined && result.lastSeq >= snapshotSeq ? result.lastHash! : snapshot ? Buffer.from(snapshot.hash, 'hex') : ZERO_HASH;
  return { snapshotSeq, lastSeq, lastHash, segments: index, replayed };
}
