import type { Queryable } from '../db.js';
import { listDirectives, type DirectiveView } from '../directives/list.js';
import type { DirectiveState } from '../directives/queue.js';
import type { LotteryPrize, RoundRow as RoundRowCore } from './rounds.js';

/**
 * Lottery rounds as the dashboard shows them: per kiosk, where its open and draw directives
 * are (from `listDirectives`), and after the draw the winners the kiosk journaled (the draw
 * record's result, as it reached the head office). The seed appears only once drawn.
 */
export interface DirectiveProgress {
  directiveId: string;
  state: DirectiveState;
  failureCode: string | null;
  failureMessage: string | null;
}

export interface KioskWinner {
  prizeIndex: number;
  /** The ticket's index in the kiosk's ticket list (purchase order). */
  ticket: number;
  memberId: string;
}

export interface RoundKioskView {
  deviceId: string;
  storeId: string;
  open: DirectiveProgress | null;
  draw: DirectiveProgress | null;
  /** Null until the kiosk's draw record reached the head office. */
  winners: KioskWinner[] | null;
}

export interface RoundView {
  lotteryId: string;
  title: string;
  prizes: LotteryPrize[];
  closesAtMs: number;
  storeIds: string[] | null;
  seedHash: string;
  /** Revealed by the draw; null before. */
  seed: string | null;
  createdBy: string;
  createdAtMs: number;
  drawnAtMs: number | null;
  kiosks: RoundKioskView[];
}

interface RoundRow extends RoundRowCore {
  created_by: string;
  created_at_ms: string | number;
}

interface KioskRow {
  device_id: string;
  store_id: string;
  open_directive_id: string;
  draw_directive_id: string | null;
}

const ROUNDS_MAX = 50;

const progressOf = (directive: DirectiveView | undefined): DirectiveProgress | null =>
  directive ? { directiveId: directive.directiveId, state: directive.state, failureCode: directive.failureCode, failureMessage: directive.failureMessage } : null;

/** The winners in a kiosk's `lottery.draw` result; anything else (a malformed record) is none. */
export function winnersOfResult(result: unknown): KioskWinner[] | null {
  const winners = (result as { winners?: unknown } | null)?.winners;
  if (!Array.isArray(winners)) return null;
  const valid = winners.every((w: { prizeIndex?: unknown; ticket?: unknown; memberId?: unknown }) =>
    Number.isSafeInteger(w?.prizeIndex) && Number.isSafeInteger(w?.ticket) && typeof w?.memberId === 'string');
  return valid ? (winners as KioskWinner[]).map(({ prizeIndex, ticket, memberId }) => ({ prizeIndex, ticket, memberId })) : null;
}

async function winnersByDirective(db: Queryable, lotteryId: string): Promise<Map<string, KioskWinner[] | null>> {
  const rows = (await db.query<{ id: string; result: unknown }>(
    `SELECT q.id, j.record->'results'->0 AS result FROM directives_queue q
     JOIN journal j ON j.device_id = q.device_id AND j.seq = q.settled_seq
     WHERE q.lottery_id = $1 AND q.kind = 'lottery.draw' AND q.state = 'applied'`,
    [lotteryId],
  )).rows;
  return new Map(rows.map((row) => [row.id, winnersOfResult(row.result)]));
}

export async function listRounds(db: Queryable): Promise<RoundView[]> {
  const rounds = (await db.query<RoundRow>(
    `SELECT id, title, prizes, closes_at_ms, store_ids, seed_hex, seed_hash, created_by, created_at_ms, drawn_at_ms
     FROM lottery_rounds ORDER BY created_at_ms DESC, id LIMIT $1`,
    [ROUNDS_MAX],
  )).rows;
  const views: RoundView[] = [];
  for (const round of rounds) {
    const kiosks = (await db.query<KioskRow>('SELECT device_id, store_id, open_directive_id, draw_directive_id FROM lottery_round_kiosks WHERE lottery_id = $1 ORDER BY device_id', [round.id])).rows;
    const directives = new Map((await listDirectives(db, { lotteryId: round.id, limit: 500 })).map((d) => [d.directiveId, d]));
    const winners = round.drawn_at_ms === null ? new Map<string, KioskWinner[] | null>() : await winnersByDirective(db, round.id);
    views.push({
      lotteryId: round.id,
      title: round.title,
      prizes: round.prizes,
      closesAtMs: Number(round.closes_at_ms),
      storeIds: round.store_ids,
      seedHash: round.seed_hash,
      // The seed stays secret until the draw: revealing it earlier would let anyone pick winners.
      seed: round.drawn_at_ms === null ? null : round.seed_hex,
      createdBy: round.created_by,
      createdAtMs: Number(round.created_at_ms),
      drawnAtMs: round.drawn_at_ms === null ? null : Number(round.drawn_at_ms),
      kiosks: kiosks.map((kiosk) => ({
        deviceId: kiosk.device_id,
        storeId: kiosk.store_id,
        open: progressOf(directives.get(kiosk.open_directive_id)),
        draw: kiosk.draw_directive_id === null ? null : progressOf(directives.get(kiosk.draw_directive_id)),
        winners: kiosk.draw_directive_id === null ? null : (winners.get(kiosk.draw_directive_id) ?? null),
      })),
    });
  }
  return views;
}
