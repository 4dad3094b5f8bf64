import { randomBytes, randomUUID } from 'node:crypto';
import type { CoreState } from '../ledger/core-state.js';
import { clubAccount, memberAccount, type Actor, type Member, type Op } from '../ledger/types.js';
import type { LoyaltyService } from '../loyalty/service.js';
import { LOYALTY_MODULE, type LoyaltyState } from '../loyalty/module/state.js';
import { HQ_MODULE, type HqState } from './directives/module.js';
import { ApiError, toApiError } from '../server/errors.js';
import type { AuditLog } from './audit.js';
import type { CardLookup, Club, IssuedVoucher, MemberRecord, MemberRef, NewMember, PurchaseResult, VoidResult, VoucherInfo } from './club-types.js';
import { memberView, rewardView, rewardsFor, tierView } from './club-views.js';
import type { LedgerPort } from './ledger-port.js';
import type { GameOutcomeView, MemberView, RewardView, StaffMemberView } from './protocol.js';
import { nameSearchKey, normaliseMobile, normaliseName } from './text.js';

const MAX_INFLIGHT_RECEIPTS = 1000;

/**
 * The club's runtime API over the ledger (members, cards) and the loyalty engine (points,
 * rewards, vouchers). Every change takes the actor and is audited; errors come out as
 * catalogue ApiErrors.
 */
export class ClubService implements Club {
  /** One purchase per receipt at a time, so a concurrent retry waits and gets 200, not 201. */
  private readonly purchasesInFlight = new Map<string, Promise<PurchaseResult>>();

  constructor(
    private readonly ledger: LedgerPort,
    private readonly loyalty: LoyaltyService,
    private readonly audit: AuditLog,
    private readonly storeId: string,
    /** Cards the head office blocked chain-wide (the sync's pulled list): refused like a locally blocked card. */
    private readonly chainBlocked: (cardId: string) => boolean = () => false,
  ) {}

  private refuseChainBlocked(cardId: string): void {
    if (this.chainBlocked(cardId)) throw new ApiError('CARD_BLOCKED');
  }

  private get core(): CoreState {
    return this.ledger.core;
  }

  private get loyaltyState(): LoyaltyState {
    return this.ledger.slice<LoyaltyState>(LOYALTY_MODULE);
  }

  private nowMs(): number {
    return this.ledger.clock.now().atMs;
  }

  /** Runs a change, auditing who did it and how it ended; errors leave as ApiErrors. */
  private async audited<T>(action: string, actor: Actor, details: Record<string, string | number>, run: () => Promise<T>): Promise<T> {
    try {
      const result = await run();
      this.audit.record({ atMs: this.nowMs(), actor, action, outcome: 'ok', details });
      return result;
    } catch (error) {
      const apiError = toApiError(error);
      this.audit.record({ atMs: this.nowMs(), actor, action, outcome: apiError.status >= 500 ? 'failed' : 'refused', details: { ...details, error: apiError.code } });
      throw apiError;
    }
  }

  private coreMember(memberId: string): Member {
    const member = this.core.members.get(memberId);
    if (!member) throw new ApiError('MEMBER_NOT_FOUND');
    return member;
  }

  private phoneOrFail(input: string): string {
    const phone = normaliseMobile(input);
    if (!phone) throw new ApiError('INVALID_PHONE', 'phone is not an Iranian mobile number (09xxxxxxxxx, +98 9xx xxx xxxx)', { field: 'phone', reason: 'is not an Iranian mobile number' });
    return phone;
  }

  // ---- Members ------------------------------------------------------------------------------

