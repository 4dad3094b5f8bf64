import type { FileSystem } from '../fs/file-system.js';
import type { SegmentIndex } from '../recovery.js';
import { LedgerError, type CommitRecord } from '../types.js';
import { decodeFrame } from './frame.js';
import { decodeRecord } from './record-codec.js';

/** A durable journal record, as the sync outbox reads it. */
export interface JournalEntry {
  seq: number;
  hash: string;
  prevHash: string;
  record: CommitRecord;
}

/**
 * Reads records `afterSeq + 1 …` (at most `limit`, none past `lastSeq`) straight from their
 * byte ranges, found through the segment index: no scan of the journal.
 */
export async function readJournalRange(fs: FileSystem, index: readonly SegmentIndex[], afterSeq: number, limit: number, lastSeq: number): Promise<JournalEntry[]> {
  const entries: JournalEntry[] = [];
  let seq = afterSeq + 1;
  while (entries.length < limit && seq <= lastSeq) {
    const found = index.findLast((entry) => entry.segment.firstSeq <= seq);
    if (!found || seq - found.segment.firstSeq >= found.offsets.length) {
      throw new LedgerError('RECORD_COMPACTED', `record ${seq} is no longer in the journal (compacted)`);
    }
    const first = seq - found.segment.firstSeq;
    const count = Math.min(limit - entries.length, found.offsets.length - first, lastSeq - seq + 1);
    const start = found.offsets[first]!;
    const end = first + count < found.offsets.length ? found.offsets[first + count]! : found.endOffset;
    const bytes = await fs.readRange(found.segment.path, start, end - start);
    for (let offset = 0; offset < bytes.length; ) {
      const frame = decodeFrame(bytes, offset);
      if (typeof frame === 'string') throw new LedgerError('STORAGE_FAILED', `journal record ${seq} unreadable (${frame})`);
      entries.push({ seq: frame.seq, hash: frame.hash.toString('hex'), prevHash: frame.prevHash.toString('hex'), record: decodeRecord(frame.payload) });
      offset += frame.length;
    }
    seq += count;
  }
  return entries;
}
