import { calmClub } from './generate.js';
import { rfm } from './rfm.js';
import { churnRanking, inactiveMembers } from './churn.js';
import { fraudFlags } from './fraud.js';
import { liftAgainstPeriod } from './campaign.js';
import { transactionsCsv, type TransactionRow } from './csv.js';
import { DAY_MS } from './types.js';

/**
 * Benchmark: each analysis over a generated club, against the cheapest possible peer (one
 * pass summing every purchase) measured in the same run. Usage:
 *   node dist/sync/hq/analysis/bench.js [members=10000]
 */
const members = Number(process.argv[2] ?? 10_000);
if (!Number.isInteger(members) || members < 1 || members > 1_000_000) throw new Error('members must be 1..1000000');
const toMs = Date.UTC(2026, 0, 1);
const fromMs = toMs - 365 * DAY_MS;
const club = calmClub({ seed: 42, members, stores: ['a', 'b', 'c', 'd'], fromMs, toMs, staff: 50, adjustmentsPerStaff: 40 });
const purchases = club.members.reduce((n, m) => n + m.purchases.length, 0);

function timeMs(work: () => unknown): number {
  const runs: number[] = [];
  for (let i = 0; i < 3; i++) {
    const start = process.hrtime.bigint();
    work();
    runs.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return runs.sort((a, b) => a - b)[1]!;
}

const baselineMs = timeMs(() => club.members.reduce((s, m) => s + m.purchases.reduce((t, p) => t + p.amountRial, 0), 0));
const rows: Array<[string, number]> = [
  ['baseline: sum all purchases', baselineMs],
  ['rfm + segments', timeMs(() => rfm(club.members, { nowMs: toMs }))],
  ['inactive (60 days)', timeMs(() => inactiveMembers(club.members, { nowMs: toMs, days: 60 }))],
  ['churn ranking', timeMs(() => churnRanking(club.members, { nowMs: toMs }))],
  ['fraud flags', timeMs(() => fraudFlags(club))],
  ['campaign lift (period)', timeMs(() => liftAgainstPeriod(club.members, { startMs: toMs - 30 * DAY_MS, endMs: toMs }))],
  [
    'transactions CSV',
    timeMs(() =>
      transactionsCsv(
        club.members.flatMap((m) => m.purchases.map((p): TransactionRow => ({ atMs: p.atMs, transactionId: p.receiptId, storeId: p.storeId, memberId: m.id, kind: 'purchase', amountRial: p.amountRial, points: Math.floor(p.amountRial / 100_000), receiptId: p.receiptId }))),
      ),
    ),
  ],
];
console.log(`members ${members}, purchases ${purchases}, card taps ${purchases}, staff adjustments ${club.adjustments.length} (median of 3 runs)`);
console.log(`${'analysis'.padEnd(30)} ${'ms'.padStart(10)} ${'× baseline'.padStart(12)}`);
for (const [name, ms] of rows) console.log(`${name.padEnd(30)} ${ms.toFixed(1).padStart(10)} ${(ms / baselineMs).toFixed(0).padStart(12)}`);
