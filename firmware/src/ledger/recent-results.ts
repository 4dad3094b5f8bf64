import type { RecentResult } from './recovery.js';

/**
 * The results of the most recent commits, for callers retrying a request. Bounded: the
 * oldest is forgotten when a new one comes (older results are read back from the journal).
 * A ring of ids beside the map, because evicting a Map's first key over and over is O(n).
 */
export class RecentResults {
  private readonly byId = new Map<string, RecentResult>();
  private readonly ring: string[] = [];
  private next = 0;

  constructor(private readonly capacity: number) {}

  remember(id: string, recent: RecentResult): void {
    const evicted = this.ring[this.next];
    if (evicted !== undefined) this.byId.delete(evicted);
    this.ring[this.next] = id;
    this.next = (this.next + 1) % this.capacity;
    this.byId.set(id, recent);
  }

  get(id: string): RecentResult | undefined {
    return this.byId.get(id);
  }

  /** Oldest first, for the snapshot. */
  entries(): Array<[string, RecentResult]> {
    const ids = [...this.ring.slice(this.next), ...this.ring.slice(0, this.next)];
    return ids.map((id) => [id, this.byId.get(id)!]);
  }
}
