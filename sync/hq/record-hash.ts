import { encodeFrame } from '../../firmware/src/ledger/journal/frame.js';
import type { WireJournalEntry } from '../protocol/messages.js';

/**
 * Recomputes a journal record's hash exactly as the kiosk's ledger did (SHA-256 of its whole
 * frame: header with seq and previous hash, then the record's JSON), so the head office
 * knows the record it received is the one the kiosk wrote and chained. JSON.parse keeps key
 * order, so JSON.stringify of the received record gives back the journal's payload bytes.
 */
export function recordHashMatches(entry: WireJournalEntry): boolean {
  if (!/^[0-9a-f]{64}$/.test(entry.prevHash) || !/^[0-9a-f]{64}$/.test(entry.hash)) return false;
  const { hash } = encodeFrame(entry.seq, Buffer.from(entry.prevHash, 'hex'), Buffer.from(JSON.stringify(entry.record), 'utf8'));
  return hash.toString('hex') === entry.hash;
}
