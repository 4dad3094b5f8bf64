import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fraudFlags, inactiveMembers, surveyScores } from '../../sync/hq/analysis/index.js';
import { DAY_MS } from '../../sync/hq/analysis/types.js';
import type { Db } from '../../sync/hq/db.js';
import { loadClubHistory } from '../../sync/hq/insight/loader.js';
import { analysisView } from '../../sync/hq/insight/analysis-view.js';
import { chartSeries } from '../../sync/hq/insight/series.js';
import { parseLoyaltyRules } from '../../firmware/src/loyalty/rules/parse.js';
import { CAMPAIGN_ID, STOPPER, TRAVELLER, VOIDED_DAYS_AGO, type KioskHistory } from '../../sync/hq/insight/testing/kiosk-history.js';
import { listenHq, openBackend, stopPostgres, type Backend, type RunningHq } from '../sync/support/hq.js';
import { addTestStaff } from './support/staff.js';
import { pushKioskHistory, type PushedHistory } from './insight-fixture.js';
import { describeInsightRoutes } from './insight-routes.js';

/**
 * Known answers on real PostgreSQL: a history made by real kiosk ledgers is pushed through the
 * signed sync API, then the loader turns the head office's tables back into the analysis
 * input and the chart series.
 */
let backend: Backend;
let hq: RunningHq;
let history: KioskHistory;
let db: Db;
let pushed: PushedHistory;
const NOW_MS = Math.floor(Date.now() / 3_600_000) * 3_600_000;
const WINDOW = { fromMs: NOW_MS - 200 * DAY_MS, toMs: NOW_MS + 1 };

beforeAll(async () => {
  backend = await openBackend('postgres');
  db = backend.db;
  hq = await listenHq(db);
  await addTestStaff(db);
  pushed = await pushKioskHistory(hq, NOW_MS);
  history = pushed.history;
}, 120_000);

afterAll(async () => {
  await hq?.close();
  await history?.close();
  await backend?.close();
  await stopPostgres();
});

