import { existsSync } from 'node:fs';
import type { Timestamp } from './types.js';

export interface Clock {
  now(): Timestamp;
}

/**
 * A Raspberry Pi has no battery-backed clock: after a power cut it boots with the time it
 * last saved until NTP answers, which may be never in a store without internet. Events are
 * still stamped when they happen, with a flag saying whether the clock was synchronised, so
 * the head office can tell which timestamps to trust.
 *
 * systemd-timesyncd creates /run/systemd/timesync/synchronized once it has synchronised.
 * On a machine not run by systemd (a developer's laptop, CI) the host keeps its own time.
 */
export class SystemClock implements Clock {
  private synced = false;
  private checkedAtMs = 0;

  constructor(
    private readonly syncedFlagPath = '/run/systemd/timesync/synchronized',
    private readonly systemdPath = '/run/systemd/system',
    private readonly recheckMs = 10_000,
  ) {}

  now(): Timestamp {
    const atMs = Date.now();
    // Checked at most every few seconds: a stat per commit would put I/O on the hot path.
    if (!this.synced && atMs - this.checkedAtMs >= this.recheckMs) {
      this.checkedAtMs = atMs;
      this.synced = existsSync(this.syncedFlagPath) || !existsSync(this.systemdPath);
    }
    return { atMs, clockSynced: this.synced };
  }
}

/** A clock that tests set by hand. */
export class ManualClock implements Clock {
  constructor(
    public atMs = Date.UTC(2026, 2, 21, 8, 30),
    public clockSynced = true,
  ) {}

  now(): Timestamp {
    return { atMs: this.atMs, clockSynced: this.clockSynced };
  }

  advance(ms: number): void {
    this.atMs += ms;
  }
}
