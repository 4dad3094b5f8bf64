import type { RecentResult } from './recovery.js';

/**
 * The results of the most recent commits, for callers retrying a request. Bounded: a ring
 * indexed by sequence number, so a new result simply takes the slot of the one `capacity`
 * records older (older results are read back from the journal). The caller knows a retried
 * id's sequence number from the commit index, so no map by id is needed: a Map set and
 * deleted on every commit leaves its abandoned hash tables in the old generation, and the
 * young objects they still point to are then kept alive by every scavenge until the next
 * full collection (see ledger.ts on in-flight commits).
 */
export class RecentResults {
  private readonly ids: Array<string | undefined>;
  private readonly results: Array<RecentResult | undefined>;

  constructor(private readonly capacity: number) {
    if (!Number.isSafeInteger(capacity) || capacity < 1) throw new RangeError(`recent results capacity ${capacity} is not a positive whole number`);
    this.ids = new Array<string | undefined>(capacity).fill(undefined);
    this.results = new Array<RecentResult | undefined>(capacity).fill(undefined);
  }

  remember(id: string, recent: RecentResult): void {
    const slot = recent.seq % this.capacity;
    this.ids[slot] = id;
    this.results[slot] = recent;
  }

  /** The result of commit `id`, which was given sequence number `seq`, if still held. */
  get(id: string, seq: number): RecentResult | undefined {
    const slot = seq % this.capacity;
    const recent = this.results[slot];
    return recent !== undefined && recent.seq === seq && this.ids[slot] === id ? recent : undefined;
  }

  /** Oldest first, for the snapshot. */
  entries(): Array<[string, RecentResult]> {
    const held: Array<[string, RecentResult]> = [];
    for (let slot = 0; slot < this.capacity; slot++) {
      const recent = this.results[slot];
      if (recent !== undefined) held.push([this.ids[slot]!, recent]);
    }
    return held.sort((a, b) => a[1].seq - b[1].seq);
  }
}