  async createMember(input: NewMember, actor: Actor): Promise<MemberRecord> {
    const phone = this.phoneOrFail(input.phone);
    const name = normaliseName(input.name);
    if (name.length < 2) throw new ApiError('VALIDATION_FAILED', 'body.name is too short', { field: 'body.name', reason: 'is too short' });
    if (input.card !== undefined) this.refuseChainBlocked(input.card);
    const memberId = `m_${randomBytes(9).toString('base64url')}`;
    const ops: Op[] = [{
      op: 'member.create',
      memberId,
      name,
      phone,
      smsConsent: input.smsConsent ?? false,
      storeId: this.storeId,
      ...(input.birthday !== undefined && { birthday: input.birthday }),
      ...(input.anniversary !== undefined && { anniversary: input.anniversary }),
    }];
    if (input.card !== undefined) ops.push({ op: 'card.link', cardId: input.card, memberId, kind: 'member' });
    await this.audited('member.create', actor, { memberId }, () => this.ledger.commit({ id: `member-${memberId}`, actor, ops }));
    return this.member(memberId);
  }

  member(memberId: string): MemberRecord {
    const member = this.coreMember(memberId);
    const summary = this.loyalty.memberSummary(memberId);
    const record: MemberRecord = {
      memberId,
      name: member.name,
      phone: member.phone,
      smsConsent: member.smsConsent,
      cards: this.cardsOf(memberId),
      pointsBalance: summary.balance,
      tier: tierView(this.loyalty.rules, summary.tier.id),
      createdAtMs: member.createdAt.atMs,
    };
    if (member.birthday) record.birthday = member.birthday;
    if (member.anniversary) record.anniversary = member.anniversary;
    return record;
  }

  private cardsOf(memberId: string): MemberRecord['cards'] {
    return (this.core.cardsByMember.get(memberId) ?? []).map((cardId) => ({ cardId, status: this.core.cards.get(cardId)?.status ?? 'blocked' }));
  }

  memberByCard(cardId: string): MemberRecord {
    this.refuseChainBlocked(cardId);
    const card = this.core.cards.get(cardId);
    if (!card) throw new ApiError('CARD_NOT_FOUND');
    // A blocked card identifies nobody: it may be in a finder's hands.
    if (card.status === 'blocked') throw new ApiError('CARD_BLOCKED');
    return this.member(card.memberId);
  }

  memberByPhone(phoneInput: string): MemberRecord {
    const memberId = this.core.memberByPhone.get(this.phoneOrFail(phoneInput));
    if (memberId === undefined) throw new ApiError('MEMBER_NOT_FOUND');
    // A duplicate the head office merged away: its phone finds the member it was merged into.
    return this.member(this.ledger.slice<HqState>(HQ_MODULE).mergedInto.get(memberId) ?? memberId);
  }

  searchByName(query: string, limit: number): MemberRecord[] {
    const key = nameSearchKey(query);
    if (key.length < 2) return [];
    const found: MemberRecord[] = [];
    for (const member of this.core.members.values()) {
      if (nameSearchKey(member.name).includes(key)) found.push(this.member(member.id));
      if (found.length >= limit) break;
    }
    return found;
  }

  private resolve(ref: MemberRef): string {
    if ('card' in ref) return this.memberByCard(ref.card).memberId;
    if ('phone' in ref) return this.memberByPhone(ref.phone).memberId;
    return this.coreMember(ref.memberId).id;
  }

  // ---- Purchases ---------------------------------------------------------------------------

  async recordPurchase(ref: MemberRef, amountRial: number, receiptId: string, actor: Actor): Promise<{ result: PurchaseResult; replayed: boolean }> {
    const memberId = this.resolve(ref);
    const running = this.purchasesInFlight.get(receiptId);
    if (running) {
      await running.catch(() => undefined);
      return { result: await this.purchase(memberId, amountRial, receiptId, actor), replayed: true };
    }
    const replayed = this.loyaltyState.purchases.has(receiptId);
    if (this.purchasesInFlight.size >= MAX_INFLIGHT_RECEIPTS) throw new ApiError('RATE_LIMITED');
    const promise = this.purchase(memberId, amountRial, receiptId, actor);
    this.purchasesInFlight.set(receiptId, promise);
    try {
      return { result: await promise, replayed };
    } finally {
      this.purchasesInFlight.delete(receiptId);
    }
  }

