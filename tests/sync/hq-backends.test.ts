import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HqClient, SyncRequestError } from '../../sync/agent/client.js';
import { appliedMigrations } from '../../sync/hq/migrations.js';
import { HQ_MIGRATIONS, migrateHq as migrate } from '../../sync/hq/schema.js';
import type { PGliteDb } from '../../sync/hq/db.js';
import { MemoryLedger } from './support/memory-ledger.js';
import { ADMIN_TOKEN, adminGet, listenHq, openBackend, provision, stopPostgres, type Backend, type RunningHq } from './support/hq.js';
import type { WireJournalEntry } from '../../sync/protocol/messages.js';

const wire = (ledger: MemoryLedger): WireJournalEntry[] => ledger.all().map((e) => ({ seq: e.seq, hash: e.hash, prevHash: e.prevHash, record: e.record }));

describe.each(['postgres', 'pglite'] as const)('head office on %s', (backendName) => {
  let backend: Backend;
  let hq: RunningHq;

  beforeAll(async () => {
    backend = await openBackend(backendName);
    hq = await listenHq(backend.db);
  });
  afterAll(async () => {
    await hq?.close();
    await backend?.close();
    await stopPostgres();
  });

  it('records each migration once, even when run again', async () => {
    expect(await migrate(backend.db)).toEqual([]);
    expect(await appliedMigrations(backend.db)).toEqual(HQ_MIGRATIONS.map((m) => m.version).sort((a, b) => a - b));
  });

  it('stores each (device, seq) once whatever the order, duplication and batching', async () => {
    const identity = await provision(hq.app, 'kiosk-a', 'store-1');
    const client = new HqClient(hq.url, identity, 10_000);
    const ledger = new MemoryLedger();
    ledger.commit('c1', [{ op: 'member.create', memberId: 'm1', name: 'مریم', phone: '09120000001', smsConsent: true, storeId: 'store-1' }]);
    ledger.commit('c2', [{ op: 'card.link', cardId: 'nfc:04A1', memberId: 'm1', kind: 'member' }]);
    ledger.commit('c3', [{ op: 'transfer', debit: 'club:earned', credit: 'member:m1:points', amount: 300, unit: 'points', reason: 'earn' }]);
    ledger.commit('c4', [{ op: 'transfer', debit: 'member:m1:points', credit: 'club:redeemed', amount: 120, unit: 'points', reason: 'redeem' }]);
    ledger.commit('c5', [{ op: 'voucher.issue', code: 'X1' }]);
    const [e1, e2, e3, e4, e5] = wire(ledger);
    // Out of order: the part after the gap is deferred, nothing after it is stored.
    expect(await client.push([e3!, e2!])).toMatchObject({ highWaterMark: 0, stored: 0, deferred: 2 });
    expect(await client.push([e2!, e1!, e1!, e3!])).toMatchObject({ highWaterMark: 3, stored: 3, duplicates: 1 });
    expect(await client.push([e1!, e2!, e3!, e4!, e5!, e4!])).toMatchObject({ highWaterMark: 5, stored: 2, duplicates: 4 });
    expect(await client.push([e5!])).toMatchObject({ highWaterMark: 5, stored: 0, duplicates: 1 });

    const member = await adminGet<{ member: { balances: Record<string, number> }; cards: unknown[] }>(hq.app, '/v1/members/m1');
    expect(member.member.balances).toEqual({ points: 180 });
    expect(member.cards).toHaveLength(1);
    const counts = (await adminGet<{ counts: Record<string, number> }>(hq.app, '/healthz')).counts;
    expect(counts).toMatchObject({ records: 5, members: 1, unappliedOps: 1, openConflicts: 0 });
    const club = await adminGet<{ balances: Array<{ account: string; balance: number }> }>(hq.app, '/v1/balances?prefix=club:');
    expect(club.balances).toEqual([
      { account: 'club:earned', unit: 'points', balance: -300 },
      { account: 'club:redeemed', unit: 'points', balance: 120 },
    ]);
    const device = await adminGet<{ highWaterMark: number; recordsCount: number }>(hq.app, '/v1/devices/kiosk-a');
    expect(device).toMatchObject({ highWaterMark: 5, recordsCount: 5 });
  });

  it('refuses a record that does not chain, and a changed copy of a stored one', async () => {
    const identity = await provision(hq.app, 'kiosk-b', 'store-1');
    const client = new HqClient(hq.url, identity, 10_000);
    const ledger = new MemoryLedger();
    ledger.commit('b1', [{ op: 'transfer', debit: 'club:earned', credit: 'member:mb:points', amount: 5, unit: 'points', reason: 'earn' }]);
    ledger.commit('b2', [{ op: 'transfer', debit: 'club:earned', credit: 'member:mb:points', amount: 6, unit: 'points', reason: 'earn' }]);
    const [b1, b2] = wire(ledger);
    await client.push([b1!]);
    await expect(client.push([{ ...b2!, prevHash: 'f'.repeat(64) }])).rejects.toMatchObject({ code: 'CHAIN_BROKEN', status: 409 });
    await expect(client.push([{ ...b1!, hash: 'e'.repeat(64) }])).rejects.toMatchObject({ code: 'CHAIN_FORK' });
    // Content changed, hash and chain kept: the head office recomputes the ledger's frame hash.
    const forged = { ...b2!, record: { ...b2!.record, ops: [{ ...b2!.record.ops[0]!, amount: 6000 }] } };
    await expect(client.push([forged])).rejects.toMatchObject({ code: 'CHAIN_BROKEN' });
    expect(await client.push([b2!])).toMatchObject({ highWaterMark: 2, stored: 1 });
  });

  it('flags a spend that drives a merged balance below zero, and keeps it', async () => {
    const [a, b] = [await provision(hq.app, 'kiosk-c', 'store-2'), await provision(hq.app, 'kiosk-d', 'store-3')];
    const la = new MemoryLedger();
    const lb = new MemoryLedger();
    la.commit('x1', [{ op: 'transfer', debit: 'club:earned', credit: 'member:mx:points', amount: 100, unit: 'points', reason: 'earn' }]);
    // Both stores let the member spend the same 80 points while offline.
    la.commit('x2', [{ op: 'transfer', debit: 'member:mx:points', credit: 'club:redeemed', amount: 80, unit: 'points', reason: 'redeem' }]);
    lb.commit('y1', [{ op: 'transfer', debit: 'member:mx:points', credit: 'club:redeemed', amount: 80, unit: 'points', reason: 'redeem' }]);
    await new HqClient(hq.url, a, 10_000).push(wire(la));
    await new HqClient(hq.url, b, 10_000).push(wire(lb));
    const conflicts = await adminGet<{ conflicts: Array<{ kind: string; deviceId: string; subject: string; details: Record<string, number> }> }>(hq.app, '/v1/conflicts');
    expect(conflicts.conflicts).toContainEqual(expect.objectContaining({ kind: 'negative-balance', deviceId: 'kiosk-d', subject: 'member:mx:points' }));
    const balances = await adminGet<{ balances: Array<{ balance: number }> }>(hq.app, '/v1/balances?prefix=member:mx:');
    expect(balances.balances[0]!.balance).toBe(-60);
  });

  it('serves a store its members, the blocked cards and newer documents; looks up any card', async () => {
    const identity = await provision(hq.app, 'kiosk-e', 'store-1');
    const client = new HqClient(hq.url, identity, 10_000);
    const put = await hq.app.inject({ method: 'PUT', url: '/v1/admin/documents/earning-rules', headers: { authorization: `Bearer ${ADMIN_TOKEN}` }, payload: { expectedVersion: 0, body: { pointsPerToman: 1 } } });
    expect(put.json()).toEqual({ kind: 'earning-rules', version: 1 });
    const stale = await hq.app.inject({ method: 'PUT', url: '/v1/admin/documents/earning-rules', headers: { authorization: `Bearer ${ADMIN_TOKEN}` }, payload: { expectedVersion: 0, body: {} } });
    expect(stale.statusCode).toBe(409);
    const pull = await client.pull({ afterRevision: 0, limit: 1000, documentVersions: {} });
    expect(pull.members.map((m) => m.id)).toEqual(['m1']);
    expect(pull.members[0]!.balances).toEqual({ points: 180 });
    expect(pull.documents).toEqual([expect.objectContaining({ kind: 'earning-rules', version: 1, body: { pointsPerToman: 1 } })]);
    const again = await client.pull({ afterRevision: pull.nextRevision, limit: 1000, documentVersions: { 'earning-rules': 1 } });
    expect(again).toMatchObject({ members: [], cards: [], documents: [], more: false });
    expect((await client.lookupCard('nfc:04A1', 5000)).member?.id).toBe('m1');
    await expect(client.lookupCard('nfc:NOPE', 5000)).rejects.toBeInstanceOf(SyncRequestError);
  });

  it.runIf(backendName === 'pglite')('makes PGlite durable: fsync on, and a commit reaches the disk', async () => {
    const db = backend.db as PGliteDb;
    expect((await db.query<{ fsync: string }>('SHOW fsync')).rows[0]!.fsync).toBe('on');
    expect((await db.query<{ wal_sync_method: string }>('SHOW wal_sync_method')).rows[0]!.wal_sync_method).toBe('fsync');
    const before = db.fs.fsyncCalls;
    await db.query(`INSERT INTO documents (kind, version, body, updated_at_ms) VALUES ('probe', 1, '{}', 0)`);
    expect(db.fs.fsyncCalls).toBeGreaterThan(before);
  });
});
