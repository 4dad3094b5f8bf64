import { createHash } from 'node:crypto';
import type { CardHistory, ClubHistory, StaffAdjustment, SyncConflict } from './types.js';
import { median, robustZ } from './stats.js';

/**
 * Fraud and anomaly flags. Each flag has an id derived only from what it is about (kind,
 * subject, the time of the first evidence), so running the analysis again yields the same id
 * and a manager's review (closed, with a note) stays attached to it.
 */
export type FlagKind = 'tap_velocity' | 'redemption_velocity' | 'card_two_stores' | 'staff_adjustment_outlier' | 'offline_conflict';

export interface FlagEvidence {
  atMs: number;
  storeId?: string;
  [field: string]: string | number | undefined;
}

export interface Flag {
  id: string;
  kind: FlagKind;
  /** What the flag is about: a card, member, staff or device id. */
  subject: string;
  atMs: number;
  reason: string;
  evidence: FlagEvidence[];
  review: FlagReviewState;
}

export interface FlagReviewState {
  state: 'open' | 'closed';
  note?: string;
  byUserId?: string;
  atMs?: number;
}

export interface FlagReview {
  flagId: string;
  state: 'open' | 'closed';
  note: string;
  byUserId: string;
  atMs: number;
}

export interface StoreLocation {
  latitude: number;
  longitude: number;
}

export interface FraudOptions {
  /** More than `tapsMax` taps on one card within `tapWindowMinutes`. */
  tapsMax: number;
  tapWindowMinutes: number;
  /** More than `redemptionsMax` redemptions by one member within `redemptionWindowMinutes`. */
  redemptionsMax: number;
  redemptionWindowMinutes: number;
  /** Taps at two different stores closer in time than this are flagged (when no locations). */
  twoStoresMinutes: number;
  /** With both stores' locations known, flag when the implied travel speed exceeds this. */
  storeLocations?: Record<string, StoreLocation>;
  travelSpeedMaxKmh?: number;
  /** Robust z-score over staff members' total adjusted points beyond which a staff is flagged. */
  staffZMax: number;
  /** ...and at least this multiple of the median staff total: with few staff the MAD is noisy, so a big z alone is not enough. */
  staffRatioMin: number;
  /** Fewer staff than this and there is no population to compare against. */
  staffMin: number;
}

export const DEFAULT_FRAUD_OPTIONS: FraudOptions = {
  tapsMax: 6,
  tapWindowMinutes: 10,
  redemptionsMax: 3,
  redemptionWindowMinutes: 60,
  twoStoresMinutes: 30,
  travelSpeedMaxKmh: 80,
  staffZMax: 3.5,
  staffRatioMin: 2,
  staffMin: 3,
};

export function flagId(kind: FlagKind, subject: string, atMs: number): string {
  return `${kind}:${createHash('sha256').update(`${kind}\n${subject}\n${atMs}`).digest('hex').slice(0, 16)}`;
}

function flag(kind: FlagKind, subject: string, reason: string, evidence: FlagEvidence[]): Flag {
  const atMs = evidence[0]!.atMs;
  return { id: flagId(kind, subject, atMs), kind, subject, atMs, reason, evidence, review: { state: 'open' } };
}

/** Bursts of more than `max` events inside `windowMs`; one flag per burst (not per event). */
function bursts<T extends { atMs: number }>(events: readonly T[], max: number, windowMs: number): T[][] {
  const sorted = [...events].sort((a, b) => a.atMs - b.atMs);
  const out: T[][] = [];
  let start = 0;
  let flaggedUntil = -1;
  for (let end = 0; end < sorted.length; end++) {
    while (sorted[end]!.atMs - sorted[start]!.atMs > windowMs) start++;
    if (end - start + 1 > max && start > flaggedUntil) {
      // Extend to the whole burst so one flag carries all its evidence.
      let last = end;
      while (last + 1 < sorted.length && sorted[last + 1]!.atMs - sorted[last]!.atMs <= windowMs) last++;
      out.push(sorted.slice(start, last + 1));
      flaggedUntil = last;
      start = last + 1;
      end = last;
      if (start >= sorted.length) break;
    }
  }
  return out;
}

export function distanceKm(a: StoreLocation, b: StoreLocation): number {
  const rad = Math.PI / 180;
  const dLat = (b.latitude - a.latitude) * rad;
  const dLon = (b.longitude - a.longitude) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.latitude * rad) * Math.cos(b.latitude * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * 6371 * Math.asin(Math.min(1, Math.sqrt(h)));
}

