import { EventEmitter } from 'node:events';
import type { DeviceStatus } from '../status.js';
import type { IndicatorOutput } from './patterns.js';
import { PatternPlayer } from './player.js';
import type { Indicator, IndicatorPattern } from './types.js';

/**
 * The simulated twin: plays patterns with the same player and timings as the GPIO driver, on
 * outputs that only exist in memory, and records what it played. The demo shows the lights on
 * screen ('pattern' and 'output' events); tests read `played()` and `outputs()`.
 */
export interface PlayedPattern {
  pattern: IndicatorPattern;
  atMs: number;
}

const MAX_RECORDED = 200;

export class SimulatedIndicator extends EventEmitter implements Indicator {
  private readonly history: PlayedPattern[] = [];
  private readonly transitions: Array<{ output: IndicatorOutput; on: boolean; atMs: number }> = [];
  private readonly lit = new Map<IndicatorOutput, boolean>();
  private readonly player: PatternPlayer;
  private readonly since = Date.now();

  constructor() {
    super();
    this.player = new PatternPlayer((output, on) => {
      this.lit.set(output, on);
      this.record(this.transitions, { output, on, atMs: Date.now() });
      this.emit('output', output, on);
    });
  }

  signal(pattern: IndicatorPattern): void {
    this.record(this.history, { pattern, atMs: Date.now() });
    this.emit('pattern', pattern);
    this.player.play(pattern);
  }

  played(): PlayedPattern[] {
    return [...this.history];
  }

  /** Which outputs are on right now. */
  outputs(): Record<IndicatorOutput, boolean> {
    return { green: this.lit.get('green') ?? false, red: this.lit.get('red') ?? false, buzzer: this.lit.get('buzzer') ?? false };
  }

  /** Every on/off switch so far (bounded), oldest first. */
  switches(): Array<{ output: IndicatorOutput; on: boolean; atMs: number }> {
    return [...this.transitions];
  }

  status(): DeviceStatus {
    return { device: 'indicator', state: 'ok', detail: 'simulated', sinceMs: this.since };
  }

  async close(): Promise<void> {
    this.player.stop();
  }

  private record<T>(list: T[], entry: T): void {
    list.push(entry);
    if (list.length > MAX_RECORDED) list.shift();
  }
}
