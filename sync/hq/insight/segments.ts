import { churnRanking, inactiveMembers, mostValuable, rfm, type RfmSegment } from '../analysis/index.js';
import type { LoadedHistory } from './loader.js';

/**
 * The segments a manager can address a message to, resolved on a loaded history:
 * everyone, an RFM segment, the inactive (60 days), the churn-risky (score >= 50), or the
 * 100 most valuable members.
 */
export const RFM_SEGMENTS: RfmSegment[] = ['champions', 'loyal', 'potential_loyalist', 'new', 'promising', 'needs_attention', 'at_risk', 'cannot_lose', 'hibernating', 'lost', 'never_purchased'];
export const SEGMENT_PATTERN = `^(all|inactive|churn|valuable|rfm:(${RFM_SEGMENTS.join('|')}))$`;

export function membersOfSegment(loaded: LoadedHistory, segment: string, nowMs: number): string[] {
  const members = loaded.history.members;
  if (segment === 'all') return members.map((m) => m.id);
  if (segment === 'inactive') return inactiveMembers(members, { nowMs, days: 60 }).map((m) => m.memberId);
  if (segment === 'churn') return churnRanking(members, { nowMs }).filter((r) => r.score >= 50).map((r) => r.memberId);
  if (segment === 'valuable') return mostValuable(members, { nowMs, limit: 100 }).map((r) => r.memberId);
  if (segment.startsWith('rfm:')) {
    const wanted = segment.slice('rfm:'.length);
    return rfm(members, { nowMs }).filter((row) => row.segment === wanted).map((row) => row.memberId);
  }
  throw new Error(`unknown segment ${segment}`);
}
