/**
 * Head office ingestion benchmark: records per second stored and materialised from 1, 10
 * and 200 simulated kiosks pushing signed batches over loopback HTTP, and the time for one
 * kiosk's agent to push a 100,000-record backlog. PostgreSQL (DATABASE_URL, or a temporary
 * Debian postgresql 15 cluster with fsync on) against embedded PGlite (fsync on) as the peer.
 *
 *   node dist/scripts/bench/sync.js            full run
 *   BENCH_QUICK=1 node dist/scripts/bench/sync.js   a smaller run
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildHqApp } from '../../sync/hq/app.js';
import { openPGlite, openPostgres, type Db } from '../../sync/hq/db.js';
import { migrateHq as migrate } from '../../sync/hq/schema.js';
import { closeGracefully } from '../../sync/hq/server.js';
import { createDatabase, startTempPostgres } from '../../sync/hq/dev/temp-postgres.js';
import { SyntheticJournal } from '../../sync/hq/dev/synthetic-journal.js';
import { HqClient } from '../../sync/agent/client.js';
import { SyncAgent } from '../../sync/agent/agent.js';
import { SyncAgentConfigSchema } from '../../sync/agent/config.js';
import { identityFromFile, type DeviceIdentity } from '../../sync/agent/identity.js';
import { parseMessage } from '../../sync/protocol/validate.js';

const QUICK = process.env.BENCH_QUICK === '1';
const ADMIN = 'bench-admin-token-0123456789';
const TOTAL_RECORDS = QUICK ? 4000 : 20_000;
const BACKLOG_RECORDS = QUICK ? 20_000 : 100_000;

interface Row {
  scenario: string;
  backend: string;
  records: number;
  seconds: number;
}

async function withHq<T>(db: Db, work: (url: string, provision: (id: string) => Promise<DeviceIdentity>) => Promise<T>): Promise<T> {
  await migrate(db);
  const app = await buildHqApp({ db, adminToken: ADMIN });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  const provision = async (deviceId: string) => {
    const response = await app.inject({ method: 'POST', url: '/v1/admin/devices', headers: { authorization: `Bearer ${ADMIN}` }, payload: { deviceId, storeId: `store-${deviceId}` } });
    const body = response.json() as { privateKeyPem: string; hqPublicKey: string };
    return identityFromFile({ deviceId, storeId: `store-${deviceId}`, privateKeyPem: body.privateKeyPem, hqPublicKey: body.hqPublicKey });
  };
  try {
    return await work(url, provision);
  } finally {
    await closeGracefully(app, 1000);
  }
}

/** Every kiosk pushes its share concurrently, in batches, until the head office has all of it. */
async function fleet(db: Db, kiosks: number, backend: string): Promise<Row> {
  return withHq(db, async (url, provision) => {
    const perKiosk = Math.ceil(TOTAL_RECORDS / kiosks);
    const batch = Math.min(250, perKiosk);
    const sides = await Promise.all(Array.from({ length: kiosks }, async (_, index) => {
      const identity = await provision(`bench-${kiosks}-${index}`);
      const journal = new SyntheticJournal(`b${kiosks}k${index}`, identity.storeId);
      journal.generate(perKiosk);
      return { client: new HqClient(url, identity, 120_000), journal };
    }));
    const started = performance.now();
    await Promise.all(sides.map(async ({ client, journal }) => {
      for (let after = 0; after < journal.lastSeq; ) {
        const answer = await client.push(await journal.readRecords(after, batch));
        after = answer.highWaterMark;
      }
    }));
    return { scenario: `${kiosks} kiosk${kiosks === 1 ? '' : 's'}, batches of ${batch}`, backend, records: perKiosk * kiosks, seconds: (performance.now() - started) / 1000 };
  });
}

/** One kiosk's agent pushing a long offline backlog (batches of 1000). */
async function backlog(db: Db, backend: string, records: number, scratch: string): Promise<Row> {
  return withHq(db, async (url, provision) => {
    const identity = await provision('bench-backlog');
    const journal = new SyntheticJournal('backlog', identity.storeId);
    journal.generate(records);
    const config = parseMessage(SyncAgentConfigSchema, { enabled: true, headOfficeUrl: url, pushBatchRecords: 1000, pushBatchesPerRound: 1000, requestTimeoutSeconds: 120 }, 'config');
    const agent = await SyncAgent.open({ config, identity, ledger: journal, dataDir: mkdtempSync(join(scratch, 'agent-')) });
    const started = performance.now();
    while (agent.highWaterMark < journal.lastSeq) await agent.syncOnce();
    return { scenario: `backlog of ${records.toLocaleString('en')} (agent)`, backend, records, seconds: (performance.now() - started) / 1000 };
  });
}

async function main(): Promise<void> {
  const scratch = mkdtempSync(join(tmpdir(), 'bashgah-bench-sync-'));
  const server = process.env.DATABASE_URL ? undefined : await startTempPostgres({ fsync: true, maxConnections: 100 });
  const serverUrl = process.env.DATABASE_URL ?? server!.url;
  let databases = 0;
  const postgres = async () => openPostgres(process.env.DATABASE_URL ?? (await createDatabase(serverUrl, `bench_${process.pid}_${databases++}`)), 20);
  const pglite = async () => openPGlite(mkdtempSync(join(scratch, 'pglite-')));
  const rows: Row[] = [];
  const run = async (open: () => Promise<Db>, measure: (db: Db) => Promise<Row>) => {
    const db = await open();
    try {
      const row = await measure(db);
      rows.push(row);
      process.stderr.write(`${row.backend.padEnd(10)} ${row.scenario}: ${(row.records / row.seconds).toFixed(0)} records/s\n`);
    } finally {
      await db.close();
    }
  };
  try {
    for (const kiosks of [1, 10, 200]) {
      await run(postgres, (db) => fleet(db, kiosks, 'postgres'));
      await run(pglite, (db) => fleet(db, kiosks, 'pglite'));
    }
    await run(postgres, (db) => backlog(db, 'postgres', BACKLOG_RECORDS, scratch));
    await run(pglite, (db) => backlog(db, 'pglite', BACKLOG_RECORDS, scratch));
  } finally {
    await server?.stop();
    rmSync(scratch, { recursive: true, force: true });
  }
  printTable(rows);
}

function printTable(rows: Row[]): void {
  const peer = (row: Row) => rows.find((other) => other.scenario === row.scenario && other.backend === 'pglite');
  const lines = [['scenario', 'backend', 'records', 'seconds', 'records/s', 'vs PGlite']];
  for (const row of rows) {
    const rate = row.records / row.seconds;
    const reference = peer(row);
    const ratio = reference && row.backend !== 'pglite' ? `${(rate / (reference.records / reference.seconds)).toFixed(2)}x` : '1.00x';
    lines.push([row.scenario, row.backend, row.records.toLocaleString('en'), row.seconds.toFixed(2), rate.toFixed(0), ratio]);
  }
  const widths = lines[0]!.map((_, column) => Math.max(...lines.map((line) => line[column]!.length)));
  const format = (line: string[]) => line.map((cell, column) => (column < 2 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join('  ');
  process.stdout.write(`${format(lines[0]!)}\n${widths.map((width) => '-'.repeat(width)).join('  ')}\n${lines.slice(1).map(format).join('\n')}\n`);
  process.stdout.write(`\nfsync on for both; ${QUICK ? 'quick run (BENCH_QUICK=1)' : 'full run'}; Node ${process.version}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exitCode = 1;
});
