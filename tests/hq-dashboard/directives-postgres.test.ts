import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blockCard, listDeviceStatus, listDirectives, queueAdjustment, queueMerge } from '../../sync/hq/directives/index.js';
import { putDocument } from '../../sync/hq/queries.js';
import { adminGet, listenHq, openBackend, stopPostgres, type Backend, type RunningHq } from '../sync/support/hq.js';
import { enrol, pos, purchase, screenAfterTap, startSyncedKiosk, type SyncedKiosk } from './directives-harness.js';

/** The same directives against a real PostgreSQL server (started for this file): block, adjust, merge, rules, fleet. */
describe('directives on PostgreSQL', () => {
  let backend: Backend;
  let hq: RunningHq;
  let kiosk: SyncedKiosk;

  beforeAll(async () => {
    backend = await openBackend('postgres');
    hq = await listenHq(backend.db);
    kiosk = await startSyncedKiosk(hq, 'kiosk-pg', 'store-pg');
  });
  afterAll(async () => {
    await kiosk?.close();
    await hq?.close();
    await backend?.close();
    await stopPostgres();
  });

  it('blocks, adjusts, merges and applies rules through one kiosk, each booked back at the head office', async () => {
    const keep = await enrol(kiosk.kiosk, 'حسین صادقی', '09124440001', 'nfc:04B10C0000F001');
    const dup = await enrol(kiosk.kiosk, 'حسین صادقی', '09124440002', 'nfc:04B10C0000F002');
    const lost = await enrol(kiosk.kiosk, 'زهرا حسینی', '09124440003', 'nfc:04B10C0000F003');
    await kiosk.kiosk.club.adjustPoints(dup, 30, 'welcome', { kind: 'staff', id: 'st-1' });
    await kiosk.syncNow();

    await backend.db.transaction(async (tx) => {
      await blockCard(tx, 'nfc:04B10C0000F003', 'stolen', Date.now());
      await queueAdjustment(tx, { memberId: keep, points: 500, reason: 'شکایت مشتری', requestedBy: 'manager-1', atMs: Date.now() });
      await queueAdjustment(tx, { memberId: lost, points: -1, reason: 'اصلاح', requestedBy: 'manager-1', atMs: Date.now() + 1 });
      await queueMerge(tx, { survivorMemberId: keep, mergedMemberId: dup, requestedBy: 'manager-1', atMs: Date.now() + 2 });
    });
    await putDocument(backend.db, 'loyalty', 0, { earning: { rialPerPoint: 20_000 }, tiers: { levels: [{ id: 'bronze', name: 'برنزی', minPoints: 0, multiplierPercent: 100, discountPercent: 0 }] }, rewards: [] }, Date.now());
    await kiosk.syncNow();
    await kiosk.syncNow(); // pushes what the first one applied

    expect(await screenAfterTap(kiosk.kiosk, 'nfc:04B10C0000F003')).toBe('blocked-card');
    expect((await kiosk.kiosk.app.inject({ method: 'GET', url: '/api/v1/members?card=nfc:04B10C0000F003', headers: pos })).statusCode).toBe(409);
    expect(kiosk.kiosk.ledger.balance(`member:${keep}:points`)).toBe(530);
    const states = (await listDirectives(backend.db, { storeId: 'store-pg' })).map((d) => [d.kind, d.points, d.state, d.failureCode]);
    expect(states).toEqual([
      ['merge', null, 'applied', null],
      ['adjust', -1, 'failed', 'INSUFFICIENT_BALANCE'],
      ['adjust', 500, 'applied', null],
    ]);
    const member = await adminGet<{ member: { balances: Record<string, number> }; cards: Array<{ id: string }> }>(hq.app, `/v1/members/${keep}`);
    expect(member.member.balances.points).toBe(530);
    expect(member.cards.map((c) => c.id).sort()).toEqual(['nfc:04B10C0000F001', 'nfc:04B10C0000F002']);
    expect((await listDirectives(backend.db, { memberId: dup })).length).toBe(1);

    // 2,000,000 Rial at 20,000 a point (first purchase: +50 bonus on top, pending).
    const earned = await purchase(kiosk.kiosk, 'nfc:04B10C0000F001', 2_000_000, 'r-pg-1');
    expect(earned.statusCode).toBe(201);
    expect(earned.body.pointsEarned).toBe(100);

    const [status] = (await listDeviceStatus(backend.db)).filter((s) => s.deviceId === 'kiosk-pg');
    expect(status).toMatchObject({ deviceId: 'kiosk-pg', health: { ledger: { state: 'ok' } } });
  });
});
