/**
 * Ledger benchmark: one table, measured in one run on one disk.
 *
 *   npm run bench            (or: node dist/scripts/bench/ledger.js [--seconds 3] [--dir DIR] [--quick])
 *
 * 1. Durable transfers per second with 1, 4 and 16 concurrent writers: this ledger (group
 *    commit), better-sqlite3 (WAL, synchronous=FULL, a connection per writer thread) and
 *    plain lowdb (whole file per transfer, no fsync).
 * 2. The cost of one transfer with 1k, 100k and 1M members (CPU per transfer, without the
 *    disk; and durable transfers per second at 16 writers).
 * 3. The time to recover 1M journal records, and peak memory, each in its own process:
 *    compact journal vs format 1 (JSON payloads), and with the frame checks on the main
 *    thread vs a worker thread (ledger-recovery.ts).
 */
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { Ledger } from '../../firmware/src/ledger/ledger.js';
import { journalDirectory, snapshotPath } from '../../firmware/src/ledger/paths.js';
import { clubAccount, memberAccount, type Op } from '../../firmware/src/ledger/types.js';
import { createLogger } from '../../firmware/src/log/logger.js';
import { CrashFileSystem } from '../../tests/support/crash-file-system.js';
import type { AppendableFile } from '../../firmware/src/ledger/fs/file-system.js';
import { lowdbThroughput, sqliteThroughput, type ThroughputResult } from './ledger-peers.js';
import { recoveryTable } from './ledger-recovery.js';
import { seedSnapshot } from './ledger-seed.js';

const { values } = parseArgs({ options: { seconds: { type: 'string' }, dir: { type: 'string' }, quick: { type: 'boolean' }, 'recovery-only': { type: 'boolean' } } });
const durationMs = Number(values.seconds ?? 3) * 1000;
const quick = values.quick === true;
const root = resolve(values.dir ?? '.bench');
const quiet = createLogger({ level: 'silent' });

function fresh(name: string): string {
  const dir = join(root, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return dir;
}

const earn = (memberId: string): Op => ({ op: 'transfer', debit: clubAccount('earned'), credit: memberAccount(memberId), amount: 1, unit: 'points', reason: 'earn' });

async function ledgerThroughput(dir: string, writers: number, members: number): Promise<ThroughputResult> {
  const ledger = await Ledger.open({ dataDir: dir, logger: quiet, snapshotEveryRecords: 10_000_000 });
  const deadline = performance.now() + durationMs;
  const started = performance.now();
  let count = 0;
  let next = 0;
  await Promise.all(
    Array.from({ length: writers }, async () => {
      while (performance.now() < deadline) {
        await ledger.commit({ id: `t${next++}`, actor: { kind: 'pos', id: 'bench' }, ops: [earn(`m${Math.floor(Math.random() * members)}`)] });
        count++;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  await ledger.close();
  return { transfers: count, seconds };
}

/** A file system whose appends go nowhere: what remains of a commit is its CPU cost. */
class DiscardingFileSystem extends CrashFileSystem {
  override async openAppend(): Promise<AppendableFile> {
    let size = 0;
    return {
      get size() {
        return size;
      },
      append: async (data: Uint8Array) => {
        size += data.length;
      },
      sync: async () => {},
      truncate: async (length: number) => {
        size = length;
      },
      close: async () => {},
    };
  }
}

/** CPU per transfer: the same commits on a file system that never touches the disk. */
async function cpuMicrosPerTransfer(dir: string, members: number): Promise<number> {
  const fs = new DiscardingFileSystem();
  const snapshot = new Uint8Array(readFileSync(snapshotPath(dir)));
  await fs.mkdir(journalDirectory('/l'));
  await fs.writeFileSynced(snapshotPath('/l'), snapshot);
  const ledger = await Ledger.open({ dataDir: '/l', fileSystem: fs, logger: quiet, snapshotEveryRecords: 10_000_000 });
  // This in-memory disk would keep the snapshot's bytes (hundreds of MiB with 1M members) in
  // the process for the whole run; the ledger has read it and never reads it again.
  await fs.remove(snapshotPath('/l'));
  const count = quick ? 20_000 : 100_000;
  const run = async (offset: number) => {
    const started = performance.now();
    const batch: Array<Promise<unknown>> = [];
    for (let i = 0; i < count; i++) {
      batch.push(ledger.commit({ id: `cpu${offset + i}`, actor: { kind: 'pos', id: 'bench' }, ops: [earn(`m${Math.floor(Math.random() * members)}`)] }));
      if (batch.length === 256) await Promise.all(batch.splice(0));
    }
    await Promise.all(batch);
    return ((performance.now() - started) * 1000) / count;
  };
  await run(0); // warm up the JIT
  const micros = await run(count);
  await ledger.close();
  return micros;
}

const rate = (r: ThroughputResult) => r.transfers / r.seconds;
const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

const lines: string[] = [];
const row = (...cells: string[]) => lines.push(`| ${cells.join(' | ')} |`);

console.error(`benchmarking in ${root} (${durationMs / 1000} s per throughput run)…`);
if (values['recovery-only'] !== true) await throughputAndCost();
if (lines.length > 0) lines.push('');
lines.push(...recoveryTable(root, quick ? 100_000 : 1_000_000));
console.log(lines.join('\n'));
rmSync(root, { recursive: true, force: true });

async function throughputAndCost(): Promise<void> {
row('measure', 'bashgah ledger', 'better-sqlite3 (WAL, FULL)', 'lowdb (whole file, no fsync)', 'ledger / sqlite');
row('---', '---:', '---:', '---:', '---:');
const members = 1000;
for (const writers of [1, 4, 16]) {
  const ledgerDir = fresh(`throughput-${writers}`);
  await seedSnapshot(ledgerDir, members);
  const ours = await ledgerThroughput(ledgerDir, writers, members);
  const sqlite = await sqliteThroughput(fresh(`sqlite-${writers}`), writers, members, durationMs);
  const lowdb = await lowdbThroughput(fresh(`lowdb-${writers}`), writers, members, durationMs);
  row(`durable transfers/s, ${writers} writer${writers > 1 ? 's' : ''}`, fmt(rate(ours)), fmt(rate(sqlite)), fmt(rate(lowdb)), `${fmt(rate(ours) / rate(sqlite), 1)}x`);
}
lines.push('');
row('members', 'CPU µs per transfer (no disk)', 'durable transfers/s, 16 writers', 'RSS MiB after load');
row('---:', '---:', '---:', '---:');
const costs: number[] = [];
for (const count of quick ? [1_000, 100_000] : [1_000, 100_000, 1_000_000]) {
  const dir = fresh(`members-${count}`);
  await seedSnapshot(dir, count);
  const micros = await cpuMicrosPerTransfer(dir, count);
  const durable = await ledgerThroughput(dir, 16, count);
  costs.push(micros);
  row(fmt(count), fmt(micros, 2), fmt(rate(durable)), fmt(process.memoryUsage().rss / 2 ** 20));
}
lines.push('');
lines.push(`per-transfer CPU cost, largest / 1k members: ${fmt(costs.at(-1)! / costs[0]!, 2)}x`);
}
