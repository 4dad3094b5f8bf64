import type { ApplyContext } from '../../ledger/module.js';
import type { CoreState } from '../../ledger/core-state.js';
import { clubAccount, type Op } from '../../ledger/types.js';
import { localMoment } from '../calendar/local-time.js';
import { prizeForRoll, settle, type GameOutcome } from '../engagement/game.js';
import { drawTickets, seedHash, SEED_PATTERN } from '../engagement/lottery.js';
import { checkAnswers, npsBand, surveyDue } from '../engagement/survey.js';
import { isWellFormedReferralCode } from '../referral/referral.js';
import { coreMember, creditPoints, debitPoints, fail, loyaltyOf, putLoyalty, releaseMatured, rulesOf } from './books.js';
import type { Lottery, LoyaltyState } from './state.js';

const LOTTERY_ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,39}$/;

export function submitSurvey(state: LoyaltyState, raw: Op, ctx: ApplyContext): { memberId: string; points: number } {
  const rules = rulesOf(state);
  const member = coreMember(ctx, raw.memberId);
  const answers = checkAnswers(raw.answers);
  if (typeof answers === 'string') fail('INVALID_OPERATION', answers);
  const loyalty = loyaltyOf(state, member.id);
  if (!surveyDue(loyalty.lastSurveyAtMs, ctx.at.atMs, rules.survey.periodDays)) fail('SURVEY_NOT_DUE', 'this member already answered the survey in this period');
  putLoyalty(state, ctx, member.id, { ...loyalty, lastSurveyAtMs: ctx.at.atMs });
  const totals = state.survey.get('totals') ?? { responses: 0, csatSum: 0, promoters: 0, passives: 0, detractors: 0 };
  const band = npsBand(answers.nps);
  ctx.undo.set(state.survey, 'totals', { ...totals, responses: totals.responses + 1, csatSum: totals.csatSum + answers.csat, [band]: totals[band] + 1 });
  const points = rules.survey.points;
  if (points > 0) creditPoints(state, ctx, member.id, points, clubAccount('bonus'), 'survey', { memberId: member.id }, ctx.at.atMs);
  return { memberId: member.id, points };
}

/** One play per member per local day; the caller's crypto roll picks the prize. */
export function playGame(state: LoyaltyState, raw: Op, ctx: ApplyContext): GameOutcome & { dayKey: string; budgetLeftPoints: number } {
  const rules = rulesOf(state);
  const member = coreMember(ctx, raw.memberId);
  const dayKey = localMoment(ctx.at.atMs, rules.timeZone).dayKey;
  const loyalty = loyaltyOf(state, member.id);
  if (loyalty.lastGameDay === dayKey) fail('GAME_ALREADY_PLAYED', 'one play per member per day');
  let prize;
  try {
    prize = prizeForRoll(rules.game.prizes, raw.roll as number);
  } catch (error) {
    fail('INVALID_OPERATION', (error as Error).message);
  }
  const day = state.gameDay.get('current');
  const spent = day?.key === dayKey ? day.spentPoints : 0;
  const outcome = settle(prize, spent, rules.game.dailyBudgetPoints);
  putLoyalty(state, ctx, member.id, { ...loyalty, lastGameDay: dayKey });
  ctx.undo.set(state.gameDay, 'current', { key: dayKey, spentPoints: spent + outcome.points });
  if (outcome.points > 0) creditPoints(state, ctx, member.id, outcome.points, clubAccount('game'), 'game', { day: dayKey, prizeId: outcome.prizeId }, ctx.at.atMs);
  return { ...outcome, dayKey, budgetLeftPoints: rules.game.dailyBudgetPoints - spent - outcome.points };
}

function lotteryOf(state: LoyaltyState, lotteryId: unknown): Lottery {
  const lottery = typeof lotteryId === 'string' ? state.lotteries.get(lotteryId) : undefined;
  if (!lottery) fail('UNKNOWN_LOTTERY', `no lottery ${String(lotteryId)}`);
  return lottery;
}

