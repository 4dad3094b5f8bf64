import { generateDeviceKeyPair, privateKeyFromPem, publicKeyFromText, verifySignature, type SignedRequestParts } from '../protocol/signing.js';
import type { KeyObject } from 'node:crypto';
import type { Db } from './db.js';
import { HqError } from './errors.js';

/** Device registry, request authentication and the head office's own signing key. */
export const TIMESTAMP_SKEW_MAX_MS = 5 * 60_000;
/** Nonces are kept only as long as a timestamp is acceptable; older requests are refused anyway. */
const NONCE_RETENTION_MS = 2 * TIMESTAMP_SKEW_MAX_MS;
/** How often (in requests, on average) the expired nonces are swept. */
const NONCE_SWEEP_EVERY = 200;

export interface DeviceRow {
  id: string;
  storeId: string;
  createdAtMs: number;
  revokedAtMs: number | null;
  highWaterMark: number;
  recordsCount: number;
  lastPushAtMs: number | null;
  lastSeenAtMs: number | null;
}

export async function registerDevice(db: Db, deviceId: string, storeId: string, publicKey: string, nowMs: number): Promise<void> {
  publicKeyFromText(publicKey); // refuses a malformed key before it is stored
  const inserted = await db.query(
    'INSERT INTO devices (id, store_id, public_key, created_at_ms) VALUES ($1, $2, $3, $4) ON CONFLICT (id) DO NOTHING',
    [deviceId, storeId, publicKey, nowMs],
  );
  if (inserted.rowCount === 0) throw new HqError('DEVICE_EXISTS', 'a device with this id exists');
}

export async function revokeDevice(db: Db, deviceId: string, nowMs: number): Promise<void> {
  const updated = await db.query('UPDATE devices SET revoked_at_ms = COALESCE(revoked_at_ms, $2) WHERE id = $1', [deviceId, nowMs]);
  if (updated.rowCount === 0) throw new HqError('NOT_FOUND', 'unknown device');
}

const DEVICE_COLUMNS = `id, store_id AS "storeId", created_at_ms AS "createdAtMs", revoked_at_ms AS "revokedAtMs", high_water_mark AS "highWaterMark",
  records_count AS "recordsCount", last_push_at_ms AS "lastPushAtMs", last_seen_at_ms AS "lastSeenAtMs"`;

export async function listDevices(db: Db): Promise<DeviceRow[]> {
  return (await db.query<DeviceRow>(`SELECT ${DEVICE_COLUMNS} FROM devices ORDER BY id`)).rows;
}

export async function getDevice(db: Db, deviceId: string): Promise<DeviceRow | undefined> {
  return (await db.query<DeviceRow>(`SELECT ${DEVICE_COLUMNS} FROM devices WHERE id = $1`, [deviceId])).rows[0];
}

export interface AuthenticatedDevice {
  deviceId: string;
  storeId: string;
}

/**
 * Checks a signed request: known and unrevoked device, fresh timestamp, valid signature,
 * and a nonce never seen before (stored in the database, so every instance sees it).
 */
export async function authenticate(db: Db, parts: SignedRequestParts, signature: string, nowMs: number): Promise<AuthenticatedDevice> {
  if (!Number.isSafeInteger(parts.timestampMs) || Math.abs(nowMs - parts.timestampMs) > TIMESTAMP_SKEW_MAX_MS) {
    throw new HqError('STALE_TIMESTAMP', 'request timestamp is too far from the head office clock');
  }
  if (parts.nonce.length < 16 || parts.nonce.length > 64) throw new HqError('BAD_SIGNATURE', 'nonce must be 16-64 characters');
  const device = (await db.query<{ store_id: string; public_key: string; revoked_at_ms: number | null }>(
    'SELECT store_id, public_key, revoked_at_ms FROM devices WHERE id = $1',
    [parts.deviceId],
  )).rows[0];
  if (!device) throw new HqError('UNKNOWN_DEVICE', 'unknown device');
  if (!verifySignature(parts, signature, publicKeyFromText(device.public_key))) throw new HqError('BAD_SIGNATURE', 'signature does not match');
  if (device.revoked_at_ms !== null) throw new HqError('DEVICE_REVOKED', 'device is revoked');
  // One round trip: remember the nonce, and note when the device was last seen (at most every 10 s).
  const fresh = await db.query(
    `WITH nonce AS (
       INSERT INTO request_nonces (device_id, nonce, expires_at_ms) VALUES ($1, $2, $3::bigint) ON CONFLICT DO NOTHING RETURNING 1
     ), seen AS (
       UPDATE devices SET last_seen_at_ms = $4::bigint WHERE id = $1 AND EXISTS (SELECT 1 FROM nonce) AND COALESCE(last_seen_at_ms, 0) < $4::bigint - 10000
     )
     SELECT 1 AS fresh FROM nonce`,
    [parts.deviceId, parts.nonce, parts.timestampMs + NONCE_RETENTION_MS, nowMs],
  );
  if (fresh.rows.length === 0) throw new HqError('REPLAYED_NONCE', 'this request was seen before');
  if (Math.random() < 1 / NONCE_SWEEP_EVERY) await sweepNonces(db, nowMs);
  return { deviceId: parts.deviceId, storeId: device.store_id };
}

export async function sweepNonces(db: Db, nowMs: number): Promise<number> {
  return (await db.query('DELETE FROM request_nonces WHERE expires_at_ms < $1', [nowMs])).rowCount;
}

export async function devicePublicKey(db: Db, deviceId: string): Promise<{ key: KeyObject; storeId: string; revoked: boolean }> {
  const row = (await db.query<{ public_key: string; store_id: string; revoked_at_ms: number | null }>('SELECT public_key, store_id, revoked_at_ms FROM devices WHERE id = $1', [deviceId])).rows[0];
  if (!row) throw new HqError('UNKNOWN_DEVICE', 'unknown device');
  return { key: publicKeyFromText(row.public_key), storeId: row.store_id, revoked: row.revoked_at_ms !== null };
}

/** The head office's key pair (signs bundles going back to stores); created once, shared by all instances. */
export async function headOfficeKey(db: Db): Promise<{ privateKey: KeyObject; publicKey: string }> {
  const fresh = generateDeviceKeyPair();
  await db.query('INSERT INTO hq_keys (id, public_key, private_key_pem) VALUES (1, $1, $2) ON CONFLICT (id) DO NOTHING', [fresh.publicKey, fresh.privateKeyPem]);
  const row = (await db.query<{ public_key: string; private_key_pem: string }>('SELECT public_key, private_key_pem FROM hq_keys WHERE id = 1')).rows[0]!;
  return { privateKey: privateKeyFromPem(row.private_key_pem), publicKey: row.public_key };
}
