import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { calmClub, regularMember, seededRandom } from './generate.js';
import { inactiveMembers, churnRisk } from './churn.js';
import { rfm, mostValuable } from './rfm.js';
import { liftAgainstControl, liftAgainstPeriod } from './campaign.js';
import { surveyScores } from './surveys.js';
import { DAY_MS, type MemberHistory } from './types.js';

const FROM_MS = Date.UTC(2025, 0, 1);
const NOW_MS = Date.UTC(2026, 0, 1);

describe('inactive members and churn on generated histories', () => {
  it('flags exactly the members who stopped coming, for any seed', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 }), fc.integer({ min: 0, max: 19 }), (seed, stopper) => {
        const club = calmClub({ seed, members: 20, stores: ['a', 'b'], fromMs: FROM_MS, toMs: NOW_MS, staff: 0, adjustmentsPerStaff: 0 });
        const random = seededRandom(seed + 1);
        // Member `stopper` shopped weekly and stopped 120 days ago; every other member's gap is ≤ 25 days (≤ 32.5 with jitter).
        club.members[stopper] = regularMember(random, { id: `m${stopper}`, storeId: 'a', fromMs: FROM_MS, toMs: NOW_MS, gapDays: 7, amountRial: 900_000, stopAtMs: NOW_MS - 120 * DAY_MS });
        const inactive = inactiveMembers(club.members, { nowMs: NOW_MS, days: 60 });
        expect(inactive.map((m) => m.memberId)).toEqual([`m${stopper}`]);
        expect(inactive[0]!.daysSilent).toBeGreaterThanOrEqual(120);
        const risk = churnRisk(club.members[stopper]!, { nowMs: NOW_MS });
        expect(risk.reasons.map((r) => r.code)).toContain('gap_beyond_rhythm');
        expect(risk.score).toBeGreaterThanOrEqual(45);
        const gap = risk.reasons.find((r) => r.code === 'gap_beyond_rhythm')!;
        expect(gap.detail.usualGapDays).toBeGreaterThanOrEqual(5);
        expect(gap.detail.usualGapDays).toBeLessThanOrEqual(9);
      }),
      { numRuns: 25 },
    );
  });

  it('the number of days is configurable and never-buyers count from enrolment', () => {
    const member: MemberHistory = { id: 'x', storeId: 'a', enrolledAtMs: NOW_MS - 40 * DAY_MS, purchases: [], redemptions: [], surveys: [], offers: [] };
    expect(inactiveMembers([member], { nowMs: NOW_MS, days: 30 })).toEqual([{ memberId: 'x', lastPurchaseAtMs: null, daysSilent: 40 }]);
    expect(inactiveMembers([member], { nowMs: NOW_MS, days: 41 })).toEqual([]);
  });

  it('a steady member has low churn risk; declining spend and unanswered offers are reasons', () => {
    const random = seededRandom(7);
    const steady = regularMember(random, { id: 's', storeId: 'a', fromMs: FROM_MS, toMs: NOW_MS, gapDays: 7, amountRial: 1_000_000 });
    expect(churnRisk(steady, { nowMs: NOW_MS }).score).toBeLessThan(15);
    const fading: MemberHistory = {
      ...steady,
      id: 'f',
      purchases: steady.purchases.map((p) => (p.atMs > NOW_MS - 90 * DAY_MS ? { ...p, amountRial: Math.round(p.amountRial / 4) } : p)),
      offers: [1, 2, 3].map((k) => ({ atMs: NOW_MS - k * 10 * DAY_MS, offerId: `o${k}` })),
    };
    const risk = churnRisk(fading, { nowMs: NOW_MS });
    expect(risk.reasons.map((r) => r.code).sort()).toEqual(['declining_spend', 'unanswered_offers']);
    expect(risk.reasons.find((r) => r.code === 'declining_spend')!.detail.dropPercent).toBeGreaterThanOrEqual(65);
  });
});

