import { openServiceFixture, countingRandom, type ServiceFixture } from '../../../../firmware/src/loyalty/testing/service-fixture.js';
import { parseLoyaltyRules } from '../../../../firmware/src/loyalty/rules/parse.js';
import type { Actor } from '../../../../firmware/src/ledger/types.js';
import type { WireJournalEntry } from '../../../protocol/messages.js';
import { seededRandom } from '../../analysis/generate.js';
import { DAY_MS } from '../../analysis/types.js';

/**
 * A chain's history made by real kiosk ledgers (the loyalty module, real journal records with
 * results and postings) on a manual clock, whose right answers are known:
 * - members of store-a and store-b shop on their own rhythm for 180 days;
 * - `STOPPER` stopped coming 120 days ago (inactive);
 * - `TRAVELLER`'s card is used at store-a and, five minutes later, at store-b;
 * - the earning campaign `CAMPAIGN_ID` ran 45..31 days ago and every member came 1.6× as often.
 * Records come out as the kiosks' sync agents push them (`readRecords`).
 */
export const STOPPER = 'a3';
export const TRAVELLER = 'a7';
export const CAMPAIGN_ID = 'autumn-double';
export const HISTORY_DAYS = 180;
export const CAMPAIGN_FROM_DAYS_AGO = 45;
export const CAMPAIGN_TO_DAYS_AGO = 31;
/** `b2`'s receipt `void-me` was recorded this many days ago and voided a day later. */
export const VOIDED_DAYS_AGO = 50;

export interface KioskHistory {
  nowMs: number;
  kiosks: Record<'store-a' | 'store-b', { deviceId: string; fixture: ServiceFixture }>;
  purchases: { 'store-a': number; 'store-b': number };
  members: Array<{ id: string; storeId: string; cardId: string }>;
  travelAtMs: number;
  /** Every record of a kiosk, in order, as its agent would push them. */
  records(storeId: 'store-a' | 'store-b'): Promise<WireJournalEntry[]>;
  close(): Promise<void>;
}

const jalaliFormat = new Intl.DateTimeFormat('en-US-u-ca-persian-nu-latn', { timeZone: 'Asia/Tehran', month: 'numeric', day: 'numeric' });
export function jalaliMonthDay(atMs: number): string {
  const parts = jalaliFormat.formatToParts(atMs);
  const pad = (type: string) => String(parts.find((p) => p.type === type)!.value).padStart(2, '0');
  return `${pad('month')}-${pad('day')}`;
}

const cashier: Actor = { kind: 'pos', id: 'till-1' };
const kioskActor: Actor = { kind: 'kiosk', id: 'screen' };

interface Event {
  atMs: number;
  storeId: 'store-a' | 'store-b';
  run: (fixture: ServiceFixture) => Promise<unknown>;
}

