import { createBundle, openPullBundle, readBundleEnvelope, BUNDLE_ENTRIES_MAX, type PullBundlePayload } from '../protocol/bundle.js';
import type { WireJournalEntry } from '../protocol/messages.js';
import type { DeviceIdentity } from './identity.js';
import type { SyncableLedger } from './ledger-port.js';

/**
 * Sneakernet, kiosk side: write the unsynced journal (after `afterSeq`, usually the agent's
 * high-water mark) into a signed bundle file; read the head office's signed answer back.
 */
export async function exportJournalBundle(ledger: SyncableLedger, identity: DeviceIdentity, afterSeq: number, nowMs: number): Promise<{ text: string; records: number }> {
  const entries: WireJournalEntry[] = [];
  let cursor = afterSeq;
  while (entries.length < BUNDLE_ENTRIES_MAX) {
    const page = await ledger.readRecords(cursor, Math.min(1000, BUNDLE_ENTRIES_MAX - entries.length));
    if (page.length === 0) break;
    for (const entry of page) entries.push({ seq: entry.seq, hash: entry.hash, prevHash: entry.prevHash, record: entry.record });
    cursor = page[page.length - 1]!.seq;
  }
  const text = createBundle('journal', identity.deviceId, { deviceId: identity.deviceId, createdAtMs: nowMs, entries }, identity.privateKey);
  return { text, records: entries.length };
}

/** Checks the head office's signature and that the bundle is for this device. */
export function readPullBundle(text: string, identity: DeviceIdentity): PullBundlePayload {
  const payload = openPullBundle(readBundleEnvelope(text), identity.hqPublicKey);
  if (payload.deviceId !== identity.deviceId) throw new Error(`bundle is for device ${payload.deviceId}, not ${identity.deviceId}`);
  return payload;
}
