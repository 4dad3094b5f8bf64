/**
 * Reader latency benchmark: time from a reader event to the CardReaders 'card' event.
 *
 *   node dist/scripts/bench/readers.js [--runs 50] [--skip-pcsc]
 *
 * Paths measured in one run (so the ratios compare like with like):
 *   - simulated tap: the twin, no I/O (the floor: event plumbing only);
 *   - serial swipe: bytes written to a socat pty → serialport → inter-byte timeout → parser → HMAC;
 *   - PC/SC: a virtual card inserted into Debian's vpcd → real pcscd → nfc-pcsc → our driver
 *     (UID-only card and NTAG213 with an NDEF text read); plus the part our driver adds after
 *     pcscd reports the card (measured against pcsclite's own status event).
 * PC/SC needs root (pcscd); without it that part is reported as skipped, with the reason.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createLogger } from '../../firmware/src/log/logger.js';
import { createReaders } from '../../hardware/readers/create-readers.js';
import type { ReaderHub } from '../../hardware/readers/hub.js';
import { encodeTextMemory } from '../../hardware/readers/pcsc/ndef.js';
import type { NfcReader, NfcService } from '../../hardware/readers/pcsc/nfc-shim.js';
import { loadNfc } from '../../hardware/readers/pcsc/nfc-shim.js';
import { desfire, ntag213, type CardModel } from '../../hardware/readers/pcsc/testing/card-models.js';
import { PcscdHarness } from '../../hardware/readers/pcsc/testing/pcscd-harness.js';
import { VirtualCard } from '../../hardware/readers/pcsc/testing/virtual-card.js';
import { SimulatedReader } from '../../hardware/readers/simulated/simulated-reader.js';
import type { CardEvent } from '../../hardware/readers/types.js';

const KEY = 'bench-key-0123456789';
const logger = createLogger({ level: 'silent' });
const EVENT_TIMEOUT_MS = 5000;
const SWIPE = '%B6037991234567890^BENCH/USER^2903101?;6037991234567890=2903101?\r';

interface Row {
  path: string;
  samplesMs: number[];
  note?: string;
  /** The row this one is compared with (p50 ratio), measured in the same run. */
  peer?: string;
}

function nextCard(readers: ReaderHub): Promise<CardEvent> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no card event within 5 s')), EVENT_TIMEOUT_MS);
    const listener = (event: CardEvent) => {
      clearTimeout(timer);
      readers.off('card', listener);
      resolve(event);
    };
    readers.on('card', listener);
  });
}

function nextRemoved(readers: ReaderHub): Promise<void> {
  return new Promise((resolve) => {
    const listener = () => {
      readers.off('removed', listener);
      resolve();
    };
    readers.on('removed', listener);
  });
}

function percentile(sortedMs: number[], fraction: number): number {
  if (sortedMs.length === 0) return Number.NaN;
  return sortedMs[Math.min(sortedMs.length - 1, Math.ceil(fraction * sortedMs.length) - 1)]!;
}

async function benchSimulated(runs: number): Promise<Row[]> {
  const readers = await createReaders({ cardIdKey: KEY, drivers: [{ id: 'sim', driver: 'simulated' }] }, logger);
  await readers.start();
  const simulator = readers.driver('sim', SimulatedReader)!;
  const samplesMs: number[] = [];
  for (let run = 0; run < runs; run += 1) {
    const card = nextCard(readers);
    const startMs = performance.now();
    simulator.tap('04A1B2C3D4E5F6');
    await card;
    samplesMs.push(performance.now() - startMs);
  }
  const swipeSamplesMs: number[] = [];
  for (let run = 0; run < runs; run += 1) {
    const card = nextCard(readers);
    const startMs = performance.now();
    simulator.swipe(SWIPE);
    await card;
    swipeSamplesMs.push(performance.now() - startMs);
  }
  await readers.stop();
  return [
    { path: 'simulated tap (no I/O)', samplesMs },
    { path: 'simulated swipe (parser + HMAC, no I/O)', samplesMs: swipeSamplesMs },
  ];
}

