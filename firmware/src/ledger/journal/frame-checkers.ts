import { Worker } from 'node:worker_threads';
import { checkFrameRun, type RunVerdict } from './frame-runs.js';

/** Checks runs of frames in journal order, carrying the hash chain from one run to the next. */
export interface FrameChecker {
  /** The verdict on `bytes` (whole frames, by their lengths). Called in journal order. */
  check(bytes: Buffer): Promise<RunVerdict>;
  /** Hash of the last frame checked so far (after the runs submitted, once they are checked). */
  readonly previousHash: Buffer | undefined;
  close(): Promise<void>;
}

/** On the calling thread: nothing to start, for small journals and `journal verify`. */
export class InlineFrameChecker implements FrameChecker {
  constructor(public previousHash: Buffer | undefined) {}

  check(bytes: Buffer): Promise<RunVerdict> {
    const verdict = checkFrameRun(bytes, this.previousHash);
    this.previousHash = verdict.lastHash;
    return Promise.resolve(verdict);
  }

  async close(): Promise<void> {}
}

export interface FrameCheckWorkerData {
  /** Hash of the last frame checked before the worker took over. */
  previousHash: Uint8Array | null;
}

export interface RunToCheck {
  bytes: Uint8Array;
}

type WireVerdict = Omit<RunVerdict, 'lastHash'> & { lastHash: Uint8Array | undefined };

/**
 * On a worker thread (a second core): the CRCs and SHA-256 hashes, most of the byte-crunching
 * of a replay, while the main thread replays the run before. Each run is copied once, and at
 * most two are held (the scanner waits for a verdict before reading further ahead).
 */
export class WorkerFrameChecker implements FrameChecker {
  private readonly worker: Worker;
  private readonly waiting: Array<{ resolve(verdict: RunVerdict): void; reject(error: Error): void }> = [];
  private closed = false;
  previousHash: Buffer | undefined;

  constructor(previousHash: Buffer | undefined) {
    this.previousHash = previousHash;
    const workerData: FrameCheckWorkerData = { previousHash: previousHash ?? null };
    this.worker = new Worker(workerUrl(), { workerData });
    this.worker.on('message', (wire: WireVerdict) => {
      const lastHash = wire.lastHash === undefined ? undefined : Buffer.from(wire.lastHash.buffer, wire.lastHash.byteOffset, wire.lastHash.byteLength);
      this.previousHash = lastHash;
      this.waiting.shift()?.resolve({ end: wire.end, problem: wire.problem, lastHash });
    });
    this.worker.on('error', (error) => this.fail(error));
    this.worker.on('exit', (code) => this.fail(new Error(`the journal check thread stopped (exit ${code})`)));
  }

  private fail(error: Error): void {
    if (this.closed) return;
    for (const waiter of this.waiting.splice(0)) waiter.reject(error);
  }

  check(bytes: Buffer): Promise<RunVerdict> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      // One copy of exactly these bytes, moved to the worker: the scanner's buffer may belong
      // to the file system, and cloning a view would copy all of its underlying memory.
      const copy = new Uint8Array(bytes);
      this.worker.postMessage({ bytes: copy } satisfies RunToCheck, [copy.buffer]);
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.worker.terminate();
  }
}

/** The compiled worker beside this module; under vitest (TypeScript sources) the one in dist/. */
function workerUrl(): URL {
  const own = new URL('./frame-check-worker.js', import.meta.url);
  return import.meta.url.endsWith('.ts') ? new URL(own.href.replace('/firmware/src/', '/dist/firmware/src/')) : own;
}
