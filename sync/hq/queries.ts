import type { CardView, MemberView, PullRequest, PullResponse, SyncDocument } from '../protocol/messages.js';
import type { Db, Queryable } from './db.js';
import { HqError } from './errors.js';

/** Read side of the head office: what kiosks pull and what the chain API lists. */
interface MemberRow {
  id: string;
  store_id: string;
  name: string;
  phone: string;
  birthday: string | null;
  anniversary: string | null;
  sms_consent: boolean;
  interests: string[];
  created_at_ms: number;
  updated_at_ms: number;
  revision: number;
}

interface CardRow {
  id: string;
  member_id: string;
  kind: string;
  status: string;
  linked_at_ms: number;
  blocked_at_ms: number | null;
  block_reason: string | null;
  replaced_by: string | null;
  revision: number;
}

async function balancesOf(db: Queryable, memberIds: string[]): Promise<Map<string, Record<string, number>>> {
  const byMember = new Map<string, Record<string, number>>();
  if (memberIds.length === 0) return byMember;
  const rows = await db.query<{ account: string; member_id: string; balance: number }>(
    'SELECT account, member_id, balance FROM balances WHERE member_id = ANY($1::text[])',
    [memberIds],
  );
  for (const row of rows.rows) {
    const purpose = row.account.slice(row.account.lastIndexOf(':') + 1);
    const balances = byMember.get(row.member_id) ?? {};
    balances[purpose] = Number(row.balance);
    byMember.set(row.member_id, balances);
  }
  return byMember;
}

function memberView(row: MemberRow, balances: Record<string, number> | undefined): MemberView {
  return {
    id: row.id,
    storeId: row.store_id,
    name: row.name,
    phone: row.phone,
    birthday: row.birthday,
    anniversary: row.anniversary,
    smsConsent: row.sms_consent,
    interests: row.interests,
    createdAtMs: Number(row.created_at_ms),
    updatedAtMs: Number(row.updated_at_ms),
    balances: balances ?? {},
    revision: Number(row.revision),
  };
}

function cardView(row: CardRow): CardView {
  return {
    id: row.id,
    memberId: row.member_id,
    kind: row.kind,
    status: row.status,
    linkedAtMs: Number(row.linked_at_ms),
    blockedAtMs: row.blocked_at_ms === null ? null : Number(row.blocked_at_ms),
    blockReason: row.block_reason,
    replacedBy: row.replaced_by,
    revision: Number(row.revision),
  };
}

async function membersWithBalances(db: Queryable, rows: MemberRow[]): Promise<MemberView[]> {
  const balances = await balancesOf(db, rows.map((row) => row.id));
  return rows.map((row) => memberView(row, balances.get(row.id)));
}

/**
 * What a store's kiosk pulls: its store's members (with balances) and their cards changed
 * after `afterRevision`, the chain's newly blocked cards, and documents newer than it has.
 * Members and cards share one revision sequence, so one cursor pages through both.
 */
export async function pullForStore(db: Db, storeId: string, request: PullRequest, nowMs: number): Promise<PullResponse> {
  const { afterRevision, limit } = request;
  const members = (await db.query<MemberRow>('SELECT * FROM members WHERE store_id = $1 AND revision > $2 ORDER BY revision LIMIT $3', [storeId, afterRevision, limit])).rows;
  const cards = (await db.query<CardRow>(
    `SELECT c.* FROM cards c JOIN members m ON m.id = c.member_id WHERE m.store_id = $1 AND c.revision > $2 ORDER BY c.revision LIMIT $3`,
    [storeId, afterRevision, limit],
  )).rows;
  const blocked = (await db.query<{ id: string; revision: number }>(
    `SELECT id, revision FROM cards WHERE status = 'blocked' AND revision > $1 ORDER BY revision LIMIT $2`,
    [afterRevision, limit],
  )).rows;
  // A full list may have more after it: stop every list at the lowest such cut, page on from there.
  const lists = [members, cards, blocked];
  const cuts = lists.filter((list) => list.length === limit).map((list) => Number(list[list.length - 1]!.revision));
  const seen = lists.flatMap((list) => list.map((row) => Number(row.revision)));
  const ceiling = cuts.length > 0 ? Math.min(...cuts) : Math.max(afterRevision, ...seen);
  const upTo = <R extends { revision: number }>(list: R[]) => list.filter((row) => Number(row.revision) <= ceiling);
  return {
    storeId,
    members: await membersWithBalances(db, upTo(members)),
    cards: upTo(cards).map(cardView),
    blockedCards: upTo(blocked).map((row) => row.id),
    documents: await documentsNewerThan(db, request.documentVersions),
    // Filled per device by the pull route (sync/hq/directives); a bundle carries none.
    directives: [],
    nextRevision: ceiling,
    more: cuts.length > 0,
    serverTimeMs: nowMs,
  };
}

export async function lookupCard(db: Db, cardId: string): Promise<{ card: CardView; member: MemberView | null }> {
  const card = (await db.query<CardRow>('SELECT * FROM cards WHERE id = $1', [cardId])).rows[0];
  if (!card) throw new HqError('NOT_FOUND', 'unknown card');
  const member = (await db.query<MemberRow>('SELECT * FROM members WHERE id = $1', [card.member_id])).rows;
  return { card: cardView(card), member: (await membersWithBalances(db, member))[0] ?? null };
}

