import type { CommitRecord } from '../types.js';
import { writeCompactHead } from './compact-head.js';
import { ReplayFingerprint, decodeCompactHead, decodeCompactReplayHead } from './compact-head-reader.js';
import { encodeFrame, FRAME_HEADER_BYTES, sealFrame } from './frame.js';

export { ReplayFingerprint };

/**
 * How a commit is written as a journal payload: a head (all that replaying the journal needs)
 * and a tail (what each operation returned, and every transfer posted), which is read only
 * for recent records and by the sync outbox. Replay skips the tail. Two forms, told apart by
 * the payload's first byte:
 *
 *   '{'   JSON (format 1, every journal before the compact form):
 *         {"id":…,"actor":…,"at":…,"ops":[…],"fingerprint":…}\n{"results":[…],"postings":[…]}
 *         JSON never contains a raw newline, so the first newline is the boundary.
 *   0x01  compact (format 2): the head in binary (compact-head.ts), then the tail's JSON.
 *
 * New records are written compact whenever the head has a compact form, else as JSON. An old
 * firmware reading a compact record fails to parse it and refuses to start (it does not
 * mistake it for damage and cut it). The head office rebuilds the payload with `encodeRecord`
 * to check the record's hash; for records written before the compact form it uses
 * `encodeRecordJson` (see sync/hq/record-hash.ts).
 */
const NEWLINE = 0x0a;
const JSON_START = 0x7b;
export const COMPACT_TAG = 0x01;

export function encodeRecord(record: CommitRecord): Buffer {
  return compactPayloadAfter(0, record) ?? encodeRecordJson(record);
}

/**
 * The record as a journal frame: the same bytes as `encodeFrame(seq, prevHash, encodeRecord(record))`,
 * written once into the frame's own buffer rather than through intermediate ones.
 */
export function encodeRecordFrame(seq: number, prevHash: Buffer, record: CommitRecord): { frame: Buffer; hash: Buffer } {
  const frame = compactPayloadAfter(FRAME_HEADER_BYTES, record);
  if (frame === undefined) return encodeFrame(seq, prevHash, encodeRecordJson(record));
  return { frame, hash: sealFrame(frame, seq, prevHash) };
}

/**
 * A buffer of `reserved` bytes (left for the caller to fill) followed by the record's compact
 * payload, or undefined when the record has no compact head.
 */
function compactPayloadAfter(reserved: number, record: CommitRecord): Buffer | undefined {
  const head = writeCompactHead(record);
  if (head === undefined) return undefined;
  const tail = tailJson(record);
  const buffer = Buffer.allocUnsafe(reserved + 1 + head.length + Buffer.byteLength(tail, 'utf8'));
  buffer[reserved] = COMPACT_TAG;
  head.copyTo(buffer, reserved + 1);
  buffer.write(tail, reserved + 1 + head.length, 'utf8');
  return buffer;
}

/** The JSON form (format 1), as every record was written before the compact form existed. */
export function encodeRecordJson(record: CommitRecord): Buffer {
  const head = JSON.stringify({
    id: record.id,
    actor: record.actor,
    at: record.at,
    ops: record.ops,
    ...(record.fingerprint !== undefined && { fingerprint: record.fingerprint }),
  });
  return Buffer.from(`${head}\n${tailJson(record)}`, 'utf8');
}

function tailJson({ results, postings }: CommitRecord): string {
  // Literals rather than spreads: this runs for every commit.
  if (postings === undefined) return JSON.stringify(results === undefined ? {} : { results });
  return JSON.stringify(results === undefined ? { postings } : { results, postings });
}

/** The whole record. */
export function decodeRecord(payload: Buffer): CommitRecord {
  if (payload[0] === COMPACT_TAG) {
    const { head, headEnd } = decodeCompactHead(payload, 1, payload.length);
    return { ...head, ...parseTail(payload, headEnd, payload.length) };
  }
  checkJsonStart(payload, 0);
  const boundary = payload.indexOf(NEWLINE);
  if (boundary < 0) return JSON.parse(payload.toString('utf8')) as CommitRecord;
  const head = JSON.parse(payload.toString('utf8', 0, boundary)) as CommitRecord;
  return { ...head, ...parseTail(payload, boundary + 1, payload.length) };
}

/**
 * Only what replay needs: the record without its results and postings. A fingerprint written
 * as bytes (as the ledger writes every compact record) is left out of the record and handed
 * over as bytes in `fingerprint`, which the commit index takes as they are; otherwise
 * `fingerprint` gets the record's own.
 */
export function decodeReplayHead(buffer: Buffer, start: number, end: number, fingerprint: ReplayFingerprint): CommitRecord {
  if (buffer[start] === COMPACT_TAG) return decodeCompactReplayHead(buffer, start + 1, end, fingerprint);
  const head = decodeJsonHead(buffer, start, end);
  fingerprint.value = head.fingerprint ?? '';
  return head;
}

function decodeJsonHead(buffer: Buffer, start: number, end: number): CommitRecord {
  checkJsonStart(buffer, start);
  const boundary = buffer.indexOf(NEWLINE, start);
  const headEnd = boundary < 0 || boundary >= end ? end : boundary;
  return JSON.parse(buffer.toString('utf8', start, headEnd)) as CommitRecord;
}

function parseTail(buffer: Buffer, start: number, end: number): Pick<CommitRecord, 'results' | 'postings'> {
  return JSON.parse(buffer.toString('utf8', start, end)) as Pick<CommitRecord, 'results' | 'postings'>;
}

function checkJsonStart(buffer: Buffer, start: number): void {
  if (buffer[start] !== JSON_START) {
    throw new RangeError(`journal record payload of an unknown format (first byte 0x${(buffer[start] ?? 0).toString(16).padStart(2, '0')})`);
  }
}
