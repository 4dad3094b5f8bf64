import type { Queryable } from '../db.js';
import { DAY_MS } from '../analysis/types.js';
import { OPS_IN_WINDOW, localDay, opNumber } from './journal-sql.js';
import type { LoyaltyRules } from '../../../firmware/src/loyalty/config.js';
import { tierStanding } from '../../../firmware/src/loyalty/tiers/tiers.js';
import { memberOfAccount } from '../core-ops.js';
import type { Scope, TimeWindow } from './scope.js';

/**
 * The chart series, each one SQL aggregate over the window (no member is loaded into
 * memory): points earned and redeemed per local day, new members per day, members per tier,
 * the stores side by side, and survey scores per week.
 */
export interface DayPoint {
  day: string;
  earned: number;
  redeemed: number;
}

export interface StoreFigures {
  storeId: string;
  purchases: number;
  spendRial: number;
  buyers: number;
  pointsEarned: number;
  pointsRedeemed: number;
  newMembers: number;
}

export interface SurveyWeek {
  /** First local day (Saturday) of the week. */
  weekStart: string;
  answers: number;
  csatAverage: number | null;
  /** Promoters minus detractors, percent; null without answers. */
  nps: number | null;
}

export interface ChartSeries {
  window: TimeWindow;
  timeZone: string;
  days: string[];
  points: DayPoint[];
  newMembers: Array<{ day: string; count: number }>;
  tiers: Array<{ tierId: string; members: number }>;
  /** Members with no purchase in the tier window (shown as the first tier by the kiosks). */
  membersWithoutPurchase: number;
  stores: StoreFigures[];
  surveys: SurveyWeek[];
}

/** Every local day of the window, in order (the window is at most 400 days). */
export function daysOf(window: TimeWindow, timeZone: string): string[] {
  const format = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
  const days: string[] = [];
  for (let atMs = window.fromMs; atMs < window.toMs; atMs += DAY_MS) {
    const day = format.format(atMs);
    if (days[days.length - 1] !== day) days.push(day);
  }
  const last = format.format(window.toMs - 1);
  if (days[days.length - 1] !== last) days.push(last);
  return days;
}

const n = (value: string | number | null | undefined): number => (value === null || value === undefined ? 0 : Number(value));

export async function chartSeries(db: Queryable, scope: Scope, window: TimeWindow, options: { rules: LoyaltyRules; nowMs: number }): Promise<ChartSeries> {
  const storeIds = scope.storeIds;
  const tz = options.rules.timeZone;
  const days = daysOf(window, tz);

  // Independent aggregates: on PostgreSQL each runs on its own pooled connection, at once.
  const [points, enrolled, tiers, total, stores, surveys] = await Promise.all([
    db.query<{ day: string; earned: string | number; redeemed: string | number }>(
      `SELECT ${localDay('t.at_ms', '$4')} AS day,
              COALESCE(sum(t.amount) FILTER (WHERE t.debit LIKE 'club:%' AND t.credit LIKE 'member:%'), 0) AS earned,
              COALESCE(sum(t.amount) FILTER (WHERE t.debit LIKE 'member:%' AND t.credit IN ('club:redeemed', 'club:lottery')), 0) AS redeemed
       FROM transfers t JOIN devices d ON d.id = t.device_id
       WHERE t.at_ms >= $1 AND t.at_ms < $2 AND ($3::text[] IS NULL OR d.store_id = ANY($3::text[])) AND t.unit = 'points'
       GROUP BY 1`,
      [window.fromMs, window.toMs, storeIds, tz],
    ),
    db.query<{ day: string; count: string | number }>(
      `SELECT ${localDay('created_at_ms', '$4')} AS day, count(*) AS count FROM members
       WHERE created_at_ms >= $1 AND created_at_ms < $2 AND ($3::text[] IS NULL OR store_id = ANY($3::text[])) GROUP BY 1`,
      [window.fromMs, window.toMs, storeIds, tz],
    ),
    tierCounts(db, storeIds, options.rules, options.nowMs),
    db.query<{ count: string | number }>(`SELECT count(*) AS count FROM members WHERE ($1::text[] IS NULL OR store_id = ANY($1::text[]))`, [storeIds]),
    storeFigures(db, storeIds, window),
    surveyWeeks(db, storeIds, window, tz),
  ]);
  const pointsByDay = new Map(points.rows.map((row) => [row.day, row]));
  const enrolledByDay = new Map(enrolled.rows.map((row) => [row.day, n(row.count)]));
  const withPurchase = tiers.reduce((sum, row) => sum + row.members, 0);
  return {
    window,
    timeZone: tz,
    days,
    points: days.map((day) => ({ day, earned: n(pointsByDay.get(day)?.earned), redeemed: n(pointsByDay.get(day)?.redeemed) })),
    newMembers: days.map((day) => ({ day, count: enrolledByDay.get(day) ?? 0 })),
    tiers,
    membersWithoutPurchase: Math.max(0, n(total.rows[0]?.count) - withPurchase),
    stores,
    surveys,
  };
}

