import type { CommitRecord } from '../types.js';

/**
 * How a commit is written as a journal payload: two JSON documents separated by a newline.
 *
 *   {"id":…,"actor":…,"at":…,"ops":[…],"fingerprint":…}\n{"results":[…],"postings":[…]}
 *
 * The first part is all that replaying the journal needs; the second (what each operation
 * returned, and every transfer posted) is read only for recent records and by the sync
 * outbox. Replay skips parsing it, which is most of the cost of a start. JSON never contains
 * a raw newline, so the first newline is the boundary. The head office rebuilds the payload
 * with this same function to check the record's hash.
 */
const NEWLINE = 0x0a;

export function encodeRecord(record: CommitRecord): Buffer {
  const head = JSON.stringify({
    id: record.id,
    actor: record.actor,
    at: record.at,
    ops: record.ops,
    ...(record.fingerprint !== undefined && { fingerprint: record.fingerprint }),
  });
  const tail = JSON.stringify({
    ...(record.results !== undefined && { results: record.results }),
    ...(record.postings !== undefined && { postings: record.postings }),
  });
  return Buffer.from(`${head}\n${tail}`, 'utf8');
}

/** The whole record. */
export function decodeRecord(payload: Buffer): CommitRecord {
  const boundary = payload.indexOf(NEWLINE);
  if (boundary < 0) return JSON.parse(payload.toString('utf8')) as CommitRecord;
  const head = JSON.parse(payload.toString('utf8', 0, boundary)) as CommitRecord;
  const tail = JSON.parse(payload.toString('utf8', boundary + 1)) as Pick<CommitRecord, 'results' | 'postings'>;
  return { ...head, ...tail };
}

/** Only what replay needs: the record without its results and postings. */
export function decodeRecordHead(buffer: Buffer, start: number, end: number): CommitRecord {
  const boundary = buffer.indexOf(NEWLINE, start);
  const headEnd = boundary < 0 || boundary >= end ? end : boundary;
  return JSON.parse(buffer.toString('utf8', start, headEnd)) as CommitRecord;
}
