/**
 * The CPU cost of one transfer with a given number of members, measured in a process of its
 * own (started by ledger.ts, one per member count, all alive at once):
 *
 *   node [flags] dist/scripts/bench/ledger-cost.js SEED_DIR MEMBERS TRANSFERS_PER_RUN
 *
 * It opens the seeded ledger on a file system whose appends go nowhere (what remains of a
 * commit is its CPU cost), warms up the JIT, settles the heap, prints `ready`, then answers
 * each `run` line on stdin with one timed run of TRANSFERS_PER_RUN transfers to random
 * members (µs per transfer, a JSON number). The parent alternates runs between the member
 * counts, so a noisy neighbour on a shared machine slows all of them alike, and each count
 * has a heap of its own: a million members' garbage collections are not charged to a
 * thousand's.
 */
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { AppendableFile } from '../../firmware/src/ledger/fs/file-system.js';
import { Ledger } from '../../firmware/src/ledger/ledger.js';
import { journalDirectory, snapshotPath } from '../../firmware/src/ledger/paths.js';
import { clubAccount, memberAccount, type Op } from '../../firmware/src/ledger/types.js';
import { createLogger } from '../../firmware/src/log/logger.js';
import { CrashFileSystem } from '../../tests/support/crash-file-system.js';

/** A file system whose appends go nowhere. */
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

/**
 * V8's own collector, to settle the heap before measuring: opening a ledger of a million
 * members leaves the parsed snapshot (over a gigabyte) as garbage, and whether one run or
 * another pays for collecting it is luck, not the cost of a transfer.
 */
function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

const [seedDir, membersArg, perRunArg] = process.argv.slice(2);
const members = Number(membersArg);
const perRun = Number(perRunArg);
if (seedDir === undefined || !Number.isSafeInteger(members) || members < 1 || !Number.isSafeInteger(perRun) || perRun < 1) {
  console.error('usage: ledger-cost.js SEED_DIR MEMBERS TRANSFERS_PER_RUN');
  process.exit(2);
}

const fs = new DiscardingFileSystem();
await fs.mkdir(journalDirectory('/l'));
await fs.writeFileSynced(snapshotPath('/l'), new Uint8Array(readFileSync(snapshotPath(seedDir))));
const ledger = await Ledger.open({ dataDir: '/l', fileSystem: fs, logger: createLogger({ level: 'silent' }), snapshotEveryRecords: 100_000_000 });
// The in-memory disk would otherwise keep the snapshot's bytes for the whole run.
await fs.remove(snapshotPath('/l'));

const earn = (memberId: string): Op => ({ op: 'transfer', debit: clubAccount('earned'), credit: memberAccount(memberId), amount: 1, unit: 'points', reason: 'earn' });
let nextId = 0;
async function run(): Promise<number> {
  const started = performance.now();
  const batch: Array<Promise<unknown>> = [];
  for (let i = 0; i < perRun; i++) {
    batch.push(ledger.commit({ id: `cpu${nextId++}`, actor: { kind: 'pos', id: 'bench' }, ops: [earn(`m${Math.floor(Math.random() * members)}`)] }));
    if (batch.length === 256) await Promise.all(batch.splice(0));
  }
  await Promise.all(batch);
  return ((performance.now() - started) * 1000) / perRun;
}

await run(); // the JIT
collectGarbage();
console.log('ready');
for await (const line of createInterface({ input: process.stdin })) {
  if (line === 'run') console.log(JSON.stringify(await run()));
  else if (line === 'rss') console.log(JSON.stringify(process.memoryUsage().rss));
  else break;
}
await ledger.close();
