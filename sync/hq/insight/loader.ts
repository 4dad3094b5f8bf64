import type { Queryable } from '../db.js';
import { memberOfAccount } from '../core-ops.js';
import type { CardHistory, ClubHistory, MemberHistory, OfferSent, StaffAdjustment, SyncConflict } from '../analysis/types.js';
import { DAY_MS } from '../analysis/types.js';
import { CARD_ACTIVITY_OPS, MEMBER_ACTIVITY_OPS, OPS_IN_WINDOW, OP_RESULT, opNumber } from './journal-sql.js';
import type { Scope, TimeWindow } from './scope.js';
import { CardResolver, type CardRow } from './card-resolver.js';

/**
 * HQ tables → the analysis input (`ClubHistory`) for one scope and window.
 *
 * What the kiosks record and what is read here:
 * - purchases: `purchase.record` ops (member, amount, receipt, `purchasedAtMs`; the campaign
 *   from the op's result), less `purchase.void` (dropped) and `purchase.refund` (amount cut);
 * - redemptions: ledger transfers from a member's points to `club:redeemed` / `club:lottery`;
 * - surveys: `survey.submit` ops (`answers.csat` 1-5, `answers.nps` 0-10);
 * - staff adjustments: transfers with reason `adjust`, the staff being the record's actor;
 * - conflicts: `negative-balance` rows of the `conflicts` table (offline spends that, once every
 *   store's records met at the head office, spent points that were not there); enrolment
 *   conflicts (a member or card already known) are data to merge, not spends, and stay out;
 * - offers: `offer:<id>` messages sent from the outbox; "used" = a purchase within `offerAnswerDays`.
 * Card taps are NOT journaled by kiosks (a card lookup changes nothing in the ledger). A card's
 * uses are therefore the member's recorded activity (purchases, rewards, surveys, games, …) at
 * a store, attributed to the card the member held then, plus gift-card ops naming the card.
 */
export interface LoadOptions {
  scope: Scope;
  window: TimeWindow;
  nowMs: number;
  /** Members beyond this (by id) are left out and `truncated.members` is set. */
  memberLimit?: number;
  /** Activity rows beyond this are left out and `truncated.events` is set. */
  eventLimit?: number;
  /** An offer counts as answered when the member buys within this many days. */
  offerAnswerDays?: number;
}

export interface LoadedHistory {
  history: ClubHistory;
  /** Home store of every loaded member. */
  storeOfMember: Map<string, string>;
  truncated: { members: boolean; events: boolean };
  window: TimeWindow;
}

export const MEMBER_LIMIT_DEFAULT = 50_000;
const CORRECTION_OPS = ['purchase.void', 'purchase.refund'];
export const EVENT_LIMIT_DEFAULT = 1_000_000;

interface ActivityRow {
  store_id: string;
  device_id: string;
  at_ms: number;
  op: string;
  member_id: string | null;
  card_id: string | null;
  receipt_id: string | null;
  amount_rial: string | number | null;
  purchased_at_ms: string | number | null;
  refund_rial: string | number | null;
  csat: string | number | null;
  nps: string | number | null;
  campaign_id: string | null;
}

const num = (value: string | number | null): number | undefined => (value === null ? undefined : Number(value));

