import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blockCard, listDeviceStatus, listDirectives, queueAdjustment, queueMerge } from '../../sync/hq/directives/index.js';
import { adminGet, listenHq, openBackend, type Backend, type RunningHq } from '../sync/support/hq.js';
import { enrol, pos, purchase, screenAfterTap, startSyncedKiosk, type SyncedKiosk } from './directives-harness.js';

/**
 * Slice D end to end on PGlite: the real kiosk (ledger, loyalty service, runtime, POS API)
 * syncing with the head office. Blocks, adjustments and merges queued at the head office
 * reach the kiosk's books on its next sync, exactly once, and come back settled.
 */
describe('head-office directives reach the kiosk', () => {
  let backend: Backend;
  let hq: RunningHq;
  let north: SyncedKiosk;
  let south: SyncedKiosk;

  beforeAll(async () => {
    backend = await openBackend('pglite');
    hq = await listenHq(backend.db);
    north = await startSyncedKiosk(hq, 'kiosk-north', 'store-north');
    south = await startSyncedKiosk(hq, 'kiosk-south', 'store-south');
  });
  afterAll(async () => {
    await north?.close();
    await south?.close();
    await hq?.close();
    await backend?.close();
  });

  const points = (kiosk: SyncedKiosk, memberId: string) => kiosk.kiosk.ledger.balance(`member:${memberId}:points`);
  const hqMember = (memberId: string) => adminGet<{ member: { balances: Record<string, number> }; cards: Array<{ id: string; status: string }> }>(hq.app, `/v1/members/${memberId}`);
  const directive = async (directiveId: string) => (await listDirectives(backend.db)).find((d) => d.directiveId === directiveId)!;

  it('blocks a card at the head office: after one sync the kiosks refuse it by tap and by the POS API', async () => {
    const card = 'nfc:04B10C0000D001';
    const memberId = await enrol(north.kiosk, 'سارا احمدی', '09120000001', card);
    await north.syncNow();
    expect(await screenAfterTap(north.kiosk, card)).toBe('balance');

    await backend.db.transaction((tx) => blockCard(tx, card, 'lost, reported by phone', Date.now()));
    // Idempotent: blocking again changes nothing and does not fail.
    await backend.db.transaction((tx) => blockCard(tx, card, 'again', Date.now()));
    // Before the sync the kiosk does not know yet.
    expect(north.kiosk.club.lookupCard(card)).toEqual({ kind: 'member', memberId });

    await north.syncNow();
    expect(await screenAfterTap(north.kiosk, card)).toBe('blocked-card');
    const lookup = await north.kiosk.app.inject({ method: 'GET', url: `/api/v1/members?card=${encodeURIComponent(card)}`, headers: pos });
    expect(lookup.statusCode).toBe(409);
    expect(lookup.json()).toMatchObject({ error: { code: 'CARD_BLOCKED' } });
    expect(await purchase(north.kiosk, card, 1_000_000, 'r-blocked-1')).toMatchObject({ statusCode: 409, body: { error: { code: 'CARD_BLOCKED' } } });
    // It is in the kiosk's own books now, journaled; the head office books it without a conflict.
    expect(north.kiosk.ledger.core.cards.get(card)?.status).toBe('blocked');
    await north.syncNow();
    const booked = await hqMember(memberId);
    expect(booked.cards.find((c) => c.id === card)?.status).toBe('blocked');
    const conflicts = await backend.db.query(`SELECT kind FROM conflicts WHERE device_id = 'kiosk-north'`);
    expect(conflicts.rows).toEqual([]);
    const blockRow = await backend.db.query<{ block_reason: string }>('SELECT block_reason FROM cards WHERE id = $1', [card]);
    expect(blockRow.rows[0]!.block_reason).toBe('lost, reported by phone');

    // Another store's kiosk never held the card, yet refuses it too (no enrolment of a blocked card).
    await south.syncNow();
    expect(await screenAfterTap(south.kiosk, card)).toBe('blocked-card');
    const enrolBlocked = await south.kiosk.app.inject({ method: 'POST', url: '/api/v1/members', headers: pos, payload: { name: 'یابنده', phone: '09120000009', card } });
    expect(enrolBlocked.statusCode).toBe(409);
  });

  it('applies an adjustment exactly once across repeated pulls and a restart, and settles it', async () => {
    const memberId = await enrol(north.kiosk, 'رضا کریمی', '09120000002', 'nfc:04B10C0000D002');
    await north.syncNow();
    const { directiveId } = await backend.db.transaction((tx) => queueAdjustment(tx, { memberId, points: 250, reason: 'گارانتی', requestedBy: 'manager-1', atMs: Date.now() }));
    expect((await directive(directiveId)).state).toBe('queued');
    const before = points(north, memberId);

    await north.syncNow();
    expect(points(north, memberId)).toBe(before + 250);
    // Delivered again while the head office has not seen the record: no second credit.
    await north.kiosk.sync!.syncNow();
    await north.restart();
    await north.syncNow();
    await north.syncNow();
    expect(points(north, memberId)).toBe(before + 250);

    const settled = await directive(directiveId);
    expect(settled).toMatchObject({ state: 'applied', failureCode: null, deviceId: 'kiosk-north', requestedBy: 'manager-1', points: 250 });
    expect(settled.deliveredAtMs).not.toBeNull();
    expect((await hqMember(memberId)).member.balances.points).toBe(points(north, memberId));
    const journaled = await backend.db.query(`SELECT 1 FROM journal WHERE commit_id = $1`, [`hq:${directiveId}`]);
    expect(journaled.rowCount).toBe(1);
  });

  it('shows a deduction below zero as failed with the ledger error, and changes nothing', async () => {
    const memberId = await enrol(north.kiosk, 'مینا رضایی', '09120000003', 'nfc:04B10C0000D003');
    await north.syncNow();
    const { directiveId } = await backend.db.transaction((tx) => queueAdjustment(tx, { memberId, points: -5000, reason: 'اصلاح', requestedBy: 'manager-1', atMs: Date.now() }));
    const before = points(north, memberId);
    await north.syncNow();
    expect((await directive(directiveId)).state).toBe('delivered');
    await north.syncNow();
    expect(points(north, memberId)).toBe(before);
    expect(await directive(directiveId)).toMatchObject({ state: 'failed', failureCode: 'INSUFFICIENT_BALANCE' });
    expect((await directive(directiveId)).failureMessage).toMatch(/less than 5000/);
    // A failed directive is not delivered again.
    const open = await backend.db.query(`SELECT 1 FROM directives_queue WHERE id = $1 AND state IN ('queued', 'delivered')`, [directiveId]);
    expect(open.rowCount).toBe(0);
  });

  it('merges a duplicate member: cards and points move to the survivor, the head office books it', async () => {
    const survivor = await enrol(north.kiosk, 'علی موسوی', '09120000004', 'nfc:04B10C0000D004');
    const duplicate = await enrol(north.kiosk, 'علی موسوی دوم', '09120000005', 'nfc:04B10C0000D005');
    await north.kiosk.club.adjustPoints(survivor, 120, 'welcome', { kind: 'staff', id: 'st-1' });
    await north.kiosk.club.adjustPoints(duplicate, 80, 'welcome', { kind: 'staff', id: 'st-1' });
    await north.syncNow();

    // Members of two stores are never merged.
    const elsewhere = await enrol(south.kiosk, 'علی موسوی', '09120000006', 'nfc:04B10C0000D006');
    await south.syncNow();
    await expect(backend.db.transaction((tx) => queueMerge(tx, { survivorMemberId: survivor, mergedMemberId: elsewhere, requestedBy: 'manager-1', atMs: Date.now() })))
      .rejects.toMatchObject({ code: 'MERGE_REFUSED', message: expect.stringMatching(/different stores/) });

    const { directiveId } = await backend.db.transaction((tx) => queueMerge(tx, { survivorMemberId: survivor, mergedMemberId: duplicate, requestedBy: 'manager-1', atMs: Date.now() }));
    await north.syncNow();
    expect(points(north, survivor)).toBe(200);
    expect(points(north, duplicate)).toBe(0);
    expect(north.kiosk.club.lookupCard('nfc:04B10C0000D005')).toEqual({ kind: 'member', memberId: survivor });
    expect(await screenAfterTap(north.kiosk, 'nfc:04B10C0000D005')).toBe('balance');
    expect(north.kiosk.runtime.view().screen).toMatchObject({ member: { memberId: survivor } });
    // The duplicate's phone now finds the survivor at the till.
    const byPhone = await north.kiosk.app.inject({ method: 'GET', url: '/api/v1/members?phone=09120000005', headers: pos });
    expect(byPhone.json()).toMatchObject({ memberId: survivor, pointsBalance: 200 });

    await north.syncNow();
    expect((await directive(directiveId)).state).toBe('applied');
    const booked = await hqMember(survivor);
    expect(booked.member.balances.points).toBe(200);
    expect(booked.cards.map((c) => c.id).sort()).toEqual(['nfc:04B10C0000D004', 'nfc:04B10C0000D005']);
    expect((await hqMember(duplicate)).member.balances.points ?? 0).toBe(0);
    const merged = await backend.db.query('SELECT survivor_member_id FROM directives_merged_members WHERE merged_member_id = $1', [duplicate]);
    expect(merged.rows).toEqual([{ survivor_member_id: survivor }]);
    // The merged member takes no further directives.
    await expect(backend.db.transaction((tx) => queueAdjustment(tx, { memberId: duplicate, points: 1, reason: 'x', requestedBy: 'manager-1', atMs: Date.now() })))
      .rejects.toMatchObject({ code: 'MERGE_REFUSED' });
  });

  it('stores the status each kiosk reports with its pull', async () => {
    await north.syncNow();
    const statuses = await listDeviceStatus(backend.db);
    const status = statuses.find((s) => s.deviceId === 'kiosk-north')!;
    expect(status.softwareVersion).toMatch(/^\d+\.\d+\.\d+/);
    expect(status.queueDepth).toBe(0);
    expect(status.health.ledger.state).toBe('ok');
    expect(status.health.printer.state).toBeTypeOf('string');
    expect(status.health.readers.state).toBe('ok');
    expect(status.health.uptimeS).toBeGreaterThanOrEqual(0);
    expect(Date.now() - status.reportedAtMs).toBeLessThan(60_000);
    expect(statuses.map((s) => s.deviceId)).toContain('kiosk-south');
  });
});
