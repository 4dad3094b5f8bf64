import { INDICATOR_OUTPUTS, PATTERNS, type IndicatorOutput } from './patterns.js';
import type { IndicatorPattern } from './types.js';

/**
 * Plays patterns on a set of outputs with timers. A new pattern stops the one playing; every
 * pattern ends with all outputs off. It never throws: a failing output is reported through
 * `onError` (the driver turns it into a status) and the pattern carries on.
 */
export type SetOutput = (output: IndicatorOutput, on: boolean) => void;

export class PatternPlayer {
  private timer: NodeJS.Timeout | undefined;
  private playing: IndicatorPattern | undefined;
  private readonly state = new Map<IndicatorOutput, boolean>();

  constructor(
    private readonly setOutput: SetOutput,
    private readonly onError: (error: unknown, output: IndicatorOutput) => void = () => undefined,
  ) {}

  /** The pattern still playing, if any. */
  get current(): IndicatorPattern | undefined {
    return this.playing;
  }

  play(pattern: IndicatorPattern): void {
    this.stop();
    const steps = PATTERNS[pattern];
    if (steps.length === 0) return;
    this.playing = pattern;
    const run = (index: number): void => {
      const current = steps[index];
      if (current === undefined) {
        this.allOff();
        this.playing = undefined;
        this.timer = undefined;
        return;
      }
      for (const output of INDICATOR_OUTPUTS) this.apply(output, current.on.includes(output));
      this.timer = setTimeout(() => run(index + 1), current.durationMs);
      this.timer.unref?.();
    };
    run(0);
  }

  /** Stops whatever plays and turns everything off. */
  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.playing = undefined;
    this.allOff();
  }

  private allOff(): void {
    for (const output of INDICATOR_OUTPUTS) this.apply(output, false);
  }

  private apply(output: IndicatorOutput, on: boolean): void {
    if (this.state.get(output) === on) return;
    try {
      this.setOutput(output, on);
      this.state.set(output, on);
    } catch (error) {
      this.onError(error, output);
    }
  }
}