export async function loadClubHistory(db: Queryable, options: LoadOptions): Promise<LoadedHistory> {
  const { scope, window } = options;
  const stores = scope.storeIds;
  const memberLimit = options.memberLimit ?? MEMBER_LIMIT_DEFAULT;
  const eventLimit = options.eventLimit ?? EVENT_LIMIT_DEFAULT;

  const memberRows = (await db.query<{ id: string; store_id: string; created_at_ms: number }>(
    `SELECT id, store_id, created_at_ms FROM members WHERE ($1::text[] IS NULL OR store_id = ANY($1::text[])) AND created_at_ms < $2 ORDER BY id LIMIT $3`,
    [stores, window.toMs, memberLimit + 1],
  )).rows;
  const membersTruncated = memberRows.length > memberLimit;
  if (membersTruncated) memberRows.length = memberLimit;
  const members = new Map<string, MemberHistory>();
  const storeOfMember = new Map<string, string>();
  for (const row of memberRows) {
    members.set(row.id, { id: row.id, storeId: row.store_id, enrolledAtMs: Number(row.created_at_ms), purchases: [], redemptions: [], surveys: [], offers: [] });
    storeOfMember.set(row.id, row.store_id);
  }
  // With every member of the scope loaded, filter by store in SQL only; otherwise by the chosen ids.
  const memberFilter = membersTruncated ? [...members.keys()] : null;

  const activity = (await db.query<ActivityRow>(
    `SELECT d.store_id, j.device_id, j.at_ms, o.op->>'op' AS op, o.op->>'memberId' AS member_id, o.op->>'cardId' AS card_id,
            o.op->>'receiptId' AS receipt_id, ${opNumber('amountRial')} AS amount_rial, ${opNumber('purchasedAtMs')} AS purchased_at_ms,
            ${opNumber('refundRial')} AS refund_rial,
            CASE WHEN jsonb_typeof(o.op->'answers'->'csat') = 'number' THEN (o.op->'answers'->>'csat')::numeric END AS csat,
            CASE WHEN jsonb_typeof(o.op->'answers'->'nps') = 'number' THEN (o.op->'answers'->>'nps')::numeric END AS nps,
            ${OP_RESULT}->>'campaignId' AS campaign_id
     ${OPS_IN_WINDOW}
       AND ($5::text[] IS NULL OR o.op->>'memberId' = ANY($5::text[]) OR o.op->>'op' = ANY($7::text[]))
     ORDER BY j.at_ms, j.device_id, j.seq, o.idx
     LIMIT $6`,
    [window.fromMs, window.toMs, stores, [...MEMBER_ACTIVITY_OPS, ...CARD_ACTIVITY_OPS, ...CORRECTION_OPS], memberFilter, eventLimit + 1, [...CARD_ACTIVITY_OPS, ...CORRECTION_OPS]],
  )).rows;
  const eventsTruncated = activity.length > eventLimit;
  if (eventsTruncated) activity.length = eventLimit;

  // Voids and refunds undo purchases: those in the window came with the activity (one scan);
  // those recorded after the window closed are read on their own (usually a short span).
  const corrections: Array<{ device_id: string; op: string; receipt_id: string | null; refund_rial: string | number | null }> = activity.filter((row) => CORRECTION_OPS.includes(row.op));
  if (window.toMs <= options.nowMs) {
    corrections.push(...(await db.query<{ device_id: string; op: string; receipt_id: string | null; refund_rial: string | number | null }>(
      `SELECT j.device_id, o.op->>'op' AS op, o.op->>'receiptId' AS receipt_id, ${opNumber('refundRial')} AS refund_rial
       ${OPS_IN_WINDOW}`,
      [window.toMs, options.nowMs + 1, stores, CORRECTION_OPS],
    )).rows);
  }
  const voided = new Set<string>();
  const refundedRial = new Map<string, number>();
  for (const row of corrections) {
    if (row.receipt_id === null) continue;
    const key = `${row.device_id}/${row.receipt_id}`;
    if (row.op === 'purchase.void') voided.add(key);
    else refundedRial.set(key, (refundedRial.get(key) ?? 0) + (num(row.refund_rial) ?? 0));
  }

  const cards = new CardResolver(await loadCards(db, stores, memberFilter));
  const cardHistories = new Map<string, CardHistory>();
  const tap = (cardId: string, memberId: string, atMs: number, storeId: string): void => {
    const card = cardHistories.get(cardId) ?? { id: cardId, memberId, taps: [] };
    card.taps.push({ atMs, storeId });
    cardHistories.set(cardId, card);
  };

  for (const row of activity) {
    const atMs = Number(row.at_ms);
    if (CORRECTION_OPS.includes(row.op)) continue;
    if (CARD_ACTIVITY_OPS.includes(row.op)) {
      const owner = row.card_id ? cards.ownerOf(row.card_id) : undefined;
      if (row.card_id && owner && members.has(owner)) tap(row.card_id, owner, atMs, row.store_id);
      continue;
    }
    const member = row.member_id ? members.get(row.member_id) : undefined;
    if (!member) continue;
    const cardId = cards.cardAt(member.id, atMs);
    if (cardId) tap(cardId, member.id, atMs, row.store_id);
    if (row.op === 'purchase.record') {
      const key = `${row.device_id}/${row.receipt_id ?? ''}`;
      const amount = num(row.amount_rial);
      if (voided.has(key) || amount === undefined || row.receipt_id === null) continue;
      const purchasedAtMs = num(row.purchased_at_ms);
      member.purchases.push({
        atMs: purchasedAtMs !== undefined ? Math.min(purchasedAtMs, atMs) : atMs,
        amountRial: Math.max(0, amount - (refundedRial.get(key) ?? 0)),
        storeId: row.store_id,
        receiptId: row.receipt_id,
        ...(row.campaign_id !== null && { campaignId: row.campaign_id }),
      });
    } else if (row.op === 'survey.submit') {
      const csat = num(row.csat);
      const recommend = num(row.nps);
      member.surveys.push({ atMs, ...(csat !== undefined && { csat }), ...(recommend !== undefined && { recommend }) });
    }
  }

  await loadRedemptions(db, options, members);
  const adjustments = await loadAdjustments(db, options);
  const conflicts = await loadConflicts(db, options);
  await loadOffers(db, options, members);

  return {
    history: { members: [...members.values()], cards: [...cardHistories.values()], adjustments, conflicts },
    storeOfMember,
    truncated: { members: membersTruncated, events: eventsTruncated },
    window,
  };
}

