import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MAX_PATTERN_MS, PATTERNS, patternDurationMs } from './patterns.js';
import { PatternPlayer } from './player.js';
import { SimulatedIndicator } from './simulated-indicator.js';
import type { IndicatorPattern } from './types.js';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('pattern player', () => {
  it('plays success as a short beep with green, then turns everything off', () => {
    const switches: string[] = [];
    const player = new PatternPlayer((output, on) => switches.push(`${output}:${on ? 'on' : 'off'}`));
    player.play('success');
    // The first pattern starts from a known state: every output driven off once.
    expect(switches).toEqual(['green:off', 'red:off', 'buzzer:off', 'green:on', 'buzzer:on']);
    vi.advanceTimersByTime(120);
    expect(switches.slice(5)).toEqual(['buzzer:off']);
    vi.advanceTimersByTime(900);
    expect(switches.slice(6)).toEqual(['green:off']);
    expect(player.current).toBeUndefined();
  });

  it('replaces a playing pattern with a new one', () => {
    const lit = new Map<string, boolean>();
    const player = new PatternPlayer((output, on) => lit.set(output, on));
    player.play('error');
    vi.advanceTimersByTime(100);
    player.play('success');
    expect(player.current).toBe('success');
    expect(lit.get('red')).toBe(false);
    expect(lit.get('green')).toBe(true);
    vi.advanceTimersByTime(5000);
    expect([...lit.values()].every((on) => !on)).toBe(true);
  });

  it('never throws when an output fails, and reports it', () => {
    const errors: string[] = [];
    const player = new PatternPlayer(
      (output) => {
        if (output === 'buzzer') throw new Error('EIO');
      },
      (error, output) => errors.push(`${output}: ${(error as Error).message}`),
    );
    expect(() => player.play('unknown-card')).not.toThrow();
    vi.advanceTimersByTime(5000);
    expect(errors[0]).toBe('buzzer: EIO');
  });

  it('keeps every pattern short and idle silent', () => {
    for (const pattern of Object.keys(PATTERNS) as IndicatorPattern[]) expect(patternDurationMs(pattern)).toBeLessThanOrEqual(MAX_PATTERN_MS);
    expect(PATTERNS.idle).toEqual([]);
  });
});

describe('simulated indicator', () => {
  it('records the patterns played and the lights they switched', () => {
    const indicator = new SimulatedIndicator();
    indicator.signal('unknown-card');
    expect(indicator.outputs()).toEqual({ green: false, red: true, buzzer: true });
    indicator.signal('attention');
    vi.advanceTimersByTime(5000);
    expect(indicator.played().map((played) => played.pattern)).toEqual(['unknown-card', 'attention']);
    expect(indicator.outputs()).toEqual({ green: false, red: false, buzzer: false });
    expect(indicator.switches().filter((entry) => entry.output === 'green' && entry.on)).toHaveLength(3);
    expect(indicator.status().state).toBe('ok');
  });
});
