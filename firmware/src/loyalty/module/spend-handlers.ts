import type { ApplyContext } from '../../ledger/module.js';
import type { CoreState } from '../../ledger/core-state.js';
import { clubAccount, memberAccount, type Op } from '../../ledger/types.js';
import { isWellFormedCode } from '../vouchers/code.js';
import { DAY_MS } from '../calendar/local-time.js';
import { maxPartialRedemptionPoints } from '../rules/earn.js';
import { sortedTiers } from '../tiers/tiers.js';
import { balanceOf, coreMember, debitPoints, fail, loyaltyOf, post, releaseMatured, rulesOf } from './books.js';
import { standingOf, RECEIPT_ID_PATTERN } from './purchase-handlers.js';
import type { LoyaltyState, Voucher } from './state.js';

const REQUEST_ID_PATTERN = /^[A-Za-z0-9_.:-]{1,64}$/;
const DEVICE_ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;
const MAX_RIAL = 1_000_000_000_000;

function checkReceipt(receiptId: unknown): asserts receiptId is string {
  if (typeof receiptId !== 'string' || !RECEIPT_ID_PATTERN.test(receiptId)) fail('INVALID_OPERATION', 'receiptId must be 1-64 of A-Z a-z 0-9 _ . : -');
}

function checkAmount(value: unknown, what: string): asserts value is number {
  if (!Number.isSafeInteger(value) || (value as number) <= 0 || (value as number) > MAX_RIAL) fail('INVALID_OPERATION', `${what} must be a positive integer`);
}

/** A reward taken from the catalogue: its points leave the account in the commit that issues the voucher. */
export function issueVoucher(state: LoyaltyState, raw: Op, ctx: ApplyContext): { code: string; expiresAtMs: number; costPoints: number } {
  const op = raw as Op & { requestId: string; memberId: string; rewardId: string; code: string; deviceId: string; payload: string; expiresAtMs: number };
  const rules = rulesOf(state);
  coreMember(ctx, op.memberId);
  const reward = rules.rewards.find((candidate) => candidate.id === op.rewardId);
  if (!reward) fail('UNKNOWN_REWARD', `no reward ${String(op.rewardId)} in the catalogue`);
  if (typeof op.requestId !== 'string' || !REQUEST_ID_PATTERN.test(op.requestId)) fail('INVALID_OPERATION', 'requestId must be 1-64 of A-Z a-z 0-9 _ . : -');
  if (state.voucherByRequest.has(op.requestId)) fail('REQUEST_REUSED', 'this request already issued a voucher', { code: state.voucherByRequest.get(op.requestId) });
  if (typeof op.code !== 'string' || !isWellFormedCode(op.code)) fail('INVALID_OPERATION', 'code must be a well-formed voucher code');
  if (state.vouchers.has(op.code)) fail('VOUCHER_EXISTS', 'this voucher code is taken');
  if (typeof op.deviceId !== 'string' || !DEVICE_ID_PATTERN.test(op.deviceId)) fail('INVALID_OPERATION', 'deviceId is invalid');
  if (typeof op.payload !== 'string' || !op.payload.startsWith(`BG1.${op.deviceId}.${op.code}.`)) fail('INVALID_OPERATION', 'payload does not belong to this code');
  // The caller computed the expiry from its clock just before the commit: allow a day of slack.
  const latestMs = ctx.at.atMs + (reward.validityDays + 1) * DAY_MS;
  if (!Number.isSafeInteger(op.expiresAtMs) || op.expiresAtMs <= ctx.at.atMs || op.expiresAtMs > latestMs) {
    fail('INVALID_OPERATION', `expiresAtMs must be in the future and within ${reward.validityDays} days`);
  }
  if (reward.minTierId !== undefined) {
    const tiers = sortedTiers(rules);
    const standing = standingOf(state, ctx, op.memberId, loyaltyOf(state, op.memberId), ctx.at.atMs);
    if (standing.index < tiers.findIndex((tier) => tier.id === reward.minTierId)) fail('TIER_TOO_LOW', `this reward needs the ${reward.minTierId} tier`);
  }
  releaseMatured(state, ctx, op.memberId, ctx.at.atMs);
  debitPoints(state, ctx, op.memberId, reward.costPoints, clubAccount('redeemed'), 'redeem', { voucher: op.code, rewardId: reward.id });
  const voucher: Voucher = {
    code: op.code,
    memberId: op.memberId,
    rewardId: reward.id,
    title: reward.title,
    deviceId: op.deviceId,
    payload: op.payload,
    issuedAtMs: ctx.at.atMs,
    expiresAtMs: op.expiresAtMs,
    requestId: op.requestId,
    state: 'issued',
  };
  ctx.undo.set(state.vouchers, op.code, voucher);
  ctx.undo.set(state.voucherByRequest, op.requestId, op.code);
  return { code: op.code, expiresAtMs: op.expiresAtMs, costPoints: reward.costPoints };
}

/**
 * Marks a voucher used. The ledger applies commits one at a time, so of two concurrent
 * redemptions the second sees the first's state and is refused. A voucher from another
 * device (checked offline by its signature before the commit) is recorded on first use.
 */
