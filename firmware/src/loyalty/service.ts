import type { Logger } from 'pino';
import { contentHash } from '../ledger/canonical.js';
import { LedgerError, memberAccount, type Actor } from '../ledger/types.js';
import type { LoyaltyRules, Reward } from './config.js';
import { DAY_MS } from './calendar/local-time.js';
import { parseLoyaltyRules } from './rules/parse.js';
import type { CategoryLine } from './rules/earn.js';
import { displayCode, voucherCodeFromBytes } from './vouchers/code.js';
import { signPayload, type VoucherSigner } from './vouchers/payload.js';
import { voucherState, type VoucherStateResult } from './vouchers/voucher-state.js';
import { maintenanceDue, memberSummary, occasionsDue, type MemberSummary } from './module/views.js';
import type { PurchaseResult } from './module/purchase-handlers.js';
import type { RefundResult, VoidResult } from './module/reversal-handlers.js';
import { EngagementService } from './engagement/engagement-service.js';
import { WalletService } from './wallet-service.js';
import { cryptoRandom, requireId, ServiceContext, type LoyaltyLedger, type RandomSource } from './service-context.js';

export interface LoyaltyServiceOptions {
  ledger: LoyaltyLedger;
  /** The rules from the config file; journaled when they differ from the rules in force. */
  rules: LoyaltyRules;
  signer: VoucherSigner;
  random?: RandomSource;
  logger?: Logger;
}

export interface RecordPurchaseInput {
  requestId?: string;
  memberId: string;
  amountRial: number;
  receiptId: string;
  categories?: CategoryLine[];
  /** When the sale happened at the till, for a purchase queued offline (up to 7 days back). */
  purchasedAtMs?: number;
  actor: Actor;
}

export interface IssuedVoucher {
  code: string;
  /** The code as people read it: XXXX-XXXX-XXX. */
  displayCode: string;
  qrPayload: string;
  expiresAtMs: number;
  title: string;
  rewardId: string;
}

/**
 * The loyalty engine as the kiosk and the POS API see it. Every change goes through one
 * ledger commit whose id makes retries safe; rules are applied inside the ledger's handlers,
 * so two concurrent requests can never both pass a check that only one may pass.
 */
export class LoyaltyService {
  readonly engagement: EngagementService;
  readonly wallet: WalletService;
  private readonly context: ServiceContext;

  private constructor(
    private readonly options: LoyaltyServiceOptions,
    context: ServiceContext,
  ) {
    this.context = context;
    this.engagement = new EngagementService(context);
    this.wallet = new WalletService(context);
  }

  static async open(options: LoyaltyServiceOptions): Promise<LoyaltyService> {
    const context = new ServiceContext(options.ledger, options.random ?? cryptoRandom, options.logger);
    const service = new LoyaltyService(options, context);
    await service.applyRules(options.rules, { kind: 'system', id: 'loyalty' });
    return service;
  }

  /** Journals new rules (from the config file or the head office) if they differ. */
  async applyRules(input: unknown, actor: Actor): Promise<{ changed: boolean; rulesHash: string }> {
    // Throws RulesError listing every problem, before anything is journaled.
    const rules = parseLoyaltyRules(input);
    const hash = contentHash(rules);
    if (this.context.state.rulesHash === hash) return { changed: false, rulesHash: hash };
    const { result } = await this.context.commitOne<{ changed: boolean; rulesHash: string }>(`rules:${this.context.ledger.lastSeq}:${hash.slice(0, 16)}`, actor, {
      op: 'loyalty.configure',
      rules,
    });
    this.context.logger?.info({ rulesHash: result.rulesHash }, 'loyalty: rules in force changed');
    return result;
  }

  get rules(): LoyaltyRules {
    return this.context.rules;
  }

