import { spawn } from 'node:child_process';
import { cpSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPGlite, openPostgres } from '../../sync/hq/db.js';
import { migrate, MIGRATIONS } from '../../sync/hq/migrations.js';
import { createDatabase, startTempPostgres, type TempPostgres } from '../../sync/hq/dev/temp-postgres.js';
import { MESSAGES_MIGRATIONS } from '../../sync/hq/messages/migration.js';
import { parseMessagesConfig } from '../../sync/hq/messages/config.js';
import { SqlOutboxStore } from '../../sync/hq/messages/sql-store.js';
import { Dispatcher, INTERRUPTED_REASON } from '../../sync/hq/messages/dispatcher.js';
import { providersFromConfig } from '../../sync/hq/messages/providers.js';
import { memoryLogger } from '../support/silent-logger.js';
import { tempDir } from '../support/temp-dir.js';
import { startSmtpSink, type SmtpSink } from './support/smtp-sink.js';
import { fakeGatewayConfig, startFakeSmsGateway, type FakeSmsGateway } from './support/sms-gateway-fake.js';

/**
 * A dispatcher process killed (SIGKILL) after the provider has the message but before it
 * hears back, then a new dispatcher on the same database; and two dispatchers sharing one
 * real PostgreSQL outbox.
 */
const NOW_MS = Date.parse('2026-05-10T07:00:00Z'); // 10:30 in Tehran
const LEASE_MS = 60_000;
const CHILD = 'dist/sync/hq/messages/testing/crash-child.js';

let sink: SmtpSink;
let gateway: FakeSmsGateway;
let postgres: TempPostgres | undefined;
let template: { path: string; remove(): void };

beforeAll(async () => {
  sink = await startSmtpSink();
  gateway = await startFakeSmsGateway();
  // Creating a PGlite cluster takes seconds; migrate one and copy it for each test.
  template = tempDir('bashgah-outbox-template-');
  const db = await openPGlite(template.path);
  await migrate(db, [...MIGRATIONS, ...MESSAGES_MIGRATIONS]);
  await db.close();
});
afterAll(async () => {
  await sink.close();
  await gateway.close();
  await postgres?.stop();
  template.remove();
});

function smtpConfig() {
  return { host: '127.0.0.1', port: sink.port, security: 'none' as const, from: 'club@shop.ir', timeoutMs: 5000 };
}

