import { HqError } from '../errors.js';
import type { StaffUser } from '../dashboard/types.js';
import { DAY_MS } from '../analysis/types.js';

/**
 * What one insight request may see and over which time: the stores (null = the whole chain)
 * and a bounded window. Every query of this folder takes a Scope, so a store manager's
 * figures never include another store's.
 */
export interface Scope {
  /** null = every store. */
  storeIds: string[] | null;
}

export interface TimeWindow {
  fromMs: number;
  /** Exclusive. */
  toMs: number;
}

/** Charts and analyses look at most this far back in one request (a year and a month). */
export const WINDOW_DAYS_MAX = 400;

/**
 * The user's stores, narrowed to `storeId` when asked for; 403 for a store outside them.
 */
export function scopeFor(user: StaffUser, storeId?: string): Scope {
  if (storeId !== undefined) {
    if (user.storeIds !== null && !user.storeIds.includes(storeId)) throw new HqError('FORBIDDEN', 'this store is outside your access');
    return { storeIds: [storeId] };
  }
  return { storeIds: user.storeIds === null ? null : [...user.storeIds] };
}

export function windowFrom(query: { fromMs?: number; toMs?: number }, nowMs: number, defaultDays: number): TimeWindow {
  const toMs = query.toMs ?? nowMs;
  const fromMs = query.fromMs ?? toMs - defaultDays * DAY_MS;
  if (!Number.isSafeInteger(fromMs) || !Number.isSafeInteger(toMs) || fromMs < 0) throw new HqError('BAD_REQUEST', 'fromMs and toMs must be times in milliseconds');
  if (fromMs >= toMs) throw new HqError('BAD_REQUEST', 'fromMs must be before toMs');
  if (toMs - fromMs > WINDOW_DAYS_MAX * DAY_MS) throw new HqError('BAD_REQUEST', `the window may span at most ${WINDOW_DAYS_MAX} days`);
  return { fromMs, toMs };
}
