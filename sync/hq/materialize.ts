import type { WireJournalEntry } from '../protocol/messages.js';
import type { Queryable } from './db.js';
import { PendingEnrolments } from './enrolments.js';
import {
  coreOpProblem,
  isCoreOpName,
  memberOfAccount,
  mustStayNonNegative,
  type CardBlock,
  type CardLink,
  type MemberCreate,
  type MemberUpdate,
  type TransferOp,
} from './core-ops.js';
import { bookMerge, recordMemberHomes, settleDirectives, settlementsOf } from './directives/delivery.js';
import { MEMBER_MERGE_OP } from '../protocol/directives.js';

/**
 * Applies ingested journal records to the chain's tables with the ledger's core semantics:
 * members, cards, double-entry transfers. Unlike the kiosk, the head office never refuses an
 * op (it already happened in a store): what the kiosk would have refused here — a balance going
 * below zero after merging stores, a card linked twice, an unknown member — is applied where
 * possible and flagged in `conflicts` for review. Ops it does not know are kept in the journal
 * and listed in `unapplied_ops`.
 */
interface Movement {
  delta: number;
  unit: string;
  seq: number;
  opIndex: number;
}

interface Conflict {
  seq: number;
  opIndex: number;
  kind: string;
  subject: string;
  details: Record<string, unknown>;
}

export interface MaterializeSummary {
  applied: number;
  unapplied: number;
  conflicts: number;
}

class BatchContext {
  readonly movements = new Map<string, Movement[]>();
  readonly transfers: Array<{ seq: number; opIndex: number; id: string; op: TransferOp; atMs: number }> = [];
  readonly unapplied: Array<{ seq: number; opIndex: number; op: string; reason: string }> = [];
  readonly conflicts: Conflict[] = [];
  readonly enrolments = new PendingEnrolments();
  applied = 0;
}

/** A transfer as the kiosk's ledger lists it in a record's `postings`. */
type Posting = TransferOp & { id: string };

/**
 * Records written by a current kiosk list every transfer they made (`postings`), including
 * those made inside module operations (a purchase earning points, a voucher spending them).
 * Their points are booked from the postings; the module operations themselves need no
 * interpreting here. Older records without postings are booked from their transfer ops.
 */
function postingsOf(entry: WireJournalEntry): Posting[] | undefined {
  const postings = (entry.record as { postings?: unknown }).postings;
  return Array.isArray(postings) ? (postings as Posting[]) : undefined;
}

export async function materialize(tx: Queryable, deviceId: string, entries: WireJournalEntry[], nowMs: number): Promise<MaterializeSummary> {
  const batch = new BatchContext();
  const enrolled: string[] = [];
  for (const entry of entries) {
    const postings = postingsOf(entry);
    for (const [opIndex, op] of entry.record.ops.entries()) {
      const enrolling = op.op === 'member.create' ? (op as { memberId?: unknown }).memberId : undefined;
      if (typeof enrolling === 'string') enrolled.push(enrolling);
      if (op.op === MEMBER_MERGE_OP) {
        // A head-office merge carried out by the kiosk: its cards move here, its balances come with the postings.
        await batch.enrolments.flush(tx, batch.conflicts);
        if (await bookMerge(tx, deviceId, entry, op as { survivorMemberId?: unknown; mergedMemberId?: unknown })) batch.applied++;
        else batch.unapplied.push({ seq: entry.seq, opIndex, op: op.op, reason: 'invalid: members' });
        continue;
      }
      if (postings && (op.op === 'transfer' || !isCoreOpName(op.op))) {
        batch.applied++; // booked from the postings below
        continue;
      }
      await applyOp(tx, batch, entry, opIndex, op);
    }
    if (postings) bookPostings(batch, entry, postings);
  }
  await batch.enrolments.flush(tx, batch.conflicts);
  await applyTransfers(tx, deviceId, batch);
  await settleDirectives(tx, deviceId, settlementsOf(entries));
  await recordMemberHomes(tx, deviceId, enrolled);
  if (batch.unapplied.length > 0) {
    await tx.query(
      `INSERT INTO unapplied_ops (device_id, seq, op_index, op, reason)
       SELECT $1, * FROM unnest($2::bigint[], $3::int[], $4::text[], $5::text[]) ON CONFLICT DO NOTHING`,
      [deviceId, batch.unapplied.map((u) => u.seq), batch.unapplied.map((u) => u.opIndex), batch.unapplied.map((u) => u.op), batch.unapplied.map((u) => u.reason)],
    );
  }
  if (batch.conflicts.length > 0) {
    await tx.query(
      `INSERT INTO conflicts (device_id, seq, op_index, kind, subject, details, created_at_ms)
       SELECT $1, s, i, k, sub, d::jsonb, $7 FROM unnest($2::bigint[], $3::int[], $4::text[], $5::text[], $6::text[]) AS t(s, i, k, sub, d)
       ON CONFLICT DO NOTHING`,
      [
        deviceId,
        batch.conflicts.map((c) => c.seq),
        batch.conflicts.map((c) => c.opIndex),
        batch.conflicts.map((c) => c.kind),
        batch.conflicts.map((c) => c.subject),
        batch.conflicts.map((c) => JSON.stringify(c.details)),
        nowMs,
      ],
    );
  }
  return { applied: batch.applied, unapplied: batch.unapplied.length, conflicts: batch.conflicts.length };
}