function twoStoreFlags(card: CardHistory, options: FraudOptions): Flag[] {
  const taps = [...card.taps].sort((a, b) => a.atMs - b.atMs);
  const out: Flag[] = [];
  for (let i = 1; i < taps.length; i++) {
    const a = taps[i - 1]!;
    const b = taps[i]!;
    if (a.storeId === b.storeId) continue;
    const minutes = (b.atMs - a.atMs) / 60_000;
    const from = options.storeLocations?.[a.storeId];
    const to = options.storeLocations?.[b.storeId];
    if (from && to && options.travelSpeedMaxKmh) {
      const km = distanceKm(from, to);
      const speedKmh = minutes > 0 ? km / (minutes / 60) : Number.POSITIVE_INFINITY;
      if (speedKmh <= options.travelSpeedMaxKmh) continue;
      out.push(flag('card_two_stores', card.id, `card used at ${a.storeId} and ${b.storeId} ${Math.round(minutes)} min apart (${Math.round(km)} km)`, [
        { atMs: a.atMs, storeId: a.storeId },
        { atMs: b.atMs, storeId: b.storeId, minutesApart: Math.round(minutes * 10) / 10, distanceKm: Math.round(km * 10) / 10 },
      ]));
    } else if (minutes < options.twoStoresMinutes) {
      out.push(flag('card_two_stores', card.id, `card used at ${a.storeId} and ${b.storeId} ${Math.round(minutes)} min apart`, [
        { atMs: a.atMs, storeId: a.storeId },
        { atMs: b.atMs, storeId: b.storeId, minutesApart: Math.round(minutes * 10) / 10 },
      ]));
    }
  }
  return out;
}

function staffFlags(adjustments: readonly StaffAdjustment[], options: FraudOptions): Flag[] {
  const byStaff = new Map<string, StaffAdjustment[]>();
  for (const adjustment of adjustments) byStaff.set(adjustment.staffId, [...(byStaff.get(adjustment.staffId) ?? []), adjustment]);
  if (byStaff.size < options.staffMin) return [];
  const totals = [...byStaff.entries()].map(([staffId, list]) => ({ staffId, list, total: list.reduce((s, a) => s + Math.abs(a.points), 0) }));
  const population = totals.map((t) => t.total);
  const typical = median(population);
  const out: Flag[] = [];
  for (const { staffId, list, total } of totals) {
    const z = robustZ(total, population);
    if (z <= options.staffZMax || total < options.staffRatioMin * typical) continue;
    const sorted = [...list].sort((a, b) => a.atMs - b.atMs);
    out.push(flag('staff_adjustment_outlier', staffId, `staff adjusted ${total} points in ${list.length} adjustments; typical staff ${Math.round(typical)} (robust z ${Number.isFinite(z) ? z.toFixed(1) : '∞'})`, [
      { atMs: sorted[0]!.atMs, totalPoints: total, adjustments: list.length, typicalPoints: Math.round(typical), robustZ: Number.isFinite(z) ? Math.round(z * 10) / 10 : 9999 },
      ...sorted.slice(0, 20).map((a) => ({ atMs: a.atMs, memberId: a.memberId, points: a.points })),
    ]));
  }
  return out;
}

function conflictFlag(conflict: SyncConflict): Flag {
  const subject = conflict.cardId ?? conflict.memberId ?? conflict.deviceId;
  return flag('offline_conflict', subject, `offline ${conflict.kind} on ${conflict.deviceId} conflicted after sync`, [
    { atMs: conflict.atMs, conflictId: conflict.id, deviceId: conflict.deviceId, kind: conflict.kind, points: conflict.points },
  ]);
}

export function fraudFlags(history: ClubHistory, options: FraudOptions = DEFAULT_FRAUD_OPTIONS): Flag[] {
  const flags: Flag[] = [];
  for (const card of history.cards) {
    for (const burst of bursts(card.taps, options.tapsMax, options.tapWindowMinutes * 60_000)) {
      flags.push(flag('tap_velocity', card.id, `${burst.length} taps within ${options.tapWindowMinutes} min (limit ${options.tapsMax})`, burst.map((t) => ({ atMs: t.atMs, storeId: t.storeId }))));
    }
    flags.push(...twoStoreFlags(card, options));
  }
  for (const member of history.members) {
    for (const burst of bursts(member.redemptions, options.redemptionsMax, options.redemptionWindowMinutes * 60_000)) {
      flags.push(flag('redemption_velocity', member.id, `${burst.length} redemptions within ${options.redemptionWindowMinutes} min (limit ${options.redemptionsMax})`, burst.map((r) => ({ atMs: r.atMs, storeId: r.storeId, points: r.points, rewardId: r.rewardId }))));
    }
  }
  flags.push(...staffFlags(history.adjustments, options));
  flags.push(...history.conflicts.map(conflictFlag));
  return flags.sort((a, b) => a.atMs - b.atMs || a.id.localeCompare(b.id));
}

/** Attaches the latest review of each flag (reviews of flags no longer raised are ignored). */
export function applyReviews(flags: readonly Flag[], reviews: readonly FlagReview[]): Flag[] {
  const latest = new Map<string, FlagReview>();
  for (const review of [...reviews].sort((a, b) => a.atMs - b.atMs)) latest.set(review.flagId, review);
  return flags.map((f) => {
    const review = latest.get(f.id);
    return review ? { ...f, review: { state: review.state, note: review.note, byUserId: review.byUserId, atMs: review.atMs } } : f;
  });
}
