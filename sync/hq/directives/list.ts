import type { Queryable } from '../db.js';
import type { DirectiveKind, DirectiveState } from './queue.js';

/** Directives as the dashboard lists them, newest first, with their delivery state. */
export interface DirectiveView {
  directiveId: string;
  storeId: string;
  /** The kiosk the directive is for (the one whose ledger holds the member). */
  deviceId: string;
  kind: DirectiveKind;
  /** Adjust: the member; merge: the survivor; null for lottery rounds. */
  memberId: string | null;
  /** Merge: the member whose cards and points move to `memberId`. */
  mergedMemberId: string | null;
  points: number | null;
  reason: string | null;
  /** lottery.open / lottery.draw: the head-office round. */
  lotteryId: string | null;
  requestedBy: string;
  state: DirectiveState;
  /** The kiosk ledger's error code when `state` is `failed` (e.g. INSUFFICIENT_BALANCE). */
  failureCode: string | null;
  failureMessage: string | null;
  createdAtMs: number;
  deliveredAtMs: number | null;
  /** When the kiosk applied or refused it. */
  settledAtMs: number | null;
}

export interface DirectiveFilter {
  /** Directives about this member (as the member, the survivor or the merged one). */
  memberId?: string;
  state?: DirectiveState;
  storeId?: string;
  /** The directives of one head-office lottery round. */
  lotteryId?: string;
  /** At most 500; default 100. */
  limit?: number;
}

interface Row {
  id: string;
  store_id: string;
  device_id: string;
  kind: DirectiveKind;
  member_id: string | null;
  merged_member_id: string | null;
  points: number | null;
  reason: string | null;
  lottery_id: string | null;
  requested_by: string;
  state: DirectiveState;
  failure_code: string | null;
  failure_message: string | null;
  created_at_ms: number;
  delivered_at_ms: number | null;
  settled_at_ms: number | null;
}

const orNull = (value: number | null): number | null => (value === null ? null : Number(value));

export async function listDirectives(db: Queryable, filter: DirectiveFilter = {}): Promise<DirectiveView[]> {
  const limit = Math.max(1, Math.min(500, Math.floor(filter.limit ?? 100)));
  const rows = await db.query<Row>(
    `SELECT * FROM directives_queue
     WHERE ($1::text IS NULL OR member_id = $1 OR merged_member_id = $1) AND ($2::text IS NULL OR state = $2) AND ($3::text IS NULL OR store_id = $3)
       AND ($5::text IS NULL OR lottery_id = $5)
     ORDER BY created_at_ms DESC, id DESC LIMIT $4`,
    [filter.memberId ?? null, filter.state ?? null, filter.storeId ?? null, limit, filter.lotteryId ?? null],
  );
  return rows.rows.map((row) => ({
    directiveId: row.id,
    storeId: row.store_id,
    deviceId: row.device_id,
    kind: row.kind,
    memberId: row.member_id,
    mergedMemberId: row.merged_member_id,
    points: orNull(row.points),
    reason: row.reason,
    lotteryId: row.lottery_id,
    requestedBy: row.requested_by,
    state: row.state,
    failureCode: row.failure_code,
    failureMessage: row.failure_message,
    createdAtMs: Number(row.created_at_ms),
    deliveredAtMs: orNull(row.delivered_at_ms),
    settledAtMs: orNull(row.settled_at_ms),
  }));
}

/** The member a merged member now lives on as, or undefined. */
export async function survivorOf(db: Queryable, memberId: string): Promise<string | undefined> {
  const row = (await db.query<{ survivor_member_id: string }>('SELECT survivor_member_id FROM directives_merged_members WHERE merged_member_id = $1', [memberId])).rows[0];
  return row?.survivor_member_id;
}
