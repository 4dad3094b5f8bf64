import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LoyaltyRules } from '../../../firmware/src/loyalty/config.js';
import { parseLoyaltyRules } from '../../../firmware/src/loyalty/rules/parse.js';
import { seededRandom } from '../analysis/generate.js';
import { openPGlite, type PGliteDb } from '../db.js';
import { migrateHq } from '../schema.js';
import { loadPurchaseHistory } from './history.js';
import { previewRules } from './preview.js';
import { JournalFixture } from './testing/journal-fixture.js';

const DAY_MS = 86_400_000;
const NOW_MS = Date.UTC(2026, 4, 20, 12, 0, 0); // 30 Ordibehesht 1405, outside Nowruz
const RIAL_PER_POINT = 100_000;

/** One tier and no cap: a purchase's points depend on its campaign alone, so the answer is known. */
function flatRules(happyHourPercent: number): LoyaltyRules {
  return parseLoyaltyRules({
    earning: {
      rialPerPoint: RIAL_PER_POINT,
      dailyCapPoints: 1_000_000,
      categoryMultipliers: [],
      campaigns: [{ id: 'happy-hour', name: 'ساعت خوش', multiplierPercent: happyHourPercent, fromHour: 9, toHour: 11, weekdays: [0, 1, 2, 3, 4] }],
    },
    tiers: { levels: [{ id: 'bronze', name: 'برنزی', minPoints: 0, multiplierPercent: 100, discountPercent: 0 }] },
    rewards: [],
  });
}

/** Tehran hour and weekday (0 = Saturday) computed here, independently of the kiosk's calendar code. */
function tehran(atMs: number): { hour: number; weekday: number } {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone: 'Asia/Tehran', hour: 'numeric', hourCycle: 'h23', weekday: 'short' }).formatToParts(new Date(atMs));
  const hour = Number(parts.find((part) => part.type === 'hour')!.value);
  const weekday = ['Sat', 'Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri'].indexOf(parts.find((part) => part.type === 'weekday')!.value);
  return { hour, weekday };
}

interface Generated {
  receiptId: string;
  deviceId: string;
  storeId: string;
  memberId: string;
  amountRial: number;
  atMs: number;
  happyHour: boolean;
}

