import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { parseConfig } from '../../firmware/src/config/load.js';
import { createLogger } from '../../firmware/src/log/logger.js';
import { ManualClock } from '../../firmware/src/ledger/clock.js';
import { composeKiosk, type Kiosk } from '../../firmware/src/kiosk/compose.js';
import { keyFilePath, writeKeyFile } from '../../sync/agent/identity.js';
import { ADMIN_TOKEN } from '../sync/support/hq.js';

/**
 * A whole kiosk (real ledger, loyalty service, runtime, POS API, simulated reader) with its
 * sync agent pointed at a head office listening on 127.0.0.1. The agent's own timer stays
 * quiet (long intervals) so a test decides when the next sync happens (`sync.syncNow()`).
 */
export const POS_TOKEN = 'directives-pos-token-0123456789';
export const pos = { authorization: `Bearer ${POS_TOKEN}` };

export interface SyncedKiosk {
  kiosk: Kiosk;
  dataDir: string;
  clock: ManualClock;
  syncNow(): Promise<void>;
  /** Closes the kiosk and composes it again on the same data directory (a restart). */
  restart(): Promise<void>;
  close(): Promise<void>;
}

export async function provisionKey(app: FastifyInstance, dataDir: string, deviceId: string, storeId: string): Promise<void> {
  const response = await app.inject({ method: 'POST', url: '/v1/admin/devices', headers: { authorization: `Bearer ${ADMIN_TOKEN}` }, payload: { deviceId, storeId } });
  if (response.statusCode !== 201) throw new Error(`provisioning failed: ${response.body}`);
  const body = response.json() as { privateKeyPem: string; hqPublicKey: string };
  await writeKeyFile(keyFilePath(dataDir, 'sync-device.json'), { deviceId, storeId, privateKeyPem: body.privateKeyPem, hqPublicKey: body.hqPublicKey });
}

export async function startSyncedKiosk(hq: { app: FastifyInstance; url: string }, deviceId: string, storeId: string): Promise<SyncedKiosk> {
  const dataDir = await mkdtemp(join(tmpdir(), `bashgah-directives-${deviceId}-`));
  await provisionKey(hq.app, dataDir, deviceId, storeId);
  // Mid-morning in Tehran on a Wednesday outside every campaign window (as tests/kiosk does).
  const clock = new ManualClock(Date.UTC(2026, 5, 10, 9, 0));
  const compose = () => composeKiosk({
    config: parseConfig({
      device: { id: deviceId, storeId },
      tokens: [{ name: 'till-1', token: POS_TOKEN, role: 'pos' }],
      hardware: { printer: { driver: 'none' }, indicator: { driver: 'simulated' } },
      sync: { enabled: true, headOfficeUrl: hq.url, idleIntervalSeconds: 3600, pullIntervalSeconds: 86_400, backoff: { initialMs: 60_000, maxMs: 60_000 } },
    }),
    dataDir,
    logger: createLogger({ level: process.env.BASHGAH_TEST_LOG ?? 'silent' }),
    clock,
  });
  const handle: SyncedKiosk = {
    kiosk: await compose(),
    dataDir,
    clock,
    syncNow: () => handle.kiosk.sync!.syncNow(),
    async restart() {
      await handle.kiosk.close();
      handle.kiosk = await compose();
    },
    async close() {
      await handle.kiosk.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
  return handle;
}

/** Enrols a member with a card through the POS API; returns the member id. */
export async function enrol(kiosk: Kiosk, name: string, phone: string, card: string): Promise<string> {
  const response = await kiosk.app.inject({ method: 'POST', url: '/api/v1/members', headers: pos, payload: { name, phone, card, smsConsent: true } });
  if (response.statusCode !== 201) throw new Error(`enrol: ${response.statusCode} ${response.body}`);
  return (response.json() as { memberId: string }).memberId;
}

export async function purchase(kiosk: Kiosk, card: string, amountRial: number, receiptId: string): Promise<{ statusCode: number; body: { pointsEarned?: number; error?: { code: string } } }> {
  const response = await kiosk.app.inject({ method: 'POST', url: '/api/v1/purchases', headers: pos, payload: { card, amountRial, receiptId } });
  return { statusCode: response.statusCode, body: response.json() as { pointsEarned?: number; error?: { code: string } } };
}

/** Waits (bounded) for the kiosk screen to reach `name` after a tap. */
export async function screenAfterTap(kiosk: Kiosk, card: string): Promise<string> {
  kiosk.simulated.reader!.tap(card);
  const deadline = Date.now() + 5000;
  for (;;) {
    const name = kiosk.runtime.view().screen.name;
    if (name !== 'attract' && name !== 'looking-up') {
      kiosk.simulated.reader!.remove();
      return name;
    }
    if (Date.now() > deadline) throw new Error(`screen stuck at ${name}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
