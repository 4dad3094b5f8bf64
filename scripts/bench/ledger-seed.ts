/**
 * The member population the ledger benchmark starts from, written as a snapshot.
 *
 * Realistic rather than empty: each member was enrolled by a commit of its own (so its commit
 * id is remembered, as a real ledger remembers every id) and has earned once (so it has a
 * points balance and a listed transfer). Without that, nearly every transfer measured with a
 * million members would be a member's very first, which creates the account, while with 1k
 * members it is the 200th: the two rows would measure different operations.
 *
 * Built in a worker thread, so that the generator's own objects (a million members, the
 * snapshot text) are never garbage in the heap whose collections the benchmark measures.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { isMainThread, Worker, workerData } from 'node:worker_threads';
import { coreModule } from '../../firmware/src/ledger/core-module.js';
import { ZERO_HASH } from '../../firmware/src/ledger/journal/frame.js';
import { journalDirectory, snapshotPath } from '../../firmware/src/ledger/paths.js';
import type { StoredCommit } from '../../firmware/src/ledger/engine.js';
import type { SnapshotData } from '../../firmware/src/ledger/recovery.js';
import { clubAccount, memberAccount, type Member, type Transfer } from '../../firmware/src/ledger/types.js';

interface SeedRequest {
  seedDir: string;
  members: number;
}

/** Points each seeded member earned at enrolment. */
const WELCOME_POINTS = 100;

export function seedSnapshot(dir: string, members: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL(import.meta.url), { workerData: { seedDir: dir, members } satisfies SeedRequest });
    worker.once('error', reject);
    worker.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`the seed worker exited with ${code}`))));
  });
}

function writeSeed({ seedDir, members }: SeedRequest): void {
  const at = { atMs: Date.UTC(2026, 10, 23), clockSynced: true };
  const earned = clubAccount('earned');
  const state = coreModule.initial();
  const commits: Array<[string, StoredCommit]> = [];
  for (let i = 0; i < members; i++) {
    const memberId = `m${i}`;
    const member: Member = { id: memberId, name: `عضو ${i}`, phone: `09${String(i).padStart(9, '0')}`, smsConsent: i % 2 === 0, storeId: `s${i % 4}`, createdAt: at, updatedAt: at };
    state.members.set(member.id, member);
    state.memberByPhone.set(member.phone, member.id);
    const account = memberAccount(memberId);
    const welcome: Transfer = { id: `enrol-${memberId}#1`, debit: earned, credit: account, amount: WELCOME_POINTS, unit: 'points', reason: 'earn', at };
    state.accounts.set(account, { id: account, club: false, balance: WELCOME_POINTS, recent: [welcome], carried: 0 });
    // Each enrolment commit is remembered by id, with a distinct 128-bit fingerprint.
    commits.push([`enrol-${memberId}`, { fingerprint: (i + 1).toString(16).padStart(32, '0'), seq: i + 1 }]);
  }
  state.accounts.set(earned, { id: earned, club: true, balance: -WELCOME_POINTS * members, recent: [], carried: 0 });
  const snapshot: SnapshotData = { format: 1, seq: members, hash: ZERO_HASH.toString('hex'), takenAt: at, modules: { core: coreModule.toSnapshot(state) }, commits };
  mkdirSync(journalDirectory(seedDir), { recursive: true });
  writeFileSync(snapshotPath(seedDir), JSON.stringify(snapshot));
}

if (!isMainThread && (workerData as Partial<SeedRequest> | null)?.seedDir !== undefined) writeSeed(workerData as SeedRequest);