export function openLottery(state: LoyaltyState, raw: Op, ctx: ApplyContext): { lotteryId: string; seedHash: string } {
  const rules = rulesOf(state);
  const op = raw as Op & { lotteryId: string; title: string; seedHash: string; closesAtMs: number; prizes: Array<{ title: string; points?: number }> };
  if (typeof op.lotteryId !== 'string' || !LOTTERY_ID_PATTERN.test(op.lotteryId)) fail('INVALID_OPERATION', 'lotteryId must be a short lower-case id');
  if (state.lotteries.has(op.lotteryId)) fail('LOTTERY_EXISTS', 'a lottery with this id exists');
  if (typeof op.title !== 'string' || op.title.length === 0 || op.title.length > 80) fail('INVALID_OPERATION', 'title must be 1 to 80 characters');
  if (typeof op.seedHash !== 'string' || !SEED_PATTERN.test(op.seedHash)) fail('INVALID_OPERATION', 'seedHash must be a sha256 in lower-case hex');
  if (!Number.isSafeInteger(op.closesAtMs) || op.closesAtMs <= ctx.at.atMs) fail('INVALID_OPERATION', 'closesAtMs must be in the future');
  const prizesValid =
    Array.isArray(op.prizes) && op.prizes.length > 0 && op.prizes.length <= 20 &&
    op.prizes.every((p) => typeof p.title === 'string' && p.title.length > 0 && p.title.length <= 80 && (p.points === undefined || (Number.isSafeInteger(p.points) && p.points >= 0)));
  if (!prizesValid) fail('INVALID_OPERATION', 'prizes must be 1 to 20 {title, points?}');
  const lottery: Lottery = {
    id: op.lotteryId,
    title: op.title,
    seedHash: op.seedHash,
    closesAtMs: op.closesAtMs,
    ticketCostPoints: rules.lottery.ticketCostPoints,
    maxTicketsPerMember: rules.lottery.maxTicketsPerMember,
    prizes: op.prizes.map((prize) => ({ title: prize.title, points: prize.points ?? 0 })),
    tickets: [],
  };
  ctx.undo.set(state.lotteries, lottery.id, lottery);
  return { lotteryId: lottery.id, seedHash: lottery.seedHash };
}

export function buyTickets(state: LoyaltyState, raw: Op, ctx: ApplyContext): { lotteryId: string; tickets: number[] } {
  const lottery = lotteryOf(state, raw.lotteryId);
  const member = coreMember(ctx, raw.memberId);
  const count = raw.tickets as number;
  if (!Number.isSafeInteger(count) || count < 1) fail('INVALID_OPERATION', 'tickets must be a positive integer');
  if (ctx.at.atMs >= lottery.closesAtMs || lottery.seed !== undefined || lottery.cancelledAtMs !== undefined) fail('LOTTERY_CLOSED', 'tickets for this lottery are closed');
  const held = lottery.tickets.filter((owner) => owner === member.id).length;
  if (held + count > lottery.maxTicketsPerMember) fail('TICKET_LIMIT', `at most ${lottery.maxTicketsPerMember} tickets per member`, { held });
  releaseMatured(state, ctx, member.id, ctx.at.atMs);
  debitPoints(state, ctx, member.id, count * lottery.ticketCostPoints, clubAccount('lottery'), 'lottery', { lotteryId: lottery.id });
  const first = lottery.tickets.length;
  ctx.undo.set(state.lotteries, lottery.id, { ...lottery, tickets: [...lottery.tickets, ...Array<string>(count).fill(member.id)] });
  return { lotteryId: lottery.id, tickets: Array.from({ length: count }, (_, index) => first + index) };
}

