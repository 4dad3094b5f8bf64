import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPGlite, type Db } from '../db.js';
import { migrateHq } from '../schema.js';
import { materialize } from '../materialize.js';
import type { WireJournalEntry } from '../../protocol/messages.js';
import { blockCard, deliverDirectives, listDirectives, queueAdjustment, queueMerge } from './index.js';
import { MEMBER_HOMES_BACKFILL_SQL } from './migrations.js';

/** The head office's queue on PGlite: validation, routing to the member's kiosk, delivery and settlement. */
let dir: string;
let db: Db;
let seq = 0;

async function enrolAt(deviceId: string, storeId: string, memberId: string, cardId?: string): Promise<void> {
  const ops = [{ op: 'member.create', memberId, name: 'عضو', phone: `0912${String(++seq).padStart(7, '0')}`, smsConsent: true, storeId }];
  if (cardId) ops.push({ op: 'card.link', cardId, memberId, kind: 'member' } as never);
  await record(deviceId, `enrol-${memberId}`, ops);
}

async function record(deviceId: string, id: string, ops: Array<Record<string, unknown>>): Promise<WireJournalEntry> {
  const entry = { seq: ++seq, hash: `h${seq}`, prevHash: `h${seq - 1}`, record: { id, actor: { kind: 'pos' as const, id: 't' }, at: { atMs: 1000 + seq, clockSynced: true }, ops: ops as WireJournalEntry['record']['ops'] } };
  await db.transaction(async (tx) => {
    await tx.query(
      `INSERT INTO journal (device_id, seq, hash, prev_hash, commit_id, actor, at_ms, clock_synced, received_at_ms, via, record) VALUES ($1, $2, $3, $4, $5, $6, $7, true, 0, 'push', $8)`,
      [deviceId, entry.seq, entry.hash, entry.prevHash, id, JSON.stringify(entry.record.actor), entry.record.at.atMs, JSON.stringify(entry.record)],
    );
    await materialize(tx, deviceId, [entry], 0);
  });
  return entry;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'bashgah-directives-queue-'));
  db = await openPGlite(dir);
  await migrateHq(db);
  for (const [id, store] of [['k-a1', 'store-a'], ['k-a2', 'store-a'], ['k-b1', 'store-b']]) {
    await db.query(`INSERT INTO devices (id, store_id, public_key, created_at_ms) VALUES ($1, $2, 'x', 0)`, [id, store]);
  }
  await enrolAt('k-a1', 'store-a', 'm1', 'nfc:0C01');
  await enrolAt('k-a1', 'store-a', 'm2');
  await enrolAt('k-a2', 'store-a', 'm3');
  await enrolAt('k-b1', 'store-b', 'm4');
});
afterAll(async () => {
  await db?.close();
  rmSync(dir, { recursive: true, force: true });
});

const now = 5000;

