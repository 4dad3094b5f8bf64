import type { Queryable } from '../db.js';
import type { DeviceStatusReport } from '../../protocol/directives.js';

/** The status each kiosk reported with its last pull, for the fleet view (slice I reads it). */
export interface DeviceStatusView {
  deviceId: string;
  reportedAtMs: number;
  softwareVersion: string;
  queueDepth: number;
  /** The loyalty rules version in force at the kiosk (0: its config file's); null when not reported. */
  rulesVersion: number | null;
  /** `{ printer, readers, ledger, uptimeS }` as the kiosk reported them (its /healthz states). */
  health: { printer: { state: string; detail?: string }; readers: { state: string; detail?: string }; ledger: { state: string; detail?: string }; uptimeS: number };
}

export async function recordDeviceStatus(tx: Queryable, deviceId: string, report: DeviceStatusReport, nowMs: number): Promise<void> {
  const health = { printer: report.printer, readers: report.readers, ledger: report.ledger, uptimeS: report.uptimeS };
  await tx.query(
    `INSERT INTO directives_device_status (device_id, reported_at_ms, software_version, queue_depth, health, rules_version) VALUES ($1, $2, $3, $4, $5::jsonb, $6)
     ON CONFLICT (device_id) DO UPDATE SET reported_at_ms = EXCLUDED.reported_at_ms, software_version = EXCLUDED.software_version,
       queue_depth = EXCLUDED.queue_depth, health = EXCLUDED.health, rules_version = EXCLUDED.rules_version`,
    [deviceId, nowMs, report.softwareVersion, report.queueDepth, JSON.stringify(health), report.rulesVersion ?? null],
  );
}

export async function listDeviceStatus(db: Queryable): Promise<DeviceStatusView[]> {
  const rows = await db.query<{ device_id: string; reported_at_ms: number; software_version: string; queue_depth: number; health: DeviceStatusView['health']; rules_version: number | null }>(
    'SELECT device_id, reported_at_ms, software_version, queue_depth, health, rules_version FROM directives_device_status ORDER BY device_id',
  );
  return rows.rows.map((row) => ({
    deviceId: row.device_id,
    reportedAtMs: Number(row.reported_at_ms),
    softwareVersion: row.software_version,
    queueDepth: Number(row.queue_depth),
    rulesVersion: row.rules_version === null ? null : Number(row.rules_version),
    health: row.health,
  }));
}
