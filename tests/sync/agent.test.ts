import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SyncAgent } from '../../sync/agent/agent.js';
import { SyncAgentConfigSchema, type SyncAgentConfig } from '../../sync/agent/config.js';
import { exportJournalBundle, readPullBundle } from '../../sync/agent/bundle-export.js';
import { parseMessage } from '../../sync/protocol/validate.js';
import { ADMIN_TOKEN, listenHq, openBackend, provision, type Backend, type RunningHq } from './support/hq.js';
import { MemoryLedger } from './support/memory-ledger.js';
import { newExpected, seededRandom, writeStoreDay } from './support/records.js';

const until = async (condition: () => boolean, timeoutMs = 15_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};

/** The kiosk's agent against a real head office (PGlite), with a journal standing in for the ledger. */
describe('sync agent', () => {
  let backend: Backend;
  let hq: RunningHq;
  let scratch: string;
  const config = (overrides: Record<string, unknown> = {}): SyncAgentConfig =>
    parseMessage(SyncAgentConfigSchema, { enabled: true, headOfficeUrl: hq.url, backoff: { initialMs: 10, maxMs: 100 }, idleIntervalSeconds: 1, ...overrides }, 'sync config');

  beforeAll(async () => {
    backend = await openBackend('pglite');
    hq = await listenHq(backend.db);
    scratch = mkdtempSync(join(tmpdir(), 'bashgah-agent-'));
  });
  afterAll(async () => {
    await hq?.close();
    await backend?.close();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('pushes a backlog in batches, lets compaction drop only what the head office has, and remembers its mark', async () => {
    const identity = await provision(hq.app, 'kiosk-1', 'store-1');
    const ledger = new MemoryLedger();
    writeStoreDay(ledger, { prefix: 'k1', storeId: 'store-1', commits: 1200, random: seededRandom(1), expected: newExpected() });
    const dataDir = mkdtempSync(join(scratch, 'k1-'));
    const agent = await SyncAgent.open({ config: config({ pushBatchRecords: 200 }), identity, ledger, dataDir });
    expect(ledger.compact()).toBe(0); // nothing acknowledged yet: nothing may go
    expect(agent.status()).toMatchObject({ phase: 'stopped', pendingRecords: 1200, online: false });
    agent.start();
    await until(() => agent.status().pendingRecords === 0);
    ledger.commit('late', [{ op: 'transfer', debit: 'club:earned', credit: 'member:k1-m0:points', amount: 1, unit: 'points', reason: 'earn' }]);
    await until(() => agent.status().highWaterMark === 1201 && agent.status().online);
    expect(agent.status()).toMatchObject({ online: true, consecutiveFailures: 0, alarms: [], lastError: null });
    expect(ledger.compact()).toBe(1200);
    await agent.stop();
    const reopened = await SyncAgent.open({ config: config(), identity, ledger, dataDir });
    expect(reopened.status().highWaterMark).toBe(1201);
    const device = await hq.app.inject({ method: 'GET', url: '/v1/devices/kiosk-1', headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    expect(device.json()).toMatchObject({ highWaterMark: 1201, recordsCount: 1201 });
  });

  it('backs off while the head office is away, raises the outbox alarm, limits offline spends, and recovers', async () => {
    const identity = await provision(hq.app, 'kiosk-2', 'store-2');
    const ledger = new MemoryLedger();
    const dead = `http://127.0.0.1:9`; // discard port: nothing listens
    const agent = await SyncAgent.open({
      config: config({ headOfficeUrl: dead, alarms: { outboxRecords: 3 }, offline: { allowancePoints: 500 } }),
      identity,
      ledger,
      dataDir: mkdtempSync(join(scratch, 'k2-')),
    });
    writeStoreDay(ledger, { prefix: 'k2', storeId: 'store-2', commits: 5, random: seededRandom(2), expected: newExpected() });
    agent.start();
    await until(() => agent.status().consecutiveFailures >= 3);
    const status = agent.status();
    // Between rounds it is in backoff; a poll may also catch it mid-attempt.
    expect(['backoff', 'syncing']).toContain(status.phase);
    expect(status).toMatchObject({ online: false, pendingRecords: 5, lastError: { code: 'NETWORK' } });
    expect(status.alarms).toEqual(expect.arrayContaining(['outbox-full', 'never-synced']));
    expect(status.nextAttemptAtMs).not.toBeNull();
    expect(agent.authorizeSpend('nfc:AA', 400, 'points')).toMatchObject({ allowed: true, reason: 'within-allowance' });
    await agent.recordSpend('nfc:AA', 400, 'points', 5);
    expect(agent.authorizeSpend('nfc:AA', 200, 'points')).toMatchObject({ allowed: false, reason: 'allowance-exceeded', remaining: 100 });
    await agent.stop();

    // The head office comes back: the same state file, the right URL.
    const back = await SyncAgent.open({ config: config({ alarms: { outboxRecords: 3 } }), identity, ledger, dataDir: (agent as unknown as { options: { dataDir: string } }).options.dataDir });
    back.start();
    await until(() => back.status().pendingRecords === 0 && back.status().online);
    expect(back.status()).toMatchObject({ online: true, alarms: [], offlineTrackedCards: 0 });
    expect(back.authorizeSpend('nfc:AA', 10_000, 'points')).toMatchObject({ allowed: true, reason: 'online' });
    await back.stop();
  });

  it('pulls documents and blocked cards, and looks up a card of another store', async () => {
    const blocker = await provision(hq.app, 'kiosk-3', 'store-3');
    const ledger3 = new MemoryLedger();
    ledger3.commit('b1', [
      { op: 'member.create', memberId: 'm3', name: 'رضا', phone: '09120000003', smsConsent: false, storeId: 'store-3' },
      { op: 'card.link', cardId: 'nfc:B10C', memberId: 'm3', kind: 'member' },
      { op: 'card.link', cardId: 'nfc:B10D', memberId: 'm3', kind: 'member' },
    ]);
    ledger3.commit('b2', [{ op: 'card.block', cardId: 'nfc:B10C', reason: 'lost', replacedBy: 'nfc:B10D' }]);
    const agent3 = await SyncAgent.open({ config: config(), identity: blocker, ledger: ledger3, dataDir: mkdtempSync(join(scratch, 'k3-')) });
    await agent3.syncOnce();
    await hq.app.inject({ method: 'PUT', url: '/v1/admin/documents/reward-catalogue', headers: { authorization: `Bearer ${ADMIN_TOKEN}` }, payload: { expectedVersion: 0, body: { rewards: [{ id: 'tea', points: 300 }] } } });

    const identity = await provision(hq.app, 'kiosk-4', 'store-4');
    const agent = await SyncAgent.open({ config: config(), identity, ledger: new MemoryLedger(), dataDir: mkdtempSync(join(scratch, 'k4-')) });
    await agent.syncOnce();
    expect(agent.cache.isCardBlocked('nfc:B10C')).toBe(true);
    expect(agent.cache.isCardBlocked('nfc:B10D')).toBe(false);
    expect(agent.cache.document('reward-catalogue')).toMatchObject({ version: 1, body: { rewards: [{ id: 'tea', points: 300 }] } });
    expect(agent.status().documentVersions).toEqual({ 'reward-catalogue': 1 });
    const found = await agent.lookupCard('nfc:B10D');
    expect(found).toMatchObject({ card: { memberId: 'm3', status: 'active' }, member: { storeId: 'store-3' } });
    expect(await agent.lookupCard('nfc:NOTHING')).toBe('unknown');
  });

  it('carries a store with no connection by signed bundle, both ways, exactly once', async () => {
    const identity = await provision(hq.app, 'kiosk-5', 'store-5');
    const ledger = new MemoryLedger();
    const expected = newExpected();
    writeStoreDay(ledger, { prefix: 'k5', storeId: 'store-5', commits: 40, random: seededRandom(5), expected });
    const agent = await SyncAgent.open({ config: config({ enabled: false }), identity, ledger, dataDir: mkdtempSync(join(scratch, 'k5-')) });
    const bundle = await exportJournalBundle(ledger, identity, agent.highWaterMark, Date.now());
    expect(bundle.records).toBe(40);
    const post = (payload: string) => hq.app.inject({ method: 'POST', url: '/v1/admin/bundles', headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' }, payload });
    const first = await post(bundle.text);
    expect(first.statusCode).toBe(200);
    expect(JSON.parse(first.headers['x-bashgah-import'] as string)).toMatchObject({ stored: 40, highWaterMark: 40 });
    const again = await post(bundle.text);
    expect(JSON.parse(again.headers['x-bashgah-import'] as string)).toMatchObject({ stored: 0, duplicates: 40, highWaterMark: 40 });
    const tampered = await post(bundle.text.replace('k5-m0', 'k5-mX'));
    expect([tampered.statusCode, tampered.json().code]).toEqual([401, 'BAD_SIGNATURE']);

    const back = readPullBundle(first.body, identity);
    await agent.applyPullBundle(back);
    expect(agent.highWaterMark).toBe(40);
    expect(agent.cache.memberCount).toBe(expected.members.size);
    expect(() => readPullBundle(first.body.replace('"highWaterMark\\":40', '"highWaterMark\\":41'), identity)).toThrow(/signature/);
  });
});
