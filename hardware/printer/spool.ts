import { createHash } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { assertReceipt } from './receipt-schema.js';
import type { Receipt } from './types.js';

/**
 * The printer's durable memory on the SD card: `queue/` holds jobs not yet printed (one file
 * each, written tmp → fsync → rename → fsync dir, so a power cut leaves the old file or the
 * new one, never half of one), `history/` the most recently printed jobs for reprints and for
 * idempotency (printing a job id twice prints once). A crash between printing and recording it
 * prints the job again after restart: a duplicate receipt is acceptable, a lost voucher is not.
 */
export interface QueuedJob {
  receipt: Receipt;
  queuedAtMs: number;
}

export interface PrintedJob {
  receipt: Receipt;
  printedAtMs: number;
}

export class SpoolFullError extends Error {
  override name = 'SpoolFullError';
}

interface SpoolLimits {
  maxQueued: number;
  maxHistory: number;
}

/** File name for a job id: fixed length, filesystem-safe, whatever the id contains. */
function fileNameOf(jobId: string): string {
  return `${createHash('sha256').update(jobId).digest('hex').slice(0, 40)}.json`;
}

async function fsyncDirectory(directory: string): Promise<void> {
  const handle = await open(directory, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Writes a file so that after a crash it holds either the old or the new contents. */
export async function writeFileDurably(directory: string, name: string, contents: string): Promise<void> {
  const temporary = join(directory, `.${name}.tmp`);
  const handle = await open(temporary, 'w', 0o600);
  try {
    await handle.writeFile(contents);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temporary, join(directory, name));
  await fsyncDirectory(directory);
}

export class PrintSpool {
  private readonly queue = new Map<string, QueuedJob>();
  private readonly history = new Map<string, PrintedJob>();
  /** Files that could not be read back; kept aside, reported, never printed. */
  readonly corruptFiles: string[] = [];
  private readonly queueDir: string;
  private readonly historyDir: string;

  constructor(
    readonly directory: string,
    private readonly limits: SpoolLimits,
  ) {
    this.queueDir = join(directory, 'queue');
    this.historyDir = join(directory, 'history');
  }

  async open(): Promise<void> {
    await mkdir(this.queueDir, { recursive: true, mode: 0o700 });
    await mkdir(this.historyDir, { recursive: true, mode: 0o700 });
    for (const entry of await this.readEntries(this.historyDir)) {
      const printedAtMs = entry.printedAtMs;
      if (typeof printedAtMs === 'number') this.history.set(entry.receipt.jobId, { receipt: entry.receipt, printedAtMs });
    }
    for (const entry of await this.readEntries(this.queueDir)) {
      const queuedAtMs = entry.queuedAtMs;
      if (typeof queuedAtMs !== 'number') continue;
      const printed = this.history.get(entry.receipt.jobId);
      // Printed after it was queued: the crash came between the two writes of markPrinted.
      if (printed && printed.printedAtMs >= queuedAtMs) {
        await rm(join(this.queueDir, fileNameOf(entry.receipt.jobId)), { force: true });
        continue;
      }
      this.queue.set(entry.receipt.jobId, { receipt: entry.receipt, queuedAtMs });
    }
  }

  private async readEntries(directory: string): Promise<Array<{ receipt: Receipt; queuedAtMs?: unknown; printedAtMs?: unknown }>> {
    const entries = [];
    for (const name of (await readdir(directory)).sort()) {
      const path = join(directory, name);
      if (name.startsWith('.')) {
        await rm(path, { force: true }); // a temporary file from an interrupted write
        continue;
      }
      try {
        const parsed = JSON.parse(await readFile(path, 'utf8')) as { receipt?: unknown; queuedAtMs?: unknown; printedAtMs?: unknown };
        const receipt = assertReceipt(parsed.receipt);
        if (fileNameOf(receipt.jobId) !== name) throw new Error('file name does not match the job id');
        entries.push({ ...parsed, receipt });
      } catch (error) {
        await rename(path, `${path}.corrupt`).catch(() => undefined);
        this.corruptFiles.push(`${path}: ${(error as Error).message}`);
      }
    }
    return entries;
  }

  /** Jobs waiting, oldest first. */
  queued(): QueuedJob[] {
    return [...this.queue.values()].sort((a, b) => a.queuedAtMs - b.queuedAtMs);
  }

  getQueued(jobId: string): QueuedJob | undefined {
    return this.queue.get(jobId);
  }

  getPrinted(jobId: string): PrintedJob | undefined {
    return this.history.get(jobId);
  }

  /** Durably records a job as waiting. Refuses (throws) rather than drop anything when full. */
  async enqueue(receipt: Receipt, nowMs: number): Promise<QueuedJob> {
    const existing = this.queue.get(receipt.jobId);
    if (existing) return existing;
    if (this.queue.size >= this.limits.maxQueued) {
      throw new SpoolFullError(`the print spool holds ${this.queue.size} jobs already (limit ${this.limits.maxQueued})`);
    }
    // A reprint must sort after the printing it repeats, or open() would take it as done.
    const printedAtMs = this.history.get(receipt.jobId)?.printedAtMs ?? -1;
    const job: QueuedJob = { receipt, queuedAtMs: Math.max(nowMs, printedAtMs + 1) };
    await writeFileDurably(this.queueDir, fileNameOf(receipt.jobId), JSON.stringify({ version: 1, ...job }));
    this.queue.set(receipt.jobId, job);
    return job;
  }

  /** History first, then the queue file goes: a crash in between is resolved by open(). */
  async markPrinted(jobId: string, nowMs: number): Promise<void> {
    const job = this.queue.get(jobId);
    if (!job) throw new Error(`job ${jobId} is not in the print queue`);
    const printed: PrintedJob = { receipt: job.receipt, printedAtMs: Math.max(nowMs, job.queuedAtMs) };
    // Whatever the disk says, this process must not print the job again and again: it leaves
    // the in-memory queue even if the files cannot be updated (then a restart prints it once more).
    this.queue.delete(jobId);
    this.history.delete(jobId);
    this.history.set(jobId, printed);
    await writeFileDurably(this.historyDir, fileNameOf(jobId), JSON.stringify({ version: 1, ...printed }));
    await rm(join(this.queueDir, fileNameOf(jobId)), { force: true });
    await fsyncDirectory(this.queueDir);
    await this.pruneHistory();
  }

  private async pruneHistory(): Promise<void> {
    if (this.history.size <= this.limits.maxHistory) return;
    const oldestFirst = [...this.history.values()].sort((a, b) => a.printedAtMs - b.printedAtMs);
    for (const job of oldestFirst.slice(0, this.history.size - this.limits.maxHistory)) {
      await rm(join(this.historyDir, fileNameOf(job.receipt.jobId)), { force: true });
      this.history.delete(job.receipt.jobId);
    }
    await fsyncDirectory(this.historyDir);
  }
}
