import { contentHash } from '../../../firmware/src/ledger/canonical.js';
import type { LoyaltyRules } from '../../../firmware/src/loyalty/config.js';
import type { Queryable } from '../db.js';
import { HqError } from '../errors.js';

/**
 * The editor shows a draft's effect before it may be published: each preview leaves a row
 * (who, which draft by content hash, on top of which version, the headline figures), and a
 * publish must find one from the same user for the same draft and version, recent enough.
 */
export const PREVIEW_VALID_MS = 2 * 3600_000;
const PREVIEW_KEPT_MS = 7 * 86_400_000;

export interface PreviewFigures {
  days: number;
  receipts: number;
  currentPoints: number;
  draftPoints: number;
  membersAffected: number;
}

export const draftHash = (rules: LoyaltyRules): string => contentHash(rules);

export async function rememberPreview(db: Queryable, input: { userId: number; rules: LoyaltyRules; baseVersion: number; atMs: number; figures: PreviewFigures }): Promise<void> {
  await db.query('DELETE FROM rules_previews WHERE at_ms < $1', [input.atMs - PREVIEW_KEPT_MS]);
  await db.query('INSERT INTO rules_previews (user_id, draft_hash, base_version, at_ms, figures) VALUES ($1, $2, $3, $4, $5::jsonb)', [
    input.userId,
    draftHash(input.rules),
    input.baseVersion,
    input.atMs,
    JSON.stringify(input.figures),
  ]);
}

/** The figures of the user's latest preview of exactly this draft on this version; 400 without one. */
export async function requirePreview(db: Queryable, input: { userId: number; rules: LoyaltyRules; baseVersion: number; atMs: number }): Promise<PreviewFigures> {
  const row = (await db.query<{ figures: PreviewFigures }>(
    'SELECT figures FROM rules_previews WHERE user_id = $1 AND draft_hash = $2 AND base_version = $3 AND at_ms >= $4 ORDER BY at_ms DESC LIMIT 1',
    [input.userId, draftHash(input.rules), input.baseVersion, input.atMs - PREVIEW_VALID_MS],
  )).rows[0];
  if (!row) throw new HqError('BAD_REQUEST', 'preview this draft (on the current version) before publishing it');
  return row.figures;
}
