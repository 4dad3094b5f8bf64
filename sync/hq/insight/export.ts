import type { Queryable } from '../db.js';
import { csvField, type CsvCell } from '../analysis/csv.js';
import { memberOfAccount } from '../core-ops.js';
import { DAY_MS } from '../analysis/types.js';
import { OPS_IN_WINDOW, opNumber } from './journal-sql.js';
import type { Scope, TimeWindow } from './scope.js';

/**
 * CSV exports for accounting software, streamed (a year of a chain does not fit in one
 * string). Format as sync/hq/analysis/csv.ts: UTF-8 with a byte-order mark (Excel shows
 * Persian), CRLF, RFC 4180 quoting, integer Rials and points, formula-like text neutralised.
 * Columns are documented in README.md beside this file.
 */
export const TRANSACTION_COLUMNS = ['time_utc', 'transaction_id', 'store_id', 'member_id', 'kind', 'amount_rial', 'points', 'receipt_id', 'note'] as const;
export const BALANCE_COLUMNS = ['member_id', 'member_name', 'store_id', 'points', 'pending_points', 'liability_rial'] as const;

const BOM = '\uFEFF';
/** Kiosks keep receipts this long for voids (loyalty retention.purchaseDays, at most). */
const RECEIPT_LOOKBACK_MS = 400 * DAY_MS;
const line = (cells: readonly CsvCell[]): string => `${cells.map(csvField).join(',')}\r\n`;
const int = (value: string | number | null): number => {
  const n = Number(value ?? 0);
  return Number.isSafeInteger(n) ? n : 0;
};

interface TxRow {
  at_ms: number;
  id: string;
  store_id: string;
  member_id: string | null;
  kind: string;
  amount_rial: number;
  points: number;
  receipt_id: string | null;
  note: string | null;
  order_key: string;
}

/**
 * One row per purchase recorded (kind `purchase`, its Rials), per void or refund of one
 * (`purchase-void`, `purchase-refund`, negative Rials), and per ledger transfer into or
 * out of a member's or card's account (kind = the ledger's reason: earn, redeem, pay, adjust,
 * expire, void, …; points signed from the member's side, or Rials for credit and gift cards).
 * Moves inside one member's accounts (pending → spendable) are not transactions.
 * Read one UTC day at a time, so each query uses the time indexes and memory stays bounded.
 */
