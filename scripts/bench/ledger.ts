/**
 * Ledger benchmark: one table, measured in one run on one disk.
 *
 *   npm run bench   (or: node --max-semi-space-size=32 dist/scripts/bench/ledger.js [--seconds 3] [--dir DIR] [--quick] [--cost-only|--recovery-only])
 *
 * With the V8 flags the kiosk service runs with (systemd/bashgah.service).
 *
 * 1. Durable transfers per second with 1, 4 and 16 concurrent writers: this ledger (group
 *    commit), better-sqlite3 (WAL, synchronous=FULL, a connection per writer thread) and
 *    plain lowdb (whole file per transfer, no fsync).
 * 2. The cost of one transfer with 1k, 100k and 1M members (CPU per transfer, without the
 *    disk, each count in a process of its own, runs alternating between them: ledger-cost.ts;
 *    and durable transfers per second at 16 writers).
 * 3. The time to recover 1M journal records, and peak memory, each in its own process:
 *    compact journal vs format 1 (JSON payloads), and with the frame checks on the main
 *    thread vs a worker thread (ledger-recovery.ts).
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Ledger } from '../../firmware/src/ledger/ledger.js';
import { clubAccount, memberAccount, type Op } from '../../firmware/src/ledger/types.js';
import { createLogger } from '../../firmware/src/log/logger.js';
import { lowdbThroughput, sqliteThroughput, type ThroughputResult } from './ledger-peers.js';
import { recoveryTable } from './ledger-recovery.js';
import { seedSnapshot } from './ledger-seed.js';

const { values } = parseArgs({ options: { seconds: { type: 'string' }, dir: { type: 'string' }, quick: { type: 'boolean' }, 'recovery-only': { type: 'boolean' }, 'cost-only': { type: 'boolean' } } });
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

/** Runs per member count, alternating between the counts; the table shows each count's median. */
const COST_RUNS = 7;

/** One ledger-cost.js process: a ledger of `members` members, ready to time runs. */
class CostProcess {
  private readonly child: ChildProcessByStdio<Writable, Readable, null>;
  private readonly lines: AsyncIterator<string>;

  constructor(seedDir: string, members: number, perRun: number) {
    const script = fileURLToPath(new URL('./ledger-cost.js', import.meta.url));
    // The same V8 flags as this process (npm run bench passes the service's).
    this.child = spawn(process.execPath, [...process.execArgv, script, seedDir, String(members), String(perRun)], { stdio: ['pipe', 'pipe', 'inherit'] });
    this.lines = createInterface({ input: this.child.stdout })[Symbol.asyncIterator]();
  }

  private async answer(): Promise<string> {
    const next = await this.lines.next();
    if (next.done === true) throw new Error('the cost process stopped');
    return next.value;
  }

  async ready(): Promise<void> {
    if ((await this.answer()) !== 'ready') throw new Error('the cost process did not start');
  }

  async ask(what: 'run' | 'rss'): Promise<number> {
    this.child.stdin.write(`${what}\n`);
    return Number(JSON.parse(await this.answer()));
  }

  async stop(): Promise<void> {
    this.child.stdin.end('stop\n');
    await new Promise((resolve) => this.child.once('exit', resolve));
  }
}

/**
 * CPU per transfer for each member count: one process per count, all loaded first, then
 * COST_RUNS rounds in which each times one run in turn (the others wait), median per count.
 */
async function cpuMicrosPerTransfer(seeds: Array<{ dir: string; members: number }>): Promise<Array<{ micros: number; rssMiB: number }>> {
  const perRun = quick ? 20_000 : 100_000;
  const workers: CostProcess[] = [];
  try {
    for (const { dir, members } of seeds) {
      const worker = new CostProcess(dir, members, perRun);
      workers.push(worker);
      await worker.ready();
    }
    const runs: number[][] = seeds.map(() => []);
    for (let round = 0; round < COST_RUNS; round++) {
      for (const [index, worker] of workers.entries()) runs[index]!.push(await worker.ask('run'));
    }
    const results = [];
    for (const [index, worker] of workers.entries()) {
      const sorted = runs[index]!.sort((a, b) => a - b);
      results.push({ micros: sorted[Math.floor(sorted.length / 2)]!, rssMiB: (await worker.ask('rss')) / 2 ** 20 });
    }
    return results;
  } finally {
    await Promise.all(workers.map((worker) => worker.stop()));
  }
}

const rate = (r: ThroughputResult) => r.transfers / r.seconds;
const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

const lines: string[] = [];
const row = (...cells: string[]) => lines.push(`| ${cells.join(' | ')} |`);

console.error(`benchmarking in ${root} (${durationMs / 1000} s per throughput run)…`);
const costOnly = values['cost-only'] === true;
if (values['recovery-only'] !== true) await throughputAndCost();
if (!costOnly) {
  if (lines.length > 0) lines.push('');
  lines.push(...recoveryTable(root, quick ? 100_000 : 1_000_000));
}
console.log(lines.join('\n'));
rmSync(root, { recursive: true, force: true });

async function throughputAndCost(): Promise<void> {
if (!costOnly) await throughput();
await memberCost();
}

async function throughput(): Promise<void> {
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
}

async function memberCost(): Promise<void> {
row('members', `CPU µs per transfer (no disk; median of ${COST_RUNS} runs, alternating)`, 'durable transfers/s, 16 writers', 'RSS MiB of the cost process');
row('---:', '---:', '---:', '---:');
const seeds: Array<{ dir: string; members: number }> = [];
for (const members of quick ? [1_000, 100_000] : [1_000, 100_000, 1_000_000]) {
  const dir = fresh(`members-${members}`);
  await seedSnapshot(dir, members);
  seeds.push({ dir, members });
}
const costs = await cpuMicrosPerTransfer(seeds);
for (const [index, { dir, members }] of seeds.entries()) {
  const durable = await ledgerThroughput(dir, 16, members);
  row(fmt(members), fmt(costs[index]!.micros, 2), fmt(rate(durable)), fmt(costs[index]!.rssMiB));
}
lines.push('');
lines.push(`per-transfer CPU cost, largest / 1k members: ${fmt(costs.at(-1)!.micros / costs[0]!.micros, 2)}x`);
}