async function applyOp(tx: Queryable, batch: BatchContext, entry: WireJournalEntry, opIndex: number, op: { op: string }): Promise<void> {
  const { seq } = entry;
  if (!isCoreOpName(op.op)) {
    batch.unapplied.push({ seq, opIndex, op: op.op, reason: 'unknown-op' });
    return;
  }
  const problem = coreOpProblem(op);
  if (problem) {
    batch.unapplied.push({ seq, opIndex, op: op.op, reason: `invalid: ${problem}` });
    return;
  }
  const atMs = entry.record.at.atMs;
  const conflict = (kind: string, subject: string, details: Record<string, unknown> = {}) =>
    batch.conflicts.push({ seq, opIndex, kind, subject, details });
  batch.applied++;
  switch (op.op) {
    case 'member.create':
      batch.enrolments.addMember(op as MemberCreate, { seq, opIndex, atMs });
      return;
    case 'member.update': {
      await batch.enrolments.flush(tx, batch.conflicts);
      const { memberId, patch } = op as MemberUpdate;
      const updated = await tx.query(
        `UPDATE members SET name = COALESCE($2, name), phone = COALESCE($3, phone), birthday = COALESCE($4, birthday),
           anniversary = COALESCE($5, anniversary), sms_consent = COALESCE($6, sms_consent), interests = COALESCE($7::jsonb, interests),
           updated_at_ms = GREATEST(updated_at_ms, $8), revision = nextval('change_revision') WHERE id = $1`,
        [memberId, patch.name ?? null, patch.phone ?? null, patch.birthday ?? null, patch.anniversary ?? null, patch.smsConsent ?? null, patch.interests ? JSON.stringify(patch.interests) : null, atMs],
      );
      if (updated.rowCount === 0) conflict('unknown-member', `member:${memberId}`, { patch: Object.keys(patch) });
      return;
    }
    case 'card.link':
      batch.enrolments.addCard(op as CardLink, { seq, opIndex, atMs });
      return;
    case 'card.block': {
      await batch.enrolments.flush(tx, batch.conflicts);
      const c = op as CardBlock;
      // A card already blocked (by the head office, or at another kiosk) keeps its first block.
      const updated = await tx.query(
        `UPDATE cards SET status = 'blocked', blocked_at_ms = $2, block_reason = $3, replaced_by = $4, revision = nextval('change_revision') WHERE id = $1 AND status <> 'blocked'`,
        [c.cardId, atMs, c.reason, c.replacedBy ?? null],
      );
      // The card id itself is personal data: the conflict names only the device record.
      if (updated.rowCount === 0 && (await tx.query('SELECT 1 FROM cards WHERE id = $1', [c.cardId])).rowCount === 0) conflict('unknown-card', 'card', {});
      return;
    }
    case 'transfer': {
      const t = op as TransferOp;
      batch.transfers.push({ seq, opIndex, id: `${entry.record.id}#${opIndex}`, op: t, atMs });
      move(batch, t.debit, -t.amount, t.unit, seq, opIndex);
      move(batch, t.credit, t.amount, t.unit, seq, opIndex);
      return;
    }
  }
}

