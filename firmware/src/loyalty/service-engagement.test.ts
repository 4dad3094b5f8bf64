import { afterEach, describe, expect, it } from 'vitest';
import { memberAccount } from '../ledger/types.js';
import { DAY_MS } from './calendar/local-time.js';
import { defaultLoyaltyRules, parseLoyaltyRules } from './rules/parse.js';
import { verifyLottery } from './engagement/engagement-service.js';
import { drawTickets, seedHash } from './engagement/lottery.js';
import { countingRandom, openServiceFixture, staff, type ServiceFixture } from './testing/service-fixture.js';

const pos = { kind: 'pos' as const, id: 'till-1' };
const kiosk = { kind: 'kiosk' as const, id: 'kiosk-1' };
let f: ServiceFixture | undefined;
afterEach(async () => {
  await f?.close();
  f = undefined;
});

describe('occasions on the Jalali calendar', () => {
  it('gives the birthday bonus on the Jalali birthday, Nowruz and Eid al-Fitr once a year, catching up missed days', async () => {
    f = await openServiceFixture(defaultLoyaltyRules(), Date.parse('2026-01-10T10:00:00+03:30'));
    await f.enrol('m1', '09120000001', { birthday: '1992-03-19' }); // 28 Esfand: a week before Nowruz
    await f.enrol('m2', '09120000002');
    // The kiosk was off from 27 Esfand until 2 Farvardin 1405.
    const now = Date.parse('2026-03-22T09:00:00+03:30');
    f.clock.atMs = now;
    const { granted } = await f.service.runOccasions(now);
    expect(granted.map((grant) => `${grant.memberId} ${grant.key} ${grant.points}`).sort()).toEqual([
      'm1 birthday:1404 100',
      'm1 eid-fitr:1447 30',
      'm1 nowruz:1405 50',
      'm2 eid-fitr:1447 30',
      'm2 nowruz:1405 50',
    ]);
    f.clock.advance(DAY_MS);
    const seq = f.ledger.lastSeq;
    expect((await f.service.runOccasions(f.clock.atMs)).granted).toEqual([]);
    expect(f.ledger.lastSeq).toBe(seq);
    expect(f.ledger.balance(memberAccount('m1'))).toBe(180);
    expect(f.ledger.balance('club:bonus')).toBe(-260);
  });
});

describe('referrals', () => {
  it('both sides earn after the new member first purchase; the leaderboard ranks ambassadors', async () => {
    f = await openServiceFixture(parseLoyaltyRules({ earning: { returnWindowDays: 0, firstPurchaseBonusPoints: 0 } }), Date.parse('2025-11-16T14:00:00+03:30'));
    for (const [id, phone] of [['ali', '09120000001'], ['sara', '09120000002'], ['reza', '09120000003'], ['mina', '09120000004']] as const) await f.enrol(id, phone);
    const code = await f.service.engagement.referralCode('ali', kiosk);
    expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{7}$/);
    expect(await f.service.engagement.referralCode('ali', kiosk)).toBe(code);
    await expect(f.service.engagement.applyReferral({ memberId: 'ali', code, actor: kiosk })).rejects.toMatchObject({ code: 'SELF_REFERRAL' });
    await f.service.engagement.applyReferral({ memberId: 'sara', code: code.toLowerCase(), actor: kiosk });
    await f.service.engagement.applyReferral({ memberId: 'reza', code, actor: kiosk });
    expect(f.ledger.balance(memberAccount('ali'))).toBe(0);
    await f.service.recordPurchase({ memberId: 'sara', amountRial: 1_000_000, receiptId: 'R-1', actor: pos });
    expect(f.ledger.balance(memberAccount('sara'))).toBe(10 + 50);
    expect(f.ledger.balance(memberAccount('ali'))).toBe(100);
    // Only the first purchase counts.
    await f.service.recordPurchase({ memberId: 'sara', amountRial: 1_000_000, receiptId: 'R-2', actor: pos });
    expect(f.ledger.balance(memberAccount('ali'))).toBe(100);
    await expect(f.service.engagement.applyReferral({ memberId: 'sara', code, actor: kiosk })).resolves.toEqual({ referrerId: 'ali' }); // a retry
    const minaCode = await f.service.engagement.referralCode('mina', kiosk);
    await expect(f.service.engagement.applyReferral({ memberId: 'sara', code: minaCode, actor: kiosk })).rejects.toMatchObject({ code: 'ALREADY_REFERRED' });
    await f.service.recordPurchase({ memberId: 'reza', amountRial: 1_000_000, receiptId: 'R-3', actor: pos });
    expect(f.service.engagement.referralLeaderboard()).toEqual([{ memberId: 'ali', referrals: 2 }]);
  });
});