/**
 * Members per tier now, computed as the kiosk computes a tier (firmware's tierStanding): the
 * purchase points earned in the rolling tier window, one tier down per full inactivity period.
 * Read from the ledger's transfers (reason `earn`), not the journal's JSON: an index range
 * over narrow rows. Members with no purchase points in the window are not counted here.
 */
async function tierCounts(db: Queryable, stores: string[] | null, rules: LoyaltyRules, nowMs: number): Promise<Array<{ tierId: string; members: number }>> {
  // Grouped by account (pending and spendable are two accounts of one member), merged below.
  const rows = await db.query<{ account: string; points: string | number; last_ms: string | number }>(
    `SELECT t.credit AS account, sum(t.amount) AS points, max(t.at_ms) AS last_ms
     FROM transfers t JOIN devices d ON d.id = t.device_id
     WHERE t.at_ms >= $1 AND t.at_ms <= $2 AND ($3::text[] IS NULL OR d.store_id = ANY($3::text[]))
       AND t.unit = 'points' AND t.reason = 'earn' AND t.credit LIKE 'member:%'
     GROUP BY t.credit`,
    [nowMs - rules.tiers.windowDays * DAY_MS, nowMs, stores],
  );
  const byMember = new Map<string, { points: number; lastMs: number }>();
  for (const row of rows.rows) {
    const memberId = memberOfAccount(row.account);
    if (memberId === undefined) continue;
    const seen = byMember.get(memberId) ?? { points: 0, lastMs: 0 };
    byMember.set(memberId, { points: seen.points + n(row.points), lastMs: Math.max(seen.lastMs, n(row.last_ms)) });
  }
  const counts = new Map<string, number>();
  for (const member of byMember.values()) {
    const standing = tierStanding(rules, { windowPoints: member.points, lastPurchaseAtMs: member.lastMs, nowMs });
    counts.set(standing.tier.id, (counts.get(standing.tier.id) ?? 0) + 1);
  }
  return [...counts.entries()].map(([tierId, members]) => ({ tierId, members })).sort((a, b) => b.members - a.members || a.tierId.localeCompare(b.tierId));
}

