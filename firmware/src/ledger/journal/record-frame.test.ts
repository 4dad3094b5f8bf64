import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CommitRecord } from '../types.js';
import { encodeFrame, ZERO_HASH } from './frame.js';
import { encodeRecord, encodeRecordFrame } from './record-codec.js';

const at = { atMs: 1795392000000, clockSynced: true };
const transfer = (amount: number, memo?: string): CommitRecord => ({
  id: `c${amount}`,
  actor: { kind: 'pos', id: 'till-1' },
  at,
  ops: [{ amount, credit: 'member:m1:points', debit: 'club:earned', op: 'transfer', reason: 'earn', unit: 'points', ...(memo !== undefined && { memo }) }],
  fingerprint: '00112233445566778899aabbccddeeff',
  results: [{ transferId: `c${amount}#0`, debitBalance: -amount, creditBalance: amount }],
  postings: [{ id: `c${amount}#0`, debit: 'club:earned', credit: 'member:m1:points', amount, unit: 'points', reason: 'earn', ...(memo !== undefined && { memo }) }],
});

describe('encodeRecordFrame', () => {
  it('writes exactly the frame that encodeFrame makes of encodeRecord, compact or JSON', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 40 }), fc.option(fc.string({ unit: 'binary' }), { nil: undefined }), fc.integer({ min: 1, max: 2 ** 40 }), (amount, memo, seq) => {
        const record = transfer(amount, memo);
        const prevHash = encodeFrame(seq, ZERO_HASH, Buffer.from(String(seq))).hash;
        const direct = encodeRecordFrame(seq, prevHash, record);
        const twoStep = encodeFrame(seq, prevHash, encodeRecord(record));
        expect(direct.frame.equals(twoStep.frame)).toBe(true);
        expect(direct.hash.equals(twoStep.hash)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('falls back to the JSON form for a record with no compact head', () => {
    const odd = { ...transfer(5), actor: { kind: 'pos', id: 'till-1', extra: 1 } } as unknown as CommitRecord;
    expect(encodeRecordFrame(1, ZERO_HASH, odd).frame.equals(encodeFrame(1, ZERO_HASH, encodeRecord(odd)).frame)).toBe(true);
  });
});
