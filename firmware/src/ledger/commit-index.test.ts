import fc from 'fast-check';
import { beforeEach, describe, expect, it } from 'vitest';
import { CommitIndex } from './commit-index.js';
import { fingerprintOf } from './canonical.js';
import { Ledger } from './ledger.js';
import { memberAccount } from './types.js';
import { ledgerPerTest } from '../../../tests/support/temp-ledger.js';
import { actor, enrol, earn } from '../../../tests/support/ledger-ops.js';


describe('CommitIndex', () => {
  it('tells the same fingerprint from any other, and gives back what it was given', () => {
    const index = new CommitIndex();
    const a = fingerprintOf('a');
    const b = fingerprintOf('b');
    index.set('c1', a, 1);
    index.set('c2', b, 70_000); // another chunk
    index.set('legacy', '', 3); // a record written without a fingerprint
    index.set('odd', 'not-hex', 4);
    expect(index.sameFingerprint('c1', a)).toBe(true);
    expect(index.sameFingerprint('c1', b)).toBe(false);
    expect(index.sameFingerprint('c2', b)).toBe(true);
    expect(index.sameFingerprint('legacy', a)).toBe(false);
    expect(index.sameFingerprint('odd', 'not-hex')).toBe(true);
    expect(index.sameFingerprint('unknown', a)).toBe(false);
    expect(index.entries()).toEqual([
      ['c1', { fingerprint: a, seq: 1 }],
      ['legacy', { fingerprint: '', seq: 3 }],
      ['odd', { fingerprint: 'not-hex', seq: 4 }],
      ['c2', { fingerprint: b, seq: 70_000 }],
    ]);
    index.delete('c1');
    expect(index.has('c1')).toBe(false);
    expect(index.size).toBe(3);
  });
});

describe('CommitIndex against a Map', () => {
  it('agrees with a Map through any mix of sets (new and moved ids), deletes and growth', () => {
    const ids = fc.oneof(fc.integer({ min: 0, max: 3000 }).map((n) => `c${n}`), fc.string({ maxLength: 6 }));
    const step = fc.oneof(
      fc.record({ kind: fc.constant('set' as const), id: ids, fp: fc.integer({ min: 0, max: 1_000_000 }) }),
      fc.record({ kind: fc.constant('delete' as const), id: ids }),
    );
    fc.assert(
      fc.property(fc.array(step, { maxLength: 3000 }), (steps) => {
        const index = new CommitIndex();
        const model = new Map<string, { fingerprint: string; seq: number }>();
        // As in a ledger, a sequence number belongs to one live commit (fingerprints are kept by it).
        for (const [seq, s] of steps.entries()) {
          if (s.kind === 'set') {
            const fingerprint = s.fp.toString(16).padStart(32, '0');
            index.set(s.id, fingerprint, seq);
            model.set(s.id, { fingerprint, seq });
          } else {
            index.delete(s.id);
            model.delete(s.id);
          }
        }
        expect(index.size).toBe(model.size);
        for (const [id, stored] of model) {
          expect(index.seqOf(id)).toBe(stored.seq);
          expect(index.sameFingerprint(id, stored.fingerprint)).toBe(true);
        }
        expect(index.has('never-set')).toBe(false);
        const byId = new Map(index.entries());
        expect(byId.size).toBe(model.size);
        for (const [id, stored] of model) expect(byId.get(id)?.seq).toBe(stored.seq);
      }),
      { numRuns: 200 },
    );
  });

  it('keeps every id after making room ahead of time, and before', () => {
    const index = new CommitIndex();
    index.set('early', fingerprintOf('early'), 0);
    index.reserve(20_000);
    for (let seq = 1; seq <= 20_000; seq++) index.set(`r${seq}`, fingerprintOf(String(seq)), seq);
    expect(index.size).toBe(20_001);
    expect(index.seqOf('early')).toBe(0);
    expect(index.seqOf('r12345')).toBe(12_345);
    expect(index.sameFingerprint('r20000', fingerprintOf('20000'))).toBe(true);
  });

  it('takes the fingerprint as its 16 bytes as well as its 32 hex digits', () => {
    const index = new CommitIndex();
    const hex = fingerprintOf('x');
    index.set('bytes', Buffer.from(hex, 'hex'), 5);
    expect(index.sameFingerprint('bytes', hex)).toBe(true);
    expect(index.get('bytes')).toEqual({ fingerprint: hex, seq: 5 });
    expect(() => index.set('short', new Uint8Array(15), 6)).toThrow(/16 bytes/);
    expect(index.has('short')).toBe(false);
  });
});

describe('idempotency across snapshots and restarts', () => {
  const temp = ledgerPerTest();
  const open = temp.open;
  let ledger: Ledger;

  beforeEach(async () => {
    ledger = await open();
  });

  it('answers a repeated id with its first result and refuses other content, after a snapshot and a restart', async () => {
    await ledger.commit({ id: 'c1', actor, ops: [enrol('m1', '09120000001')] });
    const first = await ledger.commit({ id: 'c2', actor, ops: [earn('m1', 7)] });
    await ledger.snapshot();
    await ledger.close();
    ledger = await open();
    expect(await ledger.commit({ id: 'c2', actor, ops: [earn('m1', 7)] })).toEqual({ ...first, replayed: true });
    await expect(ledger.commit({ id: 'c2', actor, ops: [earn('m1', 8)] })).rejects.toMatchObject({ code: 'IDEMPOTENCY_CONFLICT' });
    // A commit refused by the rules leaves its id free.
    await expect(ledger.commit({ id: 'c3', actor, ops: [earn('nobody', 1)] })).rejects.toMatchObject({ code: 'UNKNOWN_MEMBER' });
    expect((await ledger.commit({ id: 'c3', actor, ops: [earn('m1', 1)] })).replayed).toBe(false);
    await ledger.snapshot();
    await ledger.close();
    ledger = await open();
    await expect(ledger.commit({ id: 'c3', actor, ops: [earn('m1', 2)] })).rejects.toMatchObject({ code: 'IDEMPOTENCY_CONFLICT' });
    expect(ledger.hasCommitted('c1')).toBe(true);
    expect(ledger.balance(memberAccount('m1'))).toBe(8);
  });
});
