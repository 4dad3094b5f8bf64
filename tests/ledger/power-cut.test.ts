import { describe, expect, it } from 'vitest';
import { Ledger } from '../../firmware/src/ledger/ledger.js';
import { ManualClock } from '../../firmware/src/ledger/clock.js';
import { clubAccount, memberAccount, type CommitRequest, type CommitResult } from '../../firmware/src/ledger/types.js';
import { balances } from '../../firmware/src/ledger/core-state.js';
import { CrashFileSystem, seededRandom, type Random } from '../support/crash-file-system.js';
import { createLogger } from '../../firmware/src/log/logger.js';
import { expectBooksBalance } from './invariants.js';

/**
 * Power-cut campaign: the ledger runs on a file system that loses whatever was not synced and
 * tears the last write at any byte when the power goes. Each seeded run commits bursts of
 * concurrent transfers (with snapshots and compaction every few records), loses power at a
 * random I/O operation, recovers, sometimes loses power again during or after recovery, and
 * checks that every acknowledged commit is there exactly once, in its place, and the books
 * balance. BASHGAH_LONG_CAMPAIGN=1 runs ten times as many seeds.
 */
const RUNS = process.env.BASHGAH_LONG_CAMPAIGN === '1' ? 30_000 : 3_000;
const DATA = '/data';
const quiet = createLogger({ level: 'silent' });

function randomRequest(random: Random, n: number, members: string[]): CommitRequest {
  const actor = { kind: 'pos' as const, id: 'till' };
  const choice = random();
  if (members.length === 0 || choice < 0.1) {
    const memberId = `m${members.length}`;
    members.push(memberId);
    return { id: `c${n}`, actor, ops: [{ op: 'member.create', memberId, name: 'Ali', phone: `0912${String(members.length).padStart(7, '0')}`, smsConsent: false, storeId: 's1' }] };
  }
  const memberId = members[Math.floor(random() * members.length)]!;
  const amount = 1 + Math.floor(random() * 20);
  const earn = choice < 0.7;
  return {
    id: `c${n}`,
    actor,
    ops: [
      earn
        ? { op: 'transfer', debit: clubAccount('earned'), credit: memberAccount(memberId), amount, unit: 'points', reason: 'earn' }
        : { op: 'transfer', debit: memberAccount(memberId), credit: clubAccount('redeemed'), amount, unit: 'points', reason: 'redeem' },
    ],
  };
}

interface Acknowledged {
  results: Map<string, CommitResult>;
}

/** Commits bursts until the power goes or `bursts` run out; records every acknowledgement. */
async function drive(ledger: Ledger, fs: CrashFileSystem, random: Random, counter: { n: number; members: string[] }, acked: Acknowledged, bursts: number): Promise<void> {
  for (let burst = 0; burst < bursts && !fs.powerLost; burst++) {
    const size = 1 + Math.floor(random() * 5);
    const requests = Array.from({ length: size }, () => randomRequest(random, counter.n++, counter.members));
    // Occasionally retry an earlier id: it must come back as the same result, not twice.
    if (random() < 0.2 && counter.n > 3) requests.push({ ...requests[0]! });
    const outcomes = await Promise.allSettled(requests.map((request) => ledger.commit(request)));
    outcomes.forEach((outcome) => {
      if (outcome.status === 'fulfilled') acked.results.set(outcome.value.id, { ...outcome.value, replayed: false });
    });
  }
}

async function openQuietly(fs: CrashFileSystem, clock: ManualClock): Promise<Ledger | undefined> {
  try {
    return await Ledger.open({ dataDir: DATA, fileSystem: fs, snapshotEveryRecords: 7, logger: quiet, clock });
  } catch (error) {
    if ((error as Error).message === 'power lost') return undefined;
    throw error;
  }
}

function expectAllAcknowledged(ledger: Ledger, acked: Acknowledged): void {
  for (const [id, result] of acked.results) {
    expect(ledger.hasCommitted(id), `acknowledged commit ${id} lost`).toBe(true);
  }
  expect(ledger.lastSeq).toBeGreaterThanOrEqual(Math.max(0, ...[...acked.results.values()].map((r) => r.seq)));
  expectBooksBalance(ledger);
}

describe('power cuts', () => {
  it(`recovers every acknowledged commit in ${RUNS} seeded power cuts`, async () => {
    for (let seed = 1; seed <= RUNS; seed++) {
      const random = seededRandom(seed);
      const clock = new ManualClock();
      const counter = { n: 0, members: [] as string[] };
      const acked: Acknowledged = { results: new Map() };
      let fs = new CrashFileSystem(random);
      fs.cutPowerAfter(1 + Math.floor(random() * 80));
      const ledger = await openQuietly(fs, clock);
      if (ledger) await drive(ledger, fs, random, counter, acked, 40);
      let image = fs.crash();
      // Half the runs lose power a second time, during or after recovery.
      if (random() < 0.5) {
        image.cutPowerAfter(1 + Math.floor(random() * 40));
        const second = await openQuietly(image, clock);
        if (second) {
          expectAllAcknowledged(second, acked);
          await drive(second, image, random, counter, acked, 20);
        }
        fs = image;
        image = fs.crash();
      }
      const recovered = await Ledger.open({ dataDir: DATA, fileSystem: image, snapshotEveryRecords: 7, logger: quiet, clock });
      try {
        expectAllAcknowledged(recovered, acked);
        // Recovery leaves a journal that a second recovery reads the same way.
        const before = balances(recovered.core);
        await recovered.close();
        const again = await Ledger.open({ dataDir: DATA, fileSystem: image, snapshotEveryRecords: 7, logger: quiet, clock });
        expect(balances(again.core), `seed ${seed}`).toEqual(before);
        await again.close();
      } catch (error) {
        throw new Error(`seed ${seed}: ${(error as Error).message}`);
      }
    }
  }, 600_000);
});
