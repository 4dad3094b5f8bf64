import type { Db, Queryable } from '../db.js';
import { HqError } from '../errors.js';
import { escapeLike, type SearchTerm } from './search-terms.js';
import { canAccessStore, type StaffUser } from './types.js';

/** The people pages' reads: search, a member with cards and balances, their transfers. */
export interface MemberSummary {
  id: string;
  storeId: string;
  name: string;
  phone: string;
  createdAtMs: number;
  points: number;
  cards: Array<{ id: string; status: string; kind: string }>;
  /** Set when the member was found by one of their cards. */
  matchedCardId: string | null;
}

export const SEARCH_RESULTS_MAX = 50;

export async function searchMembers(db: Queryable, user: StaffUser, term: SearchTerm, limit: number): Promise<{ members: MemberSummary[]; more: boolean }> {
  const params: unknown[] = [user.storeIds, limit + 1];
  let match: string;
  switch (term.kind) {
    case 'mobile':
      params.push(term.phone);
      match = 'm.phone = $3';
      break;
    case 'digits':
      params.push(`%${escapeLike(term.digits)}%`, `%:${escapeLike(term.digits)}`);
      match = 'm.phone LIKE $3 OR m.id IN (SELECT c.member_id FROM cards c WHERE c.id LIKE $4)';
      break;
    case 'card':
      params.push(term.cardIds);
      match = 'm.id IN (SELECT c.member_id FROM cards c WHERE c.id = ANY($3::text[]))';
      break;
    case 'name':
      params.push(`%${escapeLike(term.name)}%`);
      match = 'm.name ILIKE $3';
      break;
  }
  const rows = (
    await db.query<{ id: string; store_id: string; name: string; phone: string; created_at_ms: number }>(
      `SELECT m.id, m.store_id, m.name, m.phone, m.created_at_ms FROM members m
       WHERE ($1::text[] IS NULL OR m.store_id = ANY($1::text[])) AND (${match})
       ORDER BY m.name, m.id LIMIT $2`,
      params,
    )
  ).rows;
  const page = rows.slice(0, limit);
  const ids = page.map((row) => row.id);
  const cards = ids.length === 0 ? [] : (await db.query<{ id: string; member_id: string; status: string; kind: string }>('SELECT id, member_id, status, kind FROM cards WHERE member_id = ANY($1::text[]) ORDER BY linked_at_ms', [ids])).rows;
  const points = ids.length === 0 ? [] : (await db.query<{ member_id: string; balance: number }>(`SELECT member_id, balance FROM balances WHERE member_id = ANY($1::text[]) AND unit = 'points' AND account = 'member:' || member_id || ':points'`, [ids])).rows;
  const matched = new Set(term.kind === 'card' ? term.cardIds : []);
  return {
    members: page.map((row) => {
      const own = cards.filter((card) => card.member_id === row.id).map(({ id, status, kind }) => ({ id, status, kind }));
      return {
        id: row.id,
        storeId: row.store_id,
        name: row.name,
        phone: row.phone,
        createdAtMs: Number(row.created_at_ms),
        points: Number(points.find((p) => p.member_id === row.id)?.balance ?? 0),
        cards: own,
        matchedCardId: own.find((card) => matched.has(card.id) || (term.kind === 'digits' && card.id.endsWith(`:${term.digits}`)))?.id ?? null,
      };
    }),
    more: rows.length > limit,
  };
}

/** The member's home store, after checking the user may see it (404 unknown, 403 outside scope). */
export async function memberStoreFor(db: Queryable, user: StaffUser, memberId: string): Promise<string> {
  const row = (await db.query<{ store_id: string }>('SELECT store_id FROM members WHERE id = $1', [memberId])).rows[0];
  if (!row) throw new HqError('NOT_FOUND', 'no member with this id');
  if (!canAccessStore(user, row.store_id)) throw new HqError('FORBIDDEN', "this member belongs to a store outside your access");
  return row.store_id;
}

