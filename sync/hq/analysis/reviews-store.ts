import type { Db } from '../db.js';
import type { FlagReview } from './fraud.js';

/**
 * Reviews of fraud flags, kept apart from the flags themselves: flags are recomputed from the
 * history whenever asked, reviews are what people decided, append-only (the latest per flag
 * wins, earlier ones stay as the audit trail). Tables are prefixed `analysis_`.
 */
export const ANALYSIS_MIGRATIONS = [
  {
    version: 7101,
    name: 'analysis: flag reviews',
    sql: `
CREATE TABLE analysis_flag_reviews (
  id bigserial PRIMARY KEY,
  flag_id text NOT NULL,
  state text NOT NULL CHECK (state IN ('open', 'closed')),
  note text NOT NULL,
  by_user_id text NOT NULL,
  at_ms bigint NOT NULL
);
CREATE INDEX analysis_flag_reviews_flag ON analysis_flag_reviews (flag_id, id);
`,
  },
];

const NOTE_LENGTH_MAX = 2000;
const FLAG_ID = /^[a-z_]+:[0-9a-f]{16}$/;

export class FlagReviewStore {
  constructor(private readonly db: Db) {}

  async record(review: FlagReview): Promise<void> {
    if (!FLAG_ID.test(review.flagId)) throw new Error('invalid flag id');
    if (review.state === 'closed' && review.note.trim() === '') throw new Error('closing a flag needs a note');
    if (review.note.length > NOTE_LENGTH_MAX) throw new Error(`note longer than ${NOTE_LENGTH_MAX} characters`);
    await this.db.query('INSERT INTO analysis_flag_reviews (flag_id, state, note, by_user_id, at_ms) VALUES ($1, $2, $3, $4, $5)', [review.flagId, review.state, review.note, review.byUserId, review.atMs]);
  }

  /** Every review of the given flags (all of them when `flagIds` is omitted), oldest first. */
  async list(flagIds?: readonly string[]): Promise<FlagReview[]> {
    const result = await this.db.query<{ flag_id: string; state: 'open' | 'closed'; note: string; by_user_id: string; at_ms: number | string }>(
      `SELECT flag_id, state, note, by_user_id, at_ms FROM analysis_flag_reviews WHERE $1::text[] IS NULL OR flag_id = ANY($1::text[]) ORDER BY id`,
      [flagIds ? [...flagIds] : null],
    );
    return result.rows.map((row) => ({ flagId: row.flag_id, state: row.state, note: row.note, byUserId: row.by_user_id, atMs: Number(row.at_ms) }));
  }
}
