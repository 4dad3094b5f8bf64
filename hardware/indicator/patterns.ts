import type { IndicatorPattern } from './types.js';

/**
 * What each pattern looks and sounds like, as data: a bounded list of timed steps, each
 * naming the outputs that are on. Pure, so the table can be checked without timers or pins.
 */
export type IndicatorOutput = 'green' | 'red' | 'buzzer';
export const INDICATOR_OUTPUTS: readonly IndicatorOutput[] = ['green', 'red', 'buzzer'];

export interface PatternStep {
  on: readonly IndicatorOutput[];
  durationMs: number;
}

const step = (durationMs: number, ...on: IndicatorOutput[]): PatternStep => ({ on, durationMs });

export const PATTERNS: Record<IndicatorPattern, readonly PatternStep[]> = {
  // One short beep with a green light: the card was read and accepted.
  success: [step(120, 'green', 'buzzer'), step(900, 'green')],
  // Two quick beeps with red: a card the club does not know.
  'unknown-card': [step(90, 'red', 'buzzer'), step(90, 'red'), step(90, 'red', 'buzzer'), step(900, 'red')],
  // Two long beeps with red: something went wrong, ask staff.
  error: [step(500, 'red', 'buzzer'), step(150), step(500, 'red', 'buzzer'), step(600, 'red')],
  // Both lights blinking three times, quiet: look at the screen (paper out, printer offline).
  attention: [step(250, 'green', 'red'), step(250), step(250, 'green', 'red'), step(250), step(250, 'green', 'red'), step(250)],
  idle: [],
};

/** The longest a pattern may play; a bound checked by the tests. */
export const MAX_PATTERN_MS = 5000;

export function patternDurationMs(pattern: IndicatorPattern): number {
  return PATTERNS[pattern].reduce((total, current) => total + current.durationMs, 0);
}
