import { Worker } from 'node:worker_threads';
import { Backoff } from '../backoff.js';
import { rc522CardId } from '../card-id.js';
import { BaseReaderDriver, type DriverContext } from '../driver.js';
import type { Rc522Options } from './options.js';
import type { DriverToWorker, Rc522WorkerData, WorkerToDriver } from './worker-protocol.js';

const READY_TIMEOUT_MS = 5000;

/** Test seam, not reachable from the configuration: a fake SPI module for the worker. */
export interface Rc522TestHooks {
  spiModuleUrl: string;
  spiOptions?: unknown;
}

/**
 * An RC522 module polled by a worker thread (see rc522-worker.ts). A worker that dies (rpio
 * cannot reach the GPIO, the module is unwired) is an `offline` status and is restarted with
 * bounded backoff; the kiosk keeps running.
 */
export class Rc522Driver extends BaseReaderDriver {
  private worker: Worker | undefined;
  private restartTimer: NodeJS.Timeout | undefined;
  private stopped = true;
  private readonly backoff: Backoff;
  private readonly device: string;

  constructor(
    private readonly options: Rc522Options,
    context: DriverContext,
    private readonly testHooks?: Rc522TestHooks,
  ) {
    super(options.id, context);
    this.backoff = new Backoff(options.restartInitialMs, options.restartMaxMs);
    this.device = `reader:rc522:${options.id}`;
  }

  async start(): Promise<void> {
    this.stopped = false;
    await this.spawn();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.restartTimer);
    const worker = this.worker;
    this.worker = undefined;
    if (worker) {
      const exited = new Promise((resolve) => worker.once('exit', resolve));
      worker.postMessage({ type: 'stop' } satisfies DriverToWorker);
      const timer = setTimeout(() => void worker.terminate(), 1000);
      await exited;
      clearTimeout(timer);
    }
    this.setStatus(this.device, 'disabled', 'stopped');
  }

  private async spawn(): Promise<void> {
    if (this.stopped) return;
    const workerData: Rc522WorkerData = {
      pins: this.options.pins,
      pollIntervalMs: this.options.pollIntervalMs,
      removeAfterMisses: this.options.removeAfterMisses,
      ...(this.testHooks ? { spiModuleUrl: this.testHooks.spiModuleUrl, spiOptions: this.testHooks.spiOptions } : {}),
    };
    const worker = new Worker(new URL('./rc522-worker.js', import.meta.url), { workerData });
    this.worker = worker;
    const ready = new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), READY_TIMEOUT_MS);
      worker.on('message', (message: WorkerToDriver) => {
        if (message.type === 'ready') {
          clearTimeout(timer);
          resolve(true);
        }
        this.onMessage(message);
      });
      worker.once('exit', () => resolve(false));
    });
    worker.on('error', (error) => this.onWorkerGone(worker, `the RC522 poller failed: ${error.message}`));
    worker.on('exit', (code) => this.onWorkerGone(worker, `the RC522 poller stopped (exit ${code})`));
    if (await ready) {
      this.backoff.reset();
      this.setStatus(this.device, 'ok');
    } else {
      this.onWorkerGone(worker, 'the RC522 poller did not start in time');
    }
  }

  private onMessage(message: WorkerToDriver): void {
    if (message.type === 'card') {
      try {
        this.emitCard({ technology: 'rc522', cardId: rc522CardId(Uint8Array.from(message.uid)) });
      } catch (error) {
        this.emitProblem('UNREADABLE_CARD', `the RC522 returned an invalid UID: ${(error as Error).message}`);
      }
    } else if (message.type === 'removed') {
      this.emitRemoved();
    } else if (message.type === 'problem') {
      this.emitProblem(message.code, message.message);
    }
  }

  private onWorkerGone(worker: Worker, detail: string): void {
    if (this.stopped || this.worker !== worker) return;
    this.worker = undefined;
    void worker.terminate();
    this.setStatus(this.device, 'offline', `${detail}; restarting`);
    clearTimeout(this.restartTimer);
    this.restartTimer = setTimeout(() => void this.spawn(), this.backoff.nextDelayMs());
  }
}