describe('survey and profile bonus', () => {
  it('is due once per period and keeps the answers; the profile bonus is paid once', async () => {
    f = await openServiceFixture(defaultLoyaltyRules(), Date.parse('2025-11-16T14:00:00+03:30'));
    await f.enrol('m1', '09120000001');
    expect(f.service.engagement.surveyDue('m1')).toBe(true);
    expect(await f.service.engagement.submitSurvey({ memberId: 'm1', answers: { csat: 5, nps: 9, comment: 'خیلی خوب' }, requestId: 's-1', actor: kiosk })).toEqual({ points: 20 });
    expect(f.service.engagement.surveyDue('m1')).toBe(false);
    expect(f.service.engagement.surveyTotals()).toEqual({ responses: 1, csatMean: 5, nps: 100 });
    await expect(f.service.engagement.submitSurvey({ memberId: 'm1', answers: { csat: 1, nps: 0 }, requestId: 's-2', actor: kiosk })).rejects.toMatchObject({ code: 'SURVEY_NOT_DUE' });
    await expect(f.service.engagement.submitSurvey({ memberId: 'm1', answers: { csat: 6, nps: 0 }, requestId: 's-3', actor: kiosk })).rejects.toMatchObject({ code: 'INVALID_OPERATION' });
    f.clock.advance(90 * DAY_MS);
    expect(f.service.engagement.surveyDue('m1')).toBe(true);
    await expect(f.service.claimProfileBonus({ memberId: 'm1', actor: kiosk })).rejects.toMatchObject({ code: 'PROFILE_INCOMPLETE' });
    await f.ledger.commit({ id: 'profile', actor: kiosk, ops: [{ op: 'member.update', memberId: 'm1', patch: { birthday: '1990-05-01', interests: ['لبنیات'] } }] });
    expect(await f.service.claimProfileBonus({ memberId: 'm1', actor: kiosk })).toEqual({ memberId: 'm1', points: 20 });
    expect(await f.service.claimProfileBonus({ memberId: 'm1', actor: kiosk })).toEqual({ memberId: 'm1', points: 20 });
    expect(f.ledger.balance(memberAccount('m1'))).toBe(40);
  });
});

describe('daily game', () => {
  it('publishes its odds, allows one play per day and never overspends the budget', async () => {
    // Rolls: 995 → the 100-point prize (weights 600/300/90/10), every time.
    f = await openServiceFixture(parseLoyaltyRules({ game: { dailyBudgetPoints: 250 } }), Date.parse('2025-11-16T14:00:00+03:30'), countingRandom(Array(10).fill(995)));
    for (let index = 1; index <= 4; index++) await f.enrol(`m${index}`, `0912000000${index}`);
    const odds = f.service.engagement.gameOdds();
    expect(odds.prizes.map((prize) => prize.probability)).toEqual([0.6, 0.3, 0.09, 0.01]);
    const outcomes = [];
    for (let index = 1; index <= 3; index++) outcomes.push(await f.service.engagement.playGame({ memberId: `m${index}`, actor: kiosk }));
    expect(outcomes.map((outcome) => outcome.points)).toEqual([100, 100, 0]);
    expect(outcomes[2]).toMatchObject({ prizeId: 'p100', withheld: 'budget', budgetLeftPoints: 50 });
    await expect(f.service.engagement.playGame({ memberId: 'm1', actor: kiosk })).rejects.toMatchObject({ code: 'GAME_ALREADY_PLAYED' });
    expect(f.ledger.balance('club:game')).toBe(-200);
    f.clock.advance(DAY_MS);
    expect((await f.service.engagement.playGame({ memberId: 'm1', actor: kiosk })).points).toBe(100);
  });
});

