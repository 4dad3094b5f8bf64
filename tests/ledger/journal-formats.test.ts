import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { beforeEach, describe, expect, it } from 'vitest';
import { canonicalJson, fingerprintOf } from '../../firmware/src/ledger/canonical.js';
import { ManualClock } from '../../firmware/src/ledger/clock.js';
import { coreModule } from '../../firmware/src/ledger/core-module.js';
import { balanceOf, type CoreState } from '../../firmware/src/ledger/core-state.js';
import { LedgerEngine } from '../../firmware/src/ledger/engine.js';
import { NodeFileSystem } from '../../firmware/src/ledger/fs/node-file-system.js';
import { encodeFrame, FRAME_HEADER_BYTES, ZERO_HASH } from '../../firmware/src/ledger/journal/frame.js';
import { COMPACT_TAG, encodeRecordJson } from '../../firmware/src/ledger/journal/record-codec.js';
import { JournalCorruptError, segmentName } from '../../firmware/src/ledger/journal/segments.js';
import { Ledger } from '../../firmware/src/ledger/ledger.js';
import type { LedgerModule } from '../../firmware/src/ledger/module.js';
import { journalDirectory, ledgerDirectory } from '../../firmware/src/ledger/paths.js';
import { recover, type RecoverOptions } from '../../firmware/src/ledger/recovery.js';
import { clubAccount, memberAccount, type CommitRecord, type Op } from '../../firmware/src/ledger/types.js';
import { seededRandom } from '../support/seeded-random.js';
import { memoryLogger } from '../support/silent-logger.js';
import { tempDirPerTest } from '../support/temp-ledger.js';

const actor = { kind: 'pos' as const, id: 'till' };
const OLD_RECORDS = 15;
const NEW_RECORDS = 15;
const earn = (amount: number): Op[] => [{ amount, credit: memberAccount('m1'), debit: clubAccount('earned'), op: 'transfer', reason: 'earn', unit: 'points' }];

/**
 * A journal begun by the previous firmware (format-1 JSON payloads, written here frame by
 * frame as it wrote them) and continued by this one (compact payloads), in one segment.
 */
async function mixedJournal(ledgerDir: string): Promise<{ file: string; offsets: number[]; total: number }> {
  const engine = new LedgerEngine([coreModule as LedgerModule<unknown>]);
  const frames: Buffer[] = [];
  let previous = ZERO_HASH;
  for (let seq = 1; seq <= OLD_RECORDS; seq++) {
    const ops: Op[] = seq === 1 ? [{ memberId: 'm1', name: 'Reza', op: 'member.create', phone: '09121111111', smsConsent: true, storeId: 's1' }] : earn(seq);
    const fingerprint = fingerprintOf(canonicalJson(ops));
    const record: CommitRecord = { id: `old${seq}`, actor, at: { atMs: 1_700_000_000_000 + seq, clockSynced: true }, ops, fingerprint };
    const { results, postings } = engine.apply(record, seq, fingerprint);
    record.results = results;
    record.postings = postings.map(({ at: _at, ...posting }) => posting);
    const { frame, hash } = encodeFrame(seq, previous, encodeRecordJson(record));
    frames.push(frame);
    previous = hash;
  }
  const file = join(journalDirectory(ledgerDir), segmentName(1));
  const fs = new NodeFileSystem();
  await fs.mkdir(journalDirectory(ledgerDir));
  writeFileSync(file, Buffer.concat(frames));
  const ledger = await Ledger.open({ dataDir: ledgerDir, logger: memoryLogger().logger, clock: new ManualClock() });
  for (let i = 0; i < NEW_RECORDS; i++) await ledger.commit({ id: `new${i}`, actor, ops: earn(100 + i) });
  await ledger.close();
  expect(readdirSync(journalDirectory(ledgerDir))).toEqual([segmentName(1)]);
  const bytes = readFileSync(file);
  const offsets: number[] = [];
  for (let offset = 0; offset < bytes.length; offset += FRAME_HEADER_BYTES + bytes.readUInt32LE(offset)) offsets.push(offset);
  expect(offsets).toHaveLength(OLD_RECORDS + NEW_RECORDS);
  expect(bytes[offsets[0]! + FRAME_HEADER_BYTES]).toBe('{'.charCodeAt(0));
  expect(bytes[offsets.at(-1)! + FRAME_HEADER_BYTES]).toBe(COMPACT_TAG);
  let total = 0;
  for (let seq = 2; seq <= OLD_RECORDS; seq++) total += seq;
  for (let i = 0; i < NEW_RECORDS; i++) total += 100 + i;
  return { file, offsets, total };
}

/**
 * The same journal checked three ways, which must agree: on this thread in chunks smaller
 * than a record (each record read whole); on the worker in chunks of a few records (records
 * cut at chunk ends); on this thread first, then handed to the worker part way through.
 */
const WAYS: Array<[string, RecoverOptions]> = [
  ['in line, chunks smaller than a record', { chunkBytes: 97 }],
  ['worker, chunks of a few records', { checkOnWorkerAfterBytes: 0, chunkBytes: 500 }],
  ['in line, then the worker', { checkOnWorkerAfterBytes: 1000, chunkBytes: 700 }],
];

