import { describe, expect, it } from 'vitest';
import type { Db } from '../../sync/hq/db.js';
import { parseCsv } from '../../sync/hq/analysis/csv.js';
import { BALANCE_COLUMNS, TRANSACTION_COLUMNS } from '../../sync/hq/insight/export.js';
import { TRAVELLER } from '../../sync/hq/insight/testing/kiosk-history.js';
import type { RunningHq } from '../sync/support/hq.js';
import { signIn, STAFF, type StaffClient } from './support/staff.js';
import { pullWithStatus, type PushedHistory } from './insight-fixture.js';

/** The insight API's roles, scopes, CSV format and audit, on the chain the caller pushed. */
export function describeInsightRoutes(context: () => { hq: RunningHq; db: Db; pushed: PushedHistory; nowMs: number }): void {
  const as = (who: keyof typeof STAFF): Promise<StaffClient> => signIn(context().hq.app, STAFF[who].username);
  const csv = async (client: StaffClient, url: string) => {
    const response = await context().hq.app.inject({ method: 'GET', url, headers: { cookie: client.cookie } });
    return { status: response.statusCode, headers: response.headers, text: response.body, raw: response.rawPayload };
  };

  describe('insight routes', () => {
    it('charts: everyone signed in, store managers only for their stores', async () => {
      const manager = await as('manager');
      const all = await manager.call<{ stores: Array<{ storeId: string; purchases: number }>; points: unknown[]; tierNames: Record<string, string> }>('GET', '/v1/dashboard/insight/charts');
      expect(all.status).toBe(200);
      expect(all.body.stores.map((s) => s.storeId)).toEqual(['store-a', 'store-b']);
      expect(all.body.points.length).toBeGreaterThanOrEqual(30);
      expect(all.body.points.length).toBeLessThanOrEqual(31);
      const reza = await as('storeManager');
      const own = await reza.call<{ stores: Array<{ storeId: string }> }>('GET', '/v1/dashboard/insight/charts');
      expect(own.body.stores.map((s) => s.storeId)).toEqual(['store-a']);
      expect((await reza.call('GET', '/v1/dashboard/insight/charts?storeId=store-b')).status).toBe(403);
      expect((await reza.call('GET', '/v1/dashboard/insight/analysis?storeId=store-b')).status).toBe(403);
      const anonymous = await context().hq.app.inject({ method: 'GET', url: '/v1/dashboard/insight/charts' });
      expect(anonymous.statusCode).toBe(401);
      expect((await manager.call('GET', `/v1/dashboard/insight/charts?fromMs=0&toMs=${500 * 86_400_000}`)).status).toBe(400);
    });

    it("analysis: a store manager's members are their store's", async () => {
      const ali = await as('otherStoreManager');
      const answer = await ali.call<{ members: number; inactive: { members: Array<{ memberId: string }> }; names: Record<string, string> }>('GET', '/v1/dashboard/insight/analysis');
      expect(answer.status).toBe(200);
      expect(answer.body.members).toBe(6);
      const manager = await as('manager');
      const whole = await manager.call<{ members: number; inactive: { members: Array<{ memberId: string }> }; names: Record<string, string> }>('GET', '/v1/dashboard/insight/analysis');
      expect(whole.body.members).toBe(18);
      expect(whole.body.inactive.members.map((m) => m.memberId)).toEqual(['a3']);
      expect(whole.body.names.a3).toBe('عضو a3');
    });

    it('fraud: the flag is listed masked, support cannot close it, a manager closes it with a note (audited)', async () => {
      const traveller = context().pushed.history.members.find((m) => m.id === TRAVELLER)!;
      const support = await as('support');
      const listed = await support.call<{ flags: Array<{ id: string; kind: string; subject: string; memberId: string; storeIds: string[]; review: { state: string } }> }>('GET', '/v1/dashboard/insight/fraud/flags');
      expect(listed.status).toBe(200);
      const flag = listed.body.flags.find((f) => f.kind === 'card_two_stores')!;
      expect(flag.subject).toBe(`…${traveller.cardId.slice(-4)}`);
      expect(JSON.stringify(listed.body)).not.toContain(traveller.cardId);
      expect(flag.memberId).toBe(TRAVELLER);
      expect(flag.storeIds).toEqual(['store-a', 'store-b']);
      const url = `/v1/dashboard/insight/fraud/flags/${flag.id}/review`;
      expect((await support.call('POST', url, { state: 'closed', note: 'x' })).status).toBe(403);
      const manager = await as('manager');
      expect((await manager.call('POST', url, { state: 'closed', note: 'ok' }, { csrf: false })).status).toBe(403);
      expect((await manager.call('POST', url, { state: 'closed', note: '  ' })).status).toBe(400);
      expect((await manager.call('POST', '/v1/dashboard/insight/fraud/flags/card_two_stores:0000000000000000/review', { state: 'closed', note: 'n' })).status).toBe(404);
      const closed = await manager.call('POST', url, { state: 'closed', note: 'همسر عضو با کارت دوم خرید کرد' });
      expect(closed.status).toBe(200);
      const after = await support.call<{ flags: Array<{ id: string; review: { state: string; note?: string } }> }>('GET', '/v1/dashboard/insight/fraud/flags?state=closed');
      expect(after.body.flags.find((f) => f.id === flag.id)!.review).toMatchObject({ state: 'closed', note: 'همسر عضو با کارت دوم خرید کرد' });
      const audit = await context().db.query<{ action: string; username: string }>(`SELECT action, username FROM dashboard_audit WHERE subject = $1`, [`flag:${flag.id}`]);
      expect(audit.rows).toEqual([{ action: 'fraud.close', username: STAFF.manager.username }]);
    });

    it('CSV: documented columns, BOM, CRLF, escaping; store scope; a formula is neutralised', async () => {
      const kiosk = context().pushed.history.kiosks['store-a'].fixture;
      await kiosk.ledger.commit({ id: 'adjust-csv', actor: { kind: 'staff', id: 'cashier-9' }, ops: [{ op: 'transfer', debit: 'club:adjusted', credit: 'member:a1:points', amount: 25, unit: 'points', reason: 'adjust', memo: '=SUM(A1), "گم شد"\nخط دوم' }] });
      await context().pushed.pushNew('store-a');
      const reza = await as('storeManager');
      const answer = await csv(reza, '/v1/dashboard/insight/export/transactions.csv');
      expect(answer.status).toBe(200);
      expect(String(answer.headers['content-type'])).toBe('text/csv; charset=utf-8');
      expect(String(answer.headers['content-disposition'])).toMatch(/^attachment; filename="transactions-\d{4}-\d\d-\d\d-\d{4}-\d\d-\d\d\.csv"$/);
      expect([...answer.raw.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      const rows = parseCsv(answer.text);
      expect(rows[0]).toEqual([...TRANSACTION_COLUMNS]);
      expect(answer.text.split('\r\n').length).toBe(rows.length + 1);
      const body = rows.slice(1);
      expect(body.length).toBeGreaterThan(20);
      expect(body.every((row) => row[2] === 'store-a')).toBe(true);
      const adjust = body.find((row) => row[4] === 'adjust')!;
      expect(adjust[3]).toBe('a1');
      expect(adjust[6]).toBe('25');
      expect(adjust[8]).toBe(`'=SUM(A1), "گم شد"\nخط دوم`);
      const purchase = body.find((row) => row[4] === 'purchase')!;
      expect(Number(purchase[5])).toBeGreaterThan(0);
      expect(purchase[0]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      const earn = body.find((row) => row[4] === 'earn')!;
      expect(Number(earn[6])).toBeGreaterThan(0);
      const nowMs = context().nowMs;
      const storeB = parseCsv((await csv(await as('manager'), `/v1/dashboard/insight/export/transactions.csv?storeId=store-b&fromMs=${nowMs - 70 * 86_400_000}&toMs=${nowMs}`)).text).slice(1);
      const voidMe = storeB.filter((row) => row[7] === 'void-me').map((row) => [row[4], row[3], row[5]]);
      expect(voidMe).toEqual([['purchase', 'b2', '900000'], ['earn', 'b2', '0'], ['purchase-void', 'b2', '-900000'], ['void', 'b2', '0']]);
      expect(storeB.filter((row) => row[7] === 'refund-me' && row[4].startsWith('purchase')).map((row) => [row[4], row[5]])).toEqual([['purchase', '1000000'], ['purchase-refund', '-400000']]);
      const balances = parseCsv((await csv(await as('manager'), '/v1/dashboard/insight/export/balances.csv')).text);
      expect(balances[0]).toEqual([...BALANCE_COLUMNS]);
      expect(balances).toHaveLength(19);
      const a1 = balances.find((row) => row[0] === 'a1')!;
      const points = Number((await context().db.query<{ balance: number }>(`SELECT balance FROM balances WHERE account = 'member:a1:points'`)).rows[0]!.balance);
      expect(a1.slice(1)).toEqual(['عضو a1', 'store-a', String(points), '0', String(points * 1000)]);
    });

    it('fleet: devices with their reported status, per store', async () => {
      const { pushed, hq } = context();
      await pullWithStatus(hq, pushed.identities['store-b'], 'paper-out');
      const support = await as('support');
      const fleet = await support.call<{ stores: Array<{ storeId: string; devices: Array<{ deviceId: string; state: string; problems: string[]; status: { softwareVersion: string; queueDepth: number } | null }> }> }>('GET', '/v1/dashboard/insight/fleet');
      expect(fleet.status).toBe(200);
      expect(fleet.body.stores.map((s) => s.storeId)).toEqual(['store-a', 'store-b']);
      const b = fleet.body.stores[1]!.devices[0]!;
      expect(b).toMatchObject({ deviceId: 'kiosk-b1', state: 'ok', problems: ['printer'], status: { softwareVersion: '0.1.0', queueDepth: 3 } });
      const reza = await as('storeManager');
      const own = await reza.call<{ stores: Array<{ storeId: string }> }>('GET', '/v1/dashboard/insight/fleet');
      expect(own.body.stores.map((s) => s.storeId)).toEqual(['store-a']);
    });

    it('messages: support reads the outbox, only a manager composes; consent and idempotency', async () => {
      const reza = await as('storeManager');
      expect((await reza.call('GET', '/v1/dashboard/insight/messages')).status).toBe(403);
      const support = await as('support');
      const body = { requestId: 'offer-0001-abcdef', kind: 'offer', segment: 'all', text: 'تخفیف ویژه آخر هفته برای شما' };
      expect((await support.call('POST', '/v1/dashboard/insight/messages/campaigns', body)).status).toBe(403);
      const manager = await as('manager');
      const size = await manager.call<{ members: number; consenting: number }>('GET', '/v1/dashboard/insight/messages/segment?segment=all');
      expect(size.body).toMatchObject({ members: 18 });
      // Every fourth member said no to SMS at enrolment.
      expect(size.body.consenting).toBe(18 - 5);
      const sent = await manager.call<{ queued: number; members: number }>('POST', '/v1/dashboard/insight/messages/campaigns', body);
      expect(sent.status).toBe(201);
      expect(sent.body).toMatchObject({ members: 18, queued: 13 });
      const again = await manager.call<{ queued: number }>('POST', '/v1/dashboard/insight/messages/campaigns', body);
      expect(again.status).toBe(200);
      expect(again.body.queued).toBe(0);
      const outbox = await support.call<{ counts: Record<string, number>; messages: Array<{ recipient: string; occasion: string; state: string; attempts: number }> }>('GET', '/v1/dashboard/insight/messages');
      expect(outbox.body.counts.queued).toBe(13);
      expect(outbox.body.messages.every((m) => /^…\d{4}$/.test(m.recipient) && m.occasion === 'offer:offer-0001-abcdef' && m.state === 'queued')).toBe(true);
      const audit = await context().db.query<{ action: string; details: { queued: number } }>(`SELECT action, details FROM dashboard_audit WHERE subject = 'campaign:offer-0001-abcdef' ORDER BY id`);
      expect(audit.rows.map((r) => [r.action, r.details.queued])).toEqual([['messages.offer', 13], ['messages.offer', 0]]);
    });
  });
}
