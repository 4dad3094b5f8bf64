import { randomBytes } from 'node:crypto';
import type { Queryable } from '../db.js';
import { HqError } from '../errors.js';
import { queueLotteryDirective } from '../directives/queue.js';
import { seedHash } from '../../../firmware/src/loyalty/engagement/lottery.js';
import { LOTTERY_ID_PATTERN, LOTTERY_PRIZES_MAX, DIRECTIVE_POINTS_MAX } from '../../protocol/directives.js';

/**
 * Lottery rounds run by the head office. The head office makes the 32-byte seed, keeps it
 * secret and publishes only sha256(seed) (as the kiosk's `seedHash` computes it). Opening
 * queues a `lottery.open` directive for every registered, non-revoked kiosk of the target
 * stores; after closing time the draw queues a `lottery.draw` carrying the seed to those same
 * kiosks. Each kiosk draws its own ticket pool with that seed, so winners are per kiosk.
 */
export interface LotteryPrize {
  title: string;
  points?: number;
}

export interface OpenRoundRequest {
  lotteryId: string;
  title: string;
  prizes: LotteryPrize[];
  closesAtMs: number;
  /** The stores whose kiosks run the round; null = the whole chain. */
  storeIds: string[] | null;
  requestedBy: string;
  atMs: number;
}

export interface OpenedRound {
  lotteryId: string;
  seedHash: string;
  /** False when the same round was opened before (nothing new was queued). */
  created: boolean;
  kiosks: number;
}

const TITLE_MAX = 80;
const STORES_MAX = 200;
/** A round closes at least a minute and at most a year after it opens. */
const CLOSE_MIN_MS = 60_000;
const CLOSE_MAX_MS = 366 * 86_400_000;
const lotteryIdPattern = new RegExp(LOTTERY_ID_PATTERN);

const bad = (message: string): never => {
  throw new HqError('BAD_REQUEST', message);
};

function checkTitle(value: unknown, what: string): string {
  if (typeof value !== 'string' || value.trim().length === 0 || value.trim().length > TITLE_MAX) bad(`${what} must be 1 to ${TITLE_MAX} characters`);
  return (value as string).trim();
}

/** The request checked field by field; each refusal names the field. */
export function checkOpenRequest(request: OpenRoundRequest): OpenRoundRequest {
  if (typeof request.lotteryId !== 'string' || !lotteryIdPattern.test(request.lotteryId)) {
    bad('lotteryId must be 1 to 40 lower-case letters, digits or dashes, starting with a letter or digit');
  }
  const title = checkTitle(request.title, 'title');
  if (!Array.isArray(request.prizes) || request.prizes.length === 0 || request.prizes.length > LOTTERY_PRIZES_MAX) bad(`prizes must list 1 to ${LOTTERY_PRIZES_MAX} prizes`);
  const prizes = request.prizes.map((prize, index) => {
    const prizeTitle = checkTitle(prize?.title, `prize ${index + 1} title`);
    const points = prize.points;
    if (points !== undefined && (!Number.isSafeInteger(points) || points < 0 || points > DIRECTIVE_POINTS_MAX)) bad(`prize ${index + 1} points must be a whole number from 0 to ${DIRECTIVE_POINTS_MAX}`);
    return { title: prizeTitle, ...(points !== undefined && { points }) };
  });
  if (!Number.isSafeInteger(request.atMs) || request.atMs < 0) bad('atMs must be a time in milliseconds');
  if (!Number.isSafeInteger(request.closesAtMs) || request.closesAtMs < request.atMs + CLOSE_MIN_MS) bad('closesAtMs must be at least a minute from now');
  if (request.closesAtMs > request.atMs + CLOSE_MAX_MS) bad('closesAtMs must be within a year from now');
  let storeIds: string[] | null = null;
  if (request.storeIds !== null) {
    if (!Array.isArray(request.storeIds) || request.storeIds.length === 0 || request.storeIds.length > STORES_MAX) bad(`storeIds must list 1 to ${STORES_MAX} stores, or be null for the whole chain`);
    if (request.storeIds.some((id) => typeof id !== 'string' || id.length === 0 || id.length > 64)) bad('each store id must be 1 to 64 characters');
    storeIds = [...new Set(request.storeIds)].sort();
  }
  if (typeof request.requestedBy !== 'string' || request.requestedBy.length === 0) bad('requestedBy is required');
  return { ...request, title, prizes, storeIds };
}

/** A `lottery_rounds` row as queries return it (bigints may come as strings). */
export interface RoundRow {
  id: string;
  title: string;
  prizes: LotteryPrize[];
  closes_at_ms: string | number;
  store_ids: string[] | null;
  seed_hex: string;
  seed_hash: string;
  drawn_at_ms: string | number | null;
}

const sameStores = (a: string[] | null, b: string[] | null): boolean => (a === null || b === null ? a === b : a.length === b.length && a.every((id, index) => id === b[index]));
// Both lists are sorted: the request by checkOpenRequest, the stored one as it was stored.

async function lockRound(tx: Queryable, lotteryId: string): Promise<RoundRow | undefined> {
  return (await tx.query<RoundRow>('SELECT id, title, prizes, closes_at_ms, store_ids, seed_hex, seed_hash, drawn_at_ms FROM lottery_rounds WHERE id = $1 FOR UPDATE', [lotteryId])).rows[0];
}

