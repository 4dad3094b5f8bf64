import { HqClient } from '../../sync/agent/client.js';
import type { WireJournalEntry } from '../../sync/protocol/messages.js';
import { buildKioskHistory, type KioskHistory } from '../../sync/hq/insight/testing/kiosk-history.js';
import type { DeviceIdentity } from '../../sync/agent/identity.js';
import { provision, type RunningHq } from '../sync/support/hq.js';

/**
 * Insight's test chain: the known-answer kiosk history (sync/hq/insight/testing) pushed to a
 * running head office through the signed sync API, as the kiosks' agents push it.
 */
export interface PushedHistory {
  history: KioskHistory;
  identities: Record<'store-a' | 'store-b', DeviceIdentity>;
  /** Pushes what a kiosk recorded since the last push. */
  pushNew(storeId: 'store-a' | 'store-b'): Promise<void>;
}

export async function pushKioskHistory(hq: Pick<RunningHq, 'app' | 'url'>, nowMs: number): Promise<PushedHistory> {
  const history = await buildKioskHistory(nowMs);
  const identities = {} as PushedHistory['identities'];
  const pushed = { 'store-a': 0, 'store-b': 0 };
  const push = async (storeId: 'store-a' | 'store-b', records: WireJournalEntry[]) => {
    const client = new HqClient(hq.url, identities[storeId], 30_000);
    for (let i = 0; i < records.length; i += 1000) await client.push(records.slice(i, i + 1000));
    pushed[storeId] += records.length;
  };
  for (const storeId of ['store-a', 'store-b'] as const) {
    identities[storeId] = await provision(hq.app, history.kiosks[storeId].deviceId, storeId);
    await push(storeId, await history.records(storeId));
  }
  return {
    history,
    identities,
    async pushNew(storeId) {
      await push(storeId, (await history.records(storeId)).slice(pushed[storeId]));
    },
  };
}

/** A kiosk's pull with its status (software, queue, hardware), as its agent sends it. */
export async function pullWithStatus(hq: Pick<RunningHq, 'url'>, identity: DeviceIdentity, printerState: string): Promise<void> {
  const client = new HqClient(hq.url, identity, 30_000);
  await client.pull({
    afterRevision: 0,
    limit: 10,
    documentVersions: {},
    status: { softwareVersion: '0.1.0', queueDepth: 3, printer: { state: printerState }, readers: { state: 'ok' }, ledger: { state: 'ok' }, uptimeS: 3600 },
  });
}