  async recordPurchase(input: RecordPurchaseInput): Promise<PurchaseResult & { tier: string }> {
    const receiptId = requireId(input.receiptId, 'receiptId');
    const op = {
      op: 'purchase.record',
      receiptId,
      memberId: input.memberId,
      amountRial: input.amountRial,
      ...(input.categories !== undefined && { categories: input.categories }),
      ...(input.purchasedAtMs !== undefined && { purchasedAtMs: input.purchasedAtMs }),
    };
    try {
      const { result } = await this.context.commitOne<PurchaseResult>(`purchase:${receiptId}`, input.actor, op);
      this.context.logger?.info({ receiptId, requestId: input.requestId, points: result.pointsEarned }, 'loyalty: purchase recorded');
      return { ...result, tier: result.tierId };
    } catch (error) {
      if (error instanceof LedgerError && error.code === 'IDEMPOTENCY_CONFLICT') {
        throw new LedgerError('RECEIPT_CONFLICT', `receipt ${receiptId} was already recorded with a different member, amount or categories`, { receiptId });
      }
      throw error;
    }
  }

  async voidPurchase(input: { receiptId: string; actor: Actor }): Promise<VoidResult> {
    const receiptId = requireId(input.receiptId, 'receiptId');
    const { result } = await this.context.commitOne<VoidResult>(`void:${receiptId}`, input.actor, { op: 'purchase.void', receiptId });
    return result;
  }

  /** A partial refund: the points on the returned part come back out (rounded in the club's favour). */
  async refundPurchase(input: { receiptId: string; refundId: string; refundRial: number; actor: Actor }): Promise<RefundResult> {
    const receiptId = requireId(input.receiptId, 'receiptId');
    const refundId = requireId(input.refundId, 'refundId');
    const { result } = await this.context.commitOne<RefundResult>(`refund:${receiptId}:${refundId}`, input.actor, { op: 'purchase.refund', receiptId, refundRial: input.refundRial });
    return result;
  }

  memberSummary(memberId: string, nowMs = this.context.nowMs()): MemberSummary {
    const summary = memberSummary(this.context.rules, this.context.state, this.context.ledger.core, memberId, nowMs);
    if (!summary) throw new LedgerError('UNKNOWN_MEMBER', `no member ${memberId}`);
    return summary;
  }

  catalogue(): Reward[] {
    return this.context.rules.rewards;
  }

  /** Takes a reward: the points leave the account in the same commit that issues the voucher. */
  async redeemReward(input: { memberId: string; rewardId: string; requestId: string; actor: Actor }): Promise<{ voucher: IssuedVoucher; balance: number }> {
    const requestId = requireId(input.requestId, 'requestId');
    const existing = this.issuedFor(requestId, input.memberId);
    if (existing && existing.voucher.rewardId !== input.rewardId) throw new LedgerError('REQUEST_REUSED', 'this requestId already took another reward');
    if (existing) return existing;
    const reward = this.context.rules.rewards.find((candidate) => candidate.id === input.rewardId);
    if (!reward) throw new LedgerError('UNKNOWN_REWARD', `no reward ${input.rewardId} in the catalogue`);
    const signer = this.options.signer;
    const expiresAtMs = Math.floor((this.context.nowMs() + reward.validityDays * DAY_MS) / 1000) * 1000;
    const code = voucherCodeFromBytes(this.context.random.bytes(8));
    const payload = signPayload({ deviceId: signer.deviceId, code, rewardId: reward.id, expiresAtMs }, signer);
    try {
      await this.context.commitOne(`reward:${requestId}`, input.actor, {
        op: 'voucher.issue',
        requestId,
        memberId: input.memberId,
        rewardId: reward.id,
        code,
        deviceId: signer.deviceId,
        payload,
        expiresAtMs,
      });
    } catch (error) {
      // Two concurrent calls with one requestId: the first one's voucher is the answer.
      const raced = error instanceof LedgerError && (error.code === 'REQUEST_REUSED' || error.code === 'IDEMPOTENCY_CONFLICT') ? this.issuedFor(requestId, input.memberId) : undefined;
      if (raced) return raced;
      throw error;
    }
    return this.issuedFor(requestId, input.memberId)!;
  }

  private issuedFor(requestId: string, memberId: string): { voucher: IssuedVoucher; balance: number } | undefined {
    const code = this.context.state.voucherByRequest.get(requestId);
    const voucher = code ? this.context.state.vouchers.get(code) : undefined;
    if (!voucher || !voucher.payload) return undefined;
    if (voucher.memberId !== memberId) throw new LedgerError('REQUEST_REUSED', 'this requestId was used for another member');
    return {
      voucher: { code: voucher.code, displayCode: displayCode(voucher.code), qrPayload: voucher.payload, expiresAtMs: voucher.expiresAtMs, title: voucher.title, rewardId: voucher.rewardId },
      balance: this.context.ledger.balance(memberAccount(memberId)),
    };
  }

