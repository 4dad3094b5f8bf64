import type { Queryable } from '../db.js';
import { listDeviceStatus, type DeviceStatusView } from '../directives/index.js';
import type { Scope } from './scope.js';
import { LOYALTY_KIND } from '../rules/store.js';

/**
 * The kiosk fleet per store: what the head office knows of each device (last push, last
 * seen, records, revoked) together with the status the kiosk reports on every pull
 * (software version, queue depth, hardware health; slice D's `directives_device_status`).
 */
export interface FleetDevice {
  deviceId: string;
  storeId: string;
  revoked: boolean;
  records: number;
  lastPushAtMs: number | null;
  lastSeenAtMs: number | null;
  /** ok: seen within `staleAfterMs`; stale: not since; never: never synced; revoked. */
  state: 'ok' | 'stale' | 'never' | 'revoked';
  status: DeviceStatusView | null;
  /** Names of reported parts that are not ok (printer, readers, ledger). */
  problems: string[];
}

export interface FleetStore {
  storeId: string;
  devices: FleetDevice[];
}

export const STALE_AFTER_MS = 60 * 60_000;

function problemsOf(health: Record<string, unknown> | undefined): string[] {
  if (!health) return [];
  const out: string[] = [];
  for (const [part, value] of Object.entries(health)) {
    if (part === 'uptimeS') continue;
    const state = typeof value === 'string' ? value : typeof value === 'object' && value !== null ? (value as { state?: unknown; ok?: unknown }).state ?? (value as { ok?: unknown }).ok : undefined;
    if (state === undefined || state === true || state === 'ok' || state === 'ready' || state === 'connected') continue;
    out.push(part);
  }
  return out.sort();
}

/** The `loyalty` document version kiosks should be running (0: none published, their config files rule). */
export async function publishedRulesVersion(db: Queryable): Promise<number> {
  const rows = await db.query<{ version: number }>('SELECT version FROM documents WHERE kind = $1', [LOYALTY_KIND]);
  return rows.rows.length ? Number(rows.rows[0]!.version) : 0;
}

export async function fleetView(db: Queryable, scope: Scope, nowMs: number): Promise<FleetStore[]> {
  const devices = await db.query<{ id: string; store_id: string; revoked_at_ms: number | null; records_count: number; last_push_at_ms: number | null; last_seen_at_ms: number | null }>(
    `SELECT id, store_id, revoked_at_ms, records_count, last_push_at_ms, last_seen_at_ms FROM devices
     WHERE ($1::text[] IS NULL OR store_id = ANY($1::text[])) ORDER BY store_id, id LIMIT 5000`,
    [scope.storeIds],
  );
  const statuses = new Map((await listDeviceStatus(db)).map((status) => [status.deviceId, status]));
  const stores = new Map<string, FleetDevice[]>();
  for (const row of devices.rows) {
    const status = statuses.get(row.id) ?? null;
    const seen = [row.last_seen_at_ms, row.last_push_at_ms, status?.reportedAtMs ?? null].filter((value): value is number => value !== null).map(Number);
    const lastSeen = seen.length ? Math.max(...seen) : null;
    const state: FleetDevice['state'] = row.revoked_at_ms !== null ? 'revoked' : lastSeen === null ? 'never' : nowMs - lastSeen > STALE_AFTER_MS ? 'stale' : 'ok';
    const device: FleetDevice = {
      deviceId: row.id,
      storeId: row.store_id,
      revoked: row.revoked_at_ms !== null,
      records: Number(row.records_count),
      lastPushAtMs: row.last_push_at_ms === null ? null : Number(row.last_push_at_ms),
      lastSeenAtMs: lastSeen,
      state,
      status,
      problems: problemsOf(status?.health),
    };
    stores.set(row.store_id, [...(stores.get(row.store_id) ?? []), device]);
  }
  return [...stores.entries()].map(([storeId, list]) => ({ storeId, devices: list }));
}