/** The card's member and store, after the same checks. */
export async function cardOwnerFor(db: Queryable, user: StaffUser, cardId: string): Promise<{ memberId: string; storeId: string; status: string }> {
  const row = (
    await db.query<{ member_id: string; store_id: string | null; status: string }>(
      'SELECT c.member_id, m.store_id, c.status FROM cards c LEFT JOIN members m ON m.id = c.member_id WHERE c.id = $1',
      [cardId],
    )
  ).rows[0];
  if (!row) throw new HqError('NOT_FOUND', 'no card with this id');
  // A card whose member the head office has not seen yet is visible only to chain-wide roles.
  if (row.store_id === null ? user.storeIds !== null : !canAccessStore(user, row.store_id)) throw new HqError('FORBIDDEN', 'this card belongs to a store outside your access');
  return { memberId: row.member_id, storeId: row.store_id ?? '', status: row.status };
}

export interface MemberTransfer {
  id: string;
  atMs: number;
  deviceId: string;
  /** in: to the member's account; out: from it. */
  direction: 'in' | 'out';
  account: string;
  counterparty: string;
  amount: number;
  unit: string;
  reason: string;
  memo: string | null;
}

export interface TransferCursor {
  atMs: number;
  deviceId: string;
  seq: number;
  opIndex: number;
}

export const encodeCursor = (cursor: TransferCursor) => Buffer.from(JSON.stringify([cursor.atMs, cursor.deviceId, cursor.seq, cursor.opIndex])).toString('base64url');

export function decodeCursor(text: string): TransferCursor {
  try {
    const [atMs, deviceId, seq, opIndex] = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as unknown[];
    if (typeof atMs === 'number' && typeof deviceId === 'string' && typeof seq === 'number' && typeof opIndex === 'number') return { atMs, deviceId, seq, opIndex };
  } catch {
    // falls through to the error below
  }
  throw new HqError('BAD_REQUEST', 'before: not a cursor this server gave out');
}

/** The member's transfers, newest first, paged by a cursor (stable while new transfers arrive). */
export async function memberTransfers(db: Db, memberId: string, limit: number, before?: TransferCursor): Promise<{ transfers: MemberTransfer[]; next: string | null }> {
  const accounts = (await db.query<{ account: string }>('SELECT account FROM balances WHERE member_id = $1', [memberId])).rows.map((row) => row.account);
  if (accounts.length === 0) return { transfers: [], next: null };
  const params: unknown[] = [accounts, limit + 1];
  let after = '';
  if (before) {
    params.push(before.atMs, before.deviceId, before.seq, before.opIndex);
    after = 'AND (at_ms, device_id, seq, op_index) < ($3, $4, $5, $6)';
  }
  const rows = (
    await db.query<{ id: string; at_ms: number; device_id: string; seq: number; op_index: number; debit: string; credit: string; amount: number; unit: string; reason: string; memo: string | null }>(
      `SELECT id, at_ms, device_id, seq, op_index, debit, credit, amount, unit, reason, memo FROM transfers
       WHERE (debit = ANY($1::text[]) OR credit = ANY($1::text[])) ${after}
       ORDER BY at_ms DESC, device_id DESC, seq DESC, op_index DESC LIMIT $2`,
      params,
    )
  ).rows;
  const own = new Set(accounts);
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    transfers: page.map((row) => {
      const incoming = own.has(row.credit);
      return {
        id: row.id,
        atMs: Number(row.at_ms),
        deviceId: row.device_id,
        direction: incoming ? 'in' : 'out',
        account: incoming ? row.credit : row.debit,
        counterparty: incoming ? row.debit : row.credit,
        amount: Number(row.amount),
        unit: row.unit,
        reason: row.reason,
        memo: row.memo,
      };
    }),
    next: rows.length > limit && last ? encodeCursor({ atMs: Number(last.at_ms), deviceId: last.device_id, seq: Number(last.seq), opIndex: Number(last.op_index) }) : null,
  };
}
