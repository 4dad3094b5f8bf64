import { join } from 'node:path';
// The module's own binding: a test's fake timers (which replace the global) cannot stall a replay.
import { setImmediate } from 'node:timers';
import type { FileSystem } from '../fs/file-system.js';
import { InlineFrameChecker, WorkerFrameChecker, type FrameChecker } from './frame-checkers.js';
import { wholeFramesEnd, type RunVerdict } from './frame-runs.js';
import { FRAME_HEADER_BYTES, MAX_PAYLOAD_BYTES, checkFrame, findValidFrameAfter, hashFrame, type FrameProblem } from './frame.js';

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
  segment: Segment;
  /** Byte offset of the frame in its segment. */
  offset: number;
  /** The bytes read around the record (a part of its segment): the payload is `buffer[payloadStart, payloadEnd)`. */
  buffer: Buffer;
  payloadStart: number;
  payloadEnd: number;
  /** The previous record's hash as this record names it (a view into `buffer`). */
  prevHash(): Buffer;
  /** SHA-256 of the whole frame (computed on demand: a new buffer, safe to keep). */
  frameHash(): Buffer;
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
  /**
   * Once this many bytes have been read, lengths, CRCs and the hash chain are checked on a
   * worker thread, one chunk ahead of `onRecord` (which still sees only checked records).
   * Unset: all on this thread, which costs nothing to start and suits small journals.
   */
  checkOnWorkerAfterBytes?: number;
  /** Bytes read at a time (8 MiB; a record larger than this is read whole). */
  chunkBytes?: number;
}

const DEFAULT_CHUNK_BYTES = 8 << 20;
const LARGEST_FRAME_BYTES = FRAME_HEADER_BYTES + MAX_PAYLOAD_BYTES;
/** Chunks read and checked ahead of the replay: rides out a check thread that falls behind for a moment. */
const READ_AHEAD_CHUNKS = 2;

/**
 * The replay lets the event loop turn this often. Reading ahead takes several turns per chunk
 * (open, read, close) and a verdict arrives as a message: a replay that waited on nothing
 * still pending would let them move only between chunks, and every third chunk or so would
 * find its read-ahead run dry and wait for a read and a check (some 40 ms each time).
 */
const YIELD_EVERY_RECORDS = 2048;

function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Bytes of one segment, read at `base`, with the verdict on the whole frames among them. */
interface Chunk {
  segmentIndex: number;
  base: number;
  bytes: Buffer;
  atEnd: boolean;
  whole: ReturnType<typeof wholeFramesEnd>;
  verdict: Promise<RunVerdict>;
}

/**
 * Reads every segment in order, in large chunks, checking each frame's length and checksum,
 * that sequence numbers follow one another and that each record names the previous one's
 * hash. A torn tail (no valid record after the damage, in the last segment) is reported for
 * the caller to cut; anything else that is wrong throws JournalCorruptError naming the file
 * and offset of the first problem. The next chunk is read and checked while this one is
 * replayed.
 */