export async function listMembers(db: Db, filter: { storeId?: string; afterId?: string; limit: number }): Promise<MemberView[]> {
  const rows = (await db.query<MemberRow>(
    'SELECT * FROM members WHERE ($1::text IS NULL OR store_id = $1) AND id > $2 ORDER BY id LIMIT $3',
    [filter.storeId ?? null, filter.afterId ?? '', filter.limit],
  )).rows;
  return membersWithBalances(db, rows);
}

export async function getMember(db: Db, memberId: string): Promise<{ member: MemberView; cards: CardView[] }> {
  const rows = (await db.query<MemberRow>('SELECT * FROM members WHERE id = $1', [memberId])).rows;
  if (rows.length === 0) throw new HqError('NOT_FOUND', 'unknown member');
  const cards = (await db.query<CardRow>('SELECT * FROM cards WHERE member_id = $1 ORDER BY linked_at_ms', [memberId])).rows;
  return { member: (await membersWithBalances(db, rows))[0]!, cards: cards.map(cardView) };
}

export async function listBalances(db: Db, prefix: string, limit: number): Promise<Array<{ account: string; unit: string; balance: number }>> {
  const rows = await db.query<{ account: string; unit: string; balance: number }>(
    `SELECT account, unit, balance FROM balances WHERE starts_with(account, $1) ORDER BY account LIMIT $2`,
    [prefix, limit],
  );
  return rows.rows.map((row) => ({ ...row, balance: Number(row.balance) }));
}

export interface TransferView {
  id: string;
  deviceId: string;
  seq: number;
  debit: string;
  credit: string;
  amount: number;
  unit: string;
  reason: string;
  memo: string | null;
  ref: Record<string, string> | null;
  atMs: number;
}

export async function listTransfers(db: Db, filter: { account?: string; limit: number; beforeAtMs?: number }): Promise<TransferView[]> {
  const rows = await db.query<TransferView>(
    `SELECT id, device_id AS "deviceId", seq, debit, credit, amount, unit, reason, memo, ref, at_ms AS "atMs" FROM transfers
     WHERE ($1::text IS NULL OR debit = $1 OR credit = $1) AND at_ms < $2 ORDER BY at_ms DESC, id LIMIT $3`,
    [filter.account ?? null, filter.beforeAtMs ?? Number.MAX_SAFE_INTEGER, filter.limit],
  );
  return rows.rows.map((row) => ({ ...row, seq: Number(row.seq), amount: Number(row.amount), atMs: Number(row.atMs) }));
}

export async function listConflicts(db: Db, status: string, limit: number): Promise<Array<Record<string, unknown>>> {
  const rows = await db.query(
    `SELECT id, device_id AS "deviceId", seq, op_index AS "opIndex", kind, subject, details, status, created_at_ms AS "createdAtMs"
     FROM conflicts WHERE status = $1 ORDER BY id LIMIT $2`,
    [status, limit],
  );
  return rows.rows;
}

export async function documentsNewerThan(db: Queryable, known: Record<string, number>): Promise<SyncDocument[]> {
  const rows = await db.query<{ kind: string; version: number; body: unknown; updated_at_ms: number }>('SELECT kind, version, body, updated_at_ms FROM documents ORDER BY kind');
  return rows.rows
    .filter((row) => row.version > (known[row.kind] ?? 0))
    .map((row) => ({ kind: row.kind, version: row.version, body: row.body, updatedAtMs: Number(row.updated_at_ms) }));
}

/** Replaces a document if `expectedVersion` is its current version (0: it must not exist yet). */
export async function putDocument(db: Db, kind: string, expectedVersion: number, body: unknown, nowMs: number): Promise<number> {
  const result = expectedVersion === 0
    ? await db.query('INSERT INTO documents (kind, version, body, updated_at_ms) VALUES ($1, 1, $2::jsonb, $3) ON CONFLICT DO NOTHING', [kind, JSON.stringify(body), nowMs])
    : await db.query('UPDATE documents SET version = version + 1, body = $3::jsonb, updated_at_ms = $4 WHERE kind = $1 AND version = $2', [kind, expectedVersion, JSON.stringify(body), nowMs]);
  if (result.rowCount === 0) throw new HqError('VERSION_CONFLICT', 'the document changed since that version');
  return expectedVersion + 1;
}

/** Counts for the health endpoint and the CLI. */
export async function chainCounts(db: Db): Promise<Record<string, number>> {
  const row = (await db.query<Record<string, number>>(
    `SELECT (SELECT count(*) FROM journal) AS records, (SELECT count(*) FROM members) AS members, (SELECT count(*) FROM cards) AS cards,
       (SELECT count(*) FROM unapplied_ops) AS "unappliedOps", (SELECT count(*) FROM conflicts WHERE status = 'open') AS "openConflicts",
       (SELECT count(*) FROM devices) AS devices`,
  )).rows[0]!;
  return Object.fromEntries(Object.entries(row).map(([key, value]) => [key, Number(value)]));
}
