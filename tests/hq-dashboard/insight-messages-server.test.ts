import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HqClient } from '../../sync/agent/client.js';
import { identityFromFile } from '../../sync/agent/identity.js';
import { openPostgres, type Db } from '../../sync/hq/db.js';
import { createDatabase, startTempPostgres, type TempPostgres } from '../../sync/hq/dev/temp-postgres.js';
import { loadMessagesConfig } from '../../sync/hq/insight/messages-runtime.js';
import { jalaliOf, jalaliOfIsoDate } from '../../sync/hq/messages/calendar.js';
import { parseMessagesConfig, type MessagesConfig } from '../../sync/hq/messages/config.js';
import { startHqServer, type HqServer } from '../../sync/hq/server.js';
import type { Op } from '../../firmware/src/ledger/types.js';
import { memoryLogger } from '../support/silent-logger.js';
import { tempDir } from '../support/temp-dir.js';
import { MemoryLedger } from '../sync/support/memory-ledger.js';
import { ADMIN_TOKEN } from '../sync/support/hq.js';
import { fakeGatewayConfig, startFakeSmsGateway, type FakeSmsGateway } from '../hq/support/sms-gateway-fake.js';

/**
 * `bashgah hq serve`'s outbox: the server starts the dispatcher and the occasion planner with
 * itself and stops them on close. Members and their SMS consent arrive as kiosk records; a
 * birthday today is wished once, only to the member who consented, through a local fake SMS
 * gateway; nothing is sent while the server is stopped, and a restart sends nothing twice.
 */
let postgres: TempPostgres;
let databaseUrl: string;
let db: Db;
let gateway: FakeSmsGateway;
let dir: { path: string; remove(): void };
let config: MessagesConfig;
let server: HqServer | undefined;

/** A Gregorian date in 1990 whose Jalali day and month are today's in Tehran: a birthday today. */
function birthdayToday(): string {
  const today = jalaliOf(Date.now(), 'Asia/Tehran');
  for (let atMs = Date.UTC(1990, 0, 1, 12); atMs < Date.UTC(1991, 0, 1); atMs += 86_400_000) {
    const iso = new Date(atMs).toISOString().slice(0, 10);
    const jalali = jalaliOfIsoDate(iso)!;
    if (jalali.month === today.month && jalali.day === today.day) return iso;
  }
  throw new Error('no such day');
}

const start = async () => {
  server = await startHqServer({ databaseUrl, dataDir: dir.path, host: '127.0.0.1', port: 0, adminToken: ADMIN_TOKEN, logger: memoryLogger().logger, messages: config });
  return server;
};
const stop = async () => {
  await server?.close();
  server = undefined;
};
const until = async (condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 15_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
};

beforeAll(async () => {
  postgres = await startTempPostgres({ fsync: false });
  databaseUrl = await createDatabase(postgres.url, 'messages');
  db = await openPostgres(databaseUrl, 4);
  gateway = await startFakeSmsGateway();
  dir = tempDir('bashgah-hq-messages-');
  // Written and read as `hq serve --messages-config` reads it; quiet hours off and occasions due from midnight, so the test does not depend on the hour.
  const file = join(dir.path, 'messages.json');
  writeFileSync(file, JSON.stringify({ smsGateway: fakeGatewayConfig(gateway), quietHours: { channels: [] }, occasionSendTime: '00:00', pollIntervalMs: 100 }));
  config = await loadMessagesConfig(file);
});
afterAll(async () => {
  await stop();
  await gateway?.close();
  await db?.close();
  await postgres?.stop();
  dir?.remove();
});

