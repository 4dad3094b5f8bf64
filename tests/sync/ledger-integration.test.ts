import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ledger } from '../../firmware/src/ledger/ledger.js';
import { kioskLedgerModules } from '../../firmware/src/kiosk/ledger-modules.js';
import { LoyaltyService } from '../../firmware/src/loyalty/service.js';
import { loadOrCreateDeviceSigner } from '../../firmware/src/loyalty/vouchers/signer.js';
import { parseConfig } from '../../firmware/src/config/load.js';
import { createLogger } from '../../firmware/src/log/logger.js';
import { SyncAgent } from '../../sync/agent/agent.js';
import { SyncAgentConfigSchema } from '../../sync/agent/config.js';
import { parseMessage } from '../../sync/protocol/validate.js';
import { ADMIN_TOKEN, adminGet, listenHq, openBackend, provision, type Backend, type RunningHq } from './support/hq.js';

/**
 * The real kiosk ledger (journal, snapshots, compaction) through the agent to the head office:
 * the head office accepts its frame hashes, compaction waits for the head office, and the
 * chain's balances equal the kiosk's.
 */
describe('kiosk ledger → agent → head office', () => {
  let backend: Backend;
  let hq: RunningHq;
  let scratch: string;

  beforeAll(async () => {
    backend = await openBackend('pglite');
    hq = await listenHq(backend.db);
    scratch = mkdtempSync(join(tmpdir(), 'bashgah-ledger-sync-'));
  });
  afterAll(async () => {
    await hq?.close();
    await backend?.close();
    rmSync(scratch, { recursive: true, force: true });
  });

  const earn = (memberId: string, amount: number) => ({ op: 'transfer', debit: 'club:earned', credit: `member:${memberId}:points`, amount, unit: 'points', reason: 'earn' });

  it('keeps unsynced records through compaction, then ships them exactly once', async () => {
    const identity = await provision(hq.app, 'kiosk-real', 'store-real');
    const ledger = await Ledger.open({ dataDir: join(scratch, 'ledger'), snapshotEveryRecords: 100 });
    const config = (url: string) => parseMessage(SyncAgentConfigSchema, { enabled: true, headOfficeUrl: url, pushBatchRecords: 100 }, 'config');
    const offline = await SyncAgent.open({ config: config('http://127.0.0.1:9'), identity, ledger, dataDir: scratch });
    await ledger.commit({ id: 'enrol', actor: { kind: 'pos', id: 'till-1' }, ops: [
      { op: 'member.create', memberId: 'mr', name: 'سارا', phone: '09121234567', smsConsent: true, storeId: 'store-real' },
      { op: 'card.link', cardId: 'nfc:04A1B2C3D4E5F6', memberId: 'mr', kind: 'member' },
    ] });
    for (let index = 0; index < 349; index++) await ledger.commit({ id: `earn-${index}`, actor: { kind: 'pos', id: 'till-1' }, ops: [earn('mr', 1 + (index % 7))] });
    await ledger.commit({ id: 'redeem', actor: { kind: 'pos', id: 'till-1' }, ops: [{ op: 'transfer', debit: 'member:mr:points', credit: 'club:redeemed', amount: 100, unit: 'points', reason: 'redeem' }] });
    // Three snapshots were cut, yet nothing the head office lacks was compacted away.
    expect((await ledger.readRecords(0, 1000)).length).toBe(351);
    await offline.stop();

    const agent = await SyncAgent.open({ config: config(hq.url), identity, ledger, dataDir: scratch });
    await agent.syncOnce();
    expect(agent.status()).toMatchObject({ highWaterMark: 351, pendingRecords: 0 });
    const member = await adminGet<{ member: { balances: Record<string, number> } }>(hq.app, '/v1/members/mr');
    expect(member.member.balances.points).toBe(ledger.balance('member:mr:points'));
    const again = await hq.app.inject({ method: 'GET', url: '/v1/devices/kiosk-real', headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    expect(again.json()).toMatchObject({ highWaterMark: 351, recordsCount: 351 });

    // Now acknowledged, old records may go at the next snapshot.
    for (let index = 0; index < 150; index++) await ledger.commit({ id: `late-${index}`, actor: { kind: 'pos', id: 'till-1' }, ops: [earn('mr', 1)] });
    await expect(ledger.readRecords(0, 10)).rejects.toMatchObject({ code: 'RECORD_COMPACTED' });
    await agent.syncOnce();
    expect(agent.status().highWaterMark).toBe(501);
    await ledger.close();
  });

  it('books loyalty points earned by a purchase at the head office too', async () => {
    const identity = await provision(hq.app, 'kiosk-loyalty', 'store-real');
    const dir = join(scratch, 'loyalty');
    const ledger = await Ledger.open({ dataDir: join(dir, 'ledger'), modules: kioskLedgerModules() });
    const signer = await loadOrCreateDeviceSigner('kiosk-loyalty', join(dir, 'voucher.pem'));
    const loyalty = await LoyaltyService.open({ ledger, rules: parseConfig({}).loyalty, signer, logger: createLogger({ level: 'silent' }) });
    const pos = { kind: 'pos' as const, id: 'till-1' };
    await ledger.commit({ id: 'enrol-l', actor: pos, ops: [{ op: 'member.create', memberId: 'ml', name: 'رضا', phone: '09127654321', smsConsent: true, storeId: 'store-real' }] });
    const purchase = await loyalty.recordPurchase({ memberId: 'ml', amountRial: 250_000_000, receiptId: 'r-1', actor: pos });
    expect(purchase.pointsEarned).toBeGreaterThan(0);
    const config = parseMessage(SyncAgentConfigSchema, { enabled: true, headOfficeUrl: hq.url }, 'config');
    const agent = await SyncAgent.open({ config, identity, ledger, dataDir: dir });
    await agent.syncOnce();
    const member = await adminGet<{ member: { balances: Record<string, number> } }>(hq.app, '/v1/members/ml');
    // Earned points are not left out: the head office books what the purchase posted.
    for (const purpose of ['points', 'pending']) {
      expect(member.member.balances[purpose] ?? 0, purpose).toBe(ledger.balance(`member:ml:${purpose}`));
    }
    expect((member.member.balances.points ?? 0) + (member.member.balances.pending ?? 0)).toBeGreaterThan(0);
    await agent.stop();
    await ledger.close();
  });
});
