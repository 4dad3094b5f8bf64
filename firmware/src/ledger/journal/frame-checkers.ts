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

/** Shared buffers kept for reuse beyond those in flight (each as large as a chunk). */
const SPARE_SHARED_BUFFERS = 2;
const SHARED_BUFFER_STEP_BYTES = 1 << 20;

/**
 * On a worker thread (a second core): the CRCs and SHA-256 hashes, most of the byte-crunching
 * of a replay, while the main thread replays the run before. Each run is copied once, into
 * memory shared with the worker; the scanner waits for a verdict before reading further
 * ahead, so only a few runs are in flight.
 */
export class WorkerFrameChecker implements FrameChecker {
  private readonly worker: Worker;
  private readonly waiting: Array<{ resolve(verdict: RunVerdict): void; reject(error: Error): void; shared: SharedArrayBuffer }> = [];
  /**
   * Shared buffers whose run has been checked, to copy the next runs into. Fresh memory for
   * every 8 MiB run cost more than the copy itself (page faults: some 3 ms a run).
   */
  private readonly spare: SharedArrayBuffer[] = [];
  private closed = false;
  previousHash: Buffer | undefined;

  constructor(previousHash: Buffer | undefined) {
    this.previousHash = previousHash;
    const workerData: FrameCheckWorkerData = { previousHash: previousHash ?? null };
    this.worker = new Worker(workerUrl(), { workerData });
    this.worker.on('message', (wire: WireVerdict) => {
      const lastHash = wire.lastHash === undefined ? undefined : Buffer.from(wire.lastHash.buffer, wire.lastHash.byteOffset, wire.lastHash.byteLength);
      this.previousHash = lastHash;
      const waiter = this.waiting.shift();
      // Verdicts come in the order runs were sent: the worker is done with this run's bytes.
      if (waiter && this.spare.length < SPARE_SHARED_BUFFERS) this.spare.push(waiter.shared);
      waiter?.resolve({ end: wire.end, problem: wire.problem, lastHash });
    });
    this.worker.on('error', (error) => this.fail(error));
    this.worker.on('exit', (code) => this.fail(new Error(`the journal check thread stopped (exit ${code})`)));
  }

  private fail(error: Error): void {
    if (this.closed) return;
    for (const waiter of this.waiting.splice(0)) waiter.reject(error);
  }

  check(bytes: Buffer): Promise<RunVerdict> {
    // A copy of exactly these bytes: the scanner's buffer may belong to the file system (and
    // is replayed from while the worker checks the copy).
    const shared = this.sharedBuffer(bytes.length);
    const copy = new Uint8Array(shared, 0, bytes.length);
    copy.set(bytes);
    return new Promise((resolve, reject) => {
      this.waiting.push({ resolve, reject, shared });
      this.worker.postMessage({ bytes: copy } satisfies RunToCheck);
    });
  }

  private sharedBuffer(bytes: number): SharedArrayBuffer {
    const index = this.spare.findIndex((buffer) => buffer.byteLength >= bytes);
    if (index >= 0) return this.spare.splice(index, 1)[0]!;
    // Whole MiBs, so that the next run, a few bytes longer, fits the same buffer.
    return new SharedArrayBuffer(Math.ceil(bytes / SHARED_BUFFER_STEP_BYTES) * SHARED_BUFFER_STEP_BYTES);
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
