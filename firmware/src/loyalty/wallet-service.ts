import { LedgerError, memberAccount, type Actor } from '../ledger/types.js';
import { maxPartialRedemptionPoints } from './rules/earn.js';
import { memberSummary } from './module/views.js';
import { requireId, type ServiceContext } from './service-context.js';

/**
 * Spending that is not a catalogue reward: paying part of a purchase with points, exchanging
 * points for store credit (Rial), spending that credit, and gift ("bon") cards whose Rial
 * balance lives in `card:<cardId>:gift`, apart from points. Also what a card gives at the POS.
 */
export class WalletService {
  constructor(private readonly context: ServiceContext) {}

  /** How many points may pay for a purchase of `purchaseRial`, and what they are worth. */
  partialRedemptionQuote(memberId: string, purchaseRial: number): { maxPoints: number; rialPerPoint: number; maxDiscountRial: number } {
    const rules = this.context.rules;
    const summary = memberSummary(rules, this.context.state, this.context.ledger.core, memberId, this.context.nowMs());
    if (!summary) throw new LedgerError('UNKNOWN_MEMBER', `no member ${memberId}`);
    const maxPoints = maxPartialRedemptionPoints(rules, purchaseRial, summary.balance);
    return { maxPoints, rialPerPoint: rules.redemption.rialPerPoint, maxDiscountRial: maxPoints * rules.redemption.rialPerPoint };
  }

  async payWithPoints(input: { memberId: string; points: number; receiptId: string; purchaseRial: number; actor: Actor }): Promise<{ points: number; discountRial: number; balance: number }> {
    const receiptId = requireId(input.receiptId, 'receiptId');
    const { result } = await this.context.commitOne<{ points: number; discountRial: number }>(`pay:${receiptId}`, input.actor, {
      op: 'points.pay',
      memberId: input.memberId,
      points: input.points,
      receiptId,
      purchaseRial: input.purchaseRial,
    });
    return { ...result, balance: this.context.ledger.balance(memberAccount(input.memberId)) };
  }

  async exchangeForCredit(input: { memberId: string; points: number; requestId: string; actor: Actor }): Promise<{ points: number; creditRial: number; balanceRial: number }> {
    const requestId = requireId(input.requestId, 'requestId');
    const { result } = await this.context.commitOne<{ points: number; creditRial: number }>(`exchange:${requestId}`, input.actor, {
      op: 'credit.exchange',
      memberId: input.memberId,
      points: input.points,
    });
    return { ...result, balanceRial: this.context.ledger.balance(memberAccount(input.memberId, 'credit')) };
  }

  async spendCredit(input: { memberId: string; amountRial: number; receiptId: string; actor: Actor }): Promise<{ amountRial: number; balanceRial: number }> {
    const receiptId = requireId(input.receiptId, 'receiptId');
    const { result } = await this.context.commitOne<{ amountRial: number }>(`credit-spend:${receiptId}`, input.actor, {
      op: 'credit.spend',
      memberId: input.memberId,
      amountRial: input.amountRial,
      receiptId,
    });
    return { ...result, balanceRial: this.context.ledger.balance(memberAccount(input.memberId, 'credit')) };
  }

  async loadGiftCard(input: { cardId: string; amountRial: number; requestId: string; actor: Actor }): Promise<{ balanceRial: number }> {
    const requestId = requireId(input.requestId, 'requestId');
    await this.context.commitOne(`gift-load:${requestId}`, input.actor, { op: 'gift.load', cardId: input.cardId, amountRial: input.amountRial });
    return { balanceRial: this.giftBalance(input.cardId) };
  }

  async spendGiftCard(input: { cardId: string; amountRial: number; receiptId: string; actor: Actor }): Promise<{ balanceRial: number }> {
    const receiptId = requireId(input.receiptId, 'receiptId');
    await this.context.commitOne(`gift-spend:${receiptId}`, input.actor, { op: 'gift.spend', cardId: input.cardId, amountRial: input.amountRial, receiptId });
    return { balanceRial: this.giftBalance(input.cardId) };
  }

  giftBalance(cardId: string): number {
    return this.context.ledger.balance(`card:${cardId}:gift`);
  }

  /** What presenting a card gives at the till: a discount card's fixed percent, or the tier's. */
  cardBenefits(cardId: string): { cardId: string; kind: string; memberId: string; discountPercent: number; giftBalanceRial?: number; creditRial: number } {
    const card = this.context.ledger.core.cards.get(cardId);
    if (!card) throw new LedgerError('UNKNOWN_CARD', 'no such card');
    if (card.status !== 'active') throw new LedgerError('CARD_BLOCKED', 'this card is blocked');
    const rules = this.context.rules;
    const summary = memberSummary(rules, this.context.state, this.context.ledger.core, card.memberId, this.context.nowMs());
    const discountPercent = card.kind === 'discount' ? Math.max(rules.cards.discountCardPercent, summary?.tier.discountPercent ?? 0) : (summary?.tier.discountPercent ?? 0);
    return {
      cardId,
      kind: card.kind,
      memberId: card.memberId,
      discountPercent,
      creditRial: this.context.ledger.balance(memberAccount(card.memberId, 'credit')),
      ...(card.kind === 'gift' && { giftBalanceRial: this.giftBalance(cardId) }),
    };
  }
}
