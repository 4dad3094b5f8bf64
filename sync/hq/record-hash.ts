import { encodeFrame } from '../../firmware/src/ledger/journal/frame.js';
import { encodeRecord } from '../../firmware/src/ledger/journal/record-codec.js';
import type { CommitRecord } from '../../firmware/src/ledger/types.js';
import type { WireJournalEntry } from '../protocol/messages.js';

/**
 * Recomputes a journal record's hash exactly as the kiosk's ledger did (SHA-256 of its whole
 * frame: header with seq and previous hash, then the record's payload), so the head office
 * knows the record it received is the one the kiosk wrote and chained. JSON.parse keeps key
 * order, so the ledger's own encoder, given the received record, gives back the same bytes.
 */
export function recordHashMatches(entry: WireJournalEntry): boolean {
  if (!/^[0-9a-f]{64}$/.test(entry.prevHash) || !/^[0-9a-f]{64}$/.test(entry.hash)) return false;
  const { hash } = encodeFrame(entry.seq, Buffer.from(entry.prevHash, 'hex'), encodeRecord(entry.record as CommitRecord));
  return hash.toString('hex') === entry.hash;
}