export function drawLottery(state: LoyaltyState, raw: Op, ctx: ApplyContext): { lotteryId: string; winners: NonNullable<Lottery['winners']> } {
  const lottery = lotteryOf(state, raw.lotteryId);
  if (lottery.seed !== undefined) fail('LOTTERY_DRAWN', 'this lottery was already drawn');
  if (lottery.cancelledAtMs !== undefined) fail('LOTTERY_CANCELLED', 'this lottery was cancelled');
  if (ctx.at.atMs < lottery.closesAtMs) fail('LOTTERY_OPEN', 'tickets are still on sale');
  const seed = raw.seed;
  if (typeof seed !== 'string' || !SEED_PATTERN.test(seed) || seedHash(seed) !== lottery.seedHash) fail('SEED_MISMATCH', 'the seed does not match the published hash');
  const winners = drawTickets(seed, lottery.id, lottery.tickets.length, lottery.prizes.length).map((ticket, prizeIndex) => ({
    prizeIndex,
    ticket,
    memberId: lottery.tickets[ticket]!,
  }));
  for (const winner of winners) {
    const points = lottery.prizes[winner.prizeIndex]!.points;
    if (points > 0) creditPoints(state, ctx, winner.memberId, points, clubAccount('lottery'), 'lottery-prize', { lotteryId: lottery.id }, ctx.at.atMs);
  }
  ctx.undo.set(state.lotteries, lottery.id, { ...lottery, seed, winners });
  return { lotteryId: lottery.id, winners };
}

/**
 * Cancels an undrawn lottery (for example when its seed was lost): every ticket's points go
 * back to its buyer as new lots, and no draw can follow.
 */
export function cancelLottery(state: LoyaltyState, raw: Op, ctx: ApplyContext): { lotteryId: string; refundedPoints: number } {
  const lottery = lotteryOf(state, raw.lotteryId);
  if (lottery.seed !== undefined) fail('LOTTERY_DRAWN', 'this lottery was already drawn');
  if (lottery.cancelledAtMs !== undefined) fail('LOTTERY_CANCELLED', 'this lottery was already cancelled');
  const perMember = new Map<string, number>();
  for (const owner of lottery.tickets) perMember.set(owner, (perMember.get(owner) ?? 0) + lottery.ticketCostPoints);
  let refundedPoints = 0;
  for (const [memberId, points] of [...perMember.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
    creditPoints(state, ctx, memberId, points, clubAccount('lottery'), 'lottery-refund', { lotteryId: lottery.id }, ctx.at.atMs);
    refundedPoints += points;
  }
  ctx.undo.set(state.lotteries, lottery.id, { ...lottery, cancelledAtMs: ctx.at.atMs });
  return { lotteryId: lottery.id, refundedPoints };
}

export function assignReferralCode(state: LoyaltyState, raw: Op, ctx: ApplyContext): { memberId: string; code: string } {
  const member = coreMember(ctx, raw.memberId);
  const code = raw.code;
  if (typeof code !== 'string' || !isWellFormedReferralCode(code)) fail('INVALID_OPERATION', 'not a well-formed referral code');
  const loyalty = loyaltyOf(state, member.id);
  if (loyalty.referralCode !== undefined) fail('REFERRAL_CODE_ASSIGNED', 'this member already has a referral code', { code: loyalty.referralCode });
  if (state.referralCodes.has(code)) fail('REFERRAL_CODE_TAKEN', 'this referral code belongs to another member');
  ctx.undo.set(state.referralCodes, code, member.id);
  putLoyalty(state, ctx, member.id, { ...loyalty, referralCode: code });
  return { memberId: member.id, code };
}

/** A new member names who invited them; both get their bonus after the first purchase. */
export function linkReferral(state: LoyaltyState, raw: Op, ctx: ApplyContext): { memberId: string; referrerId: string } {
  const member = coreMember(ctx, raw.memberId);
  const referrerId = typeof raw.code === 'string' ? state.referralCodes.get(raw.code) : undefined;
  if (!referrerId) fail('UNKNOWN_REFERRAL_CODE', 'no member has this referral code');
  if (referrerId === member.id) fail('SELF_REFERRAL', 'a member cannot refer themselves');
  const loyalty = loyaltyOf(state, member.id);
  if (loyalty.referredBy !== undefined) fail('ALREADY_REFERRED', 'this member already named a referrer');
  if (loyalty.purchaseCount > 0) fail('NOT_A_NEW_MEMBER', 'a referral must be named before the first purchase');
  if (!ctx.slice<CoreState>('core').members.has(referrerId)) fail('UNKNOWN_MEMBER', 'the referrer is no longer a member');
  putLoyalty(state, ctx, member.id, { ...loyalty, referredBy: referrerId });
  return { memberId: member.id, referrerId };
}