describe('previewRules on a generated history with a known answer', () => {
  let dir: string;
  let db: PGliteDb;
  const purchases: Generated[] = [];
  const voided = new Set<string>();

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bashgah-rules-preview-'));
    db = await openPGlite(dir);
    await migrateHq(db);
    // One transaction: PGlite syncs every commit to disk, and 300 commits would take seconds.
    await db.transaction((tx) => generate(new JournalFixture(tx)));
  }, 60_000);

  async function generate(fixture: JournalFixture): Promise<void> {
    const random = seededRandom(1405);
    const stores = [
      { storeId: 'store-a', deviceId: 'kiosk-a' },
      { storeId: 'store-b', deviceId: 'kiosk-b' },
    ];
    for (const store of stores) await fixture.device(store.deviceId, store.storeId, NOW_MS - 400 * DAY_MS);
    for (let index = 0; index < 24; index++) await fixture.member(`m${index}`, stores[index % 2]!.storeId, NOW_MS - 200 * DAY_MS);
    for (let index = 0; index < 300; index++) {
      // 40 days back: the first ten fall before a 30-day preview and must not count.
      const atMs = NOW_MS - Math.floor(random() * 40 * DAY_MS);
      const memberIndex = Math.floor(random() * 24);
      const store = stores[memberIndex % 2]!;
      const { hour, weekday } = tehran(atMs);
      const purchase: Generated = {
        receiptId: `R${index}`,
        deviceId: store.deviceId,
        storeId: store.storeId,
        memberId: `m${memberIndex}`,
        amountRial: (1 + Math.floor(random() * 20)) * 2 * RIAL_PER_POINT,
        atMs,
        happyHour: hour >= 9 && hour < 11 && weekday <= 4,
      };
      purchases.push(purchase);
    }
    purchases.sort((a, b) => a.atMs - b.atMs);
    for (const purchase of purchases) {
      const points = (purchase.amountRial / RIAL_PER_POINT) * (purchase.happyHour ? 1.5 : 1);
      await fixture.purchase({ ...purchase, pointsEarned: points });
    }
    // Void one happy-hour receipt inside the period: it must count under neither rule set.
    const toVoid = purchases.find((purchase) => purchase.happyHour && purchase.atMs > NOW_MS - 20 * DAY_MS)!;
    voided.add(toVoid.receiptId);
    await fixture.voidPurchase(toVoid.deviceId, toVoid.receiptId, toVoid.atMs + 3600_000);
  }

  afterAll(async () => {
    await db?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const counted = () => purchases.filter((purchase) => purchase.atMs >= NOW_MS - 30 * DAY_MS && !voided.has(purchase.receiptId));
  const basePoints = (purchase: Generated) => purchase.amountRial / RIAL_PER_POINT;

  it('doubling the happy-hour multiplier doubles exactly the happy-hour purchases', async () => {
    const result = await previewRules(db, flatRules(150), flatRules(300), { days: 30, nowMs: NOW_MS });
    const inPeriod = counted();
    const happy = inPeriod.filter((purchase) => purchase.happyHour);
    expect(happy.length).toBeGreaterThan(5);
    expect(happy.length).toBeLessThan(inPeriod.length);
    const plain = inPeriod.filter((purchase) => !purchase.happyHour).reduce((sum, purchase) => sum + basePoints(purchase), 0);
    const happyBefore = happy.reduce((sum, purchase) => sum + basePoints(purchase) * 1.5, 0);
    expect(result.receipts).toBe(inPeriod.length);
    expect(result.totals.current).toBe(plain + happyBefore);
    expect(result.totals.draft).toBe(plain + 2 * happyBefore);
    expect(result.totals.delta).toBe(happyBefore);
    const campaign = result.perCampaign.find((group) => group.id === 'happy-hour')!;
    expect(campaign.currentReceipts).toBe(happy.length);
    expect(campaign.draft).toBe(2 * campaign.current);
    // Members affected: exactly those with a happy-hour purchase in the period.
    expect(result.membersAffected.total).toBe(new Set(happy.map((purchase) => purchase.memberId)).size);
    expect(result.membersAffected.down).toBe(0);
    // Every example that changed is a happy-hour receipt, and it doubled.
    const changedExamples = result.examples.filter((example) => example.draft.points !== example.current.points);
    expect(changedExamples.length).toBeGreaterThan(0);
    for (const example of changedExamples) {
      expect(example.current.campaignId).toBe('happy-hour');
      expect(example.draft.points).toBe(2 * example.current.points);
    }
  });

  it('gives the same answer when the replays run on worker threads', async () => {
    const inline = await previewRules(db, flatRules(150), flatRules(300), { days: 30, nowMs: NOW_MS });
    const threaded = await previewRules(db, flatRules(150), flatRules(300), { days: 30, nowMs: NOW_MS, inlineReplayMax: 0 });
    expect({ ...threaded, durationMs: 0 }).toEqual({ ...inline, durationMs: 0 });
  });

  it('splits the figures per store and per tier so that they add up, and matches what the kiosks credited', async () => {
    const result = await previewRules(db, flatRules(150), flatRules(300), { days: 30, nowMs: NOW_MS });
    expect(result.perStore.map((store) => store.storeId)).toEqual(['store-a', 'store-b']);
    expect(result.perStore.reduce((sum, store) => sum + store.draft, 0)).toBe(result.totals.draft);
    expect(result.perStore.reduce((sum, store) => sum + store.current, 0)).toBe(result.totals.current);
    for (const store of result.perStore) {
      const expected = counted().filter((purchase) => purchase.storeId === store.storeId).reduce((sum, purchase) => sum + basePoints(purchase) * (purchase.happyHour ? 1.5 : 1), 0);
      expect(store.current).toBe(expected);
    }
    expect(result.perTier).toEqual([{ id: 'bronze', name: 'برنزی', currentReceipts: result.receipts, draftReceipts: result.receipts, current: result.totals.current, draft: result.totals.draft }]);
    // The fixture recorded what the kiosk credits under the current rules: the replay agrees on every receipt.
    expect(result.recorded).toEqual({ receipts: result.receipts, points: result.totals.current, matchingCurrent: result.receipts });
    expect(result.refused).toEqual({ current: 0, draft: 0 });
  });

  it('the same rules give no difference; a shorter period counts fewer receipts', async () => {
    const same = await previewRules(db, flatRules(150), flatRules(150), { days: 30, nowMs: NOW_MS });
    expect(same.totals.delta).toBe(0);
    expect(same.membersAffected.total).toBe(0);
    expect(same.ruleChanges.changes).toEqual([]);
    const week = await previewRules(db, flatRules(150), flatRules(150), { days: 7, nowMs: NOW_MS });
    expect(week.receipts).toBe(purchases.filter((purchase) => purchase.atMs >= NOW_MS - 7 * DAY_MS && !voided.has(purchase.receiptId)).length);
  });

  it('moves members between tiers when the thresholds change, through the kiosk tier rules', async () => {
    const twoTiers = (silverFrom: number) =>
      parseLoyaltyRules({
        ...flatRules(150),
        tiers: {
          levels: [
            { id: 'bronze', name: 'برنزی', minPoints: 0, multiplierPercent: 100, discountPercent: 0 },
            { id: 'silver', name: 'نقره‌ای', minPoints: silverFrom, multiplierPercent: 200, discountPercent: 0 },
          ],
        },
      });
    // Unreachable silver → everyone bronze; silver from 1 point → every purchase after a member's first earns double.
    const result = await previewRules(db, twoTiers(1_000_000), twoTiers(1), { days: 30, nowMs: NOW_MS });
    const bronze = result.perTier.find((tier) => tier.id === 'bronze')!;
    const silver = result.perTier.find((tier) => tier.id === 'silver')!;
    expect(bronze.currentReceipts).toBe(result.receipts);
    expect(silver.currentReceipts).toBe(0);
    expect(silver.draftReceipts).toBeGreaterThan(result.receipts * 0.8);
    expect(bronze.draftReceipts + silver.draftReceipts).toBe(result.receipts);
    expect(silver.draft).toBeGreaterThan(silver.draftReceipts);
    expect(result.game.current.expectedPointsPerPlay).toBeCloseTo(0.6 * 0 + 0.3 * 5 + 0.09 * 20 + 0.01 * 100, 10);
  });

  it('bounds the work: a period over the bound is refused, a long warm-up keeps its most recent purchases', async () => {
    const fromMs = NOW_MS - 10 * DAY_MS;
    const inPeriod = purchases.filter((purchase) => purchase.atMs >= fromMs).length;
    await expect(loadPurchaseHistory(db, { warmupFromMs: fromMs, fromMs, toMs: NOW_MS, maxPurchases: inPeriod - 1 })).rejects.toThrow(/preview fewer days/);
    // Room for 5 warm-up purchases beyond the period and the week before it (read with it: offline queues).
    const margin = purchases.filter((purchase) => purchase.atMs >= fromMs - 7 * DAY_MS && purchase.atMs < fromMs).length;
    const history = await loadPurchaseHistory(db, { warmupFromMs: NOW_MS - 60 * DAY_MS, fromMs, toMs: NOW_MS, maxPurchases: inPeriod + margin + 5 });
    const warm = history.purchases.filter((purchase) => purchase.atMs < fromMs);
    expect(warm.length).toBe(margin + 5);
    expect(history.readFromMs).toBeGreaterThan(NOW_MS - 60 * DAY_MS);
    // The warm-up kept is the latest: the newest before the read week is there.
    const before = purchases.filter((purchase) => purchase.atMs < fromMs - 7 * DAY_MS).sort((a, b) => b.atMs - a.atMs);
    expect(warm.map((purchase) => purchase.receiptId)).toContain(before[0]!.receiptId);
  });
});
