import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDeviceKeyPair, newNonce, privateKeyFromPem, signRequest } from '../../sync/protocol/signing.js';
import type { DeviceIdentity } from '../../sync/agent/identity.js';
import { ADMIN_TOKEN, listenHq, openBackend, provision, type Backend, type RunningHq } from './support/hq.js';
import { MemoryLedger } from './support/memory-ledger.js';

/** Signed requests: what the head office must refuse, and that the genuine one passes. */
describe('request signatures', () => {
  let backend: Backend;
  let hq: RunningHq;
  let identity: DeviceIdentity;
  let clockMs = Date.UTC(2026, 5, 1);

  beforeAll(async () => {
    backend = await openBackend('pglite');
    hq = await listenHq(backend.db, () => clockMs);
    identity = await provision(hq.app, 'kiosk-sig', 'store-1');
  });
  afterAll(async () => {
    await hq?.close();
    await backend?.close();
  });

  const ledger = new MemoryLedger();
  ledger.commit('s1', [{ op: 'transfer', debit: 'club:earned', credit: 'member:ms:points', amount: 10, unit: 'points', reason: 'earn' }]);
  const body = JSON.stringify({ deviceId: 'kiosk-sig', entries: ledger.all() });

  function signed(overrides: { body?: string; path?: string; timestampMs?: number; nonce?: string; key?: DeviceIdentity['privateKey']; signedBody?: string; signedPath?: string } = {}) {
    const nonce = overrides.nonce ?? newNonce();
    const timestampMs = overrides.timestampMs ?? clockMs;
    const headers = signRequest(
      { method: 'POST', path: overrides.signedPath ?? '/v1/sync/push', body: overrides.signedBody ?? overrides.body ?? body, deviceId: 'kiosk-sig', timestampMs, nonce },
      overrides.key ?? identity.privateKey,
    );
    return { method: 'POST' as const, url: overrides.path ?? '/v1/sync/push', headers: { ...headers, 'content-type': 'application/json' }, payload: overrides.body ?? body };
  }

  it('accepts a genuine request', async () => {
    const response = await hq.app.inject(signed());
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ highWaterMark: 1, stored: 1 });
  });

  it('refuses a tampered body, a tampered path and a foreign key', async () => {
    const tampered = body.replace('"amount":10', '"amount":99999');
    expect(tampered).not.toBe(body);
    const bodyChanged = await hq.app.inject(signed({ body: tampered, signedBody: body }));
    expect([bodyChanged.statusCode, bodyChanged.json().code]).toEqual([401, 'BAD_SIGNATURE']);
    const pathChanged = await hq.app.inject({ ...signed({ signedPath: '/v1/sync/pull' }) });
    expect([pathChanged.statusCode, pathChanged.json().code]).toEqual([401, 'BAD_SIGNATURE']);
    const foreign = await hq.app.inject(signed({ key: privateKeyFromPem(generateDeviceKeyPair().privateKeyPem) }));
    expect([foreign.statusCode, foreign.json().code]).toEqual([401, 'BAD_SIGNATURE']);
    const unsigned = await hq.app.inject({ method: 'POST', url: '/v1/sync/push', headers: { 'content-type': 'application/json' }, payload: body });
    expect(unsigned.statusCode).toBe(401);
  });

  it('refuses a replayed request and a stale one', async () => {
    const request = signed();
    expect((await hq.app.inject(request)).statusCode).toBe(200);
    const replay = await hq.app.inject(request);
    expect([replay.statusCode, replay.json().code]).toEqual([401, 'REPLAYED_NONCE']);
    const stale = await hq.app.inject(signed({ timestampMs: clockMs - 6 * 60_000 }));
    expect([stale.statusCode, stale.json().code]).toEqual([401, 'STALE_TIMESTAMP']);
    const future = await hq.app.inject(signed({ timestampMs: clockMs + 6 * 60_000 }));
    expect(future.json().code).toBe('STALE_TIMESTAMP');
  });

  it('forgets expired nonces (bounded store) but still refuses their replay as stale', async () => {
    const request = signed();
    expect((await hq.app.inject(request)).statusCode).toBe(200);
    clockMs += 11 * 60_000;
    const { sweepNonces } = await import('../../sync/hq/devices.js');
    expect(await sweepNonces(backend.db, clockMs)).toBeGreaterThan(0);
    expect((await hq.app.inject(request)).json().code).toBe('STALE_TIMESTAMP');
  });

  it('refuses a revoked device, and revocation needs the admin token', async () => {
    const noToken = await hq.app.inject({ method: 'POST', url: '/v1/admin/devices/kiosk-sig/revoke' });
    expect(noToken.statusCode).toBe(401);
    const wrongToken = await hq.app.inject({ method: 'POST', url: '/v1/admin/devices/kiosk-sig/revoke', headers: { authorization: 'Bearer nope' } });
    expect(wrongToken.statusCode).toBe(401);
    const revoke = await hq.app.inject({ method: 'POST', url: '/v1/admin/devices/kiosk-sig/revoke', headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    expect(revoke.statusCode).toBe(200);
    const refused = await hq.app.inject(signed());
    expect([refused.statusCode, refused.json().code]).toEqual([403, 'DEVICE_REVOKED']);
  });

  it('refuses records pushed for another device', async () => {
    const other = await provision(hq.app, 'kiosk-sig2', 'store-1');
    const headers = signRequest({ method: 'POST', path: '/v1/sync/push', body, deviceId: 'kiosk-sig2', timestampMs: clockMs, nonce: newNonce() }, other.privateKey);
    const response = await hq.app.inject({ method: 'POST', url: '/v1/sync/push', headers: { ...headers, 'content-type': 'application/json' }, payload: body });
    expect([response.statusCode, response.json().code]).toEqual([403, 'DEVICE_MISMATCH']);
  });
});
