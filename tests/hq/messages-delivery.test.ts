import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openPGlite, type PGliteDb } from '../../sync/hq/db.js';
import { migrate, MIGRATIONS } from '../../sync/hq/migrations.js';
import { MESSAGES_MIGRATIONS } from '../../sync/hq/messages/migration.js';
import { parseMessagesConfig, type MessagesConfig } from '../../sync/hq/messages/config.js';
import { SqlOutboxStore } from '../../sync/hq/messages/sql-store.js';
import { Dispatcher } from '../../sync/hq/messages/dispatcher.js';
import { providersFromConfig } from '../../sync/hq/messages/providers.js';
import { enqueueAll, planOccasions, type Recipient } from '../../sync/hq/messages/planner.js';
import { memoryLogger } from '../support/silent-logger.js';
import { tempDir } from '../support/temp-dir.js';
import { decodeMail, startSmtpSink, type SmtpSink } from './support/smtp-sink.js';
import { fakeGatewayConfig, startFakeSmsGateway, type FakeSmsGateway } from './support/sms-gateway-fake.js';

/**
 * The outbox against a local SMTP sink and a local fake SMS gateway (both on 127.0.0.1), on
 * PGlite with the head office's own migrations applied first (no table name collides).
 */
const DAY_10_30_TEHRAN = Date.parse('2026-05-10T07:00:00Z');
const AT_23_30_TEHRAN = Date.parse('2026-05-10T20:00:00Z');

let sink: SmtpSink;
let gateway: FakeSmsGateway;
let dir: { path: string; remove(): void };
let db: PGliteDb;
let store: SqlOutboxStore;
let clock: number;

beforeAll(async () => {
  sink = await startSmtpSink();
  gateway = await startFakeSmsGateway();
  dir = tempDir('bashgah-outbox-');
  db = await openPGlite(dir.path);
  await migrate(db, [...MIGRATIONS, ...MESSAGES_MIGRATIONS]);
  store = new SqlOutboxStore(db);
});
afterAll(async () => {
  await sink.close();
  await gateway.close();
  await db.close();
  dir.remove();
});
beforeEach(async () => {
  await db.exec('TRUNCATE messages_attempts, messages_outbox, messages_consent');
  clock = DAY_10_30_TEHRAN;
  sink.received.length = 0;
  sink.dataReplies.length = 0;
  gateway.sent.length = 0;
  gateway.requests.length = 0;
  gateway.failures.length = 0;
});

function configWith(overrides: Record<string, unknown> = {}): MessagesConfig {
  return parseMessagesConfig({
    smsGateway: fakeGatewayConfig(gateway),
    smtp: { host: '127.0.0.1', port: sink.port, security: 'none', from: 'club@shop.ir', username: 'club', password: 'secret', timeoutMs: 5000 },
    backoffInitialMs: 60_000,
    attemptsMax: 3,
    ...overrides,
  });
}

let logLines: Array<Record<string, unknown>> = [];
function dispatcher(config: MessagesConfig): Dispatcher {
  const { logger, lines } = memoryLogger();
  logLines = lines;
  return new Dispatcher({ store, providers: providersFromConfig(config), config, logger, now: () => clock, random: () => 1 });
}

const sms = (key: string, memberId: string | null = 'm1') => ({ idempotencyKey: key, memberId, channel: 'sms' as const, recipient: '+98 912 123 4567', body: 'سلام {x} – تخفیف ویژه', occasion: 'announcement:a1', notBeforeMs: DAY_10_30_TEHRAN });

describe('consent', () => {
  it('sends only to members with consent, and cancels when consent is withdrawn before sending', async () => {
    const config = configWith();
    await store.setConsent('m1', 'sms', true, clock);
    await store.setConsent('m3', 'sms', true, clock);
    await enqueueAll(store, [sms('k1', 'm1'), sms('k2', 'm2'), sms('k3', 'm3')], config, clock);
    await store.setConsent('m3', 'sms', false, clock + 1);
    const summary = await dispatcher(config).runOnce();
    expect(summary).toMatchObject({ claimed: 3, sent: 1, cancelled: 2 });
    expect(gateway.sent.map((s) => s.receptor)).toEqual(['09121234567']);
    expect(gateway.sent[0]!.message).toBe('سلام {x} – تخفیف ویژه');
    expect((await store.getByKey('k2'))!).toMatchObject({ state: 'cancelled', lastError: 'no sms consent' });
    expect((await store.getByKey('k1'))!).toMatchObject({ state: 'sent', providerMessageId: String(gateway.sent[0]!.messageid), attempts: 1 });
  });
});

