import { LedgerError, type Actor } from '../../ledger/types.js';
import { localMoment } from '../calendar/local-time.js';
import { publishedOdds, type GameOutcome, type PublishedOdds } from './game.js';
import { drawTickets, seedHash } from './lottery.js';
import { surveyDue, type SurveyAnswers } from './survey.js';
import { leaderboard, referralCodeFor, type LeaderboardRow } from '../referral/referral.js';
import { normaliseCode } from '../vouchers/code.js';
import { emptyMemberLoyalty, type Lottery } from '../module/state.js';
import { requireId, type ServiceContext } from '../service-context.js';

const MAX_REFERRAL_ATTEMPTS = 16;

/** Referrals, the survey, the daily game and lotteries, for the kiosk UI. */
export class EngagementService {
  constructor(private readonly context: ServiceContext) {}

  private loyalty(memberId: string) {
    return this.context.state.members.get(memberId) ?? emptyMemberLoyalty();
  }

  // ---- Referral -----------------------------------------------------------------------

  /** The member's referral code, assigned on first request. */
  async referralCode(memberId: string, actor: Actor): Promise<string> {
    for (let attempt = 0; attempt < MAX_REFERRAL_ATTEMPTS; attempt++) {
      const assigned = this.loyalty(memberId).referralCode;
      if (assigned) return assigned;
      const code = referralCodeFor(memberId, attempt);
      if (this.context.state.referralCodes.has(code)) continue;
      try {
        return (await this.context.commitOne<{ code: string }>(`referral-code:${memberId}:${attempt}`, actor, { op: 'referral.assign', memberId, code })).result.code;
      } catch (error) {
        if (!(error instanceof LedgerError) || !['REFERRAL_CODE_TAKEN', 'REFERRAL_CODE_ASSIGNED'].includes(error.code)) throw error;
      }
    }
    throw new LedgerError('REFERRAL_CODE_EXHAUSTED', 'could not find a free referral code');
  }

  /** A new member names the code of the member who invited them (before the first purchase). */
  async applyReferral(input: { memberId: string; code: string; actor: Actor }): Promise<{ referrerId: string }> {
    const memberId = requireId(input.memberId, 'memberId');
    const code = normaliseCode(input.code);
    // The code is part of the id: a retry replays, a different code is refused by the handler.
    const { result } = await this.context.commitOne<{ referrerId: string }>(`referral-link:${memberId}:${code}`, input.actor, { op: 'referral.link', memberId, code });
    return { referrerId: result.referrerId };
  }

  referralLeaderboard(limit = 10): LeaderboardRow[] {
    const rows = [...this.context.state.members.entries()].map(([memberId, loyalty]) => ({ memberId, referrals: loyalty.referralsCompleted }));
    return leaderboard(rows, limit);
  }

  // ---- Survey -------------------------------------------------------------------------

  surveyDue(memberId: string, nowMs = this.context.nowMs()): boolean {
    return surveyDue(this.loyalty(memberId).lastSurveyAtMs, nowMs, this.context.rules.survey.periodDays);
  }

  async submitSurvey(input: { memberId: string; answers: SurveyAnswers; requestId: string; actor: Actor }): Promise<{ points: number }> {
    const requestId = requireId(input.requestId, 'requestId');
    const { result } = await this.context.commitOne<{ points: number }>(`survey:${requestId}`, input.actor, {
      op: 'survey.submit',
      memberId: input.memberId,
      answers: input.answers,
    });
    return { points: result.points };
  }

  /** For managers: responses, mean CSAT and NPS (promoters − detractors, in percent). */
  surveyTotals(): { responses: number; csatMean?: number; nps?: number } {
    const totals = this.context.state.survey.get('totals');
    if (!totals || totals.responses === 0) return { responses: 0 };
    return {
      responses: totals.responses,
      csatMean: totals.csatSum / totals.responses,
      nps: Math.round(((totals.promoters - totals.detractors) / totals.responses) * 100),
    };
  }

  // ---- Daily game ---------------------------------------------------------------------

  gameOdds(): PublishedOdds {
    return publishedOdds(this.context.rules.game.prizes, this.context.rules.game.dailyBudgetPoints);
  }

  canPlayToday(memberId: string, nowMs = this.context.nowMs()): boolean {
    return this.loyalty(memberId).lastGameDay !== localMoment(nowMs, this.context.rules.timeZone).dayKey;
  }

