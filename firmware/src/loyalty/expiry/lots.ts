/**
 * Spendable points are kept as lots, one per grant, each with its own expiry. Spending and
 * expiring both take from the lot that expires first (oldest first), so a member never loses
 * young points while old ones are still there. Pure functions over immutable arrays.
 */
export interface PointLot {
  /** `<commitId>#<index>` of the grant: unique and stable across replays. */
  id: string;
  /** Points still in the lot. */
  points: number;
  earnedAtMs: number;
  expiresAtMs: number;
}

export const byExpiry = (a: PointLot, b: PointLot): number => a.expiresAtMs - b.expiresAtMs || a.earnedAtMs - b.earnedAtMs || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

export function addLot(lots: readonly PointLot[], lot: PointLot): PointLot[] {
  if (!Number.isSafeInteger(lot.points) || lot.points <= 0) throw new RangeError('a lot holds a positive integer of points');
  return [...lots, lot].sort(byExpiry);
}

export interface Taken {
  lotId: string;
  points: number;
}

/** Takes `amount` points, soonest-expiring first. `uncovered` is what the lots could not give. */
export function takeOldestFirst(lots: readonly PointLot[], amount: number): { lots: PointLot[]; taken: Taken[]; uncovered: number } {
  let remaining = amount;
  const taken: Taken[] = [];
  const next: PointLot[] = [];
  for (const lot of lots) {
    if (remaining > 0) {
      const take = Math.min(lot.points, remaining);
      remaining -= take;
      taken.push({ lotId: lot.id, points: take });
      if (lot.points > take) next.push({ ...lot, points: lot.points - take });
    } else {
      next.push(lot);
    }
  }
  return { lots: next, taken, uncovered: remaining };
}

/** Lots that have expired by `asOfMs`, in expiry order, and the lots that remain. */
export function splitExpired(lots: readonly PointLot[], asOfMs: number): { expired: PointLot[]; kept: PointLot[] } {
  const expired: PointLot[] = [];
  const kept: PointLot[] = [];
  for (const lot of lots) (lot.expiresAtMs <= asOfMs ? expired : kept).push(lot);
  return { expired, kept };
}

/** What the member sees: the next expiry date and how many points go then. */
export function nextExpiring(lots: readonly PointLot[], nowMs: number): { points: number; atMs: number } | undefined {
  const upcoming = lots.filter((lot) => lot.expiresAtMs > nowMs);
  const first = upcoming[0];
  if (!first) return undefined;
  const points = upcoming.filter((lot) => lot.expiresAtMs === first.expiresAtMs).reduce((sum, lot) => sum + lot.points, 0);
  return { points, atMs: first.expiresAtMs };
}

export const lotTotal = (lots: readonly PointLot[]): number => lots.reduce((sum, lot) => sum + lot.points, 0);
