import type { Queryable } from '../db.js';
import { loadClubHistory, type LoadedHistory, type LoadOptions } from './loader.js';

/**
 * Loaded histories for a short while: one dashboard page asks for several analyses of the
 * same scope and window, and a fraud review recomputes the flags it closes. Bounded in
 * entries and age; concurrent asks for the same key share one load.
 */
const MINUTE_MS = 60_000;

export class HistoryCache {
  private readonly entries = new Map<string, { atMs: number; value: Promise<LoadedHistory> }>();

  constructor(
    private readonly db: Queryable,
    private readonly nowMs: () => number,
    private readonly ttlMs = 30_000,
    private readonly maxEntries = 6,
  ) {}

  load(requested: Omit<LoadOptions, 'nowMs'>): Promise<LoadedHistory> {
    const nowMs = this.nowMs();
    // Windows ending "now" differ by milliseconds between requests: widen to whole minutes so they share a load.
    const window = { fromMs: Math.floor(requested.window.fromMs / MINUTE_MS) * MINUTE_MS, toMs: Math.ceil(requested.window.toMs / MINUTE_MS) * MINUTE_MS };
    const options = { ...requested, window };
    const key = JSON.stringify([options.scope.storeIds, window.fromMs, window.toMs, options.memberLimit, options.eventLimit]);
    const hit = this.entries.get(key);
    if (hit && nowMs - hit.atMs < this.ttlMs) return hit.value;
    const value = loadClubHistory(this.db, { ...options, nowMs });
    // A failed load is not remembered.
    value.catch(() => this.entries.delete(key));
    this.entries.set(key, { atMs: nowMs, value });
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
    return value;
  }

  /** After a change the analyses must see (a review, a message sent). */
  clear(): void {
    this.entries.clear();
  }
}
