import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { recordHashMatches } from '../../../../sync/hq/record-hash.js';
import { canonicalJson } from '../canonical.js';
import type { CommitRecord, Op } from '../types.js';
import { encodeFrame, ZERO_HASH } from './frame.js';
import { COMPACT_TAG, ReplayFingerprint, decodeRecord, decodeReplayHead, encodeRecord, encodeRecordJson } from './record-codec.js';

const base: CommitRecord = {
  id: 'c1',
  actor: { kind: 'pos', id: 'till-1' },
  at: { atMs: 1795392000000, clockSynced: true },
  ops: [{ amount: 5, credit: 'member:m1:points', debit: 'club:earned', op: 'transfer', reason: 'earn', unit: 'points' }],
  fingerprint: '00112233445566778899aabbccddeeff',
  results: [{ transferId: 'c1#0', debitBalance: -5, creditBalance: 5 }],
  postings: [{ id: 'c1#0', debit: 'club:earned', credit: 'member:m1:points', amount: 5, unit: 'points', reason: 'earn' }],
};

/** This record's payload exactly as the ledger wrote it before the compact form (commit 87bdd1d). */
const FORMAT_1_PAYLOAD =
  '{"id":"c1","actor":{"kind":"pos","id":"till-1"},"at":{"atMs":1795392000000,"clockSynced":true},"ops":[{"amount":5,"credit":"member:m1:points","debit":"club:earned","op":"transfer","reason":"earn","unit":"points"}],"fingerprint":"00112233445566778899aabbccddeeff"}\n' +
  '{"results":[{"transferId":"c1#0","debitBalance":-5,"creditBalance":5}],"postings":[{"id":"c1#0","debit":"club:earned","credit":"member:m1:points","amount":5,"unit":"points","reason":"earn"}]}';
/** Its hash as record 1 after a zero hash, as that ledger computed it. */
const FORMAT_1_HASH = '9b6bea0c3117843193e3febbdf5a0e0ffb350226884777cd40aa249d3f201298';

/** What a record looks like after a trip through JSON (the form the head office receives). */
const viaJson = (record: CommitRecord): CommitRecord => JSON.parse(JSON.stringify(record)) as CommitRecord;
/** Operations as the ledger stores them: canonical JSON, keys sorted. */
const canonicalOps = (ops: Op[]): Op[] => JSON.parse(canonicalJson(ops)) as Op[];

/** The record without what replay skips (results, postings). */
function headOf({ results: _results, postings: _postings, ...head }: CommitRecord): CommitRecord {
  return head;
}

const replayFingerprint = new ReplayFingerprint();

/** What replay decodes of a payload, with its fingerprint put back as the text it stands for. */
function replayView(payload: Buffer): string {
  // Decoded inside a larger buffer, as replay reads it (a part of a chunk).
  const chunk = Buffer.concat([Buffer.from('before'), payload, Buffer.from('after')]);
  const record = decodeReplayHead(chunk, 6, 6 + payload.length, replayFingerprint);
  const { value } = replayFingerprint;
  if (value instanceof Uint8Array) {
    expect(value).toBe(replayFingerprint.bytes);
    expect(record.fingerprint).toBeUndefined();
    return JSON.stringify({ ...record, fingerprint: Buffer.from(value).toString('hex') });
  }
  expect(value).toBe(record.fingerprint ?? '');
  return JSON.stringify(record);
}

