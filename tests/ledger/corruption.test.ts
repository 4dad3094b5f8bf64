import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { crc32 } from 'node:zlib';
import { beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../firmware/src/cli/main.js';
import { Ledger } from '../../firmware/src/ledger/ledger.js';
import { ManualClock } from '../../firmware/src/ledger/clock.js';
import { FRAME_HEADER_BYTES } from '../../firmware/src/ledger/journal/frame.js';
import { JournalCorruptError } from '../../firmware/src/ledger/journal/segments.js';
import { ledgerDirectory } from '../../firmware/src/ledger/paths.js';
import { clubAccount, memberAccount } from '../../firmware/src/ledger/types.js';
import { memoryLogger } from '../support/silent-logger.js';
import { tempDirPerTest } from '../support/temp-ledger.js';

const actor = { kind: 'pos' as const, id: 'till' };
const RECORDS = 12;

/** Writes RECORDS commits and returns the journal file and each record's byte offset. */
async function buildJournal(dir: string): Promise<{ file: string; offsets: number[] }> {
  const ledger = await Ledger.open({ dataDir: dir, logger: memoryLogger().logger, clock: new ManualClock() });
  await ledger.commit({ id: 'c0', actor, ops: [{ op: 'member.create', memberId: 'm1', name: 'Reza', phone: '09121111111', smsConsent: true, storeId: 's1' }] });
  for (let i = 1; i < RECORDS; i++) {
    await ledger.commit({ id: `c${i}`, actor, ops: [{ op: 'transfer', debit: clubAccount('earned'), credit: memberAccount('m1'), amount: i, unit: 'points', reason: 'earn' }] });
  }
  await ledger.close();
  const journal = join(dir, 'journal');
  const file = join(journal, readdirSync(journal).find((name) => name.endsWith('.journal'))!);
  const bytes = readFileSync(file);
  const offsets: number[] = [];
  for (let offset = 0; offset < bytes.length; offset += FRAME_HEADER_BYTES + bytes.readUInt32LE(offset)) offsets.push(offset);
  expect(offsets).toHaveLength(RECORDS);
  return { file, offsets };
}

describe('journal corruption', () => {
  const dir = tempDirPerTest();
  let ledgerDir: string;
  beforeEach(() => {
    ledgerDir = ledgerDirectory(dir.path);
  });

  it('recovers from truncation at every byte of the last record, saying how many bytes it cut', async () => {
    const { file, offsets } = await buildJournal(ledgerDir);
    const original = readFileSync(file);
    const lastStart = offsets.at(-1)!;
    for (let length = lastStart + 1; length < original.length; length++) {
      writeFileSync(file, original.subarray(0, length));
      const { logger, lines } = memoryLogger();
      const ledger = await Ledger.open({ dataDir: ledgerDir, logger, clock: new ManualClock() });
      expect(ledger.lastSeq).toBe(RECORDS - 1);
      expect(ledger.balance(memberAccount('m1'))).toBe(((RECORDS - 2) * (RECORDS - 1)) / 2);
      const warning = lines.find((line) => String(line.msg).includes('torn tail'));
      expect(warning?.bytes).toBe(length - lastStart);
      expect(existsSync(String(warning?.keptAs))).toBe(true);
      await ledger.close();
    }
  });

  it('refuses to start on a flipped bit in the middle, naming the file and offset', async () => {
    const { file, offsets } = await buildJournal(ledgerDir);
    const original = readFileSync(file);
    const victim = offsets[5]!;
    // A bit in the length, the checksum, the sequence number, the previous hash and the payload.
    for (const position of [victim + 1, victim + 5, victim + 9, victim + 20, victim + FRAME_HEADER_BYTES + 3]) {
      const damaged = Buffer.from(original);
      damaged[position]! ^= 0x10;
      writeFileSync(file, damaged);
      const error = await Ledger.open({ dataDir: ledgerDir, logger: memoryLogger().logger }).catch((e: unknown) => e);
      expect(error, `bit at ${position}`).toBeInstanceOf(JournalCorruptError);
      expect((error as JournalCorruptError).file).toBe(file);
      expect((error as JournalCorruptError).offset).toBe(victim);
      expect((error as Error).message).toContain('bashgah journal verify');
    }
  });

  it('detects an edited record even when its checksum was fixed up (hash chain)', async () => {
    const { file, offsets } = await buildJournal(ledgerDir);
    const bytes = readFileSync(file);
    const victim = offsets[4]!;
    const payloadStart = victim + FRAME_HEADER_BYTES;
    // Edited as bytes: a compact payload is not text. Its tail (the postings) is JSON.
    const amountAt = bytes.indexOf('"amount":4', payloadStart);
    expect(amountAt).toBeGreaterThan(payloadStart);
    expect(amountAt).toBeLessThan(offsets[5]!);
    bytes[amountAt + 9] = '9'.charCodeAt(0);
    bytes.writeUInt32LE(crc32(bytes.subarray(victim + 8, offsets[5]!)), victim + 4);
    writeFileSync(file, bytes);
    const error = await Ledger.open({ dataDir: ledgerDir, logger: memoryLogger().logger }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JournalCorruptError);
    expect((error as JournalCorruptError).offset).toBe(offsets[5]);
    expect((error as JournalCorruptError).reason).toContain('hash chain');
  });

  it('verify reports the damage and repair cuts it out, keeping a copy of every removed byte', async () => {
    const { file, offsets } = await buildJournal(ledgerDir);
    const bytes = readFileSync(file);
    bytes[offsets[7]! + FRAME_HEADER_BYTES + 2]! ^= 0x01;
    writeFileSync(file, bytes);
    const out: string[] = [];
    const err: string[] = [];
    const io = { out: (t: string) => out.push(t), err: (t: string) => err.push(t), env: { BASHGAH_DATA_DIR: dir.path } };
    expect(await main(['journal', 'verify', '--json'], io)).toBe(1);
    const report = JSON.parse(out.join('')) as { ok: boolean; damage: { offset: number; file: string } };
    expect(report).toMatchObject({ ok: false, damage: { offset: offsets[7], file } });
    out.length = 0;
    expect(await main(['journal', 'repair'], io)).toBe(1);
    expect(out.join('')).toContain('nothing changed');
    expect(readFileSync(file)).toEqual(bytes);
    out.length = 0;
    expect(await main(['journal', 'repair', '--yes', '--json'], io)).toBe(0);
    const repaired = JSON.parse(out.join('')) as { keptIn: string; removedBytes: number; removedRecords: number };
    expect(repaired.removedBytes).toBe(bytes.length - offsets[7]!);
    expect(repaired.removedRecords).toBe(RECORDS - 8);
    const kept = readdirSync(repaired.keptIn).map((name) => readFileSync(join(repaired.keptIn, name)));
    expect(Buffer.concat(kept)).toEqual(bytes.subarray(offsets[7]!));
    const ledger = await Ledger.open({ dataDir: ledgerDir, logger: memoryLogger().logger });
    expect(ledger.lastSeq).toBe(7);
    await ledger.close();
  });

  it('will not repair a journal that a running service holds', async () => {
    // A real second process holds the ledger open, committing as a running service would.
    const child = spawn(process.execPath, [fileURLToPath(new URL('../../dist/tests/support/ledger-crash-child.js', import.meta.url)), ledgerDir, '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      await new Promise<void>((resolve) => child.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('ready') && resolve()));
      const err: string[] = [];
      const code = await main(['journal', 'repair', '--yes'], { out: () => {}, err: (t) => err.push(t), env: { BASHGAH_DATA_DIR: dir.path } });
      expect(code).toBe(1);
      expect(err.join('')).toContain(`open in another process (pid ${child.pid})`);
    } finally {
      child.kill('SIGKILL');
      await new Promise((resolve) => child.on('exit', resolve));
    }
  });
});
