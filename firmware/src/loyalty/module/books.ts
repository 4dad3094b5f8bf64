import type { ApplyContext } from '../../ledger/module.js';
import { balanceOf as coreBalanceOf, type CoreState } from '../../ledger/core-state.js';
import { LedgerError, clubAccount, memberAccount, type Member } from '../../ledger/types.js';
import type { LoyaltyRules } from '../config.js';
import { addMonthsMs } from '../calendar/local-time.js';
import { addLot, splitExpired, takeOldestFirst } from '../expiry/lots.js';
import { emptyMemberLoyalty, type LoyaltyState, type MemberLoyalty, type PendingEntry } from './state.js';

/**
 * The handlers' shared bookkeeping: every point that enters or leaves a member's account
 * moves by a double-entry transfer (through the core's `transfer` operation, in the same
 * commit) and the member's lots and pending entries follow it, so the books and the loyalty
 * slice can never disagree.
 */
export function fail(code: string, message: string, details?: Record<string, unknown>): never {
  throw new LedgerError(code, message, details);
}

export function rulesOf(state: LoyaltyState): LoyaltyRules {
  if (!state.rules) fail('NOT_CONFIGURED', 'the loyalty rules have not been set (loyalty.configure)');
  return state.rules;
}

export function coreMember(ctx: ApplyContext, memberId: unknown): Member {
  if (typeof memberId !== 'string') fail('INVALID_OPERATION', 'memberId must be a string');
  const member = ctx.slice<CoreState>('core').members.get(memberId);
  if (!member) fail('UNKNOWN_MEMBER', `no member ${memberId}`, { memberId });
  return member;
}

export const loyaltyOf = (state: LoyaltyState, memberId: string): MemberLoyalty => state.members.get(memberId) ?? emptyMemberLoyalty();

export function putLoyalty(state: LoyaltyState, ctx: ApplyContext, memberId: string, next: MemberLoyalty): void {
  ctx.undo.set(state.members, memberId, next);
}

export const balanceOf = (ctx: ApplyContext, account: string): number => coreBalanceOf(ctx.slice<CoreState>('core'), account);

/** Posts one transfer in this commit; returns its id, or undefined for a zero amount. */
export function post(ctx: ApplyContext, debit: string, credit: string, amount: number, reason: string, ref: Record<string, string>, unit: 'points' | 'rial' = 'points'): string | undefined {
  if (amount === 0) return undefined;
  const result = ctx.applyNested({ op: 'transfer', debit, credit, amount, unit, reason, ref }) as { transferId: string };
  return result.transferId;
}

/**
 * Puts points into a member's spendable account as a new lot. A debt left by an earlier void
 * is paid first: that part goes back to `club:earned` instead of to the member.
 */
export function creditPoints(
  state: LoyaltyState,
  ctx: ApplyContext,
  memberId: string,
  points: number,
  from: string,
  reason: string,
  ref: Record<string, string>,
  earnedAtMs: number,
): { credited: number; recovered: number } {
  const current = loyaltyOf(state, memberId);
  const recovered = Math.min(current.owedPoints, points);
  const credited = points - recovered;
  const pointsAccount = memberAccount(memberId);
  // A debt repaid from club:earned itself needs no transfer: the points simply never leave it.
  if (recovered > 0 && from !== clubAccount('earned')) post(ctx, from, clubAccount('earned'), recovered, 'void-recovery', ref);
  const transferId = post(ctx, from, pointsAccount, credited, reason, ref);
  const rules = rulesOf(state);
  const lots = transferId
    ? addLot(current.lots, { id: transferId, points: credited, earnedAtMs, expiresAtMs: addMonthsMs(earnedAtMs, rules.expiry.lifetimeMonths) })
    : current.lots;
  putLoyalty(state, ctx, memberId, { ...current, lots, owedPoints: current.owedPoints - recovered });
  return { credited, recovered };
}

/** Takes points from a member's spendable account, soonest-expiring lots first. */
export function debitPoints(state: LoyaltyState, ctx: ApplyContext, memberId: string, points: number, to: string, reason: string, ref: Record<string, string>): void {
  if (points === 0) return;
  post(ctx, memberAccount(memberId), to, points, reason, ref); // refuses INSUFFICIENT_BALANCE
  const current = loyaltyOf(state, memberId);
  putLoyalty(state, ctx, memberId, { ...current, lots: takeOldestFirst(current.lots, points).lots });
}

export function addPending(state: LoyaltyState, ctx: ApplyContext, memberId: string, entry: PendingEntry): void {
  if (entry.points === 0) return;
  post(ctx, clubAccount(entry.reason === 'earn' ? 'earned' : 'bonus'), memberAccount(memberId, 'pending'), entry.points, entry.reason, { receiptId: entry.receiptId });
  const current = loyaltyOf(state, memberId);
  putLoyalty(state, ctx, memberId, { ...current, pending: [...current.pending, entry] });
}

/** Moves every pending entry whose return window has passed into spendable points. */
export function releaseMatured(state: LoyaltyState, ctx: ApplyContext, memberId: string, asOfMs: number): number {
  const current = state.members.get(memberId);
  if (!current || !current.pending.some((entry) => entry.releaseAtMs <= asOfMs)) return 0;
  const due = current.pending.filter((entry) => entry.releaseAtMs <= asOfMs);
  putLoyalty(state, ctx, memberId, { ...current, pending: current.pending.filter((entry) => entry.releaseAtMs > asOfMs) });
  let released = 0;
  for (const entry of due) {
    released += creditPoints(state, ctx, memberId, entry.points, memberAccount(memberId, 'pending'), 'release', { receiptId: entry.receiptId }, entry.earnedAtMs).credited;
  }
  return released;
}

/**
 * Expires the member's lots whose time has come, oldest first. A lot can hold more than the
 * account when points left by a path that does not know lots (a staff adjustment): then only
 * what is there expires, so the balance never goes below zero.
 */
export function expireMember(state: LoyaltyState, ctx: ApplyContext, memberId: string, asOfMs: number): Array<{ lotId: string; points: number }> {
  const current = state.members.get(memberId);
  if (!current) return [];
  const { expired, kept } = splitExpired(current.lots, asOfMs);
  if (expired.length === 0) return [];
  putLoyalty(state, ctx, memberId, { ...current, lots: kept });
  const account = memberAccount(memberId);
  const done: Array<{ lotId: string; points: number }> = [];
  for (const lot of expired) {
    const points = Math.min(lot.points, balanceOf(ctx, account));
    if (points > 0) post(ctx, account, clubAccount('expired'), points, 'expire', { lotId: lot.id });
    done.push({ lotId: lot.id, points });
  }
  return done;
}
