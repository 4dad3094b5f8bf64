/**
 * One timed recovery, in a process of its own (started by ledger-recovery.ts):
 *
 *   node dist/scripts/bench/ledger-open.js DIR ledger|worker|inline
 *
 * `ledger` opens the ledger as the service does; `worker` and `inline` run only the replay
 * (recover(), no recent results read back), with frame checks on a worker thread or on the
 * main thread. Prints one JSON line: seconds, CPU seconds (all threads), peak RSS, last seq.
 */
import { readFileSync } from 'node:fs';
import { coreModule } from '../../firmware/src/ledger/core-module.js';
import { LedgerEngine } from '../../firmware/src/ledger/engine.js';
import { NodeFileSystem } from '../../firmware/src/ledger/fs/node-file-system.js';
import { Ledger } from '../../firmware/src/ledger/ledger.js';
import type { LedgerModule } from '../../firmware/src/ledger/module.js';
import { journalDirectory } from '../../firmware/src/ledger/paths.js';
import { recover } from '../../firmware/src/ledger/recovery.js';
import { createLogger } from '../../firmware/src/log/logger.js';

export type OpenMode = 'ledger' | 'worker' | 'inline';

export interface OpenResult {
  seconds: number;
  cpuSeconds: number;
  peakRssMiB: number;
  lastSeq: number;
}

async function openOnce(dir: string, mode: OpenMode): Promise<OpenResult> {
  const logger = createLogger({ level: 'silent' });
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  let lastSeq: number;
  if (mode === 'ledger') {
    const ledger = await Ledger.open({ dataDir: dir, logger, snapshotEveryRecords: 100_000_000 });
    lastSeq = ledger.lastSeq;
    const seconds = (performance.now() - started) / 1000;
    await ledger.close();
    return finish(seconds, cpuBefore, lastSeq);
  }
  const engine = new LedgerEngine([coreModule as LedgerModule<unknown>]);
  const options = mode === 'inline' ? { checkOnWorkerAfterBytes: Number.POSITIVE_INFINITY } : { checkOnWorkerAfterBytes: 0 };
  lastSeq = (await recover(new NodeFileSystem(), journalDirectory(dir), null, engine, logger, options)).lastSeq;
  return finish((performance.now() - started) / 1000, cpuBefore, lastSeq);
}

function finish(seconds: number, cpuBefore: NodeJS.CpuUsage, lastSeq: number): OpenResult {
  const cpu = process.cpuUsage(cpuBefore);
  return { seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6, peakRssMiB: peakRssKiB() / 1024, lastSeq };
}

/**
 * This process's own peak resident memory (VmHWM). Not getrusage's maxRSS: Linux carries that
 * over exec from the parent, which here had just generated the journals.
 */
function peakRssKiB(): number {
  const match = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'));
  return match ? Number(match[1]) : process.resourceUsage().maxRSS;
}

const [dir, mode] = process.argv.slice(2);
if (dir === undefined || (mode !== 'ledger' && mode !== 'worker' && mode !== 'inline')) {
  console.error('usage: ledger-open.js DIR ledger|worker|inline');
  process.exit(2);
}
console.log(JSON.stringify(await openOnce(dir, mode)));
