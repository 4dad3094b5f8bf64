import { randomBytes } from 'node:crypto';
import type { Queryable } from '../db.js';
import { HqError } from '../errors.js';
import { DIRECTIVE_POINTS_MAX, type LotteryDirective } from '../../protocol/directives.js';

/**
 * The head office's side of directives: a card blocked chain-wide at once (a new revision, so
 * every kiosk pulls it), and adjustments and merges queued for the kiosk whose ledger holds
 * the member. A kiosk's books are its own: the head office never changes a balance itself,
 * it asks the kiosk, which journals the change, and books it when the record comes back.
 */
export type DirectiveKind = 'adjust' | 'merge' | 'lottery.open' | 'lottery.draw';
export type DirectiveState = 'queued' | 'delivered' | 'applied' | 'failed';

export interface AdjustmentRequest {
  memberId: string;
  /** Signed: positive credits the member, negative debits. A whole number other than 0. */
  points: number;
  reason: string;
  /** The dashboard user who asked (their username), recorded with the directive. */
  requestedBy: string;
  atMs: number;
}

export interface MergeRequest {
  survivorMemberId: string;
  mergedMemberId: string;
  requestedBy: string;
  atMs: number;
}

const REASON_MAX = 200;
const REQUESTED_BY_MAX = 100;
const BLOCK_REASON_MAX = 200;

function text(value: unknown, what: string, max: number): string {
  if (typeof value !== 'string' || value.trim().length === 0 || value.length > max) throw new HqError('BAD_REQUEST', `${what} must be 1 to ${max} characters`);
  return value.trim();
}

function atMsOf(value: unknown): number {
  if (!Number.isSafeInteger(value) || (value as number) < 0) throw new HqError('BAD_REQUEST', 'atMs must be a time in milliseconds');
  return value as number;
}

/** Marks the card blocked at the head office (new revision) so every kiosk refuses it after its next pull; idempotent. */
export async function blockCard(tx: Queryable, cardId: string, reason: string, atMs: number): Promise<void> {
  const why = text(reason, 'reason', BLOCK_REASON_MAX);
  const updated = await tx.query(
    `UPDATE cards SET status = 'blocked', blocked_at_ms = $2, block_reason = $3, revision = nextval('change_revision')
     WHERE id = $1 AND status <> 'blocked'`,
    [cardId, atMsOf(atMs), why],
  );
  if (updated.rowCount > 0) return;
  const exists = await tx.query('SELECT 1 FROM cards WHERE id = $1', [cardId]);
  if (exists.rowCount === 0) throw new HqError('NOT_FOUND', 'unknown card');
}

interface Home {
  storeId: string;
  deviceId: string;
}

/**
 * The store and the kiosk whose ledger holds the member: the device that journaled the
 * member's enrolment. A directive goes to that kiosk only; another kiosk of the store would
 * not know the member.
 */
async function homeOf(tx: Queryable, memberId: string): Promise<Home> {
  const member = (await tx.query<{ store_id: string }>('SELECT store_id FROM members WHERE id = $1', [memberId])).rows[0];
  if (!member) throw new HqError('NOT_FOUND', `unknown member ${memberId}`);
  const merged = await tx.query('SELECT 1 FROM directives_merged_members WHERE merged_member_id = $1', [memberId]);
  if (merged.rowCount > 0) throw new HqError('MERGE_REFUSED', `member ${memberId} was merged into another member`);
  const device = (await tx.query<{ device_id: string }>('SELECT device_id FROM directives_member_homes WHERE member_id = $1', [memberId])).rows[0];
  if (!device) throw new HqError('NOT_FOUND', `no kiosk of store ${member.store_id} enrolled member ${memberId}`);
  return { storeId: member.store_id, deviceId: device.device_id };
}

const newDirectiveId = (): string => `d_${randomBytes(12).toString('base64url')}`;

