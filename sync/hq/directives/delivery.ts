import type { Queryable } from '../db.js';
import {
  DIRECTIVE_REFUSE_OP,
  DIRECTIVES_PER_PULL_MAX,
  directiveIdOfCommit,
  type Directive,
  type LotteryDirective,
} from '../../protocol/directives.js';
import type { WireJournalEntry } from '../../protocol/messages.js';

/**
 * Directives travel in the pull until the kiosk's journal says they were done: a directive is
 * `delivered` once a kiosk pulled it, and `applied` or `failed` when the kiosk's record with
 * commit id `hq:<directiveId>` arrives. Redelivery is harmless, the kiosk's ledger refuses to
 * apply a commit id twice; so a kiosk that crashed anywhere in between gets it again.
 */
interface QueueRow {
  id: string;
  kind: Directive['kind'];
  member_id: string | null;
  merged_member_id: string | null;
  points: number | null;
  reason: string | null;
  lottery: LotteryDirective | null;
  requested_by: string;
  created_at_ms: number;
}

/** The device's open directives, oldest first (bounded), marked delivered. */
export async function deliverDirectives(tx: Queryable, deviceId: string, nowMs: number, limit = DIRECTIVES_PER_PULL_MAX): Promise<Directive[]> {
  const rows = (await tx.query<QueueRow>(
    `UPDATE directives_queue SET state = CASE WHEN state = 'queued' THEN 'delivered' ELSE state END,
       delivered_at_ms = COALESCE(delivered_at_ms, $2), deliveries = deliveries + 1
     WHERE id IN (SELECT id FROM directives_queue WHERE device_id = $1 AND state IN ('queued', 'delivered') ORDER BY created_at_ms, id LIMIT $3)
     RETURNING id, kind, member_id, merged_member_id, points, reason, lottery, requested_by, created_at_ms`,
    [deviceId, nowMs, Math.min(limit, DIRECTIVES_PER_PULL_MAX)],
  )).rows;
  rows.sort((a, b) => Number(a.created_at_ms) - Number(b.created_at_ms) || (a.id < b.id ? -1 : 1));
  return rows.map((row) => ({
    id: row.id,
    kind: row.kind,
    ...(row.member_id !== null && { memberId: row.member_id }),
    ...(row.merged_member_id !== null && { mergedMemberId: row.merged_member_id }),
    ...(row.points !== null && { points: Number(row.points) }),
    ...(row.reason !== null && { reason: row.reason }),
    ...(row.lottery !== null && { lottery: row.lottery }),
    requestedBy: row.requested_by,
    createdAtMs: Number(row.created_at_ms),
  }));
}

interface Settlement {
  directiveId: string;
  seq: number;
  atMs: number;
  failure?: { code: string; message: string };
}

/** The directives an ingested batch carried out or refused. */
export function settlementsOf(entries: WireJournalEntry[]): Settlement[] {
  const found: Settlement[] = [];
  for (const entry of entries) {
    const directiveId = directiveIdOfCommit(entry.record.id);
    if (directiveId === undefined) continue;
    const refusal = entry.record.ops.find((op) => op.op === DIRECTIVE_REFUSE_OP) as { code?: unknown; message?: unknown } | undefined;
    found.push({
      directiveId,
      seq: entry.seq,
      atMs: entry.record.at.atMs,
      ...(refusal && { failure: { code: String(refusal.code ?? 'REFUSED').slice(0, 64), message: String(refusal.message ?? '').slice(0, 300) } }),
    });
  }
  return found;
}

/** Records the outcome of each settled directive; only the device it was queued for can settle it. */
export async function settleDirectives(tx: Queryable, deviceId: string, settlements: Settlement[]): Promise<void> {
  for (const settlement of settlements) {
    await tx.query(
      `UPDATE directives_queue SET state = $3, failure_code = $4, failure_message = $5, settled_at_ms = $6, settled_seq = $7
       WHERE id = $1 AND device_id = $2 AND state IN ('queued', 'delivered')`,
      [
        settlement.directiveId,
        deviceId,
        settlement.failure ? 'failed' : 'applied',
        settlement.failure?.code ?? null,
        settlement.failure?.message ?? null,
        settlement.atMs,
        settlement.seq,
      ],
    );
  }
}

/**
 * Books a merge journaled by a kiosk: the merged member's cards now belong to the survivor
 * and the merged member is marked. The balances moved with it are in the record's postings
 * and are booked with them.
 */
export async function bookMerge(tx: Queryable, deviceId: string, entry: WireJournalEntry, op: { survivorMemberId?: unknown; mergedMemberId?: unknown }): Promise<boolean> {
  const { survivorMemberId, mergedMemberId } = op;
  if (typeof survivorMemberId !== 'string' || typeof mergedMemberId !== 'string' || survivorMemberId === mergedMemberId) return false;
  await tx.query(`UPDATE cards SET member_id = $1, revision = nextval('change_revision') WHERE member_id = $2`, [survivorMemberId, mergedMemberId]);
  await tx.query(
    `INSERT INTO directives_merged_members (merged_member_id, survivor_member_id, device_id, seq, at_ms) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`,
    [mergedMemberId, survivorMemberId, deviceId, entry.seq, entry.record.at.atMs],
  );
  await tx.query(`UPDATE members SET revision = nextval('change_revision') WHERE id = ANY($1::text[])`, [[survivorMemberId, mergedMemberId].sort()]);
  return true;
}

/** Remembers which kiosk enrolled each member (the first one to journal it), where its directives go. */
export async function recordMemberHomes(tx: Queryable, deviceId: string, memberIds: string[]): Promise<void> {
  if (memberIds.length === 0) return;
  await tx.query(
    `INSERT INTO directives_member_homes (member_id, device_id) SELECT m, $1 FROM unnest($2::text[]) AS m ON CONFLICT DO NOTHING`,
    [deviceId, [...new Set(memberIds)].sort()],
  );
}
