/**
 * Directives benchmark. Kiosk side: carrying out N point adjustments pulled from the head
 * office (DirectiveExecutor: idempotency check + one commit each), the same page delivered
 * again (all skipped), against the peer, N plain adjustment commits as the staff screen makes
 * them. Head office side (PGlite): a store's pull page with N open directives against the same
 * pull without directives.
 *
 *   node dist/scripts/bench/directives.js            N = 100 (the per-pull bound), 5 rounds
 *   BENCH_ROUNDS=20 node dist/scripts/bench/directives.js
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ledger } from '../../firmware/src/ledger/ledger.js';
import { kioskLedgerModules } from '../../firmware/src/kiosk/ledger-modules.js';
import { createLogger } from '../../firmware/src/log/logger.js';
import { DirectiveExecutor } from '../../sync/agent/directive-executor.js';
import { DIRECTIVES_PER_PULL_MAX, type Directive } from '../../sync/protocol/directives.js';
import type { PullResponse } from '../../sync/protocol/messages.js';
import { openPGlite } from '../../sync/hq/db.js';
import { migrateHq } from '../../sync/hq/schema.js';
import { pullForStore } from '../../sync/hq/queries.js';
import { deliverDirectives, queueAdjustment, recordMemberHomes } from '../../sync/hq/directives/index.js';

const N = DIRECTIVES_PER_PULL_MAX;
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 5));
const logger = createLogger({ level: 'silent' });
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function timed(run: () => Promise<void>): Promise<number> {
  const started = performance.now();
  await run();
  return performance.now() - started;
}

async function kioskSide(): Promise<Array<[string, number]>> {
  const results = { plain: [] as number[], directives: [] as number[], again: [] as number[] };
  for (let round = 0; round < ROUNDS; round++) {
    const dir = mkdtempSync(join(tmpdir(), 'bashgah-bench-directives-'));
    try {
      const ledger = await Ledger.open({ dataDir: dir, modules: kioskLedgerModules(), logger });
      await ledger.commit({ id: 'seed', actor: { kind: 'pos', id: 'bench' }, ops: [{ op: 'member.create', memberId: 'mb', name: 'بنچ', phone: '09120000000', smsConsent: false, storeId: 's1' }] });
      const actor = { kind: 'staff' as const, id: 'st-1' };
      // Warm up (journal segment, JIT) so neither side pays for it.
      for (let i = 0; i < 50; i++) await ledger.commit({ id: `warm-${i}`, actor, ops: [{ op: 'transfer', debit: 'club:adjusted', credit: 'member:mb:points', amount: 1, unit: 'points', reason: 'adjust' }] });
      results.plain.push(await timed(async () => {
        for (let i = 0; i < N; i++) await ledger.commit({ id: `adjust-${round}-${i}`, actor, ops: [{ op: 'transfer', debit: 'club:adjusted', credit: 'member:mb:points', amount: 5, unit: 'points', reason: 'adjust', memo: 'bench' }] });
      }));
      const directives: Directive[] = Array.from({ length: N }, (_, i) => ({ id: `d${round}x${i}`, kind: 'adjust', memberId: 'mb', points: 5, reason: 'bench', requestedBy: 'bench', createdAtMs: i }));
      const page: PullResponse = { storeId: 's1', members: [], cards: [], blockedCards: [], documents: [], directives, nextRevision: 0, more: false, serverTimeMs: 0 };
      const executor = new DirectiveExecutor(ledger, logger);
      results.directives.push(await timed(async () => void (await executor.apply(page))));
      results.again.push(await timed(async () => void (await executor.apply(page))));
      await ledger.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return [
    [`${N} plain adjustment commits (peer)`, median(results.plain)],
    [`${N} directives carried out`, median(results.directives)],
    [`the same ${N} delivered again (skipped)`, median(results.again)],
  ];
}

async function headOfficeSide(): Promise<Array<[string, number]>> {
  const dir = mkdtempSync(join(tmpdir(), 'bashgah-bench-directives-hq-'));
  const db = await openPGlite(dir);
  try {
    await migrateHq(db);
    await db.query(`INSERT INTO devices (id, store_id, public_key, created_at_ms) VALUES ('k1', 's1', 'x', 0)`);
    await db.query(`INSERT INTO members (id, store_id, name, phone, sms_consent, created_at_ms, updated_at_ms, revision) VALUES ('mb', 's1', 'n', '09120000000', false, 0, 0, nextval('change_revision'))`);
    await db.transaction((tx) => recordMemberHomes(tx, 'k1', ['mb']));
    const request = { afterRevision: 0, limit: 1000, documentVersions: {} };
    const plain: number[] = [];
    const withDirectives: number[] = [];
    for (let round = 0; round < ROUNDS; round++) plain.push(await timed(async () => void (await pullForStore(db, 's1', request, 0))));
    await db.transaction(async (tx) => {
      for (let i = 0; i < N; i++) await queueAdjustment(tx, { memberId: 'mb', points: 1, reason: 'bench', requestedBy: 'bench', atMs: i });
    });
    for (let round = 0; round < ROUNDS; round++) {
      withDirectives.push(await timed(async () => {
        await pullForStore(db, 's1', request, 0);
        await deliverDirectives(db, 'k1', round);
      }));
    }
    return [
      ['pull page, no directives (peer)', median(plain)],
      [`pull page + ${N} open directives`, median(withDirectives)],
    ];
  } finally {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const kiosk = await kioskSide();
const hq = await headOfficeSide();
const table = (rows: Array<[string, number]>) => {
  const peer = rows[0]![1];
  for (const [name, ms] of rows) console.log(`${name.padEnd(44)} ${ms.toFixed(1).padStart(9)} ms   ×${(ms / peer).toFixed(2)}`);
};
console.log(`median of ${ROUNDS} rounds; ratio against the first row of each part`);
console.log('kiosk (real ledger, fsync per commit)');
table(kiosk);
console.log('head office (PGlite)');
table(hq);