describe('insight loader on pushed kiosk records (PostgreSQL)', () => {
  it('finds every purchase the kiosks recorded, at the right store', async () => {
    const loaded = await loadClubHistory(db, { scope: { storeIds: null }, window: WINDOW, nowMs: NOW_MS });
    const purchases = loaded.history.members.flatMap((m) => m.purchases);
    expect(purchases.filter((p) => p.storeId === 'store-a')).toHaveLength(history.purchases['store-a']);
    expect(purchases.filter((p) => p.storeId === 'store-b')).toHaveLength(history.purchases['store-b']);
    expect(loaded.history.members).toHaveLength(18);
    expect(loaded.truncated).toEqual({ members: false, events: false });
    // Campaign purchases carry the campaign from the kiosk's result.
    expect(purchases.some((p) => p.campaignId === CAMPAIGN_ID)).toBe(true);
    // Redemptions come from the ledger transfers, surveys from the survey ops.
    expect(loaded.history.members.find((m) => m.id === 'a0')!.redemptions.length).toBeGreaterThan(0);
    // The voided receipt is gone; the refunded one counts what was kept.
    const b2 = loaded.history.members.find((m) => m.id === 'b2')!;
    expect(b2.purchases.some((p) => p.receiptId === 'void-me')).toBe(false);
    expect(b2.purchases.find((p) => p.receiptId === 'refund-me')!.amountRial).toBe(600_000);
    // A window that closed before the void still drops the voided receipt (the void came later).
    const before = await loadClubHistory(db, { scope: { storeIds: ['store-b'] }, window: { fromMs: WINDOW.fromMs, toMs: NOW_MS - (VOIDED_DAYS_AGO - 0.5) * DAY_MS }, nowMs: NOW_MS });
    expect(before.history.members.find((m) => m.id === 'b2')!.purchases.some((p) => p.receiptId === 'void-me')).toBe(false);
    expect(before.history.members.find((m) => m.id === 'b2')!.purchases.some((p) => p.receiptId === 'refund-me')).toBe(true);
    const scores = surveyScores(loaded.history.members);
    expect(scores.csatAnswers).toBeGreaterThan(10);
    expect(scores.detractors).toBeGreaterThan(0);
  });

  it('flags the member who stopped coming as inactive, and only them', async () => {
    const loaded = await loadClubHistory(db, { scope: { storeIds: null }, window: WINDOW, nowMs: NOW_MS });
    const inactive = inactiveMembers(loaded.history.members, { nowMs: NOW_MS, days: 60 });
    expect(inactive.map((m) => m.memberId)).toEqual([STOPPER]);
    expect(inactive[0]!.daysSilent).toBeGreaterThanOrEqual(120);
    const view = await analysisView(db, loaded, { nowMs: NOW_MS, inactiveDays: 60, listLimit: 50, offerDays: 14 });
    expect(view.churn.members[0]!.memberId).toBe(STOPPER);
    expect(view.churn.members[0]!.reasons.map((r) => r.code)).toContain('gap_beyond_rhythm');
  });

  it('flags the card used at two stores five minutes apart, and no other card', async () => {
    const loaded = await loadClubHistory(db, { scope: { storeIds: null }, window: WINDOW, nowMs: NOW_MS });
    const flags = fraudFlags(loaded.history);
    const traveller = history.members.find((m) => m.id === TRAVELLER)!;
    expect(flags.map((f) => [f.kind, f.subject])).toEqual([['card_two_stores', traveller.cardId]]);
    expect(flags[0]!.evidence.map((e) => e.storeId)).toEqual(['store-a', 'store-b']);
    expect(flags[0]!.evidence[1]!.minutesApart).toBe(5);
    expect(flags[0]!.atMs).toBe(history.travelAtMs);
  });

  it("finds the earning campaign's lift against the period before", async () => {
    const loaded = await loadClubHistory(db, { scope: { storeIds: null }, window: WINDOW, nowMs: NOW_MS });
    const view = await analysisView(db, loaded, { nowMs: NOW_MS, inactiveDays: 60, listLimit: 50, offerDays: 14 });
    const campaign = view.campaigns.find((c) => c.campaignId === CAMPAIGN_ID)!;
    expect(campaign.kind).toBe('earning');
    expect(campaign.lift.purchasesLift!).toBeGreaterThan(0.3);
    expect(campaign.lift.purchasesLift!).toBeLessThan(1.2);
    expect(view.segments.reduce((sum, s) => sum + s.members, 0)).toBe(18);
  });

  it("a store's scope holds only that store's members and events", async () => {
    const loaded = await loadClubHistory(db, { scope: { storeIds: ['store-b'] }, window: WINDOW, nowMs: NOW_MS });
    expect(loaded.history.members.map((m) => m.id).sort()).toEqual(['b0', 'b1', 'b2', 'b3', 'b4', 'b5']);
    expect(loaded.history.members.flatMap((m) => m.purchases).every((p) => p.storeId === 'store-b')).toBe(true);
    const bounded = await loadClubHistory(db, { scope: { storeIds: null }, window: WINDOW, nowMs: NOW_MS, memberLimit: 5 });
    expect(bounded.history.members.map((m) => m.id)).toEqual(['a0', 'a1', 'a10', 'a11', 'a2']);
    expect(bounded.truncated.members).toBe(true);
    expect(bounded.history.members.find((m) => m.id === 'a0')!.purchases.length).toBeGreaterThan(10);
  });

  it('chart series add up to what the kiosks recorded', async () => {
    const series = await chartSeries(db, { storeIds: null }, WINDOW, { rules: parseLoyaltyRules({}), nowMs: NOW_MS });
    expect(series.days.length).toBeGreaterThanOrEqual(200);
    expect(series.newMembers.reduce((s, d) => s + d.count, 0)).toBe(18);
    const stores = Object.fromEntries(series.stores.map((s) => [s.storeId, s]));
    expect(stores['store-a']!.purchases).toBe(history.purchases['store-a']);
    expect(stores['store-b']!.purchases).toBe(history.purchases['store-b']);
    const earned = series.points.reduce((s, d) => s + d.earned, 0);
    const redeemed = series.points.reduce((s, d) => s + d.redeemed, 0);
    expect(earned).toBe(stores['store-a']!.pointsEarned + stores['store-b']!.pointsEarned);
    expect(redeemed).toBeGreaterThan(0);
    const ledgerEarned = Number((await db.query<{ n: string }>(`SELECT sum(amount) AS n FROM transfers WHERE unit = 'points' AND debit LIKE 'club:%' AND credit LIKE 'member:%'`)).rows[0]!.n);
    expect(earned).toBe(ledgerEarned);
    expect(series.tiers.reduce((s, t) => s + t.members, 0) + series.membersWithoutPurchase).toBe(18);
    expect(series.surveys.length).toBeGreaterThan(3);
    expect(series.surveys.every((w) => new Date(`${w.weekStart}T12:00:00Z`).getUTCDay() === 6)).toBe(true);
  });
});

describeInsightRoutes(() => ({ hq, db, pushed, nowMs: NOW_MS }));
