import { join } from 'node:path';
import type { FileSystem } from '../fs/file-system.js';
import { FRAME_HEADER_BYTES, checkFrame, findValidFrameAfter, hashFrame, type FrameProblem } from './frame.js';

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

/**
 * A record as found on disk. One object is reused for every record of a scan (a replay may
 * read millions): read what you need inside the callback, do not keep it.
 */
export interface ScannedRecord {
  seq: number;
  /** SHA-256 of the whole frame (a new buffer, safe to keep). */
  hash: Buffer;
  segment: Segment;
  /** Byte offset of the frame in its segment. */
  offset: number;
  /** The segment's bytes; the payload is `buffer[payloadStart, payloadEnd)`. */
  buffer: Buffer;
  payloadStart: number;
  payloadEnd: number;
  /** The previous record's hash as this record names it (a view into `buffer`). */
  prevHash(): Buffer;
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
    const view: ScannedRecord = {
      seq: 0,
      hash: Buffer.alloc(0),
      segment,
      offset: 0,
      buffer,
      payloadStart: 0,
      payloadEnd: 0,
      prevHash() {
        return buffer.subarray(this.offset + 16, this.offset + 48);
      },
    };
    while (offset < buffer.length) {
      const checked = checkFrame(buffer, offset);
      if (typeof checked === 'string') {
        const laterFrame = findValidFrameAfter(buffer, offset);
        if (isLast && laterFrame === undefined) {
          tornTail = { segment, offset, bytes: buffer.length - offset, problem: checked };
          break;
        }
        throw new JournalCorruptError(segment.path, offset, `${describe(checked)}, with valid records after it`);
      }
      const seq = buffer.readUIntLE(offset + 8, 6);
      const seqExpected = expectedSeq ?? segment.firstSeq;
      if (seq !== seqExpected) {
        throw new JournalCorruptError(segment.path, offset, `record ${seq} found where ${seqExpected} belongs`);
      }
      // Compared in place: no buffer per record for the previous hash.
      if (previousHash !== undefined && previousHash.compare(buffer, offset + 16, offset + 48) !== 0) {
        throw new JournalCorruptError(segment.path, offset, `record ${seq} does not follow from the record before it (hash chain broken)`);
      }
      const hash = hashFrame(buffer.subarray(offset, offset + checked));
      view.seq = seq;
      view.hash = hash;
      view.offset = offset;
      view.payloadStart = offset + FRAME_HEADER_BYTES;
      view.payloadEnd = offset + checked;
      options.onRecord(view);
      offsets.push(offset);
      records++;
      expectedSeq = seq + 1;
      previousHash = hash;
      offset += checked;
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
