/**
 * How a device is doing, as shown on /healthz, in `bashgah status` and on the kiosk screen.
 * A missing or broken device is a status, never a crash.
 */
export type DeviceState = 'ok' | 'degraded' | 'offline' | 'absent' | 'disabled';

export interface DeviceStatus {
  /** Stable name, e.g. `reader:pcsc:ACS ACR122U` or `printer`. */
  device: string;
  state: DeviceState;
  /** A sentence for a technician: what is wrong and, where known, what to do. */
  detail?: string;
  /** When the device entered this state (ms since epoch). */
  sinceMs: number;
}