async function loadCards(db: Queryable, stores: string[] | null, memberFilter: string[] | null): Promise<CardRow[]> {
  const rows = await db.query<{ id: string; member_id: string; linked_at_ms: number; blocked_at_ms: number | null }>(
    `SELECT c.id, c.member_id, c.linked_at_ms, c.blocked_at_ms FROM cards c JOIN members m ON m.id = c.member_id
     WHERE ($1::text[] IS NULL OR m.store_id = ANY($1::text[])) AND ($2::text[] IS NULL OR m.id = ANY($2::text[]))`,
    [stores, memberFilter],
  );
  return rows.rows.map((row) => ({ id: row.id, memberId: row.member_id, linkedAtMs: Number(row.linked_at_ms), blockedAtMs: row.blocked_at_ms === null ? null : Number(row.blocked_at_ms) }));
}

async function loadRedemptions(db: Queryable, options: LoadOptions, members: Map<string, MemberHistory>): Promise<void> {
  const rows = await db.query<{ at_ms: number; debit: string; amount: number; reason: string; reward_id: string | null; store_id: string }>(
    `SELECT t.at_ms, t.debit, t.amount, t.reason, t.ref->>'rewardId' AS reward_id, d.store_id
     FROM transfers t JOIN devices d ON d.id = t.device_id
     WHERE t.at_ms >= $1 AND t.at_ms < $2 AND ($3::text[] IS NULL OR d.store_id = ANY($3::text[]))
       AND t.unit = 'points' AND t.debit LIKE 'member:%' AND t.credit IN ('club:redeemed', 'club:lottery')
     ORDER BY t.at_ms`,
    [options.window.fromMs, options.window.toMs, options.scope.storeIds],
  );
  for (const row of rows.rows) {
    const member = members.get(memberOfAccount(row.debit) ?? '');
    if (member) member.redemptions.push({ atMs: Number(row.at_ms), points: Number(row.amount), storeId: row.store_id, rewardId: row.reward_id ?? row.reason });
  }
}

