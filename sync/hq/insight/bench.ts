import { encodeRecord } from '../../../firmware/src/ledger/journal/record-codec.js';
import { encodeFrame, ZERO_HASH } from '../../../firmware/src/ledger/journal/frame.js';
import type { CommitRecord, Op } from '../../../firmware/src/ledger/types.js';
import { createLogger } from '../../../firmware/src/log/logger.js';
import type { WireJournalEntry } from '../../protocol/messages.js';
import { fraudFlags } from '../analysis/index.js';
import { seededRandom } from '../analysis/generate.js';
import { DAY_MS } from '../analysis/types.js';
import { openPostgres, type Db } from '../db.js';
import { createDatabase, startTempPostgres } from '../dev/temp-postgres.js';
import { registerDevice } from '../devices.js';
import { ingest } from '../ingest.js';
import { migrateHq } from '../schema.js';
import { generateDeviceKeyPair } from '../../protocol/signing.js';
import { analysisView } from './analysis-view.js';
import { transactionsCsv } from './export.js';
import { loadClubHistory } from './loader.js';
import { chartSeries } from './series.js';
import { parseLoyaltyRules } from '../../../firmware/src/loyalty/rules/parse.js';

/**
 * Benchmark: insight's loader, chart series, analyses and CSV export on a real PostgreSQL
 * holding a year of kiosk records (enrolments, purchases with their results and postings,
 * surveys), against a naive peer measured in the same run: fetching every journal record of
 * the window into the process (what a loader without SQL filtering would start from).
 * Usage: node dist/sync/hq/insight/bench.js [--members 4000] [--stores 4] [--gap-days 9]
 */
function argument(name: string, fallback: number, max: number): number {
  const index = process.argv.indexOf(`--${name}`);
  const value = index > 0 ? Number(process.argv[index + 1]) : fallback;
  if (!Number.isInteger(value) || value < 1 || value > max) throw new Error(`--${name} must be 1..${max}`);
  return value;
}
const MEMBERS = argument('members', 4000, 200_000);
const STORES = argument('stores', 4, 50);
const GAP_DAYS = argument('gap-days', 9, 365);
const NOW_MS = Date.UTC(2026, 10, 1);
const FROM_MS = NOW_MS - 365 * DAY_MS;

function storeJournal(store: number, random: () => number): CommitRecord[] {
  const records: Array<{ atMs: number; ops: Op[]; results?: unknown[]; postings?: CommitRecord['postings'] }> = [];
  for (let m = store; m < MEMBERS; m += STORES) {
    const memberId = `m${m}`;
    const enrolMs = FROM_MS + Math.floor(random() * 60 * DAY_MS);
    records.push({ atMs: enrolMs, ops: [
      { op: 'member.create', memberId, name: 'عضو', phone: `0912${String(m).padStart(7, '0')}`, smsConsent: true, storeId: `store-${store}` },
      { op: 'card.link', cardId: `nfc:${m.toString(16).padStart(8, '0')}`, memberId, kind: 'member' },
    ] });
    let n = 0;
    for (let atMs = enrolMs + DAY_MS * random() * GAP_DAYS; atMs < NOW_MS; atMs += DAY_MS * GAP_DAYS * (0.5 + random())) {
      const receiptId = `s${store}-${memberId}-${n++}`;
      const amountRial = 200_000 + Math.floor(random() * 30) * 100_000;
      const points = Math.floor(amountRial / 100_000);
      records.push({
        atMs: Math.floor(atMs),
        ops: [{ op: 'purchase.record', receiptId, memberId, amountRial }],
        results: [{ receiptId, memberId, pointsEarned: points, tierId: points > 20 ? 'silver' : 'bronze' }],
        postings: [{ id: `${receiptId}#p`, debit: 'club:earned', credit: `member:${memberId}:pending`, amount: points, unit: 'points', reason: 'earn', ref: { receiptId } }],
      });
      if (n % 6 === 0) records.push({ atMs: Math.floor(atMs) + 60_000, ops: [{ op: 'survey.submit', memberId, answers: { csat: 1 + Math.floor(random() * 5), nps: Math.floor(random() * 11) } }] });
    }
  }
  records.sort((a, b) => a.atMs - b.atMs);
  return records.map((r, i) => ({ id: `s${store}-${i}`, actor: { kind: 'pos', id: 'till-1' }, at: { atMs: r.atMs, clockSynced: true }, ops: r.ops, ...(r.results && { results: r.results }), ...(r.postings && { postings: r.postings }) }));
}

