import type { Queryable } from './db.js';
import type { CardLink, MemberCreate } from './core-ops.js';

/**
 * Member enrolments and card links of one ingested batch, written with one statement each
 * instead of one per op: they are most of a store's non-points records. The batch flushes
 * before any op that must see them (an update, a block) and at the end, so order is kept.
 */
interface At {
  seq: number;
  opIndex: number;
  atMs: number;
}

export interface EnrolmentConflict {
  seq: number;
  opIndex: number;
  kind: string;
  subject: string;
  details: Record<string, unknown>;
}

export class PendingEnrolments {
  private members: Array<MemberCreate & At> = [];
  private cards: Array<CardLink & At> = [];

  addMember(op: MemberCreate, at: At): void {
    this.members.push({ ...op, ...at });
  }

  addCard(op: CardLink, at: At): void {
    this.cards.push({ ...op, ...at });
  }

  async flush(tx: Queryable, conflicts: EnrolmentConflict[]): Promise<void> {
    if (this.members.length > 0) await this.flushMembers(tx, conflicts);
    if (this.cards.length > 0) await this.flushCards(tx, conflicts);
  }

  private async flushMembers(tx: Queryable, conflicts: EnrolmentConflict[]): Promise<void> {
    const members = this.members;
    this.members = [];
    // A phone held by another member, here or earlier in this batch: kept, and flagged.
    const owners = await tx.query<{ id: string; phone: string }>('SELECT id, phone FROM members WHERE phone = ANY($1::text[])', [members.map((m) => m.phone)]);
    const ownerByPhone = new Map(owners.rows.map((row) => [row.phone, row.id]));
    for (const m of members) {
      const owner = ownerByPhone.get(m.phone);
      if (owner !== undefined && owner !== m.memberId) {
        conflicts.push({ seq: m.seq, opIndex: m.opIndex, kind: 'phone-in-use', subject: `member:${m.memberId}`, details: { otherMemberId: owner } });
      } else {
        ownerByPhone.set(m.phone, m.memberId);
      }
    }
    const inserted = await tx.query<{ id: string }>(
      `INSERT INTO members (id, store_id, name, phone, birthday, anniversary, sms_consent, interests, created_at_ms, updated_at_ms, revision)
       SELECT id, st, n, p, b, a, sc, i::jsonb, at, at, nextval('change_revision')
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::boolean[], $8::text[], $9::bigint[]) AS x(id, st, n, p, b, a, sc, i, at)
       ON CONFLICT (id) DO NOTHING RETURNING id`,
      [
        members.map((m) => m.memberId),
        members.map((m) => m.storeId),
        members.map((m) => m.name),
        members.map((m) => m.phone),
        members.map((m) => m.birthday ?? null),
        members.map((m) => m.anniversary ?? null),
        members.map((m) => m.smsConsent),
        members.map((m) => JSON.stringify(m.interests ?? [])),
        members.map((m) => m.atMs),
      ],
    );
    const created = new Set(inserted.rows.map((row) => row.id));
    for (const m of members) {
      if (created.has(m.memberId)) created.delete(m.memberId); // the first create of an id wins
      else conflicts.push({ seq: m.seq, opIndex: m.opIndex, kind: 'member-exists', subject: `member:${m.memberId}`, details: {} });
    }
  }

  private async flushCards(tx: Queryable, conflicts: EnrolmentConflict[]): Promise<void> {
    const cards = this.cards;
    this.cards = [];
    await tx.query(
      `INSERT INTO cards (id, member_id, kind, status, linked_at_ms, revision)
       SELECT id, m, k, 'active', at, nextval('change_revision') FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[]) AS x(id, m, k, at)
       ON CONFLICT (id) DO NOTHING`,
      [cards.map((c) => c.cardId), cards.map((c) => c.memberId), cards.map((c) => c.kind), cards.map((c) => c.atMs)],
    );
    // Linking a card is idempotent for its member; linked to someone else, it is a conflict.
    const holders = await tx.query<{ id: string; member_id: string }>('SELECT id, member_id FROM cards WHERE id = ANY($1::text[])', [cards.map((c) => c.cardId)]);
    const holderByCard = new Map(holders.rows.map((row) => [row.id, row.member_id]));
    for (const c of cards) {
      const holder = holderByCard.get(c.cardId);
      if (holder !== c.memberId) conflicts.push({ seq: c.seq, opIndex: c.opIndex, kind: 'card-in-use', subject: `member:${c.memberId}`, details: { otherMemberId: holder } });
    }
  }
}
