import { DAY_MS, type MemberHistory } from './types.js';
import { quintileScorer } from './stats.js';

/**
 * RFM: recency (days since the last purchase), frequency (purchases in the window) and
 * monetary value (Rials in the window), each scored 1..5 by quintile within the club, and a
 * named segment from the usual RFM grid.
 */
export type RfmSegment =
  | 'champions'
  | 'loyal'
  | 'potential_loyalist'
  | 'new'
  | 'promising'
  | 'needs_attention'
  | 'at_risk'
  | 'cannot_lose'
  | 'hibernating'
  | 'lost'
  | 'never_purchased';

export interface RfmRow {
  memberId: string;
  recencyDays: number | null;
  frequency: number;
  monetaryRial: number;
  r: number;
  f: number;
  m: number;
  segment: RfmSegment;
}

export interface RfmOptions {
  nowMs: number;
  /** Purchases older than this do not count towards F and M. */
  windowDays?: number;
  /** Members enrolled more recently than this with few purchases are 'new'. */
  newMemberDays?: number;
}

export function rfm(members: readonly MemberHistory[], options: RfmOptions): RfmRow[] {
  const windowStartMs = options.nowMs - (options.windowDays ?? 365) * DAY_MS;
  const raw = members.map((member) => {
    const inWindow = member.purchases.filter((p) => p.atMs >= windowStartMs && p.atMs <= options.nowMs);
    const lastMs = Math.max(...member.purchases.filter((p) => p.atMs <= options.nowMs).map((p) => p.atMs), Number.NEGATIVE_INFINITY);
    return {
      member,
      recencyDays: Number.isFinite(lastMs) ? Math.floor((options.nowMs - lastMs) / DAY_MS) : null,
      frequency: inWindow.length,
      monetaryRial: inWindow.reduce((sum, p) => sum + p.amountRial, 0),
    };
  });
  const buyers = raw.filter((row) => row.recencyDays !== null);
  // Recency is better when smaller: score on the negated value.
  const recencyScore = quintileScorer(buyers.map((row) => -(row.recencyDays as number)));
  const frequencyScore = quintileScorer(buyers.map((row) => row.frequency));
  const monetaryScore = quintileScorer(buyers.map((row) => row.monetaryRial));
  return raw.map((row) => {
    if (row.recencyDays === null) {
      return { memberId: row.member.id, recencyDays: null, frequency: 0, monetaryRial: 0, r: 1, f: 1, m: 1, segment: 'never_purchased' };
    }
    const r = recencyScore(-row.recencyDays);
    const f = frequencyScore(row.frequency);
    const m = monetaryScore(row.monetaryRial);
    const isNew = options.nowMs - row.member.enrolledAtMs <= (options.newMemberDays ?? 30) * DAY_MS;
    return { memberId: row.member.id, recencyDays: row.recencyDays, frequency: row.frequency, monetaryRial: row.monetaryRial, r, f, m, segment: segmentOf(r, f, m, isNew) };
  });
}

/** The usual R × F grid (M breaks the tie between at-risk and cannot-lose). */
export function segmentOf(r: number, f: number, m: number, isNew: boolean): RfmSegment {
  if (isNew && f <= 2) return 'new';
  if (r >= 4 && f >= 4) return 'champions';
  if (r >= 3 && f >= 4) return 'loyal';
  if (r >= 4 && f >= 2) return 'potential_loyalist';
  if (r >= 4) return 'promising';
  if (r === 3) return 'needs_attention';
  if (r <= 2 && f >= 4) return m >= 4 ? 'cannot_lose' : 'at_risk';
  if (r === 2) return f >= 2 ? 'at_risk' : 'hibernating';
  return f >= 2 ? 'hibernating' : 'lost';
}

/** The members who spent most in the window, best first (ties by more purchases, then id). */
export function mostValuable(members: readonly MemberHistory[], options: RfmOptions & { limit: number }): RfmRow[] {
  return rfm(members, options)
    .filter((row) => row.monetaryRial > 0)
    .sort((a, b) => b.monetaryRial - a.monetaryRial || b.frequency - a.frequency || a.memberId.localeCompare(b.memberId))
    .slice(0, options.limit);
}
