import type { WireJournalEntry } from '../protocol/messages.js';
import type { Db } from './db.js';
import { HqError } from './errors.js';
import { materialize } from './materialize.js';
import { recordHashMatches } from './record-hash.js';

/**
 * Stores a device's journal records exactly once. Per device the head office keeps a
 * high-water mark (every seq up to it is stored) and the hash of that record; a batch is
 * applied under a row lock on the device, so concurrent pushes (retries, several head office
 * instances) serialise. Records at or below the mark are duplicates (their hash must match
 * what is stored, else the device's history forked); the contiguous run after the mark must
 * chain by hash; anything after a gap is deferred (the agent sends it again).
 */
export interface IngestResult {
  deviceId: string;
  highWaterMark: number;
  stored: number;
  duplicates: number;
  deferred: number;
}

interface DeviceRow {
  high_water_mark: number;
  last_hash: string | null;
  revoked_at_ms: number | null;
}

export async function ingest(db: Db, deviceId: string, entries: WireJournalEntry[], via: 'push' | 'bundle', nowMs: number): Promise<IngestResult> {
  const bySeq = new Map<number, WireJournalEntry>();
  for (const entry of entries) {
    const twin = bySeq.get(entry.seq);
    if (twin && twin.hash !== entry.hash) throw new HqError('CHAIN_FORK', `two different records with seq ${entry.seq}`);
    bySeq.set(entry.seq, entry);
  }
  const sorted = [...bySeq.values()].sort((a, b) => a.seq - b.seq);
  return db.transaction(async (tx) => {
    const device = (await tx.query<DeviceRow>('SELECT high_water_mark, last_hash, revoked_at_ms FROM devices WHERE id = $1 FOR UPDATE', [deviceId])).rows[0];
    if (!device) throw new HqError('UNKNOWN_DEVICE', 'unknown device');
    if (device.revoked_at_ms !== null) throw new HqError('DEVICE_REVOKED', 'device is revoked');
    const highWaterMark = Number(device.high_water_mark);

    const old = sorted.filter((entry) => entry.seq <= highWaterMark);
    if (old.length > 0) await checkDuplicates(tx, deviceId, old);

    const accepted: WireJournalEntry[] = [];
    let expectedSeq = highWaterMark + 1;
    let lastHash = device.last_hash;
    for (const entry of sorted) {
      if (entry.seq < expectedSeq) continue;
      if (entry.seq > expectedSeq) break;
      if (!recordHashMatches(entry)) throw new HqError('CHAIN_BROKEN', `record ${entry.seq} does not match its hash`);
      // The first record a device ever sends anchors its chain (earlier ones may be compacted away).
      if (lastHash !== null && entry.prevHash !== lastHash) throw new HqError('CHAIN_BROKEN', `record ${entry.seq} does not chain to record ${entry.seq - 1}`);
      accepted.push(entry);
      lastHash = entry.hash;
      expectedSeq++;
    }
    const deferred = sorted.filter((entry) => entry.seq >= expectedSeq).length;
    const duplicates = entries.length - accepted.length - deferred;
    if (accepted.length > 0) {
      await insertJournal(tx, deviceId, accepted, via, nowMs);
      await materialize(tx, deviceId, accepted, nowMs);
      await tx.query(
        `UPDATE devices SET high_water_mark = $2, last_hash = $3, records_count = records_count + $4, last_push_at_ms = $5 WHERE id = $1`,
        [deviceId, expectedSeq - 1, lastHash, accepted.length, nowMs],
      );
    }
    return { deviceId, highWaterMark: expectedSeq - 1, stored: accepted.length, duplicates, deferred };
  });
}

async function checkDuplicates(tx: Parameters<Parameters<Db['transaction']>[0]>[0], deviceId: string, old: WireJournalEntry[]): Promise<void> {
  const stored = await tx.query<{ seq: number; hash: string }>('SELECT seq, hash FROM journal WHERE device_id = $1 AND seq = ANY($2::bigint[])', [deviceId, old.map((entry) => entry.seq)]);
  const hashBySeq = new Map(stored.rows.map((row) => [Number(row.seq), row.hash]));
  for (const entry of old) {
    const hash = hashBySeq.get(entry.seq);
    if (hash !== undefined && hash !== entry.hash) throw new HqError('CHAIN_FORK', `record ${entry.seq} differs from the one stored`);
  }
}

async function insertJournal(tx: Parameters<Parameters<Db['transaction']>[0]>[0], deviceId: string, entries: WireJournalEntry[], via: string, nowMs: number): Promise<void> {
  await tx.query(
    `INSERT INTO journal (device_id, seq, hash, prev_hash, commit_id, actor, at_ms, clock_synced, fingerprint, record, received_at_ms, via)
     SELECT $1, s, h, p, c, a::jsonb, at, cs, f, r::jsonb, $10, $11
     FROM unnest($2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], $7::bigint[], $8::boolean[], $9::text[], $12::text[]) AS x(s, h, p, c, a, at, cs, f, r)`,
    [
      deviceId,
      entries.map((e) => e.seq),
      entries.map((e) => e.hash),
      entries.map((e) => e.prevHash),
      entries.map((e) => e.record.id),
      entries.map((e) => JSON.stringify(e.record.actor)),
      entries.map((e) => e.record.at.atMs),
      entries.map((e) => e.record.at.clockSynced),
      entries.map((e) => e.record.fingerprint ?? null),
      nowMs,
      via,
      // The whole record as sent (ops, results, fields of newer ledgers), for replays and audits.
      entries.map((e) => JSON.stringify(e.record)),
    ],
  );
}
