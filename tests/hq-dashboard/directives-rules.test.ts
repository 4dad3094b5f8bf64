import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { putDocument } from '../../sync/hq/queries.js';
import { listenHq, openBackend, type Backend, type RunningHq } from '../sync/support/hq.js';
import { enrol, purchase, startSyncedKiosk, type SyncedKiosk } from './directives-harness.js';

/**
 * The head office's `loyalty` document (slice R stores it with putDocument) changes what a
 * purchase earns at the kiosk after its next sync, and still after a restart; a malformed
 * one is refused, shown in health, and changes nothing.
 */
describe('loyalty rules published by the head office', () => {
  let backend: Backend;
  let hq: RunningHq;
  let kiosk: SyncedKiosk;
  const card = 'nfc:04B10C0000E001';
  let receipt = 0;
  // Higher tiers out of reach, so the points a purchase earns depend on the earning rate alone.
  const oneTier = {
    levels: [
      { id: 'bronze', name: 'برنزی', minPoints: 0, multiplierPercent: 100, discountPercent: 0 },
      { id: 'silver', name: 'نقره‌ای', minPoints: 90_000_000, multiplierPercent: 125, discountPercent: 3 },
      { id: 'gold', name: 'طلایی', minPoints: 100_000_000, multiplierPercent: 150, discountPercent: 5 },
    ],
  };
  const earned = async () => {
    const answer = await purchase(kiosk.kiosk, card, 2_000_000, `r-rules-${++receipt}`);
    expect(answer.statusCode, JSON.stringify(answer.body)).toBe(201);
    return answer.body.pointsEarned;
  };
  const journaledConfigures = () => kiosk.kiosk.ledger.readRecords(0, 10_000).then((records) => records.filter((r) => r.record.ops.some((op) => op.op === 'loyalty.configure')));

  beforeAll(async () => {
    backend = await openBackend('pglite');
    hq = await listenHq(backend.db);
    kiosk = await startSyncedKiosk(hq, 'kiosk-rules', 'store-rules');
    await enrol(kiosk.kiosk, 'پریسا نوری', '09123330000', card);
    await earned(); // the first purchase also pays the first-purchase bonus; compare later ones
  });
  afterAll(async () => {
    await kiosk?.close();
    await hq?.close();
    await backend?.close();
  });

  it('earns by the published rules after the next sync, and after a restart', async () => {
    // The config file's defaults: 100,000 Rial a point.
    expect(await earned()).toBe(20);
    const version = await putDocument(backend.db, 'loyalty', 0, { earning: { rialPerPoint: 10_000, dailyCapPoints: 100_000 }, tiers: oneTier }, Date.now());
    expect(await earned()).toBe(20); // not before the sync
    const configuresBefore = (await journaledConfigures()).length;
    await kiosk.syncNow();
    expect(await earned()).toBe(200);
    const configures = await journaledConfigures();
    expect(configures.length).toBe(configuresBefore + 1);
    expect(configures.at(-1)!.record.actor).toEqual({ kind: 'sync', id: 'hq' });

    // The config file still says 100,000; the head office's version stays in force.
    await kiosk.restart();
    expect(await earned()).toBe(200);
    expect((await journaledConfigures()).length).toBe(configuresBefore + 1);
    await kiosk.syncNow();
    expect(await earned()).toBe(200);
    expect(version).toBe(1);
  });

  it('refuses a malformed document: logged in health, nothing changes, a later valid version applies', async () => {
    const configuresBefore = (await journaledConfigures()).length;
    await putDocument(backend.db, 'loyalty', 1, { earning: { rialPerPoint: -5 }, tiers: 'gold' }, Date.now());
    await kiosk.syncNow();
    expect(await earned()).toBe(200);
    expect((await journaledConfigures()).length).toBe(configuresBefore);
    const health = await kiosk.kiosk.app.inject({ method: 'GET', url: '/healthz' });
    const sync = (health.json() as { checks: { sync: { state: string; detail: string } } }).checks.sync;
    expect(sync.state).toBe('degraded');
    expect(sync.detail).toContain('rules-refused:v2');
    // Still refused (and still in force: the old rules) after a restart.
    await kiosk.restart();
    expect(await earned()).toBe(200);

    await putDocument(backend.db, 'loyalty', 2, { earning: { rialPerPoint: 50_000, dailyCapPoints: 100_000 }, tiers: oneTier }, Date.now());
    await kiosk.syncNow();
    expect(await earned()).toBe(40);
    const healed = await kiosk.kiosk.app.inject({ method: 'GET', url: '/healthz' });
    expect((healed.json() as { checks: { sync: { detail: string } } }).checks.sync.detail).not.toContain('rules-refused');
  });
});
