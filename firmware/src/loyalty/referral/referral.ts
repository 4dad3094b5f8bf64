import { createHash } from 'node:crypto';
import { CROCKFORD_ALPHABET, checkSymbol } from '../vouchers/code.js';

/**
 * Referral codes: six Crockford base32 symbols derived from the member id (so the same member
 * gets the same code on every attempt) plus a check symbol. A collision is resolved by the
 * caller trying the next `attempt`.
 */
export const REFERRAL_CODE_PATTERN = /^[0-9A-HJKMNP-TV-Z]{7}$/;

export function referralCodeFor(memberId: string, attempt = 0): string {
  const digest = createHash('sha256').update(`referral:${memberId}:${attempt}`).digest();
  let body = '';
  for (let index = 0; index < 6; index++) body += CROCKFORD_ALPHABET[digest[index]! & 31];
  return body + checkSymbol(body);
}

export function isWellFormedReferralCode(code: string): boolean {
  return REFERRAL_CODE_PATTERN.test(code) && checkSymbol(code.slice(0, 6)) === code[6];
}

export interface LeaderboardRow {
  memberId: string;
  referrals: number;
}

/** The best ambassadors: most completed referrals first, ties by member id for a stable order. */
export function leaderboard(rows: Iterable<LeaderboardRow>, limit: number): LeaderboardRow[] {
  return [...rows]
    .filter((row) => row.referrals > 0)
    .sort((a, b) => b.referrals - a.referrals || (a.memberId < b.memberId ? -1 : 1))
    .slice(0, Math.max(0, Math.min(limit, 100)));
}