  private purchase(memberId: string, amountRial: number, receiptId: string, actor: Actor): Promise<PurchaseResult> {
    return this.audited('purchase.record', actor, { memberId, receiptId, amountRial }, async () => {
      const recorded = await this.loyalty.recordPurchase({ memberId, amountRial, receiptId, actor });
      return {
        memberId: recorded.memberId,
        receiptId: recorded.receiptId,
        amountRial: this.loyaltyState.purchases.get(receiptId)?.amountRial ?? amountRial,
        pointsEarned: recorded.pointsEarned,
        balance: recorded.balance,
        tier: tierView(this.loyalty.rules, recorded.tierId),
      };
    });
  }

  async voidPurchase(receiptId: string, actor: Actor): Promise<VoidResult> {
    const purchase = this.loyaltyState.purchases.get(receiptId);
    if (!purchase) throw new ApiError('PURCHASE_NOT_FOUND');
    const voided = await this.audited('purchase.void', actor, { receiptId, memberId: purchase.memberId }, () => this.loyalty.voidPurchase({ receiptId, actor }));
    return { receiptId, memberId: purchase.memberId, pointsReversed: voided.pointsReversed, balance: this.loyalty.memberSummary(purchase.memberId).balance };
  }

  // ---- Vouchers ----------------------------------------------------------------------------

  voucher(code: string): VoucherInfo {
    const checked = this.loyalty.voucherState(code);
    if (!checked.voucher || checked.state === 'unknown' || checked.state === 'forged') throw new ApiError('VOUCHER_NOT_FOUND');
    const voucher = checked.voucher;
    const reward = this.loyalty.rules.rewards.find((candidate) => candidate.id === voucher.rewardId);
    const info: VoucherInfo = {
      code: voucher.code,
      state: checked.state === 'valid' ? 'active' : checked.state,
      rewardId: voucher.rewardId,
      title: reward ? rewardView(reward, false).title : { fa: voucher.title, en: voucher.title },
      expiresAtMs: voucher.expiresAtMs,
    };
    if (voucher.redeemed) {
      info.redeemedAtMs = voucher.redeemed.atMs;
      info.redeemedReceiptId = voucher.redeemed.receiptId;
    }
    return info;
  }

  async redeemVoucher(code: string, receiptId: string, actor: Actor): Promise<VoucherInfo> {
    const redeemed = await this.audited('voucher.redeem', actor, { receiptId }, () => this.loyalty.redeemVoucher({ code, receiptId, actor }));
    return this.voucher(redeemed.code);
  }

  // ---- The kiosk screen --------------------------------------------------------------------

  lookupCard(cardId: string): CardLookup {
    if (this.chainBlocked(cardId)) return { kind: 'blocked' };
    const card = this.core.cards.get(cardId);
    if (!card) return { kind: 'unknown' };
    return card.status === 'blocked' ? { kind: 'blocked' } : { kind: 'member', memberId: card.memberId };
  }

  memberView(memberId: string): MemberView {
    const engagement = { surveyDue: this.loyalty.engagement.surveyDue(memberId), gameToday: this.loyalty.engagement.canPlayToday(memberId) };
    return memberView(this.loyalty.rules, this.coreMember(memberId), this.loyalty.memberSummary(memberId), engagement);
  }

  async submitSurvey(memberId: string, answers: { csat: number; nps: number }, actor: Actor): Promise<number> {
    this.coreMember(memberId);
    const { points } = await this.audited('survey.submit', actor, { memberId }, () =>
      this.loyalty.engagement.submitSurvey({ memberId, answers, requestId: `survey-${randomUUID()}`, actor }));
    return points;
  }

