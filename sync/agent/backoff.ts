/**
 * Exponential backoff with jitter, bounded: attempt 1 waits about `initialMs`, each failure
 * doubles it up to `maxMs`, and a random share (`jitter`) is taken off so that a fleet of
 * kiosks coming back after an outage does not hit the head office in step.
 */
export interface BackoffSettings {
  initialMs: number;
  maxMs: number;
  jitter: number;
}

export function backoffDelayMs(failures: number, settings: BackoffSettings, random: () => number = Math.random): number {
  if (failures <= 0) return 0;
  const exponent = Math.min(failures - 1, 30);
  const ceiling = Math.min(settings.maxMs, settings.initialMs * 2 ** exponent);
  return Math.max(1, Math.round(ceiling * (1 - settings.jitter * random())));
}
