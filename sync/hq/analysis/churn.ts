import { DAY_MS, type MemberHistory } from './types.js';
import { median } from './stats.js';

export interface InactiveMember {
  memberId: string;
  /** Null when the member never bought anything (counted from enrolment). */
  lastPurchaseAtMs: number | null;
  daysSilent: number;
}

/** Members with no purchase for at least `days` days (never-buyers count from enrolment). */
export function inactiveMembers(members: readonly MemberHistory[], options: { nowMs: number; days: number }): InactiveMember[] {
  const out: InactiveMember[] = [];
  for (const member of members) {
    const past = member.purchases.filter((p) => p.atMs <= options.nowMs);
    const lastMs = past.length ? Math.max(...past.map((p) => p.atMs)) : null;
    const daysSilent = Math.floor((options.nowMs - (lastMs ?? member.enrolledAtMs)) / DAY_MS);
    if (daysSilent >= options.days) out.push({ memberId: member.id, lastPurchaseAtMs: lastMs, daysSilent });
  }
  return out.sort((a, b) => b.daysSilent - a.daysSilent || a.memberId.localeCompare(b.memberId));
}

export type ChurnReasonCode = 'gap_beyond_rhythm' | 'declining_spend' | 'declining_visits' | 'unanswered_offers' | 'low_satisfaction';

export interface ChurnReason {
  code: ChurnReasonCode;
  /** How much this reason adds to the score (the weights sum to at most 100). */
  points: number;
  /** Figures behind the reason, for the manager to read. */
  detail: Record<string, number>;
}

export interface ChurnRisk {
  memberId: string;
  /** 0 (no sign of leaving) .. 100. */
  score: number;
  reasons: ChurnReason[];
}

export interface ChurnOptions {
  nowMs: number;
  /** Length of each of the two halves compared for declining spend/visits. */
  compareDays?: number;
  /** Members need at least this many purchases before their own rhythm means anything. */
  minPurchases?: number;
}

/**
 * A churn-risk score made of explainable parts, each with its figures:
 * - the current silence against the member's own median gap between purchases (up to 45),
 * - spend and visits in the last period against the one before (up to 20 + 10),
 * - offers sent in the last period that went unused (up to 15),
 * - a low satisfaction answer recently (10).
 */
export function churnRisk(member: MemberHistory, options: ChurnOptions): ChurnRisk {
  const reasons: ChurnReason[] = [];
  const compareMs = (options.compareDays ?? 90) * DAY_MS;
  const times = member.purchases.filter((p) => p.atMs <= options.nowMs).map((p) => p.atMs).sort((a, b) => a - b);
  if (times.length >= (options.minPurchases ?? 3)) {
    const gaps = times.slice(1).map((t, i) => t - times[i]!);
    const rhythmMs = Math.max(median(gaps), DAY_MS);
    const silenceMs = options.nowMs - times[times.length - 1]!;
    const ratio = silenceMs / rhythmMs;
    if (ratio > 1.5) {
      reasons.push({
        code: 'gap_beyond_rhythm',
        points: Math.round(Math.min(45, ((ratio - 1.5) / 2.5) * 45)),
        detail: { silenceDays: Math.floor(silenceMs / DAY_MS), usualGapDays: Math.round(rhythmMs / DAY_MS), ratio: Math.round(ratio * 10) / 10 },
      });
    }
  }
  const recent = member.purchases.filter((p) => p.atMs > options.nowMs - compareMs && p.atMs <= options.nowMs);
  const before = member.purchases.filter((p) => p.atMs > options.nowMs - 2 * compareMs && p.atMs <= options.nowMs - compareMs);
  const spendRecent = recent.reduce((s, p) => s + p.amountRial, 0);
  const spendBefore = before.reduce((s, p) => s + p.amountRial, 0);
  if (spendBefore > 0 && spendRecent < spendBefore * 0.7) {
    const drop = 1 - spendRecent / spendBefore;
    reasons.push({ code: 'declining_spend', points: Math.round(Math.min(20, drop * 20)), detail: { spendRecentRial: spendRecent, spendBeforeRial: spendBefore, dropPercent: Math.round(drop * 100) } });
  }
  if (before.length >= 2 && recent.length < before.length * 0.7) {
    const drop = 1 - recent.length / before.length;
    reasons.push({ code: 'declining_visits', points: Math.round(Math.min(10, drop * 10)), detail: { visitsRecent: recent.length, visitsBefore: before.length } });
  }
  const offers = member.offers.filter((o) => o.atMs > options.nowMs - compareMs && o.atMs <= options.nowMs);
  const unanswered = offers.filter((o) => o.usedAtMs === undefined || o.usedAtMs > options.nowMs).length;
  if (offers.length >= 2 && unanswered / offers.length >= 0.5) {
    reasons.push({ code: 'unanswered_offers', points: Math.round(15 * (unanswered / offers.length)), detail: { offersSent: offers.length, unanswered } });
  }
  const lastSurvey = member.surveys.filter((s) => s.atMs <= options.nowMs && s.atMs > options.nowMs - compareMs && s.csat !== undefined).sort((a, b) => b.atMs - a.atMs)[0];
  if (lastSurvey && (lastSurvey.csat as number) <= 2) reasons.push({ code: 'low_satisfaction', points: 10, detail: { csat: lastSurvey.csat as number } });
  const score = Math.min(100, reasons.reduce((s, r) => s + r.points, 0));
  return { memberId: member.id, score, reasons: reasons.filter((r) => r.points > 0) };
}

/** Every member's churn risk, riskiest first. */
export function churnRanking(members: readonly MemberHistory[], options: ChurnOptions): ChurnRisk[] {
  return members.map((m) => churnRisk(m, options)).sort((a, b) => b.score - a.score || a.memberId.localeCompare(b.memberId));
}
