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
 * 3. The time to recover 1M journal records, and resident memory.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { canonicalJson, fingerprintOf } from '../../firmware/src/ledger/canonical.js';
import { LedgerEngine } from '../../firmware/src/ledger/engine.js';
import type { LedgerModule } from '../../firmware/src/ledger/module.js';
import { coreModule } from '../../firmware/src/ledger/core-module.js';
import { encodeFrame, ZERO_HASH } from '../../firmware/src/ledger/journal/frame.js';
import { encodeRecord } from '../../firmware/src/ledger/journal/record-codec.js';
import { segmentName } from '../../firmware/src/ledger/journal/segments.js';
import { Ledger } from '../../firmware/src/ledger/ledger.js';
import { journalDirectory, snapshotPath } from '../../firmware/src/ledger/paths.js';
import type { SnapshotData } from '../../firmware/src/ledger/recovery.js';
import { clubAccount, memberAccount, type CommitRecord, type Member, type Op } from '../../firmware/src/ledger/types.js';
import { createLogger } from '../../firmware/src/log/logger.js';
import { CrashFileSystem } from '../../tests/support/crash-file-system.js';
import type { AppendableFile } from '../../firmware/src/ledger/fs/file-system.js';
import { lowdbThroughput, sqliteThroughput, type ThroughputResult } from './ledger-peers.js';

const { values } = parseArgs({ options: { seconds: { type: 'string' }, dir: { type: 'string' }, quick: { type: 'boolean' }, 'recovery-only': { type: 'boolean' } } });
const durationMs = Number(values.seconds ?? 3) * 1000;
const quick = values.quick === true;
const root = resolve(values.dir ?? '.bench');
const quiet = createLogger({ level: 'silent' });
const at = { atMs: Date.UTC(2026, 10, 23), clockSynced: true };

function fresh(name: string): string {
  const dir = join(root, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return dir;
}

const earn = (memberId: string): Op => ({ op: 'transfer', debit: clubAccount('earned'), credit: memberAccount(memberId), amount: 1, unit: 'points', reason: 'earn' });

/** A ledger directory holding `members` members, written as a snapshot (fast to set up). */
function seedSnapshot(dir: string, members: number): void {
  const state = coreModule.initial();
  for (let i = 0; i < members; i++) {
    const member: Member = { id: `m${i}`, name: 'عضو', phone: `09${String(i).padStart(9, '0')}`, smsConsent: false, storeId: 's1', createdAt: at, updatedAt: at };
    state.members.set(member.id, member);
    state.memberByPhone.set(member.phone, member.id);
  }
  const snapshot: SnapshotData = { format: 1, seq: 0, hash: ZERO_HASH.toString('hex'), takenAt: at, modules: { core: coreModule.toSnapshot(state) }, commits: [] };
  mkdirSync(journalDirectory(dir), { recursive: true });
  writeFileSync(snapshotPath(dir), JSON.stringify(snapshot));
}

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

/**
 * Writes a journal of `records` records as the ledger writes them (each applied by the real
 * engine, so it carries its results and postings), then times opening it.
 */
async function recovery(records: number): Promise<{ seconds: number; rssMiB: number }> {
  const dir = fresh('recovery');
  writeJournal(dir, records);
  const started = performance.now();
  const ledger = await Ledger.open({ dataDir: dir, logger: quiet, snapshotEveryRecords: 100_000_000 });
  const seconds = (performance.now() - started) / 1000;
  if (ledger.lastSeq !== records) throw new Error(`recovered ${ledger.lastSeq} of ${records} records`);
  const rssMiB = process.memoryUsage().rss / 2 ** 20;
  await ledger.close();
  return { seconds, rssMiB };
}

/** In its own function so the generating engine's state is garbage before the timed open. */
function writeJournal(dir: string, records: number): void {
  mkdirSync(journalDirectory(dir), { recursive: true });
  const members = 1000;
  const engine = new LedgerEngine([coreModule as LedgerModule<unknown>]);
  const fingerprints = Array.from({ length: members }, (_, i) => fingerprintOf(canonicalJson([earn(`m${i}`)])));
  const frames: Buffer[] = [];
  let previous: Buffer = ZERO_HASH;
  const append = (seq: number, ops: Op[], fingerprint: string) => {
    const record: CommitRecord = { id: `r${seq}`, actor: { kind: 'pos', id: 'bench' }, at: { atMs: at.atMs + seq, clockSynced: true }, ops, fingerprint };
    const { results, postings } = engine.apply(record, seq, fingerprint, true);
    record.results = results;
    if (postings.length > 0) record.postings = postings.map(({ at: _at, ...posting }) => posting);
    const { frame, hash } = encodeFrame(seq, previous, encodeRecord(record));
    previous = hash;
    frames.push(frame);
  };
  for (let i = 0; i < members; i++) {
    const ops: Op[] = [{ op: 'member.create', memberId: `m${i}`, name: 'عضو', phone: `09${String(i).padStart(9, '0')}`, smsConsent: false, storeId: 's1' }];
    append(i + 1, ops, fingerprintOf(canonicalJson(ops)));
  }
  for (let seq = members + 1; seq <= records; seq++) {
    const member = seq % members;
    append(seq, [earn(`m${member}`)], fingerprints[member]!);
  }
  writeFileSync(join(journalDirectory(dir), segmentName(1)), Buffer.concat(frames));
}

const rate = (r: ThroughputResult) => r.transfers / r.seconds;
const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

const lines: string[] = [];
const row = (...cells: string[]) => lines.push(`| ${cells.join(' | ')} |`);

console.error(`benchmarking in ${root} (${durationMs / 1000} s per throughput run)…`);
if (values['recovery-only'] !== true) await throughputAndCost();
const records = quick ? 100_000 : 1_000_000;
const recovered = await recovery(records);
lines.push(`recover ${fmt(records)} journal records: ${fmt(recovered.seconds, 2)} s (RSS ${fmt(recovered.rssMiB)} MiB)`);
console.log(lines.join('\n'));
rmSync(root, { recursive: true, force: true });

async function throughputAndCost(): Promise<void> {
row('measure', 'bashgah ledger', 'better-sqlite3 (WAL, FULL)', 'lowdb (whole file, no fsync)', 'ledger / sqlite');
row('---', '---:', '---:', '---:', '---:');
const members = 1000;
for (const writers of [1, 4, 16]) {
  const ledgerDir = fresh(`throughput-${writers}`);
  seedSnapshot(ledgerDir, members);
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
  seedSnapshot(dir, count);
  const micros = await cpuMicrosPerTransfer(dir, count);
  const durable = await ledgerThroughput(dir, 16, count);
  costs.push(micros);
  row(fmt(count), fmt(micros, 2), fmt(rate(durable)), fmt(process.memoryUsage().rss / 2 ** 20));
}
lines.push('');
lines.push(`per-transfer CPU cost, largest / 1k members: ${fmt(costs.at(-1)! / costs[0]!, 2)}x`);
}
