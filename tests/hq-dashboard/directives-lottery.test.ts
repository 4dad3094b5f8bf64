import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drawTickets, seedHash } from '../../firmware/src/loyalty/engagement/lottery.js';
import { LOYALTY_MODULE, type Lottery, type LoyaltyState } from '../../firmware/src/loyalty/module/state.js';
import type { RoundView } from '../../sync/hq/lottery/index.js';
import { startRouteDashboard, type RouteDashboard } from './support/route-app.js';
import { signIn, STAFF, type StaffClient } from './support/staff.js';
import { enrol, startSyncedKiosk, type SyncedKiosk } from './directives-harness.js';

/**
 * Head-office lottery rounds end to end on a real PostgreSQL: the real kiosks (ledger,
 * loyalty module, sync agent) open the round the head office published after one sync,
 * members buy tickets at the kiosk, the draw after closing reveals the seed, each kiosk draws
 * its own tickets with it, and the head office shows the winners the kiosks journaled.
 */
describe('lottery rounds run by the head office', () => {
  let hq: RouteDashboard;
  let a1: SyncedKiosk;
  let a2: SyncedKiosk;
  let b1: SyncedKiosk;
  let manager: StaffClient;
  let storeManager: StaffClient;
  const lotteryId = 'yalda-1405';
  const staff = { kind: 'staff' as const, id: 'st-1' };

  beforeAll(async () => {
    hq = await startRouteDashboard('postgres');
    a1 = await startSyncedKiosk(hq, 'kiosk-a1', 'store-a');
    a2 = await startSyncedKiosk(hq, 'kiosk-a2', 'store-a');
    b1 = await startSyncedKiosk(hq, 'kiosk-b1', 'store-b');
    manager = await signIn(hq.app, STAFF.manager.username);
    storeManager = await signIn(hq.app, STAFF.storeManager.username);
  }, 60_000);
  afterAll(async () => {
    for (const kiosk of [a1, a2, b1]) await kiosk?.close();
    await hq?.close();
  });

  const lotteryAt = (kiosk: SyncedKiosk): Lottery | undefined => kiosk.kiosk.ledger.slice<LoyaltyState>(LOYALTY_MODULE).lotteries.get(lotteryId);
  const round = async (): Promise<RoundView> => {
    const answer = await manager.call<{ rounds: RoundView[] }>('GET', '/v1/dashboard/lottery/rounds');
    expect(answer.status).toBe(200);
    return answer.body.rounds.find((r) => r.lotteryId === lotteryId)!;
  };
  const buy = async (kiosk: SyncedKiosk, memberId: string, tickets: number, requestId: string) => {
    await kiosk.kiosk.ledger.commit({ id: `lottery-buy:${requestId}`, actor: staff, ops: [{ op: 'lottery.buy', lotteryId, memberId, tickets }] });
  };

  it('opens a round at the target store’s kiosks, draws it after closing and shows each kiosk’s winners', async () => {
    // Two minutes: the jump past it stays within a dashboard session's idle expiry.
    const closesAtMs = hq.clock.nowMs + 120_000;
    const body = { lotteryId, title: 'قرعه‌کشی شب یلدا', prizes: [{ title: 'سکه', points: 500 }, { title: 'کارت هدیه', points: 100 }], closesAtMs, storeIds: ['store-a'] };

    // Validation with the field named; a store manager may neither open, draw nor list.
    const badId = await manager.call<{ code: string; message: string }>('POST', '/v1/dashboard/lottery/rounds', { ...body, lotteryId: 'Yalda 1405' });
    expect(badId).toMatchObject({ status: 400, body: { code: 'BAD_REQUEST', message: expect.stringMatching(/lotteryId/) } });
    const past = await manager.call<{ code: string; message: string }>('POST', '/v1/dashboard/lottery/rounds', { ...body, closesAtMs: hq.clock.nowMs - 1 });
    expect(past).toMatchObject({ status: 400, body: { message: expect.stringMatching(/closesAtMs/) } });
    const nowhere = await manager.call<{ code: string; message: string }>('POST', '/v1/dashboard/lottery/rounds', { ...body, storeIds: ['store-z'] });
    expect(nowhere).toMatchObject({ status: 400, body: { message: expect.stringMatching(/no registered kiosk/) } });
    expect((await storeManager.call('POST', '/v1/dashboard/lottery/rounds', body)).status).toBe(403);
    expect((await storeManager.call('GET', '/v1/dashboard/lottery/rounds')).status).toBe(403);

    const opened = await manager.call<{ seedHash: string; created: boolean; kiosks: number }>('POST', '/v1/dashboard/lottery/rounds', body);
    expect(opened).toMatchObject({ status: 201, body: { created: true, kiosks: 2 } });
    const published = opened.body.seedHash;
    // Opening again is idempotent: the same answer, nothing queued again; another round under the id is refused.
    const again = await manager.call<{ seedHash: string; created: boolean }>('POST', '/v1/dashboard/lottery/rounds', { ...body, storeIds: ['store-a', 'store-a'] });
    expect(again).toMatchObject({ status: 200, body: { created: false, seedHash: published, kiosks: 2 } });
    const other = await manager.call<{ code: string }>('POST', '/v1/dashboard/lottery/rounds', { ...body, title: 'دیگر' });
    expect(other).toMatchObject({ status: 409, body: { code: 'LOTTERY_REFUSED' } });
    const queued = await hq.db.query(`SELECT kind, device_id FROM directives_queue WHERE lottery_id = $1 ORDER BY device_id`, [lotteryId]);
    expect(queued.rows).toEqual([{ kind: 'lottery.open', device_id: 'kiosk-a1' }, { kind: 'lottery.open', device_id: 'kiosk-a2' }]);
    expect((await round()).seed).toBeNull();

    // One sync: the round is open at both kiosks of store-a with the published hash; not at store-b.
    for (const kiosk of [a1, a2, b1]) await kiosk.syncNow();
    expect(lotteryAt(a1)).toMatchObject({ seedHash: published, closesAtMs, title: body.title, tickets: [] });
    expect(lotteryAt(a2)?.seedHash).toBe(published);
    expect(lotteryAt(b1)).toBeUndefined();

    // Members buy tickets at the kiosks (the same op staff commit).
    const sara = await enrol(a1.kiosk, 'سارا احمدی', '09120000101', 'nfc:04C10C0000E001');
    const reza = await enrol(a1.kiosk, 'رضا کریمی', '09120000102', 'nfc:04C10C0000E002');
    const mina = await enrol(a2.kiosk, 'مینا رضایی', '09120000103', 'nfc:04C10C0000E003');
    for (const [kiosk, memberId] of [[a1, sara], [a1, reza], [a2, mina]] as const) await kiosk.kiosk.club.adjustPoints(memberId, 1000, 'welcome', staff);
    await buy(a1, sara, 3, 'b1');
    await buy(a1, reza, 2, 'b2');
    await buy(a1, sara, 1, 'b3');
    await buy(a2, mina, 1, 'b4');
    for (const kiosk of [a1, a2]) await kiosk.syncNow();
    expect((await round()).kiosks.map((k) => [k.deviceId, k.open?.state, k.draw])).toEqual([['kiosk-a1', 'applied', null], ['kiosk-a2', 'applied', null]]);

    // No draw before the closing time; a store manager never draws.
    const early = await manager.call<{ code: string }>('POST', `/v1/dashboard/lottery/rounds/${lotteryId}/draw`);
    expect(early).toMatchObject({ status: 409, body: { code: 'LOTTERY_REFUSED' } });
    const realNowMs = hq.clock.nowMs;
    hq.clock.nowMs = closesAtMs + 1000;
    expect((await storeManager.call('POST', `/v1/dashboard/lottery/rounds/${lotteryId}/draw`)).status).toBe(403);
    const drawn = await manager.call<{ seed: string; created: boolean; kiosks: number }>('POST', `/v1/dashboard/lottery/rounds/${lotteryId}/draw`);
    expect(drawn).toMatchObject({ status: 200, body: { created: true, kiosks: 2 } });
    const seed = drawn.body.seed;
    expect(seedHash(seed)).toBe(published);
    expect((await manager.call<{ created: boolean }>('POST', `/v1/dashboard/lottery/rounds/${lotteryId}/draw`)).body.created).toBe(false);
    // Back to real time: kiosks' signed requests are checked against the head office's clock.
    hq.clock.nowMs = realNowMs;

    // The kiosks' own clocks pass the closing time; one sync delivers the seed, the next reports the draw.
    for (const kiosk of [a1, a2]) {
      kiosk.clock.atMs = closesAtMs + 60_000;
      await kiosk.syncNow();
      await kiosk.syncNow();
    }
    const expected = (kiosk: SyncedKiosk) => {
      const tickets = lotteryAt(kiosk)!.tickets;
      return drawTickets(seed, lotteryId, tickets.length, body.prizes.length).map((ticket, prizeIndex) => ({ prizeIndex, ticket, memberId: tickets[ticket] }));
    };
    expect(lotteryAt(a1)!.tickets).toEqual([sara, sara, sara, reza, reza, sara]);
    expect(lotteryAt(a1)!.winners).toEqual(expected(a1));
    expect(lotteryAt(a2)!.winners).toEqual(expected(a2));
    expect(expected(a2)).toEqual([{ prizeIndex: 0, ticket: 0, memberId: mina }]);

    const shown = await round();
    expect(shown.seed).toBe(seed);
    expect(shown.seedHash).toBe(published);
    expect(shown.kiosks).toEqual([
      expect.objectContaining({ deviceId: 'kiosk-a1', open: expect.objectContaining({ state: 'applied' }), draw: expect.objectContaining({ state: 'applied' }), winners: expected(a1) }),
      expect.objectContaining({ deviceId: 'kiosk-a2', draw: expect.objectContaining({ state: 'applied' }), winners: expected(a2) }),
    ]);
    const audited = await hq.db.query<{ action: string; username: string }>(`SELECT action, username FROM dashboard_audit WHERE subject = $1 ORDER BY id`, [`lottery:${lotteryId}`]);
    expect(audited.rows).toEqual([{ action: 'lottery.open', username: STAFF.manager.username }, { action: 'lottery.draw', username: STAFF.manager.username }]);
  }, 120_000);
});