  /** One play: the roll is drawn here with crypto, the outcome decided and journaled by the ledger. */
  async playGame(input: { memberId: string; actor: Actor }): Promise<GameOutcome & { budgetLeftPoints: number }> {
    const memberId = requireId(input.memberId, 'memberId');
    if (!this.canPlayToday(memberId)) throw new LedgerError('GAME_ALREADY_PLAYED', 'one play per member per day');
    const roll = this.context.random.int(this.gameOdds().totalWeight);
    const dayKey = localMoment(this.context.nowMs(), this.context.rules.timeZone).dayKey;
    try {
      return (await this.context.commitOne<GameOutcome & { budgetLeftPoints: number }>(`game:${memberId}:${dayKey}`, input.actor, { op: 'game.play', memberId, roll })).result;
    } catch (error) {
      if (error instanceof LedgerError && error.code === 'IDEMPOTENCY_CONFLICT') throw new LedgerError('GAME_ALREADY_PLAYED', 'one play per member per day');
      throw error;
    }
  }

  // ---- Lottery ------------------------------------------------------------------------

  /**
   * Opens a lottery and returns its secret seed, which the caller (staff, or the head office)
   * keeps until the draw; only sha256(seed) is journaled and shown before tickets close.
   */
  async openLottery(input: { lotteryId: string; title: string; closesAtMs: number; prizes: Array<{ title: string; points?: number }>; actor: Actor }): Promise<{ lotteryId: string; seed: string; seedHash: string }> {
    const seed = Buffer.from(this.context.random.bytes(32)).toString('hex');
    const hash = seedHash(seed);
    await this.context.commitOne(`lottery-open:${input.lotteryId}`, input.actor, {
      op: 'lottery.open',
      lotteryId: input.lotteryId,
      title: input.title,
      seedHash: hash,
      closesAtMs: input.closesAtMs,
      prizes: input.prizes,
    });
    return { lotteryId: input.lotteryId, seed, seedHash: hash };
  }

  async buyTickets(input: { lotteryId: string; memberId: string; tickets: number; requestId: string; actor: Actor }): Promise<{ tickets: number[] }> {
    const requestId = requireId(input.requestId, 'requestId');
    const { result } = await this.context.commitOne<{ tickets: number[] }>(`lottery-buy:${requestId}`, input.actor, {
      op: 'lottery.buy',
      lotteryId: input.lotteryId,
      memberId: input.memberId,
      tickets: input.tickets,
    });
    return { tickets: result.tickets };
  }

  async drawLottery(input: { lotteryId: string; seed: string; actor: Actor }): Promise<{ winners: NonNullable<Lottery['winners']> }> {
    const { result } = await this.context.commitOne<{ winners: NonNullable<Lottery['winners']> }>(`lottery-draw:${input.lotteryId}`, input.actor, {
      op: 'lottery.draw',
      lotteryId: input.lotteryId,
      seed: input.seed,
    });
    return { winners: result.winners };
  }

  /** Gives every ticket's points back (a lost seed, a cancelled event). */
  async cancelLottery(input: { lotteryId: string; actor: Actor }): Promise<{ refundedPoints: number }> {
    const { result } = await this.context.commitOne<{ refundedPoints: number }>(`lottery-cancel:${input.lotteryId}`, input.actor, { op: 'lottery.cancel', lotteryId: input.lotteryId });
    return { refundedPoints: result.refundedPoints };
  }

  /** The public view: ticket owners are member ids (never names or phones). */
  lottery(lotteryId: string): Lottery | undefined {
    return this.context.state.lotteries.get(lotteryId);
  }
}

/** Anyone can check a drawn lottery: the seed matches the published hash and gives these winners. */
export function verifyLottery(lottery: Lottery): boolean {
  if (lottery.seed === undefined || lottery.winners === undefined) return false;
  if (seedHash(lottery.seed) !== lottery.seedHash) return false;
  const tickets = drawTickets(lottery.seed, lottery.id, lottery.tickets.length, lottery.prizes.length);
  return tickets.length === lottery.winners.length && tickets.every((ticket, index) => lottery.winners![index]!.ticket === ticket && lottery.tickets[ticket] === lottery.winners![index]!.memberId);
}
