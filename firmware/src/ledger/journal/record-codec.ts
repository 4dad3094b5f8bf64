import type { CommitRecord } from '../types.js';
import { decodeCompactHead, encodeCompactHead } from './compact-head.js';

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
  const head = encodeCompactHead(record);
  if (head === undefined) return encodeRecordJson(record);
  const tail = Buffer.from(tailJson(record), 'utf8');
  const payload = Buffer.allocUnsafe(1 + head.length + tail.length);
  payload[0] = COMPACT_TAG;
  head.copy(payload, 1);
  tail.copy(payload, 1 + head.length);
  return payload;
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

function tailJson(record: CommitRecord): string {
  return JSON.stringify({
    ...(record.results !== undefined && { results: record.results }),
    ...(record.postings !== undefined && { postings: record.postings }),
  });
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

/** Only what replay needs: the record without its results and postings. */
export function decodeRecordHead(buffer: Buffer, start: number, end: number): CommitRecord {
  if (buffer[start] === COMPACT_TAG) return decodeCompactHead(buffer, start + 1, end).head;
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