function frame(records: CommitRecord[]): WireJournalEntry[] {
  let prevHash = ZERO_HASH.toString('hex');
  return records.map((record, index) => {
    const seq = index + 1;
    const hash = encodeFrame(seq, Buffer.from(prevHash, 'hex'), encodeRecord(record)).hash.toString('hex');
    const entry = { seq, hash, prevHash, record } as unknown as WireJournalEntry;
    prevHash = hash;
    return entry;
  });
}

async function timeMs(work: () => Promise<unknown>): Promise<number> {
  const runs: number[] = [];
  for (let i = 0; i < 3; i++) {
    const start = process.hrtime.bigint();
    await work();
    runs.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return runs.sort((a, b) => a - b)[1]!;
}

async function main(): Promise<void> {
  const postgres = await startTempPostgres();
  let db: Db | undefined;
  try {
    db = await openPostgres(await createDatabase(postgres.url, 'bench'), 4);
    await migrateHq(db);
    const random = seededRandom(42);
    let records = 0;
    const loadStart = Date.now();
    for (let store = 0; store < STORES; store++) {
      const deviceId = `kiosk-${store}`;
      await registerDevice(db, deviceId, `store-${store}`, generateDeviceKeyPair().publicKey, NOW_MS);
      const entries = frame(storeJournal(store, random));
      records += entries.length;
      for (let i = 0; i < entries.length; i += 1000) await ingest(db, deviceId, entries.slice(i, i + 1000), 'push', NOW_MS);
    }
    await db.exec('ANALYZE');
    const ingestS = (Date.now() - loadStart) / 1000;
    const year = { fromMs: FROM_MS, toMs: NOW_MS };
    const month = { fromMs: NOW_MS - 30 * DAY_MS, toMs: NOW_MS };
    const all = { storeIds: null };
    const one = { storeIds: ['store-0'] };
    const loaded = await loadClubHistory(db, { scope: all, window: year, nowMs: NOW_MS });
    const purchases = loaded.history.members.reduce((n, m) => n + m.purchases.length, 0);
    const chartOptions = { rules: parseLoyaltyRules({}), nowMs: NOW_MS };
    const drain = async (chunks: AsyncGenerator<string>) => {
      let bytes = 0;
      for await (const chunk of chunks) bytes += chunk.length;
      return bytes;
    };
    const d = db;
    const peerMs = await timeMs(() => d.query('SELECT record FROM journal WHERE at_ms >= $1 AND at_ms < $2', [year.fromMs, year.toMs]));
    const rows: Array<[string, number]> = [
      ['peer: fetch every record of the year', peerMs],
      ['loader, whole chain, a year', await timeMs(() => loadClubHistory(d, { scope: all, window: year, nowMs: NOW_MS }))],
      ['loader, one store, a year', await timeMs(() => loadClubHistory(d, { scope: one, window: year, nowMs: NOW_MS }))],
      ['chart series, chain, 30 days', await timeMs(() => chartSeries(d, all, month, chartOptions))],
      ['chart series, chain, a year', await timeMs(() => chartSeries(d, all, year, chartOptions))],
      ['analyses on the loaded year', await timeMs(() => analysisView(d, loaded, { nowMs: NOW_MS, inactiveDays: 60, listLimit: 50, offerDays: 14 }))],
      ['fraud flags on the loaded year', await timeMs(async () => fraudFlags(loaded.history))],
      ['transactions CSV, chain, 30 days', await timeMs(() => drain(transactionsCsv(d, all, month)))],
    ];
    console.log(`PostgreSQL 15, ${STORES} stores, ${MEMBERS} members, ${records} journal records (${purchases} purchases), ingested in ${ingestS.toFixed(1)} s; median of 3 runs`);
    console.log(`${'operation'.padEnd(36)} ${'ms'.padStart(9)} ${'× peer'.padStart(8)}`);
    for (const [name, ms] of rows) console.log(`${name.padEnd(36)} ${ms.toFixed(1).padStart(9)} ${(ms / peerMs).toFixed(2).padStart(8)}`);
  } finally {
    await db?.close();
    await postgres.stop();
  }
}

main().catch((error: unknown) => {
  createLogger({ name: 'insight-bench' }).error({ err: error }, 'benchmark failed');
  process.exitCode = 1;
});