export async function* transactionsCsv(db: Queryable, scope: Scope, window: TimeWindow): AsyncGenerator<string> {
  yield BOM + line(TRANSACTION_COLUMNS);
  for (let startMs = window.fromMs; startMs < window.toMs; startMs += DAY_MS) {
    const endMs = Math.min(startMs + DAY_MS, window.toMs);
    const purchases = await db.query<{ at_ms: number; device_id: string; seq: number; idx: number; store_id: string; op: string; member_id: string | null; amount: string | null; refund: string | null; receipt_id: string | null }>(
      `SELECT j.at_ms, j.device_id, j.seq, o.idx::int AS idx, d.store_id, o.op->>'op' AS op, o.op->>'memberId' AS member_id, ${opNumber('amountRial')} AS amount,
              ${opNumber('refundRial')} AS refund, o.op->>'receiptId' AS receipt_id
       ${OPS_IN_WINDOW}`,
      [startMs, endMs, scope.storeIds, ['purchase.record', 'purchase.void', 'purchase.refund']],
    );
    // A void names only its receipt: the amount (and member) it takes back is the original purchase's.
    const voids = purchases.rows.filter((p) => p.op === 'purchase.void' && p.receipt_id !== null);
    const originals = new Map<string, { amount: number; memberId: string | null }>();
    if (voids.length > 0) {
      const found = await db.query<{ device_id: string; receipt_id: string; member_id: string | null; amount: string | null }>(
        `SELECT j.device_id, o.op->>'receiptId' AS receipt_id, o.op->>'memberId' AS member_id, ${opNumber('amountRial')} AS amount
         FROM journal j CROSS JOIN LATERAL jsonb_array_elements(CASE WHEN jsonb_typeof(j.record->'ops') = 'array' THEN j.record->'ops' ELSE '[]'::jsonb END) WITH ORDINALITY AS o(op, idx)
         WHERE j.device_id = ANY($1::text[]) AND j.at_ms >= $2 AND j.at_ms < $3 AND o.op->>'op' = 'purchase.record' AND o.op->>'receiptId' = ANY($4::text[])`,
        [[...new Set(voids.map((v) => v.device_id))], startMs - RECEIPT_LOOKBACK_MS, endMs, voids.map((v) => v.receipt_id)],
      );
      for (const row of found.rows) originals.set(`${row.device_id}/${row.receipt_id}`, { amount: int(row.amount), memberId: row.member_id });
    }
    const transfers = await db.query<{ at_ms: number; id: string; device_id: string; seq: number; op_index: number; store_id: string; debit: string; credit: string; amount: number; unit: string; reason: string; memo: string | null; receipt_id: string | null }>(
      `SELECT t.at_ms, t.id, t.device_id, t.seq, t.op_index, d.store_id, t.debit, t.credit, t.amount, t.unit, t.reason, t.memo, t.ref->>'receiptId' AS receipt_id
       FROM transfers t JOIN devices d ON d.id = t.device_id
       WHERE t.at_ms >= $1 AND t.at_ms < $2 AND ($3::text[] IS NULL OR d.store_id = ANY($3::text[]))`,
      [startMs, endMs, scope.storeIds],
    );
    const rows: TxRow[] = [];
    const key = (atMs: number, deviceId: string, seq: number, part: number, index: number) =>
      `${String(atMs).padStart(15, '0')}|${deviceId}|${String(seq).padStart(12, '0')}|${part}|${String(index).padStart(6, '0')}`;
    for (const p of purchases.rows) {
      const original = p.op === 'purchase.void' ? originals.get(`${p.device_id}/${p.receipt_id ?? ''}`) : undefined;
      const amountRial = p.op === 'purchase.record' ? int(p.amount) : p.op === 'purchase.refund' ? -int(p.refund) : -(original?.amount ?? 0);
      rows.push({
        at_ms: Number(p.at_ms),
        id: `${p.device_id}:${p.seq}#${p.idx - 1}`,
        store_id: p.store_id,
        member_id: p.member_id ?? original?.memberId ?? null,
        kind: p.op === 'purchase.record' ? 'purchase' : p.op === 'purchase.void' ? 'purchase-void' : 'purchase-refund',
        amount_rial: amountRial,
        points: 0,
        receipt_id: p.receipt_id,
        note: null,
        order_key: key(Number(p.at_ms), p.device_id, Number(p.seq), 0, p.idx),
      });
    }
    for (const t of transfers.rows) {
      const debitSide = t.debit.startsWith('member:') || t.debit.startsWith('card:');
      const creditSide = t.credit.startsWith('member:') || t.credit.startsWith('card:');
      if (debitSide === creditSide) continue; // club↔club or inside a member's own accounts
      const sign = creditSide ? 1 : -1;
      const account = creditSide ? t.credit : t.debit;
      const amount = Number(t.amount);
      rows.push({
        at_ms: Number(t.at_ms),
        id: t.id,
        store_id: t.store_id,
        member_id: memberOfAccount(account) ?? null,
        kind: t.reason,
        amount_rial: t.unit === 'rial' ? sign * amount : 0,
        points: t.unit === 'points' ? sign * amount : 0,
        receipt_id: t.receipt_id,
        note: t.memo,
        order_key: key(Number(t.at_ms), t.device_id, Number(t.seq), 1, Number(t.op_index)),
      });
    }
    rows.sort((a, b) => (a.order_key < b.order_key ? -1 : a.order_key > b.order_key ? 1 : 0));
    let chunk = '';
    for (const row of rows) {
      chunk += line([new Date(row.at_ms).toISOString(), row.id, row.store_id, row.member_id, row.kind, row.amount_rial, row.points, row.receipt_id, row.note]);
      if (chunk.length > 64 * 1024) {
        yield chunk;
        chunk = '';
      }
    }
    if (chunk) yield chunk;
  }
}

/**
 * Every member's spendable and pending points now, and what the spendable points are worth
 * at the club's redemption rate (a liability for the accounts). Paged by member id.
 */
export async function* balancesCsv(db: Queryable, scope: Scope, rialPerPoint: number): AsyncGenerator<string> {
  yield BOM + line(BALANCE_COLUMNS);
  let afterId = '';
  for (;;) {
    const page = await db.query<{ id: string; name: string; store_id: string; points: string | number | null; pending: string | number | null }>(
      `SELECT m.id, m.name, m.store_id,
              (SELECT balance FROM balances WHERE account = 'member:' || m.id || ':points') AS points,
              (SELECT balance FROM balances WHERE account = 'member:' || m.id || ':pending') AS pending
       FROM members m WHERE m.id > $1 AND ($2::text[] IS NULL OR m.store_id = ANY($2::text[])) ORDER BY m.id LIMIT 2000`,
      [afterId, scope.storeIds],
    );
    if (page.rows.length === 0) return;
    let chunk = '';
    for (const row of page.rows) {
      const points = int(row.points);
      chunk += line([row.id, row.name, row.store_id, points, int(row.pending), points * rialPerPoint]);
    }
    yield chunk;
    afterId = page.rows[page.rows.length - 1]!.id;
  }
}