/** Opens a round at the target stores' kiosks. Opening the same round again changes nothing. */
export async function openRound(tx: Queryable, raw: OpenRoundRequest): Promise<OpenedRound> {
  const request = checkOpenRequest(raw);
  const existing = await lockRound(tx, request.lotteryId);
  if (existing) {
    const same = existing.title === request.title && Number(existing.closes_at_ms) === request.closesAtMs &&
      JSON.stringify(existing.prizes) === JSON.stringify(request.prizes) && sameStores(request.storeIds, existing.store_ids);
    if (!same) throw new HqError('LOTTERY_REFUSED', `a different lottery round ${request.lotteryId} exists; choose another id`);
    const kiosks = await tx.query('SELECT 1 FROM lottery_round_kiosks WHERE lottery_id = $1', [request.lotteryId]);
    return { lotteryId: existing.id, seedHash: existing.seed_hash, created: false, kiosks: kiosks.rowCount };
  }
  const devices = (await tx.query<{ id: string; store_id: string }>(
    `SELECT id, store_id FROM devices WHERE revoked_at_ms IS NULL AND ($1::text[] IS NULL OR store_id = ANY($1::text[])) ORDER BY id`,
    [request.storeIds],
  )).rows;
  if (devices.length === 0) bad(request.storeIds === null ? 'the chain has no registered kiosk' : `no registered kiosk in store(s) ${request.storeIds.join(', ')}`);
  const seed = randomBytes(32).toString('hex');
  const hash = seedHash(seed);
  const inserted = await tx.query(
    `INSERT INTO lottery_rounds (id, title, prizes, closes_at_ms, store_ids, seed_hex, seed_hash, created_by, created_at_ms)
     VALUES ($1, $2, $3::jsonb, $4, $5, $6, $7, $8, $9) ON CONFLICT (id) DO NOTHING`,
    [request.lotteryId, request.title, JSON.stringify(request.prizes), request.closesAtMs, request.storeIds, seed, hash, request.requestedBy, request.atMs],
  );
  // Two managers opening the same new id at once: the second is told, nothing is queued twice.
  if (inserted.rowCount === 0) throw new HqError('LOTTERY_REFUSED', `lottery round ${request.lotteryId} was opened at this moment by someone else; reload`);
  const lottery = { lotteryId: request.lotteryId, title: request.title, seedHash: hash, closesAtMs: request.closesAtMs, prizes: request.prizes };
  for (const device of devices) {
    const { directiveId } = await queueLotteryDirective(tx, { kind: 'lottery.open', storeId: device.store_id, deviceId: device.id, lottery, requestedBy: request.requestedBy, atMs: request.atMs });
    await tx.query('INSERT INTO lottery_round_kiosks (lottery_id, device_id, store_id, open_directive_id) VALUES ($1, $2, $3, $4)', [request.lotteryId, device.id, device.store_id, directiveId]);
  }
  return { lotteryId: request.lotteryId, seedHash: hash, created: true, kiosks: devices.length };
}

export interface DrawRequest {
  lotteryId: string;
  requestedBy: string;
  atMs: number;
}

/**
 * After closing time: reveals the seed to every kiosk the round was opened at (except those
 * that refused the opening). Drawing again changes nothing.
 */
export async function drawRound(tx: Queryable, request: DrawRequest): Promise<{ lotteryId: string; seed: string; created: boolean; kiosks: number }> {
  const round = await lockRound(tx, request.lotteryId);
  if (!round) throw new HqError('NOT_FOUND', `no lottery round ${request.lotteryId}`);
  if (round.drawn_at_ms !== null) {
    const drawn = await tx.query('SELECT 1 FROM lottery_round_kiosks WHERE lottery_id = $1 AND draw_directive_id IS NOT NULL', [round.id]);
    return { lotteryId: round.id, seed: round.seed_hex, created: false, kiosks: drawn.rowCount };
  }
  if (request.atMs < Number(round.closes_at_ms)) throw new HqError('LOTTERY_REFUSED', 'tickets are still on sale; draw after the closing time');
  const kiosks = (await tx.query<{ device_id: string; store_id: string }>(
    `SELECT k.device_id, k.store_id FROM lottery_round_kiosks k JOIN directives_queue q ON q.id = k.open_directive_id
     WHERE k.lottery_id = $1 AND q.state <> 'failed' ORDER BY k.device_id`,
    [round.id],
  )).rows;
  const lottery = { lotteryId: round.id, seed: round.seed_hex };
  for (const kiosk of kiosks) {
    const { directiveId } = await queueLotteryDirective(tx, { kind: 'lottery.draw', storeId: kiosk.store_id, deviceId: kiosk.device_id, lottery, requestedBy: request.requestedBy, atMs: request.atMs });
    await tx.query('UPDATE lottery_round_kiosks SET draw_directive_id = $3 WHERE lottery_id = $1 AND device_id = $2', [round.id, kiosk.device_id, directiveId]);
  }
  await tx.query('UPDATE lottery_rounds SET drawn_at_ms = $2, drawn_by = $3 WHERE id = $1', [round.id, request.atMs, request.requestedBy]);
  return { lotteryId: round.id, seed: round.seed_hex, created: true, kiosks: kiosks.length };
}
