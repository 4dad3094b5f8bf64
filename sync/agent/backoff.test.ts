import { describe, expect, it } from 'vitest';
import { backoffDelayMs } from './backoff.js';

describe('backoffDelayMs', () => {
  const settings = { initialMs: 1000, maxMs: 60_000, jitter: 0.5 };

  it('doubles from the initial delay and stops at the maximum', () => {
    const noJitter = () => 0;
    expect([0, 1, 2, 3, 4, 7, 50].map((failures) => backoffDelayMs(failures, settings, noJitter))).toEqual([0, 1000, 2000, 4000, 8000, 60_000, 60_000]);
  });

  it('takes at most the jitter share off, never more', () => {
    expect(backoffDelayMs(3, settings, () => 0.999999)).toBe(2000);
    for (let index = 0; index < 1000; index++) {
      const delay = backoffDelayMs(5, settings, Math.random);
      expect(delay).toBeGreaterThanOrEqual(8000);
      expect(delay).toBeLessThanOrEqual(16_000);
    }
  });

  it('stays finite for absurd failure counts', () => {
    expect(backoffDelayMs(1e9, settings, () => 0)).toBe(60_000);
  });
});
