import { LedgerError } from './types.js';

/** Refuses an operation whose shape is wrong, with a message that says what is expected. */
export function check(condition: boolean, message: string): asserts condition {
  if (!condition) throw new LedgerError('INVALID_OPERATION', message);
}

export const isSafeId = (value: unknown): value is string => typeof value === 'string' && /^[A-Za-z0-9_-]{1,64}$/.test(value);

/** An Iranian mobile number after digit normalisation: 09 and nine more digits. */
export const isPhone = (value: unknown): value is string => typeof value === 'string' && /^09\d{9}$/.test(value);

export function isIsoDate(value: unknown): value is string {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value);
}