describe('hq serve runs the outbox', () => {
  it('wishes a happy birthday once, only with consent, and sends nothing while stopped', async () => {
    const first = await start();
    expect(first.messages.channels).toEqual(['sms']);
    const provisioned = await first.app.inject({ method: 'POST', url: '/v1/admin/devices', headers: { authorization: `Bearer ${ADMIN_TOKEN}` }, payload: { deviceId: 'kiosk-a1', storeId: 'store-a' } });
    const body = provisioned.json() as { privateKeyPem: string; hqPublicKey: string };
    const identity = identityFromFile({ deviceId: 'kiosk-a1', storeId: 'store-a', privateKeyPem: body.privateKeyPem, hqPublicKey: body.hqPublicKey });
    const ledger = new MemoryLedger(Date.now() - 86_400_000);
    const birthday = birthdayToday();
    const member = (id: string, phone: string, smsConsent: boolean, day: string): Op => ({ op: 'member.create', memberId: id, name: `عضو ${id}`, phone, smsConsent, storeId: 'store-a', birthday: day });
    ledger.commit('enrol-1', [member('m-yes', '09120000001', true, birthday)]);
    ledger.commit('enrol-2', [member('m-no', '09120000002', false, birthday)]);
    ledger.commit('enrol-3', [member('m-later', '09120000003', true, '1990-01-01' === birthday ? '1990-06-15' : '1990-01-01')]);
    ledger.commit('enrol-4', [member('m-withdrew', '09120000004', true, birthday)]);
    ledger.commit('consent-off', [{ op: 'member.update', memberId: 'm-withdrew', patch: { smsConsent: false } } as Op]);
    await new HqClient(first.url, identity, 10_000).push(ledger.all());
    // The planner ran at start, before these members existed: nothing was sent.
    expect(gateway.sent).toHaveLength(0);
    await stop();

    // While stopped, a message waits in the outbox: nobody sends it.
    await db.query(
      `INSERT INTO messages_outbox (idempotency_key, member_id, channel, recipient, body, occasion, state, attempts_max, not_before_ms, next_attempt_at_ms, created_at_ms, updated_at_ms)
       VALUES ('m-yes:announcement:x:sms', 'm-yes', 'sms', '09120000001', 'اطلاعیه', 'announcement:x', 'queued', 3, 0, 0, 0, 0)`,
    );
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(gateway.sent).toHaveLength(0);

    await start();
    await until(() => gateway.sent.length >= 2, 'two messages at the gateway');
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(gateway.sent.map((s) => s.receptor).sort()).toEqual(['09120000001', '09120000001']);
    expect(gateway.sent.map((s) => s.message).sort()).toEqual(['اطلاعیه', 'عضو m-yes عزیز، زادروزتان خجسته باد! هدیه‌ای در باشگاه منتظر شماست.'].sort());
    const outbox = await db.query<{ member_id: string; occasion: string; state: string }>(`SELECT member_id, occasion, state FROM messages_outbox ORDER BY member_id, occasion`);
    expect(outbox.rows).toEqual([
      { member_id: 'm-yes', occasion: 'announcement:x', state: 'sent' },
      { member_id: 'm-yes', occasion: 'birthday', state: 'sent' },
    ]);
    const consent = await db.query<{ member_id: string; granted: boolean }>(`SELECT member_id, granted FROM messages_consent WHERE channel = 'sms' ORDER BY member_id`);
    expect(consent.rows).toEqual([
      { member_id: 'm-later', granted: true },
      { member_id: 'm-no', granted: false },
      { member_id: 'm-withdrew', granted: false },
      { member_id: 'm-yes', granted: true },
    ]);
    await stop();

    // A restart plans the same birthday again: nothing new, nothing sent twice.
    const third = await start();
    expect(await third.messages.planNow()).toEqual({ created: 0, existing: 1 });
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(gateway.sent).toHaveLength(2);
    await stop();
  });

  it('without a messages configuration no provider is on and nothing is planned', async () => {
    config = parseMessagesConfig({});
    const plain = await start();
    expect(plain.messages.channels).toEqual([]);
    expect(await plain.messages.planNow()).toEqual({ created: 0, existing: 0 });
    await stop();
  });

  it('a messages file with a mistake is refused with the field named', async () => {
    const file = join(dir.path, 'bad.json');
    writeFileSync(file, JSON.stringify({ smsGateway: { urlTemplate: 'ftp://x' }, quietHours: { start: '25:00' } }));
    await expect(loadMessagesConfig(file)).rejects.toThrow(/urlTemplate|quietHours/);
    writeFileSync(file, '{ not json');
    await expect(loadMessagesConfig(file)).rejects.toThrow(/not JSON/);
    await expect(loadMessagesConfig(join(dir.path, 'missing.json'))).rejects.toThrow(/cannot read/);
  });
});