describe('journal record codec', () => {
  it('writes the common operations compact, far smaller than JSON, and reads them back exactly', () => {
    const payload = encodeRecord(base);
    expect(payload[0]).toBe(COMPACT_TAG);
    expect(payload.length).toBeLessThan(encodeRecordJson(base).length * 0.75);
    expect(JSON.stringify(decodeRecord(payload))).toBe(JSON.stringify(viaJson(base)));
    expect(replayView(payload)).toBe(JSON.stringify(headOf(base)));
  });

  it('hands replay the fingerprint as bytes when it was written as bytes, and the record otherwise unchanged', () => {
    const compact = encodeRecord(base);
    expect(replayView(compact)).toBe(JSON.stringify(headOf(base)));
    expect(Buffer.from(replayFingerprint.bytes).toString('hex')).toBe(base.fingerprint);
    // A fingerprint that is not 32 hex digits is written, and handed over, as text.
    const text = { ...base, fingerprint: 'not-hex' };
    expect(replayView(encodeRecord(text))).toBe(JSON.stringify(headOf(text)));
    expect(replayFingerprint.value).toBe('not-hex');
    // None at all: '' (as replay always handed over).
    const { fingerprint: _fingerprint, ...none } = base;
    expect(replayView(encodeRecord(none))).toBe(JSON.stringify(headOf(none)));
    expect(replayFingerprint.value).toBe('');
    // Format 1 (JSON): the fingerprint as the text it is.
    expect(replayView(Buffer.from(FORMAT_1_PAYLOAD, 'utf8'))).toBe(JSON.stringify(headOf(base)));
    expect(replayFingerprint.value).toBe(base.fingerprint);
  });

  it('still reads format-1 (JSON) payloads, and can still write them byte for byte', () => {
    const old = Buffer.from(FORMAT_1_PAYLOAD, 'utf8');
    expect(decodeRecord(old)).toEqual(base);
    expect(decodeReplayHead(old, 0, old.length, replayFingerprint)).toEqual(headOf(base));
    expect(encodeRecordJson(base).toString('utf8')).toBe(FORMAT_1_PAYLOAD);
    expect(encodeFrame(1, ZERO_HASH, old).hash.toString('hex')).toBe(FORMAT_1_HASH);
  });

  it('lets the head office check the hash of records in either format', () => {
    const old = { seq: 1, prevHash: ZERO_HASH.toString('hex'), hash: FORMAT_1_HASH, record: viaJson(base) };
    expect(recordHashMatches(old)).toBe(true);
    const compact = encodeFrame(1, ZERO_HASH, encodeRecord(base)).hash.toString('hex');
    expect(compact).not.toBe(FORMAT_1_HASH);
    expect(recordHashMatches({ ...old, hash: compact })).toBe(true);
    const tampered = viaJson(base);
    (tampered.ops[0] as unknown as { amount: number }).amount = 6;
    expect(recordHashMatches({ ...old, record: tampered })).toBe(false);
    expect(recordHashMatches({ ...old, hash: compact, record: tampered })).toBe(false);
  });

  it('keeps what only JSON holds exactly: unknown operations inside a compact record, odd records as JSON', () => {
    // An unknown operation, and a transfer with a fractional amount: JSON text inside a compact record.
    const mixed: CommitRecord = { ...base, ops: [...base.ops, { op: 'lottery.buy', memberId: 'm1', tickets: 2, extra: { deep: [1, null, 'x'] } }, { ...base.ops[0]!, amount: 1.5 }] };
    const payload = encodeRecord(mixed);
    expect(payload[0]).toBe(COMPACT_TAG);
    expect(payload.includes('"amount":1.5')).toBe(true);
    expect(decodeRecord(payload)).toEqual(mixed);
    // An unpaired surrogate, an unknown actor kind, a time before 1970: the whole record as JSON.
    for (const odd of [
      { ...base, id: 'bad\uD800' },
      { ...base, actor: { kind: 'robot', id: 'r' } as unknown as CommitRecord['actor'] },
      { ...base, at: { atMs: -1, clockSynced: false } },
    ]) {
      const oddPayload = encodeRecord(odd);
      expect(oddPayload[0]).toBe('{'.charCodeAt(0));
      expect(decodeRecord(oddPayload)).toEqual(viaJson(odd));
    }
  });

  it('round-trips any record: decoded equals the JSON view, and re-encoding gives the same bytes', () => {
    // Any text, now and then with an unpaired surrogate (which only JSON keeps).
    const text = fc.oneof(fc.string({ maxLength: 24, unit: 'grapheme' }), fc.string({ maxLength: 4, unit: fc.constantFrom('a', 'é', '\uD800', '\uDC00', '😀') }));
    const uint = fc.oneof(fc.nat(1000), fc.maxSafeNat());
    const transfer = fc.record(
      { op: fc.constant('transfer'), debit: text, credit: text, amount: uint, unit: fc.constantFrom('points', 'rial'), reason: text, memo: text, ref: fc.dictionary(text, text, { maxKeys: 3 }) },
      { requiredKeys: ['op', 'debit', 'credit', 'amount', 'unit', 'reason'] },
    );
    const member = fc.record(
      { op: fc.constant('member.create'), memberId: text, name: text, phone: text, smsConsent: fc.boolean(), storeId: text, birthday: text, interests: fc.array(text, { maxLength: 3 }) },
      { requiredKeys: ['op', 'memberId', 'name', 'phone', 'smsConsent', 'storeId'] },
    );
    const purchase = fc.record(
      { op: fc.constant('purchase.record'), receiptId: text, memberId: text, amountRial: uint, purchasedAtMs: uint, categories: fc.array(fc.record({ category: text, amountRial: fc.nat() }), { maxLength: 2 }) },
      { requiredKeys: ['op', 'receiptId', 'memberId', 'amountRial'] },
    );
    const card = fc.oneof(
      fc.record({ op: fc.constant('card.link'), cardId: text, kind: fc.constantFrom('member', 'gift'), memberId: text }),
      fc.record({ op: fc.constant('card.block'), cardId: text, reason: text, replacedBy: text }, { requiredKeys: ['op', 'cardId', 'reason'] }),
    );
    const other = fc.record({ op: fc.constantFrom('voucher.issue', 'transfer', 'points.pay'), value: fc.jsonValue({ maxDepth: 2 }) });
    const op = fc.oneof(transfer, member, purchase, card, other) as fc.Arbitrary<Op>;
    const record = fc.record(
      {
        id: text,
        actor: fc.record({ kind: fc.constantFrom('pos', 'staff', 'technician', 'kiosk', 'system', 'sync'), id: text }),
        at: fc.record({ atMs: fc.oneof(fc.nat(), fc.integer({ min: 0, max: 2 ** 48 - 1 })), clockSynced: fc.boolean() }),
        ops: fc.array(op, { maxLength: 4 }).map(canonicalOps),
        fingerprint: fc.oneof(fc.stringMatching(/^[0-9a-f]{32}$/), text),
        results: fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 2 }),
        postings: fc.constant([]),
      },
      { requiredKeys: ['id', 'actor', 'at', 'ops'] },
    ) as fc.Arbitrary<CommitRecord>;
    fc.assert(
      fc.property(record, (generated) => {
        const payload = encodeRecord(generated);
        const decoded = decodeRecord(payload);
        expect(decoded).toEqual(viaJson(generated));
        // The head office re-encodes what it received over JSON: the same bytes, so the same hash.
        expect(encodeRecord(viaJson(decoded)).equals(payload)).toBe(true);
        // Replay sees the same head, key for key, and the same fingerprint, as bytes or text.
        expect(replayView(payload)).toBe(JSON.stringify(headOf(decoded)));
      }),
      { numRuns: 400, seed: 20261123 },
    );
  });
});
