import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../../../firmware/src/log/logger.js';
import { openPGlite, openPostgres, type Db } from '../db.js';
import { createDatabase, startTempPostgres } from '../dev/temp-postgres.js';
import { migrate, MIGRATIONS } from '../migrations.js';
import { parseMessagesConfig } from './config.js';
import { Dispatcher } from './dispatcher.js';
import { MESSAGES_MIGRATIONS } from './migration.js';
import { SqlOutboxStore } from './sql-store.js';
import type { MessageProvider } from './types.js';

/**
 * Benchmark: outbox bookkeeping per message (enqueue; claim + attempt row + mark sent) on
 * PGlite against PostgreSQL 15 in the same run, with a provider that answers at once so
 * only the outbox is measured. Usage: node dist/sync/hq/messages/bench.js [messages=2000]
 */
const count = Number(process.argv[2] ?? 2000);
if (!Number.isInteger(count) || count < 1 || count > 200_000) throw new Error('messages must be 1..200000');
const NOW_MS = Date.parse('2026-05-10T07:00:00Z');
const instant: MessageProvider = { channel: 'sms', dedupesReference: true, send: async () => ({ ok: true, providerMessageId: null }) };

async function measure(db: Db): Promise<{ enqueuePerSecond: number; dispatchPerSecond: number }> {
  await migrate(db, [...MIGRATIONS, ...MESSAGES_MIGRATIONS]);
  const store = new SqlOutboxStore(db);
  const config = parseMessagesConfig({ batchSize: 100 });
  let start = performance.now();
  for (let i = 0; i < count; i++) {
    await store.enqueue({ idempotencyKey: `k${i}`, memberId: null, channel: 'sms', recipient: '09120000000', body: 'پیام', occasion: 'bench', notBeforeMs: NOW_MS }, 3, NOW_MS);
  }
  const enqueueMs = performance.now() - start;
  const dispatcher = new Dispatcher({ store, providers: { sms: instant }, config, logger: createLogger({ level: 'silent' }), now: () => NOW_MS });
  start = performance.now();
  let sent = 0;
  while (sent < count) sent += (await dispatcher.runOnce()).sent;
  const dispatchMs = performance.now() - start;
  return { enqueuePerSecond: (count / enqueueMs) * 1000, dispatchPerSecond: (count / dispatchMs) * 1000 };
}

const dir = mkdtempSync(join(tmpdir(), 'bashgah-outbox-bench-'));
const pglite = await openPGlite(dir);
const onPGlite = await measure(pglite);
await pglite.close();
rmSync(dir, { recursive: true, force: true });
const server = await startTempPostgres({ fsync: true });
const postgres = await openPostgres(await createDatabase(server.url, 'bench'), 4);
const onPostgres = await measure(postgres);
await postgres.close();
await server.stop();
console.log(`outbox, ${count} messages (fsync on for both)`);
console.log(`${'backend'.padEnd(12)} ${'enqueue/s'.padStart(10)} ${'dispatch/s'.padStart(11)} ${'dispatch vs pg'.padStart(15)}`);
for (const [name, figures] of [['pglite', onPGlite], ['postgresql', onPostgres]] as const) {
  console.log(`${name.padEnd(12)} ${figures.enqueuePerSecond.toFixed(0).padStart(10)} ${figures.dispatchPerSecond.toFixed(0).padStart(11)} ${(figures.dispatchPerSecond / onPostgres.dispatchPerSecond).toFixed(2).padStart(15)}`);
}