describe('quiet hours', () => {
  it('a message due at 23:30 Tehran waits until 09:00 in the morning', async () => {
    const config = configWith();
    await store.setConsent('m1', 'sms', true, clock);
    clock = AT_23_30_TEHRAN;
    await enqueueAll(store, [{ ...sms('night'), notBeforeMs: AT_23_30_TEHRAN }], config, clock);
    const d = dispatcher(config);
    expect(await d.runOnce()).toMatchObject({ claimed: 0 });
    clock = Date.parse('2026-05-11T05:29:00Z'); // 08:59
    expect(await d.runOnce()).toMatchObject({ claimed: 0 });
    expect(gateway.requests).toHaveLength(0);
    clock = Date.parse('2026-05-11T05:30:00Z'); // 09:00
    expect(await d.runOnce()).toMatchObject({ claimed: 1, sent: 1 });
    expect(gateway.sent).toHaveLength(1);
  });
});

describe('retries and failures', () => {
  it('retries transient gateway failures with exponential backoff, then sends once', async () => {
    const config = configWith({ attemptsMax: 4 });
    await store.setConsent('m1', 'sms', true, clock);
    await enqueueAll(store, [sms('r1')], config, clock);
    gateway.failures.push(503, 503);
    const d = dispatcher(config);
    expect(await d.runOnce()).toMatchObject({ retried: 1 });
    const first = (await store.getByKey('r1'))!;
    expect(first).toMatchObject({ state: 'queued', attempts: 1, nextAttemptAtMs: clock + 60_000 });
    expect(first.lastError).toContain('HTTP 503');
    clock += 59_999;
    expect(await d.runOnce()).toMatchObject({ claimed: 0 });
    clock += 1;
    expect(await d.runOnce()).toMatchObject({ retried: 1 });
    expect((await store.getByKey('r1'))!.nextAttemptAtMs).toBe(clock + 120_000);
    clock += 120_000;
    expect(await d.runOnce()).toMatchObject({ sent: 1 });
    expect(gateway.requests.map((r) => r.status)).toEqual([503, 503, 200]);
    expect(gateway.sent).toHaveLength(1);
    expect(await d.runOnce()).toMatchObject({ claimed: 0 });
  });

  it('gives up after the bounded number of attempts, and fails permanent errors at once', async () => {
    const config = configWith({ attemptsMax: 2 });
    await store.setConsent('m1', 'sms', true, clock);
    await enqueueAll(store, [sms('g1'), { ...sms('bad'), recipient: '021-555' }], config, clock);
    gateway.failures.push(503, 503, 503);
    const d = dispatcher(config);
    expect(await d.runOnce()).toMatchObject({ retried: 1, failed: 1 });
    expect((await store.getByKey('bad'))!).toMatchObject({ state: 'failed', attempts: 1, lastError: 'recipient is not an Iranian mobile number' });
    clock += 3_600_000;
    expect(await d.runOnce()).toMatchObject({ failed: 1 });
    const given = (await store.getByKey('g1'))!;
    expect(given).toMatchObject({ state: 'failed', attempts: 2 });
    expect(given.lastError).toMatch(/^gave up after 2 attempts: gateway answered HTTP 503/);
    expect(gateway.requests).toHaveLength(2);
    expect(logLines.length).toBeGreaterThan(0);
    expect(JSON.stringify(logLines)).not.toMatch(/912|021-555/);
    const attempts = await db.query<{ attempt: number; outcome: string }>('SELECT attempt, outcome FROM messages_attempts WHERE outbox_id = $1 ORDER BY attempt', [given.id]);
    expect(attempts.rows).toEqual([{ attempt: 1, outcome: 'retry' }, { attempt: 2, outcome: 'failed' }]);
  });
});