async function storeFigures(db: Queryable, stores: string[] | null, window: TimeWindow): Promise<StoreFigures[]> {
  // Voided receipts are not purchases and refunds cut the spend, whenever they were recorded.
  const purchases = await db.query<{ store_id: string; purchases: string | number; spend: string | number | null; buyers: string | number }>(
    `WITH corrections AS (
       SELECT j.device_id, o.op->>'receiptId' AS receipt_id, bool_or(o.op->>'op' = 'purchase.void') AS voided,
              COALESCE(sum(CASE WHEN o.op->>'op' = 'purchase.refund' THEN ${opNumber('refundRial')} END), 0) AS refunded
       FROM journal j JOIN devices d ON d.id = j.device_id
       CROSS JOIN LATERAL jsonb_array_elements(CASE WHEN jsonb_typeof(j.record->'ops') = 'array' THEN j.record->'ops' ELSE '[]'::jsonb END) WITH ORDINALITY AS o(op, idx)
       WHERE j.at_ms >= $1 AND ($3::text[] IS NULL OR d.store_id = ANY($3::text[])) AND o.op->>'op' IN ('purchase.void', 'purchase.refund')
       GROUP BY 1, 2),
     bought AS (
       SELECT d.store_id, j.device_id, o.op->>'receiptId' AS receipt_id, o.op->>'memberId' AS member_id, ${opNumber('amountRial')} AS amount
       ${OPS_IN_WINDOW})
     SELECT b.store_id, count(*) AS purchases, sum(GREATEST(0, b.amount - COALESCE(c.refunded, 0))) AS spend, count(DISTINCT b.member_id) AS buyers
     FROM bought b LEFT JOIN corrections c ON c.device_id = b.device_id AND c.receipt_id = b.receipt_id
     WHERE c.voided IS NOT TRUE GROUP BY b.store_id`,
    [window.fromMs, window.toMs, stores, ['purchase.record']],
  );
  const points = await db.query<{ store_id: string; earned: string | number; redeemed: string | number }>(
    `SELECT d.store_id,
            COALESCE(sum(t.amount) FILTER (WHERE t.debit LIKE 'club:%' AND t.credit LIKE 'member:%'), 0) AS earned,
            COALESCE(sum(t.amount) FILTER (WHERE t.debit LIKE 'member:%' AND t.credit IN ('club:redeemed', 'club:lottery')), 0) AS redeemed
     FROM transfers t JOIN devices d ON d.id = t.device_id
     WHERE t.at_ms >= $1 AND t.at_ms < $2 AND ($3::text[] IS NULL OR d.store_id = ANY($3::text[])) AND t.unit = 'points'
     GROUP BY d.store_id`,
    [window.fromMs, window.toMs, stores],
  );
  const enrolled = await db.query<{ store_id: string; count: string | number }>(
    `SELECT store_id, count(*) AS count FROM members WHERE created_at_ms >= $1 AND created_at_ms < $2 AND ($3::text[] IS NULL OR store_id = ANY($3::text[])) GROUP BY store_id`,
    [window.fromMs, window.toMs, stores],
  );
  const known = await db.query<{ store_id: string }>(`SELECT DISTINCT store_id FROM devices WHERE ($1::text[] IS NULL OR store_id = ANY($1::text[]))`, [stores]);
  const ids = new Set([...known.rows, ...purchases.rows, ...points.rows, ...enrolled.rows].map((row) => row.store_id));
  return [...ids].sort().map((storeId) => {
    const p = purchases.rows.find((row) => row.store_id === storeId);
    const q = points.rows.find((row) => row.store_id === storeId);
    return {
      storeId,
      purchases: n(p?.purchases),
      spendRial: n(p?.spend),
      buyers: n(p?.buyers),
      pointsEarned: n(q?.earned),
      pointsRedeemed: n(q?.redeemed),
      newMembers: n(enrolled.rows.find((row) => row.store_id === storeId)?.count),
    };
  });
}

async function surveyWeeks(db: Queryable, stores: string[] | null, window: TimeWindow, tz: string): Promise<SurveyWeek[]> {
  // Weeks start on Saturday, the first day of the Iranian week: shift by two days around ISO's Monday.
  const rows = await db.query<{ week: string; answers: string | number; csat_sum: string | number | null; csat_n: string | number; promoters: string | number; detractors: string | number; nps_n: string | number }>(
    `SELECT to_char(date_trunc('week', timezone($5, to_timestamp(j.at_ms / 1000.0)) + interval '2 days') - interval '2 days', 'YYYY-MM-DD') AS week,
            count(*) AS answers,
            sum(CASE WHEN jsonb_typeof(o.op->'answers'->'csat') = 'number' THEN (o.op->'answers'->>'csat')::numeric END) AS csat_sum,
            count(*) FILTER (WHERE jsonb_typeof(o.op->'answers'->'csat') = 'number') AS csat_n,
            count(*) FILTER (WHERE jsonb_typeof(o.op->'answers'->'nps') = 'number' AND (o.op->'answers'->>'nps')::numeric >= 9) AS promoters,
            count(*) FILTER (WHERE jsonb_typeof(o.op->'answers'->'nps') = 'number' AND (o.op->'answers'->>'nps')::numeric <= 6) AS detractors,
            count(*) FILTER (WHERE jsonb_typeof(o.op->'answers'->'nps') = 'number') AS nps_n
     ${OPS_IN_WINDOW} GROUP BY 1 ORDER BY 1`,
    [window.fromMs, window.toMs, stores, ['survey.submit'], tz],
  );
  return rows.rows.map((row) => {
    const csatN = n(row.csat_n);
    const npsN = n(row.nps_n);
    return {
      weekStart: row.week,
      answers: n(row.answers),
      csatAverage: csatN ? Math.round((n(row.csat_sum) / csatN) * 10) / 10 : null,
      nps: npsN ? Math.round(((n(row.promoters) - n(row.detractors)) / npsN) * 100) : null,
    };
  });
}