export async function buildKioskHistory(nowMs: number, seed = 7): Promise<KioskHistory> {
  const random = seededRandom(seed);
  const fromMs = nowMs - HISTORY_DAYS * DAY_MS;
  const campaign = { startMs: nowMs - CAMPAIGN_FROM_DAYS_AGO * DAY_MS, endMs: nowMs - CAMPAIGN_TO_DAYS_AGO * DAY_MS };
  const rules = parseLoyaltyRules({
    earning: {
      rialPerPoint: 10_000,
      returnWindowDays: 0,
      // The campaign's Jalali days, inclusive, as a manager would enter them.
      campaigns: [{ id: CAMPAIGN_ID, name: 'امتیاز دوبرابر پاییزی', multiplierPercent: 200, fromJalali: jalaliMonthDay(campaign.startMs + 3_600_000), toJalali: jalaliMonthDay(campaign.endMs - 3_600_000) }],
    },
    survey: { periodDays: 20, points: 20 },
  });
  const open = (deviceId: string) => openServiceFixture(rules, fromMs - DAY_MS, countingRandom(), deviceId);
  const kiosks = { 'store-a': { deviceId: 'kiosk-a1', fixture: await open('kiosk-a1') }, 'store-b': { deviceId: 'kiosk-b1', fixture: await open('kiosk-b1') } };
  const members: KioskHistory['members'] = [];
  for (let i = 0; i < 12; i++) members.push({ id: `a${i}`, storeId: 'store-a', cardId: `nfc:0A00${String(i).padStart(4, '0')}` });
  for (let i = 0; i < 6; i++) members.push({ id: `b${i}`, storeId: 'store-b', cardId: `nfc:0B00${String(i).padStart(4, '0')}` });

  const events: Event[] = [];
  const purchases = { 'store-a': 0, 'store-b': 0 };
  let receipt = 0;
  const purchase = (storeId: 'store-a' | 'store-b', memberId: string, atMs: number, amountRial: number, receiptId = `r${receipt++}`): void => {
    purchases[storeId]++;
    events.push({ atMs, storeId, run: (f) => f.service.recordPurchase({ receiptId, memberId, amountRial, actor: cashier }) });
  };
  for (const [index, member] of members.entries()) {
    const storeId = member.storeId as 'store-a' | 'store-b';
    // Enrolments spread over the first 90 days (new members per day), none in the campaign's comparison.
    const enrolAtMs = fromMs + index * 5 * DAY_MS + index * 60_000;
    events.push({
      atMs: enrolAtMs,
      storeId,
      run: (f) => f.ledger.commit({ id: `enrol:${member.id}`, actor: cashier, ops: [
        { op: 'member.create', memberId: member.id, name: `عضو ${member.id}`, phone: `0912${String(index).padStart(7, '0')}`, smsConsent: index % 4 !== 1, storeId, birthday: '1990-05-01' },
        { op: 'card.link', cardId: member.cardId, memberId: member.id, kind: 'member' },
      ] }),
    });
    const gapDays = 5 + Math.floor(random() * 5);
    const amount = 500_000 + Math.floor(random() * 16) * 100_000;
    let atMs = enrolAtMs + DAY_MS + Math.floor(random() * gapDays * DAY_MS);
    let visits = 0;
    while (atMs < nowMs - 3_600_000) {
      if (member.id === STOPPER && atMs >= nowMs - 120 * DAY_MS) break;
      purchase(storeId, member.id, atMs, Math.round((amount * (0.8 + 0.4 * random())) / 1000) * 1000);
      if (++visits % 4 === 0) {
        const answers = { csat: member.id === 'a5' ? 2 : 4 + Math.floor(random() * 2), nps: member.id === 'a5' ? 3 : 8 + Math.floor(random() * 3) };
        const surveyAt = atMs + 120_000;
        const requestId = `s-${member.id}-${visits}`;
        // A survey not due yet (answered within the period) is refused by the kiosk, as in a store.
        events.push({ atMs: surveyAt, storeId, run: (f) => f.service.engagement.submitSurvey({ memberId: member.id, answers, requestId, actor: kioskActor }).catch((error: unknown) => {
          if ((error as { code?: string }).code !== 'SURVEY_NOT_DUE') throw error;
        }) });
      }
      const inCampaign = atMs >= campaign.startMs && atMs < campaign.endMs;
      atMs += Math.max(3_600_000, Math.floor((gapDays * DAY_MS * (0.7 + 0.6 * random())) / (inCampaign ? 1.6 : 1)));
    }
  }
  // The champion takes a reward now and then.
  for (let k = 1; k <= 4; k++) {
    events.push({ atMs: nowMs - k * 20 * DAY_MS, storeId: 'store-a', run: (f) => f.service.redeemReward({ memberId: 'a0', rewardId: 'free-tea', requestId: `tea-${k}`, actor: kioskActor }).catch((error: unknown) => {
      if ((error as { code?: string }).code !== 'INSUFFICIENT_BALANCE') throw error;
    }) });
  }
  // A receipt voided the next day, and one half refunded: neither counts as bought.
  events.push({ atMs: nowMs - VOIDED_DAYS_AGO * DAY_MS, storeId: 'store-b', run: (f) => f.service.recordPurchase({ receiptId: 'void-me', memberId: 'b2', amountRial: 900_000, actor: cashier }) });
  events.push({ atMs: nowMs - (VOIDED_DAYS_AGO - 1) * DAY_MS, storeId: 'store-b', run: (f) => f.service.voidPurchase({ receiptId: 'void-me', actor: cashier }) });
  purchase('store-b', 'b2', nowMs - 60 * DAY_MS, 1_000_000, 'refund-me');
  events.push({ atMs: nowMs - 60 * DAY_MS + 3_600_000, storeId: 'store-b', run: (f) => f.service.refundPurchase({ receiptId: 'refund-me', refundId: 'r1', refundRial: 400_000, actor: cashier }) });
  // The traveller's card at store-a, then five minutes later at store-b (which learnt the member).
  const travelAtMs = nowMs - 10 * DAY_MS + 11 * 3_600_000;
  const traveller = members.find((m) => m.id === TRAVELLER)!;
  events.push({
    atMs: travelAtMs - DAY_MS,
    storeId: 'store-b',
    run: (f) => f.ledger.commit({ id: `learn:${traveller.id}`, actor: { kind: 'sync', id: 'hq' }, ops: [
      { op: 'member.create', memberId: traveller.id, name: `عضو ${traveller.id}`, phone: `0912${String(7).padStart(7, '0')}`, smsConsent: true, storeId: 'store-a' },
      { op: 'card.link', cardId: traveller.cardId, memberId: traveller.id, kind: 'member' },
    ] }),
  });
  purchase('store-a', TRAVELLER, travelAtMs, 700_000);
  purchase('store-b', TRAVELLER, travelAtMs + 5 * 60_000, 650_000);

  events.sort((a, b) => a.atMs - b.atMs);
  for (const event of events) {
    const fixture = kiosks[event.storeId].fixture;
    fixture.clock.atMs = Math.max(fixture.clock.atMs, event.atMs);
    await event.run(fixture);
  }
  return {
    nowMs,
    kiosks,
    purchases,
    members,
    travelAtMs,
    async records(storeId) {
      const ledger = kiosks[storeId].fixture.ledger;
      const out: WireJournalEntry[] = [];
      for (let after = 0; after < ledger.lastSeq; after += 500) out.push(...((await ledger.readRecords(after, 500)) as unknown as WireJournalEntry[]));
      return out;
    },
    async close() {
      await kiosks['store-a'].fixture.close();
      await kiosks['store-b'].fixture.close();
    },
  };
}
