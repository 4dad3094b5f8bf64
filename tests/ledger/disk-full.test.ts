import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Ledger } from '../../firmware/src/ledger/ledger.js';
import { ManualClock } from '../../firmware/src/ledger/clock.js';
import { createLogger } from '../../firmware/src/log/logger.js';
import { clubAccount, memberAccount, type CommitRequest } from '../../firmware/src/ledger/types.js';
import { CrashFileSystem } from '../support/crash-file-system.js';
import { tempDir } from '../support/temp-dir.js';
import { expectBooksBalance } from './invariants.js';

const quiet = createLogger({ level: 'silent' });
const actor = { kind: 'pos' as const, id: 'till' };
const enrol: CommitRequest = { id: 'enrol', actor, ops: [{ op: 'member.create', memberId: 'm1', name: 'Nima', phone: '09123333333', smsConsent: true, storeId: 's' }] };
const earn = (i: number): CommitRequest => ({ id: `e${i}`, actor, ops: [{ op: 'transfer', debit: clubAccount('earned'), credit: memberAccount('m1'), amount: 1, unit: 'points', reason: 'earn' }] });

/** Commits until the disk refuses; returns how many were acknowledged and the refusal. */
async function fillUp(ledger: Ledger): Promise<{ acked: number; error: { code: string; message: string } }> {
  let acked = 0;
  for (let i = 0; i < 1_000_000; i++) {
    const outcome = await Promise.allSettled([ledger.commit(earn(2 * i)), ledger.commit(earn(2 * i + 1))]);
    for (const result of outcome) {
      if (result.status === 'fulfilled') acked++;
      else return { acked, error: result.reason as { code: string; message: string } };
    }
  }
  throw new Error('the disk never filled up');
}

describe('a full disk', () => {
  it('refuses the commit cleanly, keeps the books readable, and goes on once there is room', async () => {
    const fs = new CrashFileSystem();
    const ledger = await Ledger.open({ dataDir: '/l', fileSystem: fs, logger: quiet, clock: new ManualClock(), snapshotEveryRecords: 100_000 });
    await ledger.commit(enrol);
    fs.bytesUntilFull = 20_000;
    const { acked, error } = await fillUp(ledger);
    expect(error.code).toBe('STORAGE_FAILED');
    expect(error.message).toContain('disk is full');
    expect(ledger.balance(memberAccount('m1'))).toBe(acked);
    expectBooksBalance(ledger);
    fs.bytesUntilFull = Number.POSITIVE_INFINITY;
    await ledger.commit(earn(-1));
    expect(ledger.balance(memberAccount('m1'))).toBe(acked + 1);
    await ledger.close();
    const reopened = await Ledger.open({ dataDir: '/l', fileSystem: fs, logger: quiet, clock: new ManualClock() });
    expect(reopened.balance(memberAccount('m1'))).toBe(acked + 1);
    await reopened.close();
  });
});

describe('a snapshot that does not fit', () => {
  it('leaves the journal whole and the ledger working', async () => {
    const fs = new CrashFileSystem();
    const ledger = await Ledger.open({ dataDir: '/l', fileSystem: fs, logger: quiet, clock: new ManualClock(), snapshotEveryRecords: 100_000 });
    await ledger.commit(enrol);
    for (let i = 0; i < 50; i++) await ledger.commit(earn(i));
    // Room for more journal records, but not for a snapshot of the whole state.
    fs.bytesUntilFull = 500;
    await ledger.snapshot();
    fs.bytesUntilFull = Number.POSITIVE_INFINITY;
    await ledger.commit(earn(50));
    expect(await ledger.segmentFiles()).toContain('0000000000000001.journal');
    await ledger.close();
    const reopened = await Ledger.open({ dataDir: '/l', fileSystem: fs, logger: quiet, clock: new ManualClock() });
    expect(reopened.balance(memberAccount('m1'))).toBe(51);
    await reopened.close();
  });
});

/** The same on a real, tiny file system, where the kernel says ENOSPC. Needs mount rights. */
describe('a full disk (real tmpfs)', () => {
  const dir = tempDir('bashgah-full-');
  const mountPoint = join(dir.path, 'sd');
  let mounted = false;
  beforeAll(() => {
    mkdirSync(mountPoint);
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=256k', 'tmpfs', mountPoint], { stdio: 'pipe' });
      mounted = true;
    } catch {
      mounted = false;
    }
  });
  afterAll(() => {
    if (mounted) execFileSync('umount', [mountPoint]);
    dir.remove();
  });

  it('refuses commits with ENOSPC from the kernel and recovers every acknowledged one', async (context) => {
    if (!mounted) return context.skip('cannot mount a tmpfs here (not root, or no CAP_SYS_ADMIN)');
    const ledgerDir = join(mountPoint, 'ledger');
    const ledger = await Ledger.open({ dataDir: ledgerDir, logger: quiet, clock: new ManualClock(), snapshotEveryRecords: 100_000 });
    await ledger.commit(enrol);
    // Leave little room, so the journal fills quickly.
    const filler = join(mountPoint, 'filler');
    try {
      writeFileSync(filler, Buffer.alloc(200 * 1024));
    } catch {
      /* the file system is as full as it gets */
    }
    const { acked, error } = await fillUp(ledger);
    expect(error.code).toBe('STORAGE_FAILED');
    expect(ledger.balance(memberAccount('m1'))).toBe(acked);
    rmSync(filler, { force: true });
    await ledger.commit(earn(-1));
    await ledger.close();
    const reopened = await Ledger.open({ dataDir: ledgerDir, logger: quiet, clock: new ManualClock() });
    expect(reopened.balance(memberAccount('m1'))).toBe(acked + 1);
    expectBooksBalance(reopened);
    await reopened.close();
  });
});
