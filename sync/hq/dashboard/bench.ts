import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openPGlite, openPostgres, type Db } from '../db.js';
import { migrateHq } from '../schema.js';
import { createDatabase, startTempPostgres } from '../dev/temp-postgres.js';
import { getMember } from '../queries.js';
import { createAudit } from './audit.js';
import { hashPassword, verifyPassword } from './passwords.js';
import { memberTransfers, searchMembers } from './people-queries.js';
import { parseSearchTerm, type SearchTerm } from './search-terms.js';
import type { StaffUser } from './types.js';

/**
 * Benchmark: the people pages' queries on a generated chain, on PostgreSQL and on embedded
 * PGlite, each against a primary-key lookup measured in the same run. Usage:
 *   node dist/sync/hq/dashboard/bench.js [members=20000]
 */
const members = Number(process.argv[2] ?? 20_000);
if (!Number.isInteger(members) || members < 10 || members > 1_000_000) throw new Error('members must be 10..1000000');
const HISTORY = 500;

async function seed(db: Db): Promise<void> {
  await migrateHq(db);
  await db.exec(`
    INSERT INTO members (id, store_id, name, phone, sms_consent, created_at_ms, updated_at_ms, revision)
      SELECT 'm' || i, 'store-' || (i % 8), (ARRAY['زهرا','علی','مریم','رضا','سارا','حسین'])[1 + i % 6] || ' ' || (ARRAY['محمدی','کریمی','رحیمی','احمدی'])[1 + (i / 7) % 4] || ' ' || i,
        '09' || lpad((100000000 + i * 7)::text, 9, '0'), true, 1, 1, i FROM generate_series(1, ${members}) i;
    INSERT INTO cards (id, member_id, kind, status, linked_at_ms, revision)
      SELECT 'nfc:' || upper(lpad(to_hex(i * 9973), 8, '0')), 'm' || i, 'member', 'active', 1, ${members} + i FROM generate_series(1, ${members}) i;
    INSERT INTO balances (account, member_id, unit, balance) SELECT 'member:m' || i || ':points', 'm' || i, 'points', i % 5000 FROM generate_series(1, ${members}) i;
    INSERT INTO transfers (device_id, seq, op_index, id, debit, credit, amount, unit, reason, at_ms)
      SELECT 'kiosk-1', i, 0, 't' || i, 'club:earned', 'member:m1:points', 10, 'points', 'earn', 1000 * i FROM generate_series(1, ${HISTORY}) i;
    ANALYZE;`);
}

async function timeMs(work: () => Promise<unknown>): Promise<number> {
  const runs: number[] = [];
  for (let i = 0; i < 7; i++) {
    const start = process.hrtime.bigint();
    await work();
    runs.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return runs.sort((a, b) => a - b)[3]!;
}

const manager: StaffUser = { id: 1, username: 'bench', displayName: 'bench', role: 'manager', storeIds: null };
const storeManager: StaffUser = { ...manager, role: 'store-manager', storeIds: ['store-3'] };
const term = (typed: string) => parseSearchTerm(typed) as SearchTerm;
const middle = Math.floor(members / 2);

async function measure(db: Db): Promise<Array<[string, number]>> {
  const audit = createAudit(Date.now);
  const cardOfMiddle = (await db.query<{ id: string }>('SELECT id FROM cards WHERE member_id = $1', [`m${middle}`])).rows[0]!.id;
  const phoneOfMiddle = (await db.query<{ phone: string }>('SELECT phone FROM members WHERE id = $1', [`m${middle}`])).rows[0]!.phone;
  return [
    ['baseline: member by primary key', await timeMs(() => db.query('SELECT * FROM members WHERE id = $1', [`m${middle}`]))],
    ['search: mobile (Persian digits)', await timeMs(() => searchMembers(db, manager, term(phoneOfMiddle.replace(/\d/g, (d) => String.fromCharCode(0x06f0 + Number(d)))), 20))],
    ['search: card id', await timeMs(() => searchMembers(db, manager, term(cardOfMiddle), 20))],
    ['search: 5 digits of a mobile', await timeMs(() => searchMembers(db, manager, term('45678'), 20))],
    ['search: name (manager, all stores)', await timeMs(() => searchMembers(db, manager, term('مریم کریمی'), 20))],
    ['search: name (store manager)', await timeMs(() => searchMembers(db, storeManager, term('مریم کریمی'), 20))],
    ['member detail', await timeMs(() => getMember(db, 'm1'))],
    [`history page (25 of ${HISTORY})`, await timeMs(() => memberTransfers(db, 'm1', 25))],
    ['audit row (one transaction)', await timeMs(() => db.transaction((tx) => audit(tx, { user: manager, action: 'bench.write', subject: 'member:m1', details: { n: 1 } })))],
  ];
}

const postgres = await startTempPostgres();
const pgliteDir = mkdtempSync(join(tmpdir(), 'bashgah-dashboard-bench-'));
try {
  const pg = await openPostgres(await createDatabase(postgres.url, 'bench'), 4);
  const lite = await openPGlite(pgliteDir);
  await seed(pg);
  await seed(lite);
  const onPostgres = await measure(pg);
  const onPGlite = await measure(lite);
  const hash = await hashPassword('a-benchmark-password');
  const scryptMs = await timeMs(() => verifyPassword('a-benchmark-password', hash));
  await pg.close();
  await lite.close();
  console.log(`members ${members}, cards ${members}, history ${HISTORY} transfers (median of 7 runs, ms)`);
  console.log(`${'query'.padEnd(36)} ${'postgres'.padStart(9)} ${'× base'.padStart(7)} ${'pglite'.padStart(9)} ${'× base'.padStart(7)} ${'pglite/pg'.padStart(10)}`);
  for (const [index, [name, pgMs]] of onPostgres.entries()) {
    const liteMs = onPGlite[index]![1];
    console.log(`${name.padEnd(36)} ${pgMs.toFixed(2).padStart(9)} ${(pgMs / onPostgres[0]![1]).toFixed(1).padStart(7)} ${liteMs.toFixed(2).padStart(9)} ${(liteMs / onPGlite[0]![1]).toFixed(1).padStart(7)} ${(liteMs / pgMs).toFixed(1).padStart(10)}`);
  }
  console.log(`sign-in password check (scrypt N=16384): ${scryptMs.toFixed(1)} ms`);
} finally {
  await postgres.stop();
  rmSync(pgliteDir, { recursive: true, force: true });
}
