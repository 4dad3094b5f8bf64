import type { DeviceStatus } from '../status.js';

/** What the LEDs and buzzer tell the person at the kiosk. */
export type IndicatorPattern = 'success' | 'unknown-card' | 'error' | 'attention' | 'idle';

export interface Indicator {
  /** Plays a pattern; a new pattern replaces one still playing. Never throws. */
  signal(pattern: IndicatorPattern): void;
  status(): DeviceStatus;
  close(): Promise<void>;
}