describe('directives queue', () => {
  it('knows the kiosk of members enrolled before the migration, from the journal', async () => {
    const homes = () => db.query('SELECT member_id, device_id FROM directives_member_homes ORDER BY member_id').then((r) => r.rows);
    const before = await homes();
    expect(before).toEqual([
      { member_id: 'm1', device_id: 'k-a1' },
      { member_id: 'm2', device_id: 'k-a1' },
      { member_id: 'm3', device_id: 'k-a2' },
      { member_id: 'm4', device_id: 'k-b1' },
    ]);
    await db.exec('DELETE FROM directives_member_homes');
    await db.exec(MEMBER_HOMES_BACKFILL_SQL);
    expect(await homes()).toEqual(before);
  });

  it('refuses bad adjustments with clear errors', async () => {
    const base = { memberId: 'm1', points: 10, reason: 'r', requestedBy: 'u', atMs: now };
    await expect(db.transaction((tx) => queueAdjustment(tx, { ...base, points: 0 }))).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(db.transaction((tx) => queueAdjustment(tx, { ...base, points: 1.5 }))).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(db.transaction((tx) => queueAdjustment(tx, { ...base, reason: '  ' }))).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(db.transaction((tx) => queueAdjustment(tx, { ...base, memberId: 'nobody' }))).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('routes to the kiosk that enrolled the member and delivers oldest first until settled', async () => {
    const first = await db.transaction((tx) => queueAdjustment(tx, { memberId: 'm1', points: 10, reason: 'a', requestedBy: 'u', atMs: now }));
    const second = await db.transaction((tx) => queueAdjustment(tx, { memberId: 'm1', points: -3, reason: 'b', requestedBy: 'u', atMs: now + 1 }));
    const other = await db.transaction((tx) => queueAdjustment(tx, { memberId: 'm3', points: 1, reason: 'c', requestedBy: 'u', atMs: now }));
    expect(await deliverDirectives(db, 'k-a2', now)).toEqual([{ id: other.directiveId, kind: 'adjust', memberId: 'm3', points: 1, reason: 'c', requestedBy: 'u', createdAtMs: now }]);
    expect((await deliverDirectives(db, 'k-a1', now + 10)).map((d) => d.id)).toEqual([first.directiveId, second.directiveId]);
    expect((await listDirectives(db, { memberId: 'm1' })).map((d) => [d.directiveId, d.state, d.deliveredAtMs])).toEqual([
      [second.directiveId, 'delivered', now + 10],
      [first.directiveId, 'delivered', now + 10],
    ]);
    // Another device cannot settle it; its own record does.
    await record('k-a2', `hq:${first.directiveId}`, [{ op: 'transfer', debit: 'club:adjusted', credit: 'member:m3:points', amount: 1, unit: 'points', reason: 'adjust' }]);
    expect((await listDirectives(db, { state: 'delivered', memberId: 'm1' })).length).toBe(2);
    await record('k-a1', `hq:${first.directiveId}`, [{ op: 'transfer', debit: 'club:adjusted', credit: 'member:m1:points', amount: 10, unit: 'points', reason: 'adjust' }]);
    await record('k-a1', `hq:${second.directiveId}`, [{ op: 'directive.refuse', directiveId: second.directiveId, code: 'INSUFFICIENT_BALANCE', message: 'balance 0 is less than 3' }]);
    expect((await listDirectives(db, { memberId: 'm1' })).map((d) => [d.state, d.failureCode])).toEqual([['failed', 'INSUFFICIENT_BALANCE'], ['applied', null]]);
    expect(await deliverDirectives(db, 'k-a1', now + 20)).toEqual([]);
  });

  it('merges only members of one store and one kiosk, one merge at a time', async () => {
    const merge = (survivorMemberId: string, mergedMemberId: string) => db.transaction((tx) => queueMerge(tx, { survivorMemberId, mergedMemberId, requestedBy: 'u', atMs: now }));
    await expect(merge('m1', 'm4')).rejects.toMatchObject({ code: 'MERGE_REFUSED', message: expect.stringContaining('different stores') });
    await expect(merge('m1', 'm3')).rejects.toMatchObject({ code: 'MERGE_REFUSED', message: expect.stringContaining('different kiosks') });
    await expect(merge('m1', 'm1')).rejects.toMatchObject({ code: 'MERGE_REFUSED' });
    const { directiveId } = await merge('m1', 'm2');
    await expect(merge('m2', 'm1')).rejects.toMatchObject({ code: 'MERGE_REFUSED', message: expect.stringContaining('already on its way') });
    expect((await listDirectives(db, { memberId: 'm2' })).map((d) => d.directiveId)).toEqual([directiveId]);
  });

  it('blocks a card once, with a new revision, and says when the card is unknown', async () => {
    const revision = async () => Number((await db.query<{ revision: number }>(`SELECT revision FROM cards WHERE id = 'nfc:0C01'`)).rows[0]!.revision);
    const before = await revision();
    await db.transaction((tx) => blockCard(tx, 'nfc:0C01', 'lost', now));
    const after = await revision();
    expect(after).toBeGreaterThan(before);
    await db.transaction((tx) => blockCard(tx, 'nfc:0C01', 'again', now + 1));
    expect(await revision()).toBe(after);
    // The kiosk journals the same block later: kept as the head office's, no conflict.
    await record('k-a1', 'hq-block:x', [{ op: 'card.block', cardId: 'nfc:0C01', reason: 'kiosk' }]);
    const row = (await db.query<{ block_reason: string; revision: number }>(`SELECT block_reason, revision FROM cards WHERE id = 'nfc:0C01'`)).rows[0]!;
    expect(row.block_reason).toBe('lost');
    expect((await db.query(`SELECT 1 FROM conflicts`)).rowCount).toBe(0);
    await expect(db.transaction((tx) => blockCard(tx, 'nfc:NONE', 'lost', now))).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(db.transaction((tx) => blockCard(tx, 'nfc:0C01', '', now))).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });
});