export async function scanJournal(fs: FileSystem, segments: Segment[], options: ScanOptions): Promise<ScanResult> {
  const chunkBytes = options.chunkBytes ?? DEFAULT_CHUNK_BYTES;
  let checker: FrameChecker = new InlineFrameChecker(undefined);
  let readBytes = 0;
  let finished = false;
  const read = async (segmentIndex: number, base: number): Promise<Chunk> => {
    // A read ahead that comes after the scan stopped must not start another check thread.
    if (finished) throw new Error('the journal scan has ended');
    // Started before the read it is for: a thread takes longer to start than a chunk to read.
    const after = options.checkOnWorkerAfterBytes;
    if (checker instanceof InlineFrameChecker && after !== undefined && readBytes >= after) checker = new WorkerFrameChecker(checker.previousHash);
    const path = segments[segmentIndex]!.path;
    let bytes = await fs.readRange(path, base, chunkBytes);
    if (finished) throw new Error('the journal scan has ended');
    let whole = wholeFramesEnd(bytes);
    const readLength = whole.end === 0 && bytes.length === chunkBytes ? LARGEST_FRAME_BYTES : chunkBytes;
    // A record larger than a chunk: read it whole.
    if (readLength > chunkBytes) {
      bytes = await fs.readRange(path, base, readLength);
      whole = wholeFramesEnd(bytes);
    }
    readBytes += bytes.length;
    const verdict = checker.check(bytes.subarray(0, whole.end));
    verdict.catch(() => {}); // a chunk read ahead may never be looked at
    return { segmentIndex, base, bytes, atEnd: bytes.length < readLength, whole, verdict };
  };
  /** What to read after `chunk` (undefined: nothing, the segments end or a problem comes first). */
  const readAfter = (chunk: Chunk | undefined): Promise<Chunk | undefined> | undefined => {
    if (chunk === undefined) return undefined;
    if (chunk.whole.stop !== 'bad' && !chunk.atEnd) return read(chunk.segmentIndex, chunk.base + chunk.whole.end);
    if (chunk.whole.stop === 'end' && chunk.atEnd && chunk.segmentIndex + 1 < segments.length) return read(chunk.segmentIndex + 1, 0);
    return undefined;
  };
  // Chunks being read and checked ahead of the one being replayed, in order.
  const ahead: Array<Promise<Chunk | undefined>> = [];
  const readAhead = (current: Chunk) => {
    while (ahead.length < READ_AHEAD_CHUNKS) {
      const last = ahead.at(-1);
      const next = last ? last.then(readAfter) : Promise.resolve(readAfter(current));
      next.catch(() => {}); // reported when awaited, unless an earlier chunk ends the scan first
      ahead.push(next);
    }
  };
  let expectedSeq: number | undefined;
  let lastHash: Buffer | undefined;
  let records = 0;
  let tornTail: TornTail | undefined;
  let offsets: number[] = [];
  try {
    if (segments.length > 0) ahead.push(read(0, 0));
    while (ahead.length > 0) {
      const chunk = await ahead.shift()!;
      if (chunk === undefined) break;
      readAhead(chunk);
      const segment = segments[chunk.segmentIndex]!;
      const { bytes, base } = chunk;
      if (base === 0) {
        offsets = [];
        if (expectedSeq !== undefined && segment.firstSeq !== expectedSeq && bytes.length > 0) {
          throw new JournalCorruptError(segment.path, 0, `segment should start at record ${expectedSeq}`);
        }
      }
      const verdict = await chunk.verdict;
      const view = recordView(segment, bytes);
      let offset = 0;
      const checkSeq = (seq: number) => {
        const seqExpected = expectedSeq ?? segment.firstSeq;
        if (seq !== seqExpected) throw new JournalCorruptError(segment.path, base + offset, `record ${seq} found where ${seqExpected} belongs`);
      };
      while (offset < verdict.end) {
        if (records % YIELD_EVERY_RECORDS === 0) await nextTurn();
        const frameEnd = offset + FRAME_HEADER_BYTES + bytes.readUInt32LE(offset);
        const seq = readSeq(bytes, offset);
        checkSeq(seq);
        view.seq = seq;
        view.offset = base + offset;
        view.payloadStart = offset + FRAME_HEADER_BYTES;
        view.payloadEnd = frameEnd;
        options.onRecord(view);
        offsets.push(base + offset);
        records++;
        expectedSeq = seq + 1;
        offset = frameEnd;
      }
      lastHash = verdict.lastHash;
      if (verdict.problem === 'chain') {
        const seq = bytes.readUIntLE(offset + 8, 6);
        checkSeq(seq);
        throw new JournalCorruptError(segment.path, base + offset, `record ${seq} does not follow from the record before it (hash chain broken)`);
      }
      const problem = verdict.problem ?? (offset < bytes.length && (chunk.atEnd || chunk.whole.stop === 'bad') ? checkFrame(bytes, offset) : undefined);
      if (typeof problem === 'string') {
        // Damage, or the end of what was written: the rest of the segment tells which.
        const at = base + offset;
        const file = await fs.readFile(segment.path);
        if (chunk.segmentIndex !== segments.length - 1 || findValidFrameAfter(file, at) !== undefined) {
          throw new JournalCorruptError(segment.path, at, `${describe(problem)}, with valid records after it`);
        }
        tornTail = { segment, offset: at, bytes: file.length - at, problem };
        options.onSegmentIndex?.(segment, offsets, at);
        break;
      }
      if (chunk.atEnd && offset === bytes.length) options.onSegmentIndex?.(segment, offsets, base + offset);
    }
  } finally {
    finished = true;
    await checker.close();
  }
  return { records, lastSeq: expectedSeq === undefined ? undefined : expectedSeq - 1, lastHash, tornTail };
}

/** The frame's sequence number (u48 LE at byte 8), read without readUIntLE's dispatch on the width. */
function readSeq(bytes: Buffer, frameOffset: number): number {
  return bytes.readUInt32LE(frameOffset + 8) + bytes.readUInt16LE(frameOffset + 12) * 2 ** 32;
}

function recordView(segment: Segment, buffer: Buffer): ScannedRecord {
  return {
    seq: 0,
    segment,
    offset: 0,
    buffer,
    payloadStart: 0,
    payloadEnd: 0,
    prevHash() {
      return this.buffer.subarray(this.payloadStart - 32, this.payloadStart);
    },
    frameHash() {
      return hashFrame(this.buffer.subarray(this.payloadStart - FRAME_HEADER_BYTES, this.payloadEnd));
    },
  };
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