/** Runs the child dispatcher until the provider has the message, then kills it. */
async function crashDuringSend(dataDir: string, rawConfig: Record<string, unknown>, arm: (kill: () => void) => () => void): Promise<NodeJS.Signals | null> {
  const child = spawn(process.execPath, [CHILD], {
    env: { ...process.env, BASHGAH_OUTBOX_DIR: dataDir, BASHGAH_OUTBOX_CONFIG: JSON.stringify(rawConfig), BASHGAH_OUTBOX_NOW_MS: String(NOW_MS), BASHGAH_OUTBOX_LEASE_MS: String(LEASE_MS) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const release = arm(() => child.kill('SIGKILL'));
  const watchdog = setTimeout(() => child.kill('SIGKILL'), 60_000);
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.on('exit', (c, s) => resolve([c, s])));
  clearTimeout(watchdog);
  release();
  if (signal !== 'SIGKILL') throw new Error(`child exited ${code} without being killed: ${stderr}`);
  return signal;
}

async function prepare(channel: 'sms' | 'email') {
  const dir = tempDir('bashgah-outbox-crash-');
  cpSync(template.path, dir.path, { recursive: true });
  const db = await openPGlite(dir.path);
  const store = new SqlOutboxStore(db);
  await store.setConsent('m1', channel, true, NOW_MS);
  const recipient = channel === 'sms' ? '09121234567' : 'ali@example.ir';
  await store.enqueue({ idempotencyKey: `m1:nowruz:1405:${channel}`, memberId: 'm1', channel, recipient, subject: 'نوروز مبارک', body: 'نوروزتان پیروز', occasion: 'nowruz', notBeforeMs: NOW_MS }, 5, NOW_MS);
  await db.close();
  return dir;
}

async function restart(dataDir: string, rawConfig: Record<string, unknown>) {
  const db = await openPGlite(dataDir);
  const store = new SqlOutboxStore(db);
  const config = parseMessagesConfig(rawConfig);
  const before = (await store.list({ limit: 10 }))[0]!;
  const dispatcher = new Dispatcher({ store, providers: providersFromConfig(config), config, logger: memoryLogger().logger, now: () => NOW_MS + LEASE_MS + 1, leaseMs: LEASE_MS });
  const summary = await dispatcher.runOnce();
  const after = (await store.list({ limit: 10 }))[0]!;
  await db.close();
  return { before, summary, after };
}

function holding(set: (hold: Promise<void> | null, onArrive: (() => void) | null) => void) {
  return (kill: () => void) => {
    let open!: () => void;
    set(new Promise<void>((resolve) => (open = resolve)), kill);
    return () => {
      set(null, null);
      open();
    };
  };
}

describe('a crash between sending and recording', () => {
  it('SMS through a gateway that refuses duplicate references: resent with the same reference, delivered once', async () => {
    gateway.sent.length = 0;
    gateway.requests.length = 0;
    const dir = await prepare('sms');
    const raw = { smsGateway: fakeGatewayConfig(gateway, true) };
    await crashDuringSend(dir.path, raw, holding((hold, onArrive) => {
      gateway.holdReply = hold;
      gateway.onSend = onArrive;
    }));
    expect(gateway.sent).toHaveLength(1);
    const { before, summary, after } = await restart(dir.path, raw);
    expect(before).toMatchObject({ state: 'sending', attempts: 1 });
    expect(summary).toMatchObject({ claimed: 1, sent: 1 });
    expect(after).toMatchObject({ state: 'sent', attempts: 2, providerMessageId: String(gateway.sent[0]!.messageid) });
    expect(gateway.requests.map((r) => r.localid)).toEqual([`bashgah-${after.id}`, `bashgah-${after.id}`]);
    expect(gateway.sent).toHaveLength(1);
    dir.remove();
  });

  it('SMS through a gateway without deduplication: not resent blindly, marked failed for review', async () => {
    gateway.sent.length = 0;
    gateway.requests.length = 0;
    const dir = await prepare('sms');
    const raw = { smsGateway: fakeGatewayConfig(gateway, false) };
    await crashDuringSend(dir.path, raw, holding((hold, onArrive) => {
      gateway.holdReply = hold;
      gateway.onSend = onArrive;
    }));
    const { summary, after } = await restart(dir.path, raw);
    expect(summary).toMatchObject({ claimed: 1, failed: 1 });
    expect(after).toMatchObject({ state: 'failed', lastError: INTERRUPTED_REASON });
    expect(gateway.requests).toHaveLength(1);
    dir.remove();
  });

  it('e-mail (SMTP cannot deduplicate): the sink has it once and the outbox says the outcome is unknown', async () => {
    sink.received.length = 0;
    const dir = await prepare('email');
    const raw = { smtp: smtpConfig() };
    await crashDuringSend(dir.path, raw, holding((hold, onArrive) => {
      sink.holdDataReply = hold;
      sink.onMessage = onArrive;
    }));
    const { summary, after } = await restart(dir.path, raw);
    expect(summary).toMatchObject({ failed: 1 });
    expect(after).toMatchObject({ state: 'failed', lastError: INTERRUPTED_REASON });
    expect(sink.received).toHaveLength(1);
    dir.remove();
  });
});

describe('two dispatchers on one PostgreSQL outbox', () => {
  it('every message is sent exactly once', async () => {
    gateway.sent.length = 0;
    gateway.requests.length = 0;
    postgres = await startTempPostgres({ fsync: false });
    const url = await createDatabase(postgres.url, 'outbox');
    const dbs = [await openPostgres(url, 4), await openPostgres(url, 4)];
    await migrate(dbs[0]!, [...MIGRATIONS, ...MESSAGES_MIGRATIONS]);
    const config = parseMessagesConfig({ smsGateway: fakeGatewayConfig(gateway), batchSize: 3 });
    const stores = dbs.map((db) => new SqlOutboxStore(db));
    for (let i = 0; i < 30; i++) {
      await stores[0]!.setConsent(`m${i}`, 'sms', true, NOW_MS);
      await stores[0]!.enqueue({ idempotencyKey: `k${i}`, memberId: `m${i}`, channel: 'sms', recipient: `0912000${String(i).padStart(4, '0')}`, body: `پیام ${i}`, occasion: 'announcement:x', notBeforeMs: NOW_MS }, 3, NOW_MS);
    }
    const dispatchers = stores.map((store) => new Dispatcher({ store, providers: providersFromConfig(config), config, logger: memoryLogger().logger, now: () => NOW_MS }));
    const drain = async (d: Dispatcher) => {
      let sent = 0;
      for (let round = 0; round < 30; round++) {
        const summary = await d.runOnce();
        sent += summary.sent;
        if (summary.claimed === 0) break;
      }
      return sent;
    };
    const [a, b] = await Promise.all(dispatchers.map(drain));
    expect(a! + b!).toBe(30);
    expect(a).toBeGreaterThan(0);
    expect(b).toBeGreaterThan(0);
    expect(gateway.requests).toHaveLength(30);
    expect(new Set(gateway.sent.map((s) => s.localid)).size).toBe(30);
    expect(await stores[1]!.countByState()).toMatchObject({ sent: 30 });
    for (const db of dbs) await db.close();
  });
});