  async playGame(memberId: string, actor: Actor): Promise<GameOutcomeView> {
    this.coreMember(memberId);
    const outcome = await this.audited('game.play', actor, { memberId }, () => this.loyalty.engagement.playGame({ memberId, actor }));
    return { label: outcome.label, points: outcome.points, withheld: outcome.withheld !== undefined };
  }

  staffMemberView(memberId: string): StaffMemberView {
    const member = this.coreMember(memberId);
    return { ...this.memberView(memberId), name: member.name, phone: member.phone, cards: this.cardsOf(memberId) };
  }

  rewards(memberId: string): RewardView[] {
    return rewardsFor(this.loyalty.rules, this.loyalty.memberSummary(memberId));
  }

  async redeemReward(memberId: string, rewardId: string, requestId: string, actor: Actor): Promise<IssuedVoucher> {
    const reward = this.loyalty.rules.rewards.find((candidate) => candidate.id === rewardId);
    if (!reward) throw new ApiError('NOT_IN_SESSION', 'No such reward.');
    const issued = await this.audited('reward.redeem', actor, { memberId, rewardId }, () =>
      this.loyalty.redeemReward({ memberId, rewardId, requestId, actor }));
    return {
      code: issued.voucher.displayCode,
      qrPayload: issued.voucher.qrPayload,
      expiresAtMs: issued.voucher.expiresAtMs,
      reward: rewardView(reward, true),
      member: this.memberView(memberId),
      atMs: this.nowMs(),
    };
  }

  async linkCard(memberId: string, cardId: string, actor: Actor): Promise<void> {
    this.coreMember(memberId);
    this.refuseChainBlocked(cardId);
    await this.audited('card.link', actor, { memberId }, () =>
      this.ledger.commit({ id: `link-${randomUUID()}`, actor, ops: [{ op: 'card.link', cardId, memberId, kind: 'member' }] }));
  }

  async replaceCard(lostCardId: string, newCardId: string, actor: Actor): Promise<void> {
    const lost = this.core.cards.get(lostCardId);
    if (!lost) throw new ApiError('CARD_NOT_FOUND');
    if (lost.status === 'blocked') throw new ApiError('CARD_BLOCKED');
    this.refuseChainBlocked(lostCardId);
    this.refuseChainBlocked(newCardId);
    // Points belong to the member, so they follow the new card; a gift card's Rial balance
    // lives on the card and is moved explicitly, in the same commit.
    const ops: Op[] = [
      { op: 'card.block', cardId: lostCardId, reason: 'lost', replacedBy: newCardId },
      { op: 'card.link', cardId: newCardId, memberId: lost.memberId, kind: lost.kind },
    ];
    const giftRial = this.ledger.balance(`card:${lostCardId}:gift`);
    if (giftRial > 0) ops.push({ op: 'transfer', debit: `card:${lostCardId}:gift`, credit: `card:${newCardId}:gift`, amount: giftRial, unit: 'rial', reason: 'transfer' });
    await this.audited('card.replace', actor, { memberId: lost.memberId }, () => this.ledger.commit({ id: `replace-${randomUUID()}`, actor, ops }));
  }

  async adjustPoints(memberId: string, points: number, reason: string, actor: Actor): Promise<number> {
    this.coreMember(memberId);
    if (!Number.isSafeInteger(points) || points === 0) throw new ApiError('VALIDATION_FAILED', 'points must be a whole number other than 0');
    const [debit, credit] = points > 0 ? [clubAccount('adjusted'), memberAccount(memberId)] : [memberAccount(memberId), clubAccount('adjusted')];
    await this.audited('points.adjust', actor, { memberId, points }, () => this.ledger.commit({
      id: `adjust-${randomUUID()}`,
      actor,
      ops: [{ op: 'transfer', debit, credit, amount: Math.abs(points), unit: 'points', reason: 'adjust', memo: reason.slice(0, 200) }],
    }));
    return this.loyalty.memberSummary(memberId).balance;
  }
}
