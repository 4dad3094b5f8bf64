import { join } from 'node:path';
import type { FileSystem } from '../fs/file-system.js';
import { decodeFrame, findValidFrameAfter, type FrameProblem } from './frame.js';

/**
 * The journal is a directory of segment files, each named after the sequence number of its
 * first record. A new segment starts at every snapshot, so compaction is deleting whole
 * segments that the snapshot (and the head office) no longer need.
 */
export interface Segment {
  name: string;
  path: string;
  firstSeq: number;
}

const SEGMENT_PATTERN = /^(\d{16})\.journal$/;

export function segmentName(firstSeq: number): string {
  return `${String(firstSeq).padStart(16, '0')}.journal`;
}

export async function listSegments(fs: FileSystem, directory: string): Promise<Segment[]> {
  const segments: Segment[] = [];
  for (const name of await fs.list(directory)) {
    const match = SEGMENT_PATTERN.exec(name);
    if (match) segments.push({ name, path: join(directory, name), firstSeq: Number(match[1]) });
  }
  return segments.sort((a, b) => a.firstSeq - b.firstSeq);
}

/** A record as found on disk. `payload` and the hashes point into the segment's buffer. */
export interface ScannedRecord {
  seq: number;
  hash: Buffer;
  prevHash: Buffer;
  payload: Buffer;
  segment: Segment;
  offset: number;
}

/** A damaged record that has valid records after it, or a broken sequence or hash chain. */
export class JournalCorruptError extends Error {
  constructor(
    readonly file: string,
    readonly offset: number,
    readonly reason: string,
  ) {
    super(
      `journal damaged in ${file} at byte ${offset}: ${reason}. ` +
        'Nothing was changed. Run `bashgah journal verify` for details and `bashgah journal repair` ' +
        'to cut the damage out (it keeps a copy of everything it removes).',
    );
    this.name = 'JournalCorruptError';
  }
}

/** Bytes at the end of the last segment that hold no complete record: an interrupted write. */
export interface TornTail {
  segment: Segment;
  offset: number;
  bytes: number;
  problem: FrameProblem;
}

export interface ScanResult {
  records: number;
  lastSeq: number | undefined;
  lastHash: Buffer | undefined;
  tornTail: TornTail | undefined;
}

export interface ScanOptions {
  /** Called for every valid record in order; may throw to stop the scan. */
  onRecord(record: ScannedRecord): void;
  /** Called once per segment with the byte offset of every record (for the read index). */
  onSegmentIndex?(segment: Segment, offsets: number[], endOffset: number): void;
}

/**
 * Reads every segment in order, checking each frame's checksum, that sequence numbers follow
 * one another and that each record names the previous one's hash. A torn tail (no valid record
 * after the damage, in the last segment) is reported for the caller to cut; anything else that
 * is wrong throws JournalCorruptError naming the file and offset.
 */
export async function scanJournal(fs: FileSystem, segments: Segment[], options: ScanOptions): Promise<ScanResult> {
  let expectedSeq: number | undefined;
  let previousHash: Buffer | undefined;
  let records = 0;
  let tornTail: TornTail | undefined;
  for (const [index, segment] of segments.entries()) {
    const isLast = index === segments.length - 1;
    const buffer = await fs.readFile(segment.path);
    const offsets: number[] = [];
    let offset = 0;
    if (expectedSeq !== undefined && segment.firstSeq !== expectedSeq && buffer.length > 0) {
      throw new JournalCorruptError(segment.path, 0, `segment should start at record ${expectedSeq}`);
    }
    while (offset < buffer.length) {
      const decoded = decodeFrame(buffer, offset);
      if (typeof decoded === 'string') {
        const laterFrame = findValidFrameAfter(buffer, offset);
        if (isLast && laterFrame === undefined) {
          tornTail = { segment, offset, bytes: buffer.length - offset, problem: decoded };
          break;
        }
        throw new JournalCorruptError(segment.path, offset, `${describe(decoded)}, with valid records after it`);
      }
      const seqExpected = expectedSeq ?? segment.firstSeq;
      if (decoded.seq !== seqExpected) {
        throw new JournalCorruptError(segment.path, offset, `record ${decoded.seq} found where ${seqExpected} belongs`);
      }
      if (previousHash !== undefined && !decoded.prevHash.equals(previousHash)) {
        throw new JournalCorruptError(segment.path, offset, `record ${decoded.seq} does not follow from the record before it (hash chain broken)`);
      }
      options.onRecord({ ...decoded, segment, offset });
      offsets.push(offset);
      records++;
      expectedSeq = decoded.seq + 1;
      previousHash = decoded.hash;
      offset += decoded.length;
    }
    options.onSegmentIndex?.(segment, offsets, tornTail?.segment === segment ? tornTail.offset : buffer.length);
  }
  return { records, lastSeq: expectedSeq === undefined ? undefined : expectedSeq - 1, lastHash: previousHash, tornTail };
}

function describe(problem: FrameProblem): string {
  switch (problem) {
    case 'incomplete':
      return 'a record that ends past the end of the file';
    case 'bad-length':
      return 'a record with an impossible length';
    case 'bad-checksum':
      return 'a record whose checksum does not match';
    case 'bad-version':
      return 'a record of an unknown format version';
  }
}