describe('RFM and most valuable', () => {
  it('scores are 1..5, the recent big spender is a champion and the lapsed one is not', () => {
    const club = calmClub({ seed: 11, members: 50, stores: ['a'], fromMs: FROM_MS, toMs: NOW_MS, staff: 0, adjustmentsPerStaff: 0 });
    const random = seededRandom(12);
    club.members.push(regularMember(random, { id: 'whale', storeId: 'a', fromMs: FROM_MS, toMs: NOW_MS, gapDays: 2, amountRial: 5_000_000 }));
    club.members.push(regularMember(random, { id: 'gone', storeId: 'a', fromMs: FROM_MS, toMs: NOW_MS, gapDays: 30, amountRial: 300_000, stopAtMs: FROM_MS + 60 * DAY_MS }));
    const rows = rfm(club.members, { nowMs: NOW_MS });
    for (const row of rows) for (const score of [row.r, row.f, row.m]) expect(score >= 1 && score <= 5).toBe(true);
    expect(rows.find((r) => r.memberId === 'whale')!.segment).toBe('champions');
    expect(['lost', 'hibernating']).toContain(rows.find((r) => r.memberId === 'gone')!.segment);
    const top = mostValuable(club.members, { nowMs: NOW_MS, limit: 3 });
    expect(top[0]!.memberId).toBe('whale');
    expect(top).toHaveLength(3);
    expect(top[0]!.monetaryRial).toBeGreaterThanOrEqual(top[1]!.monetaryRial);
  });
});

describe('campaign lift', () => {
  const campaign = { startMs: NOW_MS - 30 * DAY_MS, endMs: NOW_MS };
  const baseline = { startMs: NOW_MS - 120 * DAY_MS, endMs: NOW_MS - 30 * DAY_MS };
  function group(seed: number, prefix: string, factor: number): MemberHistory[] {
    const random = seededRandom(seed);
    return Array.from({ length: 300 }, (_, i) =>
      regularMember(random, { id: `${prefix}${i}`, storeId: 'a', fromMs: FROM_MS, toMs: NOW_MS, gapDays: 6, amountRial: 1_000_000, boost: { ...campaign, visitFactor: factor } }),
    );
  }

  it('measures a known 1.5× visit lift against a control group and against the period before', () => {
    const treated = group(21, 't', 1.5);
    const control = group(22, 'c', 1);
    const vsControl = liftAgainstControl(treated, control, campaign, baseline);
    expect(vsControl.purchasesLift!).toBeGreaterThan(0.35);
    expect(vsControl.purchasesLift!).toBeLessThan(0.65);
    expect(vsControl.campaign.members).toBe(300);
    const vsPeriod = liftAgainstPeriod(treated, campaign, baseline);
    expect(vsPeriod.purchasesLift!).toBeGreaterThan(0.35);
    expect(vsPeriod.purchasesLift!).toBeLessThan(0.65);
    // A campaign that did nothing shows (almost) no lift.
    const nothing = liftAgainstControl(group(23, 'n', 1), control, campaign, baseline);
    expect(Math.abs(nothing.purchasesLift!)).toBeLessThan(0.12);
  });
});

describe('surveys', () => {
  it('computes CSAT and NPS from answers with known counts', () => {
    const answers = [
      ...Array.from({ length: 6 }, () => ({ atMs: 1, recommend: 10, csat: 5 })),
      ...Array.from({ length: 2 }, () => ({ atMs: 1, recommend: 8, csat: 3 })),
      ...Array.from({ length: 2 }, () => ({ atMs: 1, recommend: 3, csat: 1 })),
    ];
    const member: MemberHistory = { id: 'a', storeId: 's', enrolledAtMs: 0, purchases: [], redemptions: [], surveys: answers, offers: [] };
    const scores = surveyScores([member]);
    expect(scores).toMatchObject({ npsAnswers: 10, promoters: 6, passives: 2, detractors: 2, nps: 40, csatAnswers: 10, csatPercent: 60 });
    expect(surveyScores([]).nps).toBeNull();
  });
});

describe('quintile scores', () => {
  it('the sorted scorer agrees with counting (property)', async () => {
    const { quintileScorer } = await import('./stats.js');
    fc.assert(fc.property(fc.array(fc.integer({ min: -50, max: 50 }), { minLength: 1, maxLength: 60 }), fc.integer({ min: -60, max: 60 }), (population, value) => {
      const counted = Math.min(5, Math.max(1, Math.ceil((population.filter((p) => p <= value).length / population.length) * 5)));
      expect(quintileScorer(population)(value)).toBe(counted);
    }));
  });
});
