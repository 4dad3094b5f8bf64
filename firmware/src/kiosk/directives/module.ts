import type { ApplyContext, LedgerModule } from '../../ledger/module.js';
import { balanceOf, CORE_MODULE, type CoreState } from '../../ledger/core-state.js';
import { check, isSafeId } from '../../ledger/validate.js';
import { LedgerError, memberAccount, type Op } from '../../ledger/types.js';
import { DIRECTIVE_REFUSE_OP, MEMBER_MERGE_OP, directiveCommitId } from '../../../../sync/protocol/directives.js';

/**
 * Ledger module `hq`: what head-office directives need and the core lacks.
 * - `member.merge`: a duplicate member's cards and balances move to the survivor, and the
 *   duplicate is marked merged (no further merge or directive can use it).
 * - `directive.refuse`: a directive the kiosk's books refused (a deduction below zero, an
 *   unknown member), journaled under the directive's commit id so the refusal reaches the
 *   head office like any record and the directive is settled exactly once.
 */
export const HQ_MODULE = 'hq';

export interface HqState {
  /** Merged member id → survivor member id. */
  mergedInto: Map<string, string>;
}

/**
 * Balances that move with a merge, with their unit. Pending (not yet matured) points stay:
 * the loyalty module releases them from the member's own pending entries, so they mature on
 * the merged member and can be merged again later.
 */
const MOVING_BALANCES: Array<{ purpose: string; unit: 'points' | 'rial' }> = [
  { purpose: 'points', unit: 'points' },
  { purpose: 'credit', unit: 'rial' },
];

function notMerged(state: HqState, memberId: string): void {
  if (state.mergedInto.has(memberId)) throw new LedgerError('MEMBER_MERGED', `member ${memberId} was merged into another member`, { memberId });
}

function mergeMembers(state: HqState, op: Op, ctx: ApplyContext): { survivorMemberId: string; mergedMemberId: string; cardsMoved: number; moved: Record<string, number> } {
  const { survivorMemberId, mergedMemberId } = op as Op & Record<string, unknown>;
  check(isSafeId(survivorMemberId) && isSafeId(mergedMemberId), 'survivorMemberId and mergedMemberId must be member ids');
  check(survivorMemberId !== mergedMemberId, 'a member cannot be merged into itself');
  // The core has no merge: this handler changes the core's card ownership itself, through
  // the same undo log, so a refused commit leaves the core as it was.
  const core = ctx.slice<CoreState>(CORE_MODULE);
  for (const memberId of [survivorMemberId, mergedMemberId]) {
    if (!core.members.has(memberId)) throw new LedgerError('UNKNOWN_MEMBER', `no member ${memberId}`, { memberId });
    notMerged(state, memberId);
  }
  const cardIds = core.cardsByMember.get(mergedMemberId) ?? [];
  for (const cardId of cardIds) {
    const card = core.cards.get(cardId);
    if (card) ctx.undo.set(core.cards, cardId, { ...card, memberId: survivorMemberId });
  }
  if (cardIds.length > 0) {
    ctx.undo.set(core.cardsByMember, survivorMemberId, [...(core.cardsByMember.get(survivorMemberId) ?? []), ...cardIds]);
    ctx.undo.set(core.cardsByMember, mergedMemberId, []);
  }
  const moved: Record<string, number> = {};
  for (const { purpose, unit } of MOVING_BALANCES) {
    const amount = balanceOf(core, memberAccount(mergedMemberId, purpose));
    if (amount <= 0) continue;
    ctx.applyNested({
      op: 'transfer',
      debit: memberAccount(mergedMemberId, purpose),
      credit: memberAccount(survivorMemberId, purpose),
      amount,
      unit,
      reason: 'merge',
      ref: { mergedMemberId },
    });
    moved[purpose] = amount;
  }
  ctx.undo.set(state.mergedInto, mergedMemberId, survivorMemberId);
  return { survivorMemberId, mergedMemberId, cardsMoved: cardIds.length, moved };
}

function refuseDirective(_state: HqState, op: Op, ctx: ApplyContext): { directiveId: string; code: string } {
  const { directiveId, code, message } = op as Op & Record<string, unknown>;
  check(typeof directiveId === 'string' && /^[A-Za-z0-9_-]{1,64}$/.test(directiveId), 'directiveId must be a directive id');
  check(ctx.commitId === directiveCommitId(directiveId), 'a refusal is journaled under its directive\'s commit id');
  check(typeof code === 'string' && /^[A-Z][A-Z0-9_]{0,63}$/.test(code), 'code must be an error code');
  check(typeof message === 'string' && message.length <= 300, 'message must be at most 300 characters');
  return { directiveId, code };
}

export const hqDirectivesModule: LedgerModule<HqState> = {
  name: HQ_MODULE,
  initial: () => ({ mergedInto: new Map() }),
  handlers: {
    [MEMBER_MERGE_OP]: mergeMembers,
    [DIRECTIVE_REFUSE_OP]: refuseDirective,
  },
  toSnapshot: (state) => ({ mergedInto: [...state.mergedInto.entries()] }),
  fromSnapshot: (data) => ({ mergedInto: new Map((data as { mergedInto?: Array<[string, string]> }).mergedInto ?? []) }),
};