async function loadAdjustments(db: Queryable, options: LoadOptions): Promise<StaffAdjustment[]> {
  const rows = await db.query<{ at_ms: number; debit: string; credit: string; amount: number; device_id: string; actor_id: string | null }>(
    `SELECT t.at_ms, t.debit, t.credit, t.amount, t.device_id, j.actor->>'id' AS actor_id
     FROM transfers t JOIN devices d ON d.id = t.device_id JOIN journal j ON j.device_id = t.device_id AND j.seq = t.seq
     WHERE t.at_ms >= $1 AND t.at_ms < $2 AND ($3::text[] IS NULL OR d.store_id = ANY($3::text[]))
       AND t.unit = 'points' AND t.reason = 'adjust'`,
    [options.window.fromMs, options.window.toMs, options.scope.storeIds],
  );
  const out: StaffAdjustment[] = [];
  for (const row of rows.rows) {
    const credited = memberOfAccount(row.credit);
    const memberId = credited ?? memberOfAccount(row.debit);
    if (!memberId) continue;
    // Staff ids are per kiosk ledger: the device names whose staff it is.
    out.push({ staffId: `${row.device_id}/${row.actor_id ?? 'unknown'}`, memberId, points: credited ? Number(row.amount) : -Number(row.amount), atMs: Number(row.at_ms) });
  }
  return out;
}

async function loadConflicts(db: Queryable, options: LoadOptions): Promise<SyncConflict[]> {
  const rows = await db.query<{ id: number; device_id: string; kind: string; subject: string; details: Record<string, unknown>; at_ms: number }>(
    `SELECT c.id, c.device_id, c.kind, c.subject, c.details, COALESCE(j.at_ms, c.created_at_ms) AS at_ms
     FROM conflicts c JOIN devices d ON d.id = c.device_id LEFT JOIN journal j ON j.device_id = c.device_id AND j.seq = c.seq
     WHERE c.kind = 'negative-balance' AND COALESCE(j.at_ms, c.created_at_ms) >= $1 AND COALESCE(j.at_ms, c.created_at_ms) < $2 AND ($3::text[] IS NULL OR d.store_id = ANY($3::text[]))
     ORDER BY c.id LIMIT 10000`,
    [options.window.fromMs, options.window.toMs, options.scope.storeIds],
  );
  return rows.rows.map((row) => {
    const memberId = memberOfAccount(row.subject) ?? (row.subject.startsWith('member:') ? row.subject.slice('member:'.length) : undefined);
    const cardId = row.subject.startsWith('card:') && row.subject.length > 'card:'.length ? row.subject.split(':')[1] : undefined;
    const points = row.details?.unit === 'points' && typeof row.details.amount === 'number' ? row.details.amount : undefined;
    return { id: String(row.id), deviceId: row.device_id, kind: row.kind, atMs: Number(row.at_ms), ...(memberId && { memberId }), ...(cardId && { cardId }), ...(points !== undefined && { points }) };
  });
}

async function loadOffers(db: Queryable, options: LoadOptions, members: Map<string, MemberHistory>): Promise<void> {
  const rows = await db.query<{ member_id: string; occasion: string; sent_at_ms: number }>(
    `SELECT member_id, occasion, sent_at_ms FROM messages_outbox
     WHERE occasion LIKE 'offer:%' AND state IN ('sent', 'delivered') AND member_id IS NOT NULL AND sent_at_ms >= $1 AND sent_at_ms < $2
     ORDER BY sent_at_ms LIMIT 200000`,
    [options.window.fromMs, options.window.toMs],
  );
  const answerMs = (options.offerAnswerDays ?? 14) * DAY_MS;
  for (const row of rows.rows) {
    const member = members.get(row.member_id);
    if (!member) continue;
    const sentMs = Number(row.sent_at_ms);
    const used = member.purchases.find((p) => p.atMs >= sentMs && p.atMs < sentMs + answerMs);
    const offer: OfferSent = { atMs: sentMs, offerId: row.occasion.slice('offer:'.length), ...(used && { usedAtMs: used.atMs }) };
    member.offers.push(offer);
  }
}
