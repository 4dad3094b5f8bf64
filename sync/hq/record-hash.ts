import { encodeFrame } from '../../firmware/src/ledger/journal/frame.js';
import { encodeRecord, encodeRecordJson } from '../../firmware/src/ledger/journal/record-codec.js';
import type { CommitRecord } from '../../firmware/src/ledger/types.js';
import type { WireJournalEntry } from '../protocol/messages.js';

/**
 * Recomputes a journal record's hash exactly as the kiosk's ledger did (SHA-256 of its whole
 * frame: header with seq and previous hash, then the record's payload), so the head office
 * knows the record it received is the one the kiosk wrote and chained. The ledger's own
 * encoder, given the received record, gives back the same bytes (JSON.parse keeps key order,
 * and the compact form does not depend on it). Records written before the compact form
 * existed were JSON: when the first try does not match, the JSON form is tried too. Either
 * match proves the same thing, since the hash covers the exact bytes that were chained.
 */
export function recordHashMatches(entry: WireJournalEntry): boolean {
  if (!/^[0-9a-f]{64}$/.test(entry.prevHash) || !/^[0-9a-f]{64}$/.test(entry.hash)) return false;
  const prevHash = Buffer.from(entry.prevHash, 'hex');
  const record = entry.record as CommitRecord;
  const current = encodeRecord(record);
  if (encodeFrame(entry.seq, prevHash, current).hash.toString('hex') === entry.hash) return true;
  const json = encodeRecordJson(record);
  return !json.equals(current) && encodeFrame(entry.seq, prevHash, json).hash.toString('hex') === entry.hash;
}