/** Queues a ± points adjustment for the kiosk that holds the member. */
export async function queueAdjustment(tx: Queryable, request: AdjustmentRequest): Promise<{ directiveId: string }> {
  const { points } = request;
  if (!Number.isSafeInteger(points) || points === 0 || Math.abs(points) > DIRECTIVE_POINTS_MAX) {
    throw new HqError('BAD_REQUEST', `points must be a whole number other than 0, at most ${DIRECTIVE_POINTS_MAX} either way`);
  }
  const reason = text(request.reason, 'reason', REASON_MAX);
  const requestedBy = text(request.requestedBy, 'requestedBy', REQUESTED_BY_MAX);
  const atMs = atMsOf(request.atMs);
  const home = await homeOf(tx, request.memberId);
  const directiveId = newDirectiveId();
  await tx.query(
    `INSERT INTO directives_queue (id, store_id, device_id, kind, member_id, points, reason, requested_by, created_at_ms)
     VALUES ($1, $2, $3, 'adjust', $4, $5, $6, $7, $8)`,
    [directiveId, home.storeId, home.deviceId, request.memberId, points, reason, requestedBy, atMs],
  );
  return { directiveId };
}

/**
 * Queues a merge of a duplicate member into the survivor. Both must be enrolled at the same
 * kiosk: a merge moves balances inside one kiosk's books, and points cannot cross stores.
 */
export async function queueMerge(tx: Queryable, request: MergeRequest): Promise<{ directiveId: string }> {
  const { survivorMemberId, mergedMemberId } = request;
  if (survivorMemberId === mergedMemberId) throw new HqError('MERGE_REFUSED', 'a member cannot be merged into itself');
  const requestedBy = text(request.requestedBy, 'requestedBy', REQUESTED_BY_MAX);
  const atMs = atMsOf(request.atMs);
  const survivor = await homeOf(tx, survivorMemberId);
  const merged = await homeOf(tx, mergedMemberId);
  if (survivor.storeId !== merged.storeId) {
    throw new HqError('MERGE_REFUSED', `the members belong to different stores (${survivor.storeId}, ${merged.storeId}); only members of one store can be merged`);
  }
  if (survivor.deviceId !== merged.deviceId) {
    throw new HqError('MERGE_REFUSED', `the members were enrolled at different kiosks (${survivor.deviceId}, ${merged.deviceId}); only members of one kiosk can be merged`);
  }
  const open = await tx.query(
    `SELECT 1 FROM directives_queue WHERE kind = 'merge' AND state IN ('queued', 'delivered')
       AND (member_id = ANY($1::text[]) OR merged_member_id = ANY($1::text[]))`,
    [[survivorMemberId, mergedMemberId]],
  );
  if (open.rowCount > 0) throw new HqError('MERGE_REFUSED', 'a merge of one of these members is already on its way');
  const directiveId = newDirectiveId();
  await tx.query(
    `INSERT INTO directives_queue (id, store_id, device_id, kind, member_id, merged_member_id, requested_by, created_at_ms)
     VALUES ($1, $2, $3, 'merge', $4, $5, $6, $7)`,
    [directiveId, survivor.storeId, survivor.deviceId, survivorMemberId, mergedMemberId, requestedBy, atMs],
  );
  return { directiveId };
}

export interface LotteryDirectiveRequest {
  kind: 'lottery.open' | 'lottery.draw';
  storeId: string;
  deviceId: string;
  /** Checked by the caller (sync/hq/lottery) and again by the kiosk's loyalty module. */
  lottery: LotteryDirective;
  requestedBy: string;
  atMs: number;
}

/** Queues a head-office lottery round's open or draw for one kiosk (sync/hq/lottery decides which kiosks). */
export async function queueLotteryDirective(tx: Queryable, request: LotteryDirectiveRequest): Promise<{ directiveId: string }> {
  const requestedBy = text(request.requestedBy, 'requestedBy', REQUESTED_BY_MAX);
  const directiveId = newDirectiveId();
  await tx.query(
    `INSERT INTO directives_queue (id, store_id, device_id, kind, lottery_id, lottery, requested_by, created_at_ms)
     VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $8)`,
    [directiveId, request.storeId, request.deviceId, request.kind, request.lottery.lotteryId, JSON.stringify(request.lottery), requestedBy, atMsOf(request.atMs)],
  );
  return { directiveId };
}
