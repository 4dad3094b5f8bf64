import type { CategoryLine } from '../../../firmware/src/loyalty/rules/earn.js';
import type { Queryable } from '../db.js';
import { HqError } from '../errors.js';

/**
 * The purchases the head office knows, read back from the kiosks' journals as they were
 * pushed (`purchase.record` ops, minus receipts voided later): the input of the preview.
 * A purchase's time is the kiosk's: the till's `purchasedAtMs` when it was queued offline
 * (never later than the commit), the commit's time otherwise.
 */
export interface HistoricPurchase {
  deviceId: string;
  storeId: string;
  receiptId: string;
  memberId: string;
  amountRial: number;
  categories?: CategoryLine[];
  atMs: number;
  /** What the kiosk actually credited (its result), when the record carries results. */
  recordedPoints?: number;
}

export interface MemberFacts {
  storeId: string;
  createdAtMs: number;
}

export interface PurchaseHistory {
  purchases: HistoricPurchase[];
  members: Map<string, MemberFacts>;
  voidedReceipts: number;
  /** Purchases from here on were read (later than asked when the warm-up hit the bound). */
  readFromMs?: number;
}

/** A bound on the work of one preview (each purchase is replayed twice); a chain beyond it previews fewer days. */
export const HISTORY_PURCHASES_MAX = 100_000;
/** The kiosk accepts a purchase queued offline this long after it happened. */
const BACKDATE_MS = 7 * 86_400_000;

interface OpRow {
  device_id: string;
  store_id: string;
  at_ms: number;
  op: { op: string; receiptId?: unknown; memberId?: unknown; amountRial?: unknown; categories?: unknown; purchasedAtMs?: unknown };
  result: { pointsEarned?: unknown } | null;
}

/** Purchase and void ops of the records committed in [fromMs, toMs), oldest or newest first. */
async function readOps(db: Queryable, fromMs: number, toMs: number, order: 'ASC' | 'DESC', limit: number): Promise<OpRow[]> {
  if (limit <= 0 || fromMs >= toMs) return [];
  return (await db.query<OpRow>(
    `SELECT j.device_id, d.store_id, j.at_ms, o.op, j.record->'results'->(o.n::int - 1) AS result
     FROM journal j JOIN devices d ON d.id = j.device_id,
     LATERAL jsonb_array_elements(j.record->'ops') WITH ORDINALITY AS o(op, n)
     WHERE j.at_ms >= $1 AND j.at_ms < $2 AND o.op->>'op' IN ('purchase.record', 'purchase.void')
     ORDER BY j.at_ms ${order}, j.device_id ${order}, j.seq ${order}, o.n ${order}
     LIMIT $3`,
    [fromMs, toMs, limit],
  )).rows;
}

export interface HistoryWindow {
  /** Purchases before `fromMs` are read back to here to settle tiers (the warm-up), within the bound. */
  warmupFromMs: number;
  fromMs: number;
  toMs: number;
  maxPurchases?: number;
}

/**
 * The purchases of [fromMs, toMs) and, as far as the bound allows, of the warm-up before it
 * (the most recent first, so a busy chain settles tiers on the nearest months). Refused when
 * the period alone holds more purchases than the bound.
 */
export async function loadPurchaseHistory(db: Queryable, window: HistoryWindow): Promise<PurchaseHistory> {
  const max = window.maxPurchases ?? HISTORY_PURCHASES_MAX;
  const tooMany = () => new HqError('BAD_REQUEST', `more than ${max} purchases in that period: preview fewer days`);
  const periodRows = await readOps(db, window.fromMs - BACKDATE_MS, window.toMs + BACKDATE_MS, 'ASC', max * 2 + 1);
  if (periodRows.length > max * 2) throw tooMany();
  // Rows of the first week may be purchases queued offline from before the period: they count
  // against the bound, but only purchases made inside the period can make it too long.
  const read = periodRows.filter((row) => row.op.op === 'purchase.record').map(toPurchase);
  if (read.filter((purchase) => purchase && purchase.atMs >= window.fromMs).length > max) throw tooMany();
  const budget = Math.max(0, max - read.length);
  const warmupRows = await readOps(db, window.warmupFromMs, window.fromMs - BACKDATE_MS, 'DESC', budget);
  const truncated = budget === 0 || warmupRows.length === budget;
  const oldest = warmupRows[warmupRows.length - 1];
  const readFromMs = !truncated ? window.warmupFromMs : oldest ? Number(oldest.at_ms) : window.fromMs - BACKDATE_MS;
  const rows = [...warmupRows.reverse(), ...periodRows];
  const voided = new Set<string>();
  for (const row of rows) if (row.op.op === 'purchase.void' && typeof row.op.receiptId === 'string') voided.add(`${row.device_id}\n${row.op.receiptId}`);
  const purchases: HistoricPurchase[] = [];
  for (const row of rows) {
    const purchase = row.op.op === 'purchase.record' ? toPurchase(row) : undefined;
    if (!purchase || purchase.atMs < readFromMs || purchase.atMs >= window.toMs) continue;
    if (voided.has(`${purchase.deviceId}\n${purchase.receiptId}`)) continue;
    purchases.push(purchase);
  }
  purchases.sort((a, b) => a.atMs - b.atMs);
  return { purchases, members: await memberFacts(db, [...new Set(purchases.map((p) => p.memberId))]), voidedReceipts: voided.size, readFromMs };
}

function toPurchase(row: OpRow): HistoricPurchase | undefined {
  const { receiptId, memberId, amountRial, categories, purchasedAtMs } = row.op;
  if (typeof receiptId !== 'string' || typeof memberId !== 'string' || typeof amountRial !== 'number') return undefined;
  const commitAtMs = Number(row.at_ms);
  const atMs = typeof purchasedAtMs === 'number' ? Math.min(purchasedAtMs, commitAtMs) : commitAtMs;
  const purchase: HistoricPurchase = { deviceId: row.device_id, storeId: row.store_id, receiptId, memberId, amountRial, atMs };
  if (Array.isArray(categories)) purchase.categories = categories as CategoryLine[];
  const recorded = row.result?.pointsEarned;
  if (typeof recorded === 'number') purchase.recordedPoints = recorded;
  return purchase;
}

async function memberFacts(db: Queryable, memberIds: string[]): Promise<Map<string, MemberFacts>> {
  const facts = new Map<string, MemberFacts>();
  for (let start = 0; start < memberIds.length; start += 10_000) {
    const rows = await db.query<{ id: string; store_id: string; created_at_ms: number }>('SELECT id, store_id, created_at_ms FROM members WHERE id = ANY($1::text[])', [memberIds.slice(start, start + 10_000)]);
    for (const row of rows.rows) facts.set(row.id, { storeId: row.store_id, createdAtMs: Number(row.created_at_ms) });
  }
  return facts;
}