  voucherState(codeOrPayload: string, nowMs = this.context.nowMs()): VoucherStateResult {
    return voucherState(codeOrPayload, this.context.state, this.options.signer, nowMs);
  }

  /**
   * Uses a voucher on a receipt. Forged and unknown codes are refused here; used and expired
   * ones are refused by the ledger handler, which sees every earlier commit, so of two
   * concurrent redemptions exactly one wins. A retry with the same receipt returns ok again.
   */
  async redeemVoucher(input: { code: string; receiptId: string; actor: Actor }): Promise<{ ok: true; code: string; reward?: Reward; title: string }> {
    const receiptId = requireId(input.receiptId, 'receiptId');
    const checked = this.voucherState(input.code);
    if (checked.state === 'forged') throw new LedgerError('VOUCHER_FORGED', 'this voucher was not issued by a known device', { reason: checked.reason });
    if (checked.state === 'unknown' || !checked.voucher) throw new LedgerError('VOUCHER_UNKNOWN', 'no such voucher', { reason: checked.reason });
    const voucher = checked.voucher;
    // A voucher another device issued carries its claims, also on a retry after it was recorded.
    const record = this.context.state.vouchers.get(voucher.code);
    const foreign = record === undefined || record.foreign === true;
    await this.context.commitOne(`voucher:${voucher.code}:${receiptId}`, input.actor, {
      op: 'voucher.redeem',
      code: voucher.code,
      receiptId,
      ...(foreign && { claims: { deviceId: voucher.deviceId, rewardId: voucher.rewardId, expiresAtMs: voucher.expiresAtMs } }),
    });
    const reward = this.context.rules.rewards.find((candidate) => candidate.id === voucher.rewardId);
    return { ok: true, code: voucher.code, title: voucher.title, ...(reward && { reward }) };
  }

  /** Releases matured pending points and expires old lots, oldest first. Safe to repeat. */
  async runExpiry(nowMs: number, actor: Actor = { kind: 'system', id: 'expiry' }): Promise<{ releasedPoints: number; expiredPoints: number; members: number; pruned?: number }> {
    if (!Number.isSafeInteger(nowMs)) throw new LedgerError('INVALID_OPERATION', 'nowMs must be a time in milliseconds');
    // Called every hour: journal a record only when something is due.
    if (!maintenanceDue(this.context.state, Math.min(nowMs, this.context.nowMs()))) return { releasedPoints: 0, expiredPoints: 0, members: 0 };
    return (await this.context.commitOne<{ releasedPoints: number; expiredPoints: number; members: number; pruned?: number }>(`maintain:${nowMs}`, actor, { op: 'loyalty.maintain', asOfMs: nowMs })).result;
  }

  /** Birthday, anniversary, Nowruz, Yalda and religious-day bonuses due now (catching up). */
  async runOccasions(nowMs: number, actor: Actor = { kind: 'system', id: 'occasions' }): Promise<{ granted: Array<{ memberId: string; key: string; points: number }> }> {
    if (!Number.isSafeInteger(nowMs)) throw new LedgerError('INVALID_OPERATION', 'nowMs must be a time in milliseconds');
    if (!occasionsDue(this.context.rules, this.context.state, this.context.ledger.core, Math.min(nowMs, this.context.nowMs()))) return { granted: [] };
    return (await this.context.commitOne<{ granted: Array<{ memberId: string; key: string; points: number }> }>(`occasions:${nowMs}`, actor, { op: 'occasions.run', asOfMs: nowMs })).result;
  }

  /** Pays the profile-completion bonus once the profile has a birthday and an interest. */
  async claimProfileBonus(input: { memberId: string; actor: Actor }): Promise<{ memberId: string; points: number }> {
    const memberId = requireId(input.memberId, 'memberId');
    return (await this.context.commitOne<{ memberId: string; points: number }>(`profile-bonus:${memberId}`, input.actor, { op: 'profile.bonus', memberId })).result;
  }
}
