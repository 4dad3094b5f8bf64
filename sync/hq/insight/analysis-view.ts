import type { Queryable } from '../db.js';
import {
  churnRanking,
  inactiveMembers,
  liftAgainstControl,
  liftAgainstPeriod,
  mostValuable,
  rfm,
  surveyScores,
  type CampaignLift,
  type ChurnRisk,
  type InactiveMember,
  type MemberHistory,
  type RfmRow,
  type RfmSegment,
  type SurveyScores,
} from '../analysis/index.js';
import { DAY_MS } from '../analysis/types.js';
import type { LoadedHistory } from './loader.js';
import { RFM_SEGMENTS } from './segments.js';

/**
 * One answer with every analysis the seeds ask for, over one loaded history: RFM segments,
 * inactive members, churn risk with its reasons, the most valuable members, campaign lift
 * (earning campaigns against the period before; offers against members not offered), and
 * satisfaction/loyalty from the surveys. Lists are capped; counts are whole.
 */
export interface AnalysisOptions {
  nowMs: number;
  inactiveDays: number;
  listLimit: number;
  /** How long after an offer its effect is measured. */
  offerDays: number;
}

export interface CampaignResult {
  kind: 'earning' | 'offer';
  campaignId: string;
  window: { startMs: number; endMs: number };
  lift: CampaignLift;
}

export interface AnalysisView {
  members: number;
  truncated: LoadedHistory['truncated'];
  window: LoadedHistory['window'];
  segments: Array<{ segment: RfmSegment; members: number; spendRial: number }>;
  rfm: RfmRow[];
  inactive: { count: number; days: number; members: InactiveMember[] };
  churn: { atRisk: number; members: ChurnRisk[] };
  valuable: RfmRow[];
  campaigns: CampaignResult[];
  surveys: SurveyScores;
  /** Names of the members listed above (the lists give ids). */
  names: Record<string, string>;
}

export async function analysisView(db: Queryable, loaded: LoadedHistory, options: AnalysisOptions): Promise<AnalysisView> {
  const members = loaded.history.members;
  const nowMs = Math.min(options.nowMs, loaded.window.toMs);
  const windowDays = Math.max(1, Math.round((loaded.window.toMs - loaded.window.fromMs) / DAY_MS));
  const rows = rfm(members, { nowMs, windowDays });
  const segments = RFM_SEGMENTS.map((segment) => {
    const inSegment = rows.filter((row) => row.segment === segment);
    return { segment, members: inSegment.length, spendRial: inSegment.reduce((sum, row) => sum + row.monetaryRial, 0) };
  }).filter((s) => s.members > 0);
  const inactive = inactiveMembers(members, { nowMs, days: options.inactiveDays });
  const churn = churnRanking(members, { nowMs }).filter((risk) => risk.score > 0);
  const valuable = mostValuable(members, { nowMs, windowDays, limit: options.listLimit });
  const listed = {
    rfm: [...rows].sort((a, b) => b.monetaryRial - a.monetaryRial || a.memberId.localeCompare(b.memberId)).slice(0, options.listLimit),
    inactive: inactive.slice(0, options.listLimit),
    churn: churn.slice(0, options.listLimit),
  };
  const ids = new Set([...listed.rfm, ...listed.inactive, ...listed.churn, ...valuable].map((row) => row.memberId));
  return {
    members: members.length,
    truncated: loaded.truncated,
    window: loaded.window,
    segments,
    rfm: listed.rfm,
    inactive: { count: inactive.length, days: options.inactiveDays, members: listed.inactive },
    churn: { atRisk: churn.filter((risk) => risk.score >= 50).length, members: listed.churn },
    valuable,
    campaigns: campaignResults(members, loaded.window, options.offerDays),
    surveys: surveyScores(members, { startMs: loaded.window.fromMs, endMs: loaded.window.toMs }),
    names: await namesOf(db, [...ids]),
  };
}

/**
 * Earning campaigns (recorded on each purchase they applied to): the span from their first to
 * their last purchase, against the same members over the span just before. Offers sent from
 * the outbox: the members offered against the members not offered, each against their own
 * previous period (difference in differences).
 */
export function campaignResults(members: readonly MemberHistory[], window: { fromMs: number; toMs: number }, offerDays: number): CampaignResult[] {
  const out: CampaignResult[] = [];
  const spans = new Map<string, { startMs: number; endMs: number }>();
  for (const member of members) {
    for (const purchase of member.purchases) {
      if (!purchase.campaignId) continue;
      const span = spans.get(purchase.campaignId) ?? { startMs: purchase.atMs, endMs: purchase.atMs + 1 };
      span.startMs = Math.min(span.startMs, purchase.atMs);
      span.endMs = Math.max(span.endMs, purchase.atMs + 1);
      spans.set(purchase.campaignId, span);
    }
  }
  for (const [campaignId, raw] of spans) {
    // At least a day, so a one-off campaign is compared with a meaningful period.
    const span = { startMs: raw.startMs, endMs: Math.max(raw.endMs, raw.startMs + DAY_MS) };
    out.push({ kind: 'earning', campaignId, window: span, lift: liftAgainstPeriod(members, span) });
  }
  const offers = new Map<string, { startMs: number; memberIds: Set<string> }>();
  for (const member of members) {
    for (const offer of member.offers) {
      const entry = offers.get(offer.offerId) ?? { startMs: offer.atMs, memberIds: new Set<string>() };
      entry.startMs = Math.min(entry.startMs, offer.atMs);
      entry.memberIds.add(member.id);
      offers.set(offer.offerId, entry);
    }
  }
  for (const [offerId, entry] of offers) {
    const span = { startMs: entry.startMs, endMs: Math.min(entry.startMs + offerDays * DAY_MS, Math.max(window.toMs, entry.startMs + 1)) };
    const length = span.endMs - span.startMs;
    const baseline = { startMs: Math.max(window.fromMs, span.startMs - 2 * length), endMs: span.startMs };
    const treated = members.filter((m) => entry.memberIds.has(m.id));
    const control = members.filter((m) => !entry.memberIds.has(m.id));
    const lift = control.length > 0 ? liftAgainstControl(treated, control, span, baseline.endMs > baseline.startMs ? baseline : undefined) : liftAgainstPeriod(treated, span);
    out.push({ kind: 'offer', campaignId: offerId, window: span, lift });
  }
  return out.sort((a, b) => (b.lift.purchasesLift ?? -Infinity) - (a.lift.purchasesLift ?? -Infinity) || a.campaignId.localeCompare(b.campaignId));
}

export async function namesOf(db: Queryable, ids: string[]): Promise<Record<string, string>> {
  if (ids.length === 0) return {};
  const rows = await db.query<{ id: string; name: string }>('SELECT id, name FROM members WHERE id = ANY($1::text[])', [ids]);
  return Object.fromEntries(rows.rows.map((row) => [row.id, row.name]));
}
