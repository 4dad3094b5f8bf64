import type { ApplyContext } from '../../ledger/module.js';
import type { CoreState } from '../../ledger/core-state.js';
import { contentHash } from '../../ledger/canonical.js';
import { clubAccount, type Op } from '../../ledger/types.js';
import { DAY_MS } from '../calendar/local-time.js';
import { dueOccasions, pruneOccasionKeys, recentDays } from '../occasions/occasions.js';
import { parseLoyaltyRules, RulesError } from '../rules/parse.js';
import { coreMember, creditPoints, expireMember, fail, loyaltyOf, putLoyalty, releaseMatured, rulesOf } from './books.js';
import type { LoyaltyState } from './state.js';

/** Journals the rules in force, so replaying old records never uses newer rules. */
export function configure(state: LoyaltyState, raw: Op, ctx: ApplyContext): { rulesHash: string; changed: boolean } {
  let rules;
  try {
    rules = parseLoyaltyRules(raw.rules);
  } catch (error) {
    if (error instanceof RulesError) fail('INVALID_OPERATION', error.message);
    throw error;
  }
  const rulesHash = contentHash(rules);
  if (rulesHash === state.rulesHash) return { rulesHash, changed: false };
  const previous = { rules: state.rules, rulesHash: state.rulesHash };
  ctx.undo.onUndo(() => {
    if (previous.rules === undefined) delete state.rules;
    else state.rules = previous.rules;
    if (previous.rulesHash === undefined) delete state.rulesHash;
    else state.rulesHash = previous.rulesHash;
  });
  state.rules = rules;
  state.rulesHash = rulesHash;
  return { rulesHash, changed: true };
}

function asOf(raw: Op, ctx: ApplyContext): number {
  const asOfMs = raw.asOfMs;
  if (!Number.isSafeInteger(asOfMs)) fail('INVALID_OPERATION', 'asOfMs must be a time in milliseconds');
  // Never act on a future the commit has not reached.
  return Math.min(asOfMs as number, ctx.at.atMs);
}

/**
 * Releases pending points whose return window has passed and expires lots whose time has
 * come, for every member, oldest lot first. Idempotent: a second run finds nothing to do,
 * and a run after days off catches up in one go.
 */
export function maintain(state: LoyaltyState, raw: Op, ctx: ApplyContext): { releasedPoints: number; expiredPoints: number; members: number; pruned?: number } {
  const rules = rulesOf(state);
  const asOfMs = asOf(raw, ctx);
  let releasedPoints = 0;
  let expiredPoints = 0;
  let members = 0;
  for (const memberId of [...state.members.keys()].sort()) {
    const released = releaseMatured(state, ctx, memberId, asOfMs);
    const expired = expireMember(state, ctx, memberId, asOfMs).reduce((sum, lot) => sum + lot.points, 0);
    if (released > 0 || expired > 0) members++;
    releasedPoints += released;
    expiredPoints += expired;
  }
  const pruned = prune(state, ctx, rules.retention, asOfMs);
  return { releasedPoints, expiredPoints, members, ...(pruned > 0 && { pruned }) };
}

/** Forgets receipts and vouchers past their retention, so the slice stays bounded on a Pi. */
function prune(state: LoyaltyState, ctx: ApplyContext, retention: { purchaseDays: number; voucherDaysAfterExpiry: number }, asOfMs: number): number {
  let pruned = 0;
  const purchaseCutoffMs = asOfMs - retention.purchaseDays * DAY_MS;
  for (const purchase of [...state.purchases.values()]) {
    if (purchase.atMs >= purchaseCutoffMs) continue;
    ctx.undo.delete(state.purchases, purchase.receiptId);
    pruned++;
  }
  const voucherCutoffMs = asOfMs - retention.voucherDaysAfterExpiry * DAY_MS;
  for (const voucher of [...state.vouchers.values()]) {
    if (voucher.expiresAtMs >= voucherCutoffMs) continue;
    ctx.undo.delete(state.vouchers, voucher.code);
    if (voucher.requestId !== undefined) ctx.undo.delete(state.voucherByRequest, voucher.requestId);
    pruned++;
  }
  return pruned;
}

/** Grants every occasion due in the last `graceDays` that a member has not had this year. */
export function runOccasions(state: LoyaltyState, raw: Op, ctx: ApplyContext): { granted: Array<{ memberId: string; key: string; points: number }> } {
  const rules = rulesOf(state);
  const asOfMs = asOf(raw, ctx);
  const days = recentDays(rules, asOfMs);
  const granted: Array<{ memberId: string; key: string; points: number }> = [];
  for (const member of ctx.slice<CoreState>('core').members.values()) {
    const loyalty = loyaltyOf(state, member.id);
    const due = dueOccasions(rules, { birthday: member.birthday, anniversary: member.anniversary, memberSinceMs: member.createdAt.atMs }, days).filter(
      (occasion) => !loyalty.occasions.includes(occasion.key),
    );
    if (due.length === 0) continue;
    putLoyalty(state, ctx, member.id, { ...loyalty, occasions: pruneOccasionKeys([...loyalty.occasions, ...due.map((occasion) => occasion.key)]) });
    for (const occasion of due) {
      creditPoints(state, ctx, member.id, occasion.points, clubAccount('bonus'), 'occasion', { occasion: occasion.key }, ctx.at.atMs);
      granted.push({ memberId: member.id, key: occasion.key, points: occasion.points });
    }
  }
  return { granted };
}

/** Releases one member's matured pending points now (the kiosk does it before showing a balance). */
export function releaseMember(state: LoyaltyState, raw: Op, ctx: ApplyContext): { releasedPoints: number } {
  const member = coreMember(ctx, raw.memberId);
  return { releasedPoints: releaseMatured(state, ctx, member.id, ctx.at.atMs) };
}