async function benchSerial(runs: number, swipeGapMs: number, peer: string): Promise<Row> {
  const directory = await mkdtemp(join(tmpdir(), 'bashgah-bench-serial-'));
  const socat: ChildProcess = spawn('socat', [`pty,raw,echo=0,link=${join(directory, 'a')}`, `pty,raw,echo=0,link=${join(directory, 'b')}`], { stdio: 'ignore' });
  try {
    for (let waited = 0; !(existsSync(join(directory, 'a')) && existsSync(join(directory, 'b'))); waited += 20) {
      if (waited > 5000) throw new Error('socat did not create the pty pair');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const writer = await open(join(directory, 'a'), 'r+');
    const readers = await createReaders({ cardIdKey: KEY, drivers: [{ id: 'mag', driver: 'magstripe', path: join(directory, 'b'), swipeGapMs }] }, logger);
    await readers.start();
    const samplesMs: number[] = [];
    for (let run = 0; run < runs; run += 1) {
      const card = nextCard(readers);
      const startMs = performance.now();
      await writer.write(Buffer.from(SWIPE, 'latin1'));
      await card;
      samplesMs.push(performance.now() - startMs);
    }
    await readers.stop();
    await writer.close();
    return { path: `serial swipe, socat pty (swipeGapMs ${swipeGapMs})`, samplesMs, note: `includes the ${swipeGapMs} ms end-of-swipe silence`, peer };
  } finally {
    socat.kill('SIGTERM');
    await rm(directory, { recursive: true, force: true });
  }
}

/** Watches pcsclite's own status events (underneath nfc-pcsc) to see when pcscd reports a card. */
async function watchPcscPresence(readerName: string): Promise<{ lastPresentMs: () => number; close: () => void }> {
  const NFC = await loadNfc();
  const nfc: NfcService = new NFC();
  let lastPresentMs = Number.NaN;
  const readers: NfcReader[] = [];
  nfc.on('error', () => undefined);
  nfc.on('reader', (reader: NfcReader & { reader: NodeJS.EventEmitter & { SCARD_STATE_PRESENT: number } }) => {
    readers.push(reader);
    reader.on('error', () => undefined);
    if (reader.name !== readerName) return;
    reader.autoProcessing = false;
    reader.reader.on('status', (status: { state: number }) => {
      if (status.state & reader.reader.SCARD_STATE_PRESENT) lastPresentMs = performance.now();
    });
  });
  const close = () => {
    for (const reader of readers) reader.close();
    nfc.close();
  };
  return { lastPresentMs: () => lastPresentMs, close };
}

async function benchPcsc(runs: number): Promise<Row[]> {
  const pcscd = await PcscdHarness.start();
  process.env.PCSCLITE_CSOCK_NAME = pcscd.socketPath;
  const readers = await createReaders({ cardIdKey: KEY, drivers: [{ id: 'nfc', driver: 'pcsc', ignoreReaders: '00 01' }] }, logger);
  try {
    const ok = new Promise<void>((resolve) => readers.on('status', (status) => status.state === 'ok' && resolve()));
    await readers.start();
    await ok;
    const presence = await watchPcscPresence('Virtual PCD 00 00');
    const rows: Row[] = [];
    const models: Array<[string, () => CardModel]> = [
      ['UID only', () => desfire(Buffer.from('04112233445566', 'hex'))],
      ['NTAG213 UID + text', () => ntag213(Buffer.from('04A1B2C3D4E5F6', 'hex'), encodeTextMemory('عضو باشگاه'))],
    ];
    for (const [name, model] of models) {
      const totalMs: number[] = [];
      const driverMs: number[] = [];
      for (let run = 0; run < runs; run += 1) {
        const card = nextCard(readers);
        const startMs = performance.now();
        const virtualCard = await VirtualCard.insert(pcscd.slot(0), model());
        await card;
        const endMs = performance.now();
        totalMs.push(endMs - startMs);
        const presentMs = presence.lastPresentMs();
        if (presentMs >= startMs) driverMs.push(endMs - presentMs);
        const removed = nextRemoved(readers);
        await virtualCard.remove();
        await removed;
      }
      const peer = name === 'UID only' ? undefined : 'PC/SC UID only';
      rows.push({ path: `PC/SC ${name}: insertion → card`, samplesMs: totalMs, note: "includes pcscd's polling of the vpcd slot", ...(peer ? { peer: `${peer}: insertion → card` } : {}) });
      rows.push({ path: `PC/SC ${name}: pcscd status → card`, samplesMs: driverMs, note: 'nfc-pcsc connect + our APDUs (vpcd round trips)', ...(peer ? { peer: `${peer}: pcscd status → card` } : {}) });
    }
    presence.close();
    return rows;
  } finally {
    await readers.stop();
    await pcscd.dispose();
  }
}

function printTable(rows: Row[], runs: number): void {
  const p50Of = (row: Row | undefined) => percentile([...(row?.samplesMs ?? [])].sort((a, b) => a - b), 0.5);
  const header = ['path', 'n', 'p50 ms', 'p95 ms', 'p99 ms', 'p50 / peer', 'peer (same run)', 'note'];
  const lines = rows.map((row) => {
    const sorted = [...row.samplesMs].sort((a, b) => a - b);
    const p50 = percentile(sorted, 0.5);
    const peer = rows.find((candidate) => candidate.path === row.peer);
    const ratio = peer ? `${(p50 / p50Of(peer)).toFixed(1)}x` : '';
    return [row.path, String(sorted.length), p50.toFixed(2), percentile(sorted, 0.95).toFixed(2), percentile(sorted, 0.99).toFixed(2), ratio, peer?.path ?? '', row.note ?? ''];
  });
  const widths = header.map((title, column) => Math.max(title.length, ...lines.map((line) => line[column]!.length)));
  const leftAligned = new Set([0, 6, 7]);
  const format = (cells: string[]) => cells.map((cell, column) => (leftAligned.has(column) ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join('  ').trimEnd();
  console.log(`reader event → CardReaders 'card' event, ${runs} runs per path (${process.arch}, Node ${process.version})`);
  console.log(format(header));
  console.log(widths.map((width) => '-'.repeat(width)).join('  '));
  for (const line of lines) console.log(format(line));
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const runsIndex = args.indexOf('--runs');
  const runs = runsIndex >= 0 ? Number(args[runsIndex + 1]) : 50;
  if (!Number.isInteger(runs) || runs < 1 || runs > 10_000) throw new Error('--runs takes an integer from 1 to 10000');
  const rows: Row[] = await benchSimulated(runs);
  rows.push(await benchSerial(runs, 40, 'simulated swipe (parser + HMAC, no I/O)'));
  rows.push(await benchSerial(runs, 10, 'serial swipe, socat pty (swipeGapMs 40)'));
  if (args.includes('--skip-pcsc')) {
    console.log('PC/SC skipped (--skip-pcsc)');
  } else {
    rows.push(...(await benchPcsc(runs)));
  }
  printTable(rows, runs);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(`bench/readers: ${(error as Error).message}`);
    process.exit(1);
  },
);
