import { createHash } from 'node:crypto';
import type { Logger } from '../../firmware/src/log/logger.js';
import type { CoreState } from '../../firmware/src/ledger/core-state.js';
import { LedgerError, clubAccount, memberAccount, type Actor, type CommitRequest, type CommitResult, type Op } from '../../firmware/src/ledger/types.js';
import { DIRECTIVE_REFUSE_OP, MEMBER_MERGE_OP, directiveCommitId, type Directive } from '../protocol/directives.js';
import type { PullResponse } from '../protocol/messages.js';

/**
 * Carries out what the head office asks in a pull, in the kiosk's own ledger:
 * - a card the chain blocked that this ledger holds is blocked here too (`card.block`, one
 *   commit id per card), so it is journaled and the head office sees the kiosk agree;
 * - each directive is committed under `hq:<directiveId>`: the ledger never applies an id
 *   twice, so a directive pulled again, after a crash or a lost answer, is done exactly once.
 *   A directive the books refuse (a deduction below zero) is journaled as refused under the
 *   same id, and that record tells the head office.
 * Errors of the storage (disk, closed ledger) are thrown: the round fails, the pull cursor does
 * not move, and the next round delivers everything again.
 */
export interface DirectiveLedger {
  commit(request: CommitRequest): Promise<CommitResult>;
  hasCommitted(id: string): boolean;
  readonly core: CoreState;
}

/** Ledger errors that say nothing about the directive, only that the books could not write now. */
const TRANSIENT_CODES = new Set(['STORAGE_FAILED', 'LEDGER_CLOSED', 'BUSY']);
/** The commit id is taken already: the directive was done (long ago, or with other ops by an older build). */
const DONE_CODES = new Set(['ALREADY_COMMITTED', 'IDEMPOTENCY_CONFLICT']);
const HQ_ACTOR: Actor = { kind: 'sync', id: 'hq' };
const BLOCK_REASON_DEFAULT = 'blocked by the head office';

export interface ExecutorSummary {
  blocked: number;
  applied: number;
  refused: number;
  skipped: number;
}

/** One commit id per card, without the card number in clear in the id. */
export const chainBlockCommitId = (cardId: string): string => `hq-block:${createHash('sha256').update(cardId).digest('hex').slice(0, 40)}`;

export class DirectiveExecutor {
  constructor(
    private readonly ledger: DirectiveLedger,
    private readonly logger?: Logger,
  ) {}

  async apply(page: PullResponse): Promise<ExecutorSummary> {
    const summary: ExecutorSummary = { blocked: 0, applied: 0, refused: 0, skipped: 0 };
    await this.blockCards(page, summary);
    for (const directive of page.directives) await this.applyDirective(directive, summary);
    if (summary.blocked + summary.applied + summary.refused > 0) this.logger?.info(summary, 'sync: head-office directives carried out');
    return summary;
  }

  private async blockCards(page: PullResponse, summary: ExecutorSummary): Promise<void> {
    const reasons = new Map<string, string | null>(page.blockedCards.map((cardId) => [cardId, null]));
    for (const card of page.cards) if (card.status === 'blocked') reasons.set(card.id, card.blockReason);
    for (const [cardId, reason] of reasons) {
      if (this.ledger.core.cards.get(cardId)?.status !== 'active') continue;
      const op: Op = { op: 'card.block', cardId, reason: (reason ?? '').trim().slice(0, 200) || BLOCK_REASON_DEFAULT };
      try {
        await this.ledger.commit({ id: chainBlockCommitId(cardId), actor: HQ_ACTOR, ops: [op] });
        summary.blocked++;
      } catch (error) {
        if (!(error instanceof LedgerError) || TRANSIENT_CODES.has(error.code)) throw error;
        // The card is refused at the till anyway (the pulled list); the books just could not say so.
        this.logger?.warn({ code: error.code }, 'sync: a chain-blocked card could not be blocked in the ledger');
      }
    }
  }

  private async applyDirective(directive: Directive, summary: ExecutorSummary): Promise<void> {
    const id = directiveCommitId(directive.id);
    if (this.ledger.hasCommitted(id)) {
      summary.skipped++;
      return;
    }
    const actor: Actor = { kind: 'sync', id: `hq:${directive.requestedBy}`.slice(0, 64) };
    try {
      await this.ledger.commit({ id, actor, ops: [opsOf(directive)] });
      summary.applied++;
      return;
    } catch (error) {
      if (!(error instanceof LedgerError) || TRANSIENT_CODES.has(error.code)) throw error;
      if (DONE_CODES.has(error.code)) {
        summary.skipped++;
        return;
      }
      const code = /^[A-Z][A-Z0-9_]{0,63}$/.test(error.code) ? error.code : 'REFUSED';
      this.logger?.warn({ directiveId: directive.id, code }, 'sync: the books refused a head-office directive');
      await this.ledger.commit({ id, actor, ops: [{ op: DIRECTIVE_REFUSE_OP, directiveId: directive.id, code, message: error.message.slice(0, 300) }] });
      summary.refused++;
    }
  }
}

/** The ledger operation a directive asks for; a malformed one is refused by the ledger's checks. */
export function opsOf(directive: Directive): Op {
  if (directive.kind === 'merge') {
    return { op: MEMBER_MERGE_OP, survivorMemberId: directive.memberId ?? '', mergedMemberId: directive.mergedMemberId ?? '', directiveId: directive.id };
  }
  // Lottery rounds: the same ops (and fields) staff commit at the kiosk; the loyalty module checks them.
  if (directive.kind === 'lottery.open') {
    const { lotteryId, title, seedHash, closesAtMs, prizes } = directive.lottery ?? { lotteryId: '' };
    return { op: 'lottery.open', lotteryId, title, seedHash, closesAtMs, prizes };
  }
  if (directive.kind === 'lottery.draw') {
    return { op: 'lottery.draw', lotteryId: directive.lottery?.lotteryId ?? '', seed: directive.lottery?.seed };
  }
  const points = directive.points ?? 0;
  const member = memberAccount(directive.memberId ?? '');
  const club = clubAccount('adjusted');
  return {
    op: 'transfer',
    debit: points > 0 ? club : member,
    credit: points > 0 ? member : club,
    amount: Math.abs(points),
    unit: 'points',
    reason: 'adjust',
    memo: (directive.reason ?? '').slice(0, 200),
    ref: { directive: directive.id, by: directive.requestedBy },
  };
}