export function redeemVoucher(state: LoyaltyState, raw: Op, ctx: ApplyContext): { code: string; rewardId: string } {
  const op = raw as Op & { code: string; receiptId: string; claims?: { deviceId: string; rewardId: string; expiresAtMs: number } };
  checkReceipt(op.receiptId);
  if (typeof op.code !== 'string' || !isWellFormedCode(op.code)) fail('VOUCHER_UNKNOWN', 'not a voucher code');
  const atMs = ctx.at.atMs;
  const known = state.vouchers.get(op.code);
  if (known) {
    if (known.state === 'redeemed') fail('VOUCHER_REDEEMED', 'this voucher was already used', { redeemed: known.redeemed });
    if (atMs >= known.expiresAtMs) fail('VOUCHER_EXPIRED', 'this voucher has expired', { expiresAtMs: known.expiresAtMs });
    ctx.undo.set(state.vouchers, op.code, { ...known, state: 'redeemed', redeemed: { atMs, receiptId: op.receiptId } });
    return { code: op.code, rewardId: known.rewardId };
  }
  const claims = op.claims;
  if (!claims) fail('VOUCHER_UNKNOWN', 'this voucher is not known here');
  if (!DEVICE_ID_PATTERN.test(String(claims.deviceId)) || typeof claims.rewardId !== 'string' || !Number.isSafeInteger(claims.expiresAtMs)) {
    fail('INVALID_OPERATION', 'claims must hold deviceId, rewardId and expiresAtMs');
  }
  if (atMs >= claims.expiresAtMs) fail('VOUCHER_EXPIRED', 'this voucher has expired', { expiresAtMs: claims.expiresAtMs });
  const title = rulesOf(state).rewards.find((reward) => reward.id === claims.rewardId)?.title ?? claims.rewardId;
  ctx.undo.set(state.vouchers, op.code, {
    code: op.code,
    rewardId: claims.rewardId,
    title,
    deviceId: claims.deviceId,
    expiresAtMs: claims.expiresAtMs,
    state: 'redeemed',
    redeemed: { atMs, receiptId: op.receiptId },
    foreign: true,
  });
  return { code: op.code, rewardId: claims.rewardId };
}

/** Partial redemption: points pay part of a purchase, up to the configured share. */
export function payWithPoints(state: LoyaltyState, raw: Op, ctx: ApplyContext): { points: number; discountRial: number } {
  const op = raw as Op & { memberId: string; points: number; receiptId: string; purchaseRial: number };
  const rules = rulesOf(state);
  coreMember(ctx, op.memberId);
  checkReceipt(op.receiptId);
  checkAmount(op.purchaseRial, 'purchaseRial');
  checkAmount(op.points, 'points');
  releaseMatured(state, ctx, op.memberId, ctx.at.atMs);
  const limit = maxPartialRedemptionPoints(rules, op.purchaseRial, balanceOf(ctx, memberAccount(op.memberId)));
  if (op.points > limit) fail('REDEMPTION_LIMIT', `at most ${limit} points can pay this purchase`, { maxPoints: limit });
  debitPoints(state, ctx, op.memberId, op.points, clubAccount('redeemed'), 'pay', { receiptId: op.receiptId });
  return { points: op.points, discountRial: op.points * rules.redemption.rialPerPoint };
}

/** Points exchanged for store credit in Rial, kept in `member:<id>:credit`. */
export function exchangeForCredit(state: LoyaltyState, raw: Op, ctx: ApplyContext): { points: number; creditRial: number } {
  const op = raw as Op & { memberId: string; points: number };
  const rules = rulesOf(state);
  coreMember(ctx, op.memberId);
  checkAmount(op.points, 'points');
  releaseMatured(state, ctx, op.memberId, ctx.at.atMs);
  debitPoints(state, ctx, op.memberId, op.points, clubAccount('redeemed'), 'exchange', { memberId: op.memberId });
  const creditRial = op.points * rules.redemption.rialPerPoint;
  post(ctx, clubAccount('credit-issued'), memberAccount(op.memberId, 'credit'), creditRial, 'exchange', { memberId: op.memberId }, 'rial');
  return { points: op.points, creditRial };
}

export function spendCredit(_state: LoyaltyState, raw: Op, ctx: ApplyContext): { amountRial: number } {
  const op = raw as Op & { memberId: string; amountRial: number; receiptId: string };
  coreMember(ctx, op.memberId);
  checkReceipt(op.receiptId);
  checkAmount(op.amountRial, 'amountRial');
  post(ctx, memberAccount(op.memberId, 'credit'), clubAccount('credit-spent'), op.amountRial, 'spend', { receiptId: op.receiptId }, 'rial');
  return { amountRial: op.amountRial };
}

function giftCard(ctx: ApplyContext, cardId: unknown) {
  const card = typeof cardId === 'string' ? ctx.slice<CoreState>('core').cards.get(cardId) : undefined;
  if (!card) fail('UNKNOWN_CARD', 'no such card');
  if (card.kind !== 'gift') fail('NOT_A_GIFT_CARD', 'this card is not a gift card');
  if (card.status !== 'active') fail('CARD_BLOCKED', 'this card is blocked');
  return card;
}

/** A gift ("bon") card's Rial balance lives in `card:<cardId>:gift`, apart from points. */
export function loadGiftCard(_state: LoyaltyState, raw: Op, ctx: ApplyContext): { cardId: string; amountRial: number } {
  const card = giftCard(ctx, raw.cardId);
  checkAmount(raw.amountRial, 'amountRial');
  post(ctx, clubAccount('gift-sold'), `card:${card.id}:gift`, raw.amountRial, 'gift-load', { cardId: card.id }, 'rial');
  return { cardId: card.id, amountRial: raw.amountRial };
}

export function spendGiftCard(_state: LoyaltyState, raw: Op, ctx: ApplyContext): { cardId: string; amountRial: number } {
  const card = giftCard(ctx, raw.cardId);
  checkAmount(raw.amountRial, 'amountRial');
  checkReceipt(raw.receiptId);
  post(ctx, `card:${card.id}:gift`, clubAccount('gift-spent'), raw.amountRial, 'gift-spend', { receiptId: raw.receiptId }, 'rial');
  return { cardId: card.id, amountRial: raw.amountRial };
}