function bookPostings(batch: BatchContext, entry: WireJournalEntry, postings: Posting[]): void {
  const { seq } = entry;
  for (const [index, posting] of postings.entries()) {
    const { id: _id, ...transfer } = posting;
    const problem = coreOpProblem({ ...transfer, op: 'transfer' });
    if (problem || typeof posting.id !== 'string') {
      batch.unapplied.push({ seq, opIndex: index, op: 'posting', reason: `invalid: ${problem ?? 'no id'}` });
      continue;
    }
    batch.transfers.push({ seq, opIndex: index, id: posting.id, op: posting, atMs: entry.record.at.atMs });
    move(batch, posting.debit, -posting.amount, posting.unit, seq, index);
    move(batch, posting.credit, posting.amount, posting.unit, seq, index);
  }
}

function move(batch: BatchContext, account: string, delta: number, unit: string, seq: number, opIndex: number): void {
  const list = batch.movements.get(account) ?? [];
  list.push({ delta, unit, seq, opIndex });
  batch.movements.set(account, list);
}

/** One upsert for all balances of the batch, in account order (a stable lock order between concurrent batches). */
async function applyTransfers(tx: Queryable, deviceId: string, batch: BatchContext): Promise<void> {
  if (batch.transfers.length === 0) return;
  const t = batch.transfers;
  await tx.query(
    `INSERT INTO transfers (device_id, seq, op_index, id, debit, credit, amount, unit, reason, memo, ref, at_ms)
     SELECT $1, s, i, id, d, c, a, u, r, m, ref::jsonb, at FROM
       unnest($2::bigint[], $3::int[], $4::text[], $5::text[], $6::text[], $7::bigint[], $8::text[], $9::text[], $10::text[], $11::text[], $12::bigint[])
       AS x(s, i, id, d, c, a, u, r, m, ref, at)
     ON CONFLICT DO NOTHING`,
    [
      deviceId,
      t.map((x) => x.seq),
      t.map((x) => x.opIndex),
      t.map((x) => x.id),
      t.map((x) => x.op.debit),
      t.map((x) => x.op.credit),
      t.map((x) => x.op.amount),
      t.map((x) => x.op.unit),
      t.map((x) => x.op.reason),
      t.map((x) => x.op.memo ?? null),
      t.map((x) => (x.op.ref ? JSON.stringify(x.op.ref) : null)),
      t.map((x) => x.atMs),
    ],
  );
  const accounts = [...batch.movements.keys()].sort();
  const sums = accounts.map((account) => batch.movements.get(account)!.reduce((sum, m) => sum + m.delta, 0));
  const result = await tx.query<{ account: string; balance: number }>(
    `INSERT INTO balances (account, member_id, unit, balance)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[])
     ON CONFLICT (account) DO UPDATE SET balance = balances.balance + EXCLUDED.balance
     RETURNING account, balance`,
    [accounts, accounts.map((a) => memberOfAccount(a) ?? null), accounts.map((a) => batch.movements.get(a)![0]!.unit), sums],
  );
  for (const row of result.rows) {
    if (!mustStayNonNegative(row.account)) continue;
    flagNegative(batch, row.account, Number(row.balance));
  }
  const memberIds = [...new Set(accounts.map(memberOfAccount).filter((id): id is string => id !== undefined))].sort();
  if (memberIds.length > 0) {
    await tx.query(`UPDATE members SET revision = nextval('change_revision') WHERE id = ANY($1::text[])`, [memberIds]);
  }
}

/** Replays the batch's movements from the balance before it; the first to go below zero is the conflict. */
function flagNegative(batch: BatchContext, account: string, balanceAfter: number): void {
  const movements = batch.movements.get(account)!;
  let running = balanceAfter - movements.reduce((sum, m) => sum + m.delta, 0);
  for (const movement of movements) {
    const before = running;
    running += movement.delta;
    if (running < 0 && movement.delta < 0) {
      batch.conflicts.push({
        seq: movement.seq,
        opIndex: movement.opIndex,
        kind: 'negative-balance',
        subject: account,
        details: { balanceBefore: before, amount: -movement.delta, balanceAfter: running, unit: movement.unit },
      });
      return;
    }
  }
}