describe('lottery', () => {
  it('commits to sha256(seed) before tickets close and draws reproducibly from the revealed seed', async () => {
    const start = Date.parse('2025-11-16T14:00:00+03:30');
    f = await openServiceFixture(parseLoyaltyRules({ earning: { returnWindowDays: 0 } }), start);
    for (let index = 1; index <= 3; index++) {
      await f.enrol(`m${index}`, `0912000000${index}`);
      await f.service.recordPurchase({ memberId: `m${index}`, amountRial: 50_000_000, receiptId: `R-${index}`, actor: pos });
    }
    const opened = await f.service.engagement.openLottery({ lotteryId: 'yalda-1404', title: 'قرعه‌کشی یلدا', closesAtMs: start + 3 * DAY_MS, prizes: [{ title: 'سبد یلدا' }, { title: '۲۰۰ امتیاز', points: 200 }], actor: staff });
    expect(opened.seedHash).toBe(seedHash(opened.seed));
    expect(f.service.engagement.lottery('yalda-1404')).toMatchObject({ seedHash: opened.seedHash });
    expect(f.service.engagement.lottery('yalda-1404')!.seed).toBeUndefined();
    await f.service.engagement.buyTickets({ lotteryId: 'yalda-1404', memberId: 'm1', tickets: 3, requestId: 't-1', actor: kiosk });
    await f.service.engagement.buyTickets({ lotteryId: 'yalda-1404', memberId: 'm2', tickets: 5, requestId: 't-2', actor: kiosk });
    await f.service.engagement.buyTickets({ lotteryId: 'yalda-1404', memberId: 'm3', tickets: 1, requestId: 't-3', actor: kiosk });
    await expect(f.service.engagement.buyTickets({ lotteryId: 'yalda-1404', memberId: 'm3', tickets: 20, requestId: 't-4', actor: kiosk })).rejects.toMatchObject({ code: 'TICKET_LIMIT' });
    expect(f.ledger.balance(memberAccount('m2'))).toBe(550 - 250);
    await expect(f.service.engagement.drawLottery({ lotteryId: 'yalda-1404', seed: opened.seed, actor: staff })).rejects.toMatchObject({ code: 'LOTTERY_OPEN' });
    f.clock.advance(3 * DAY_MS);
    await expect(f.service.engagement.buyTickets({ lotteryId: 'yalda-1404', memberId: 'm3', tickets: 1, requestId: 't-5', actor: kiosk })).rejects.toMatchObject({ code: 'LOTTERY_CLOSED' });
    await expect(f.service.engagement.drawLottery({ lotteryId: 'yalda-1404', seed: 'ab'.repeat(32), actor: staff })).rejects.toMatchObject({ code: 'SEED_MISMATCH' });
    const { winners } = await f.service.engagement.drawLottery({ lotteryId: 'yalda-1404', seed: opened.seed, actor: staff });
    expect(winners).toHaveLength(2);
    expect(new Set(winners.map((winner) => winner.ticket)).size).toBe(2);
    // Anyone with the published ticket list can recompute the draw.
    expect(winners.map((winner) => winner.ticket)).toEqual(drawTickets(opened.seed, 'yalda-1404', 9, 2));
    const lottery = f.service.engagement.lottery('yalda-1404')!;
    expect(verifyLottery(lottery)).toBe(true);
    expect(verifyLottery({ ...lottery, winners: [...lottery.winners!].reverse() })).toBe(false);
    const pointsWinner = winners[1]!.memberId;
    expect(f.ledger.core.accounts.get(memberAccount(pointsWinner))!.recent.some((t) => t.reason === 'lottery-prize' && t.amount === 200)).toBe(true);
    await expect(f.service.engagement.cancelLottery({ lotteryId: 'yalda-1404', actor: staff })).rejects.toMatchObject({ code: 'LOTTERY_DRAWN' });
    // A second lottery whose seed was lost: cancelled, every ticket refunded.
    const lost = await f.service.engagement.openLottery({ lotteryId: 'nowruz-1405', title: 'قرعه‌کشی نوروز', closesAtMs: f.clock.atMs + DAY_MS, prizes: [{ title: 'سکه' }], actor: staff });
    const balanceBefore = f.ledger.balance(memberAccount('m3'));
    await f.service.engagement.buyTickets({ lotteryId: 'nowruz-1405', memberId: 'm3', tickets: 2, requestId: 't-6', actor: kiosk });
    expect(await f.service.engagement.cancelLottery({ lotteryId: 'nowruz-1405', actor: staff })).toEqual({ refundedPoints: 100 });
    expect(f.ledger.balance(memberAccount('m3'))).toBe(balanceBefore);
    await expect(f.service.engagement.drawLottery({ lotteryId: 'nowruz-1405', seed: lost.seed, actor: staff })).rejects.toMatchObject({ code: 'LOTTERY_CANCELLED' });
    // After a restart the journal replays to the same draw.
    await f.reopen();
    expect(f.service.engagement.lottery('yalda-1404')!.winners).toEqual(winners);
  });
});
