import { createBundle, openJournalBundle, readBundleEnvelope, type PullBundlePayload } from '../protocol/bundle.js';
import { PUSH_BATCH_MAX } from '../protocol/messages.js';
import type { Db } from './db.js';
import { devicePublicKey, headOfficeKey } from './devices.js';
import { HqError } from './errors.js';
import { ingest, type IngestResult } from './ingest.js';
import { pullForStore } from './queries.js';
import { ProtocolError } from '../protocol/validate.js';

/**
 * Imports a store's signed journal bundle through the same exactly-once path as a push, and
 * answers with a bundle signed by the head office carrying the store's pull data and the new
 * high-water mark. Importing the same bundle twice changes nothing.
 */
export async function importJournalBundle(db: Db, text: string, nowMs: number): Promise<{ ingest: IngestResult; returnBundle: string }> {
  let payload;
  try {
    const envelope = readBundleEnvelope(text);
    const device = await devicePublicKey(db, envelope.signer);
    if (device.revoked) throw new HqError('DEVICE_REVOKED', 'device is revoked');
    payload = openJournalBundle(envelope, device.key);
  } catch (error) {
    if (error instanceof ProtocolError) throw new HqError(error.problems.some((p) => p.startsWith('/signature')) ? 'BAD_SIGNATURE' : 'BAD_REQUEST', error.message);
    throw error;
  }
  let result: IngestResult = { deviceId: payload.deviceId, highWaterMark: 0, stored: 0, duplicates: 0, deferred: 0 };
  const entries = [...payload.entries].sort((a, b) => a.seq - b.seq);
  for (let start = 0; start < entries.length || start === 0; start += PUSH_BATCH_MAX) {
    const chunk = entries.slice(start, start + PUSH_BATCH_MAX);
    if (chunk.length === 0) break;
    const step = await ingest(db, payload.deviceId, chunk, 'bundle', nowMs);
    result = { ...step, stored: result.stored + step.stored, duplicates: result.duplicates + step.duplicates, deferred: step.deferred };
  }
  const { storeId } = await devicePublicKey(db, payload.deviceId);
  const pull = await pullForStore(db, storeId, { afterRevision: 0, limit: 5000, documentVersions: {} }, nowMs);
  const back: PullBundlePayload = { deviceId: payload.deviceId, createdAtMs: nowMs, highWaterMark: result.highWaterMark, pull };
  const hq = await headOfficeKey(db);
  return { ingest: result, returnBundle: createBundle('pull', 'hq', back, hq.privateKey) };
}
