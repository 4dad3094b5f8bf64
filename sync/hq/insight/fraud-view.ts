import type { Queryable } from '../db.js';
import { applyReviews, fraudFlags, DEFAULT_FRAUD_OPTIONS, type Flag, type FlagReview } from '../analysis/index.js';
import { HqError } from '../errors.js';
import type { StaffUser } from '../dashboard/types.js';
import type { LoadedHistory } from './loader.js';

/**
 * Fraud flags for the dashboard: computed over the whole chain (a card used at two stores is
 * only visible chain-wide), then shown to a user when the flag touches one of their stores.
 * Card numbers are personal data: a card subject is shown masked, with its member.
 */
export interface FlagView extends Omit<Flag, 'subject'> {
  subjectKind: 'card' | 'member' | 'staff' | 'device';
  /** Masked for cards (last four characters). */
  subject: string;
  memberId: string | null;
  storeIds: string[];
}

const REVIEW_NOTE_MAX = 2000;
const FLAG_ID = /^[a-z_]+:[0-9a-f]{16}$/;

export function maskCard(cardId: string): string {
  const tail = cardId.slice(-4);
  return `…${tail}`;
}

function storesOfFlag(flag: Flag, loaded: LoadedHistory, storeOfDevice: Map<string, string>, memberOfCard: Map<string, string>): string[] {
  const stores = new Set<string>();
  for (const evidence of flag.evidence) {
    if (typeof evidence.storeId === 'string') stores.add(evidence.storeId);
    if (typeof evidence.deviceId === 'string' && storeOfDevice.has(evidence.deviceId)) stores.add(storeOfDevice.get(evidence.deviceId)!);
  }
  const memberId = memberOfCard.get(flag.subject) ?? (loaded.storeOfMember.has(flag.subject) ? flag.subject : undefined);
  if (memberId && loaded.storeOfMember.has(memberId)) stores.add(loaded.storeOfMember.get(memberId)!);
  if (flag.kind === 'staff_adjustment_outlier') {
    const deviceId = flag.subject.split('/')[0]!;
    if (storeOfDevice.has(deviceId)) stores.add(storeOfDevice.get(deviceId)!);
  }
  return [...stores].sort();
}

export async function flagViews(db: Queryable, loaded: LoadedHistory, user: StaffUser, filter: { state?: 'open' | 'closed' }): Promise<FlagView[]> {
  const flags = fraudFlags(loaded.history, DEFAULT_FRAUD_OPTIONS);
  const reviews = await reviewsOf(db, flags.map((f) => f.id));
  const storeOfDevice = new Map((await db.query<{ id: string; store_id: string }>('SELECT id, store_id FROM devices')).rows.map((row) => [row.id, row.store_id]));
  const memberOfCard = new Map(loaded.history.cards.map((card) => [card.id, card.memberId]));
  const out: FlagView[] = [];
  for (const flag of applyReviews(flags, reviews)) {
    if (filter.state && flag.review.state !== filter.state) continue;
    const storeIds = storesOfFlag(flag, loaded, storeOfDevice, memberOfCard);
    if (user.storeIds !== null && !storeIds.some((id) => user.storeIds!.includes(id))) continue;
    const isCard = memberOfCard.has(flag.subject);
    const subjectKind: FlagView['subjectKind'] = isCard ? 'card' : flag.kind === 'staff_adjustment_outlier' ? 'staff' : loaded.storeOfMember.has(flag.subject) ? 'member' : 'device';
    out.push({
      ...flag,
      subjectKind,
      subject: isCard ? maskCard(flag.subject) : flag.subject,
      memberId: memberOfCard.get(flag.subject) ?? (subjectKind === 'member' ? flag.subject : null),
      storeIds,
    });
  }
  // Newest first: what happened lately matters most to the person reviewing.
  return out.sort((a, b) => b.atMs - a.atMs || a.id.localeCompare(b.id));
}

async function reviewsOf(db: Queryable, flagIds: string[]): Promise<FlagReview[]> {
  if (flagIds.length === 0) return [];
  const rows = await db.query<{ flag_id: string; state: 'open' | 'closed'; note: string; by_user_id: string; at_ms: number | string }>(
    'SELECT flag_id, state, note, by_user_id, at_ms FROM analysis_flag_reviews WHERE flag_id = ANY($1::text[]) ORDER BY id',
    [flagIds],
  );
  return rows.rows.map((row) => ({ flagId: row.flag_id, state: row.state, note: row.note, byUserId: row.by_user_id, atMs: Number(row.at_ms) }));
}

/** Appends a review (same rules as FlagReviewStore), inside the caller's transaction. */
export async function recordReview(tx: Queryable, review: FlagReview): Promise<void> {
  if (!FLAG_ID.test(review.flagId)) throw new HqError('BAD_REQUEST', 'invalid flag id');
  if (review.state === 'closed' && review.note.trim() === '') throw new HqError('BAD_REQUEST', 'closing a flag needs a note');
  if (review.note.length > REVIEW_NOTE_MAX) throw new HqError('BAD_REQUEST', `note longer than ${REVIEW_NOTE_MAX} characters`);
  await tx.query('INSERT INTO analysis_flag_reviews (flag_id, state, note, by_user_id, at_ms) VALUES ($1, $2, $3, $4, $5)', [review.flagId, review.state, review.note, review.byUserId, review.atMs]);
}