describe('e-mail over SMTP', () => {
  it('delivers Persian subject and body intact, authenticates, retries 4xx and fails 5xx', async () => {
    const config = configWith();
    await store.setConsent('m1', 'email', true, clock);
    const mail = { idempotencyKey: 'e1', memberId: 'm1', channel: 'email' as const, recipient: 'ali@example.ir', subject: 'تولدتان مبارک، علی', body: 'علی عزیز،\n.خط با نقطه\nزادروزتان خجسته باد!', occasion: 'birthday', notBeforeMs: clock };
    await enqueueAll(store, [mail, { ...mail, idempotencyKey: 'e2', recipient: 'nobody@example.ir' }], config, clock);
    sink.dataReplies.push('451 4.3.0 try again later', '550 5.1.1 no such user');
    const d = dispatcher(config);
    expect(await d.runOnce()).toMatchObject({ retried: 1, failed: 1 });
    expect((await store.getByKey('e2'))!.lastError).toContain('550');
    clock += 60_000;
    expect(await d.runOnce()).toMatchObject({ sent: 1 });
    expect(sink.received).toHaveLength(1);
    const received = sink.received[0]!;
    expect(received).toMatchObject({ from: 'club@shop.ir', to: ['ali@example.ir'], auth: '\0club\0secret' });
    const decoded = decodeMail(received.data);
    expect(decoded.subject).toBe('تولدتان مبارک، علی');
    expect(decoded.body).toBe('علی عزیز،\r\n.خط با نقطه\r\nزادروزتان خجسته باد!');
    expect(decoded.headers['content-type']).toBe('text/plain; charset=UTF-8');
    expect(decoded.headers['message-id']).toMatch(/^<bashgah-\d+@bashgah\.local>$/);
    expect((await store.getByKey('e1'))!).toMatchObject({ state: 'sent', providerMessageId: 'Q1' });
  });
});

describe('no duplicates', () => {
  it('planning the same day again, after sending, adds nothing', async () => {
    const config = configWith();
    const ali: Recipient = { memberId: 'm1', name: 'علی', phone: '09121234567', email: 'ali@example.ir', birthday: '1990-05-10', smsConsent: true, emailConsent: true };
    await store.setConsent('m1', 'sms', true, clock);
    await store.setConsent('m1', 'email', true, clock);
    // 1990-05-10 is 20 Ordibehesht; so is 2026-05-10.
    const planned = planOccasions([ali], clock, config);
    expect(planned.map((m) => m.idempotencyKey).sort()).toEqual(['m1:birthday:1405:email', 'm1:birthday:1405:sms']);
    expect(await enqueueAll(store, planned, config, clock)).toEqual({ created: 2, existing: 0 });
    expect(await dispatcher(config).runOnce()).toMatchObject({ sent: 2 });
    clock += 3 * 3_600_000;
    expect(await enqueueAll(store, planOccasions([ali], clock, config), config, clock)).toEqual({ created: 0, existing: 2 });
    expect(await dispatcher(config).runOnce()).toMatchObject({ claimed: 0 });
    expect(gateway.sent).toHaveLength(1);
    expect(sink.received).toHaveLength(1);
    expect(await store.countByState()).toMatchObject({ sent: 2, queued: 0 });
  });

  it('a delivery report moves a sent message to delivered', async () => {
    const config = configWith();
    await store.setConsent('m1', 'sms', true, clock);
    await enqueueAll(store, [sms('d1')], config, clock);
    await dispatcher(config).runOnce();
    const sent = (await store.getByKey('d1'))!;
    expect(await store.markDelivery('sms', sent.providerMessageId!, true, 'DELIVRD', clock + 5000)).toBe(true);
    expect((await store.getByKey('d1'))!).toMatchObject({ state: 'delivered', deliveredAtMs: clock + 5000 });
    expect(await store.markDelivery('sms', sent.providerMessageId!, true, 'again', clock + 6000)).toBe(false);
  });
});
