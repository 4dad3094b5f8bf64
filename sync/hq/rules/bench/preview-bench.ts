import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DAY_MS } from '../../../../firmware/src/loyalty/calendar/local-time.js';
import { defaultLoyaltyRules, parseLoyaltyRules } from '../../../../firmware/src/loyalty/rules/parse.js';
import { purchasePoints } from '../../../../firmware/src/loyalty/rules/earn.js';
import { seededRandom } from '../../analysis/generate.js';
import { openPGlite } from '../../db.js';
import { migrateHq } from '../../schema.js';
import type { PurchaseHistory } from '../history.js';
import { previewRules } from '../preview.js';
import { replayPurchases } from '../replay.js';
import { JournalFixture } from '../testing/journal-fixture.js';

/**
 * How long a rules preview takes. The preview replays each purchase through the kiosk's
 * ledger engine (core + loyalty modules) twice; the peer is a bare loop over the earning
 * function alone (no tiers, cap or bookkeeping): what a second, drift-prone implementation
 * would cost. Then the whole preview (journal read from PGlite + both replays) for a month.
 *
 *   npm run build && node dist/sync/hq/rules/bench/preview-bench.js [purchases=50000]
 */
const purchasesCount = Number(process.argv[2] ?? 50_000);
const NOW_MS = Date.UTC(2026, 4, 20, 12);

function generate(count: number, members: number): PurchaseHistory {
  const random = seededRandom(7);
  const purchases = Array.from({ length: count }, (_, index) => ({
    deviceId: `kiosk-${index % 4}`,
    storeId: `store-${index % 4}`,
    receiptId: `R${index}`,
    memberId: `m${Math.floor(random() * members)}`,
    amountRial: (1 + Math.floor(random() * 50)) * 100_000,
    atMs: NOW_MS - Math.floor(random() * 30 * DAY_MS),
  })).sort((a, b) => a.atMs - b.atMs);
  const memberFacts = new Map(Array.from({ length: members }, (_, index) => [`m${index}`, { storeId: `store-${index % 4}`, createdAtMs: NOW_MS - 400 * DAY_MS }]));
  return { purchases, members: memberFacts, voidedReceipts: 0 };
}

function time<T>(work: () => T): { value: T; ms: number } {
  const started = performance.now();
  const value = work();
  return { value, ms: performance.now() - started };
}

const rules = defaultLoyaltyRules();
const history = generate(purchasesCount, Math.max(10, Math.floor(purchasesCount / 20)));
const engine = time(() => replayPurchases(rules, history));
const bare = time(() => history.purchases.reduce((sum, purchase) => sum + purchasePoints(rules, { amountRial: purchase.amountRial, atMs: purchase.atMs, tierMultiplierPercent: 100 }).points, 0));
const rows: Array<[string, number, number]> = [
  ['replay through the kiosk engine', purchasesCount, engine.ms],
  ['peer: bare earn function loop', purchasesCount, bare.ms],
];

// The whole preview on PGlite: a month of 10,000 purchases in the journal table.
const dir = mkdtempSync(join(tmpdir(), 'bashgah-preview-bench-'));
const db = await openPGlite(dir);
try {
  await migrateHq(db);
  const stored = generate(Math.min(10_000, purchasesCount), 500);
  await db.transaction(async (tx) => {
    const fixture = new JournalFixture(tx);
    for (let store = 0; store < 4; store++) await fixture.device(`kiosk-${store}`, `store-${store}`, NOW_MS - 400 * DAY_MS);
    for (const [memberId, facts] of stored.members) await fixture.member(memberId, facts.storeId, facts.createdAtMs);
    for (const purchase of stored.purchases) await fixture.purchase(purchase);
  });
  const draft = parseLoyaltyRules({ ...rules, earning: { ...rules.earning, campaigns: rules.earning.campaigns.map((campaign) => ({ ...campaign, multiplierPercent: campaign.multiplierPercent * 2 })) } });
  const started = performance.now();
  const preview = await previewRules(db, rules, draft, { days: 30, nowMs: NOW_MS });
  rows.push(['whole preview (PGlite read + 2 replays)', preview.receipts, performance.now() - started]);
} finally {
  await db.close();
  rmSync(dir, { recursive: true, force: true });
}

console.log('what                                      purchases      ms   µs/purchase   × peer');
for (const [what, count, ms] of rows) {
  const perPurchase = (ms * 1000) / count;
  const peer = (bare.ms * 1000) / purchasesCount;
  console.log(`${what.padEnd(40)} ${String(count).padStart(10)} ${ms.toFixed(0).padStart(7)} ${perPurchase.toFixed(2).padStart(13)} ${(perPurchase / peer).toFixed(1).padStart(8)}`);
}
console.log(`checksum: engine ${engine.value.reduce((sum, receipt) => sum + receipt.points, 0)} points, bare ${bare.value} points (differ: tiers, cap)`);