type Outcome = { lastSeq: number; balance: number; cut: number | undefined } | { damageAt: number; reason: string };

async function recoverWith(ledgerDir: string, options: RecoverOptions): Promise<Outcome> {
  const engine = new LedgerEngine([coreModule as LedgerModule<unknown>]);
  const { logger, lines } = memoryLogger();
  try {
    const recovered = await recover(new NodeFileSystem(), journalDirectory(ledgerDir), null, engine, logger, options);
    const cut = lines.find((line) => String(line.msg).includes('torn tail'))?.offset as number | undefined;
    return { lastSeq: recovered.lastSeq, balance: balanceOf(engine.slice<CoreState>('core'), memberAccount('m1')), cut };
  } catch (error) {
    if (!(error instanceof JournalCorruptError)) throw error;
    return { damageAt: error.offset, reason: error.reason };
  }
}

describe('journal formats', () => {
  const dir = tempDirPerTest();
  let ledgerDir: string;
  beforeEach(() => {
    ledgerDir = ledgerDirectory(dir.path);
  });

  it('opens a journal the previous firmware wrote, continues it, and reads old and new records back', async () => {
    const { total } = await mixedJournal(ledgerDir);
    const ledger = await Ledger.open({ dataDir: ledgerDir, logger: memoryLogger().logger });
    expect(ledger.lastSeq).toBe(OLD_RECORDS + NEW_RECORDS);
    expect(ledger.balance(memberAccount('m1'))).toBe(total);
    const entries = await ledger.readRecords(0, 100);
    expect(entries.map((entry) => entry.record.id)).toEqual([...Array.from({ length: OLD_RECORDS }, (_, i) => `old${i + 1}`), ...Array.from({ length: NEW_RECORDS }, (_, i) => `new${i}`)]);
    expect(entries[3]!.record).toMatchObject({ ops: earn(4), results: [{ debitBalance: -9, creditBalance: 9 }], postings: [{ amount: 4, id: 'old4#0' }] });
    expect(entries.at(-1)!.record).toMatchObject({ ops: earn(114), postings: [{ amount: 114, id: `new${NEW_RECORDS - 1}#0` }] });
    // A request repeated after the restart gets its first answer, from either format.
    expect((await ledger.commit({ id: 'old4', actor, ops: earn(4) })).replayed).toBe(true);
    expect(await ledger.commit({ id: 'new3', actor, ops: earn(103) })).toMatchObject({ replayed: true, results: entries[OLD_RECORDS + 3]!.record.results });
    await ledger.close();
    for (const [way, options] of WAYS) expect(await recoverWith(ledgerDir, options), way).toEqual({ lastSeq: OLD_RECORDS + NEW_RECORDS, balance: total, cut: undefined });
  });

  it('refuses a flipped bit anywhere before the last record at that record, whichever thread checks it', async () => {
    const { file, offsets, total } = await mixedJournal(ledgerDir);
    const original = readFileSync(file);
    const random = seededRandom(20261123);
    for (let trial = 0; trial < 40; trial++) {
      const position = Math.floor(random() * original.length);
      const victim = offsets.findLastIndex((offset) => offset <= position);
      const expected: Outcome =
        victim === offsets.length - 1
          ? { lastSeq: offsets.length - 1, balance: total - (100 + NEW_RECORDS - 1), cut: offsets[victim] }
          : { damageAt: offsets[victim]!, reason: expect.stringContaining('with valid records after it') as unknown as string };
      const bit = 1 << Math.floor(random() * 8);
      for (const [way, options] of WAYS) {
        const damaged = Buffer.from(original);
        damaged[position]! ^= bit;
        writeFileSync(file, damaged);
        expect(await recoverWith(ledgerDir, options), `${way}: bit at byte ${position} (record ${victim + 1})`).toEqual(expected);
      }
    }
  });

  it('catches an edited record whose checksum was fixed up, old format or compact, by the hash chain', async () => {
    const { file, offsets } = await mixedJournal(ledgerDir);
    const original = readFileSync(file);
    for (const victim of [3, OLD_RECORDS + 4]) {
      const edited = Buffer.from(original);
      // A compact transfer is its code (1), no optional fields (0), then the amount (here 104);
      // in JSON, the digit after "amount":.
      const payload = offsets[victim]! + FRAME_HEADER_BYTES;
      const at = edited[payload] === COMPACT_TAG ? edited.indexOf(Buffer.from([1, 0, 104]), payload) + 2 : edited.indexOf('"amount":', payload) + 9;
      expect(at).toBeGreaterThan(payload);
      edited[at]! += 1;
      edited.writeUInt32LE(crc32(edited.subarray(offsets[victim]! + 8, offsets[victim + 1]!)), offsets[victim]! + 4);
      writeFileSync(file, edited);
      for (const [way, options] of WAYS) {
        expect(await recoverWith(ledgerDir, options), `${way}: record ${victim + 1}`).toEqual({ damageAt: offsets[victim + 1], reason: `record ${victim + 2} does not follow from the record before it (hash chain broken)` });
      }
    }
  });
});
