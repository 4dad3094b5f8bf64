import { EventEmitter } from 'node:events';
import type { Logger } from '../../firmware/src/log/logger.js';
import type { PrinterConfig } from './config.js';
import { EscPosTransport } from './escpos/transport.js';
import type { PaperState } from './escpos/status-codec.js';
import { assertReceipt } from './receipt-schema.js';
import { renderReceipt, widthDotsFor } from './render/paint.js';
import { PrintSpool } from './spool.js';
import type { PrintOutcome, PrinterStatus, Receipt, ReceiptPrinter } from './types.js';
import type { DeviceState } from '../status.js';

/**
 * The ESC/POS receipt printer (EPSON or STAR, over TCP or a device file). Every job goes to
 * the spool on disk first, then to the printer; it leaves the spool only once the printer
 * confirmed it still has paper after taking the job. A job that cannot print stays queued and
 * a timer retries with bounded exponential backoff, polling the printer's status, until the
 * printer is back. One operation at a time reaches the printer (a serial device at heart).
 */
export type EscPosPrinterSettings = Pick<
  PrinterConfig,
  'model' | 'interface' | 'paperWidthMm' | 'statusQuery' | 'timeZone' | 'timeoutMs' | 'retryInitialDelayMs' | 'retryMaxDelayMs' | 'idleStatusPollMs' | 'spoolMaxJobs' | 'historyMaxJobs'
>;

export interface EscPosPrinterOptions {
  settings: EscPosPrinterSettings;
  /** Where queued and recently printed jobs live, e.g. `<data dir>/printer-spool`. */
  spoolDir: string;
  logger?: Logger;
  now?: () => number;
}

const ENCODED_CACHE_JOBS = 4;

export class EscPosReceiptPrinter extends EventEmitter implements ReceiptPrinter {
  private readonly transport: EscPosTransport;
  private readonly spool: PrintSpool;
  private readonly now: () => number;
  private readonly encoded = new Map<string, Buffer>();
  private chain: Promise<unknown> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private timerDueMs = Number.POSITIVE_INFINITY;
  private retryDelayMs: number;
  private closed = false;
  private current: PrinterStatus;

  private constructor(private readonly options: EscPosPrinterOptions) {
    super();
    const { settings } = options;
    this.now = options.now ?? Date.now;
    this.transport = new EscPosTransport({ model: settings.model, interface: settings.interface, statusQuery: settings.statusQuery, timeoutMs: settings.timeoutMs });
    this.spool = new PrintSpool(options.spoolDir, { maxQueued: settings.spoolMaxJobs, maxHistory: settings.historyMaxJobs });
    this.retryDelayMs = settings.retryInitialDelayMs;
    this.current = { device: 'printer', state: 'offline', detail: 'not checked yet', sinceMs: this.now(), paper: 'unknown', queuedJobs: 0 };
  }

  /** Opens the spool (jobs left from before a restart are printed first) and starts polling. */
  static async open(options: EscPosPrinterOptions): Promise<EscPosReceiptPrinter> {
    const printer = new EscPosReceiptPrinter(options);
    await printer.spool.open();
    for (const problem of printer.spool.corruptFiles) options.logger?.error({ problem }, 'printer: unreadable spool file set aside');
    printer.current.queuedJobs = printer.spool.queued().length;
    printer.schedule(0);
    return printer;
  }

  status(): PrinterStatus {
    return { ...this.current };
  }

  queued(): Receipt[] {
    return this.spool.queued().map((job) => job.receipt);
  }

  async print(input: Receipt): Promise<PrintOutcome> {
    const receipt = assertReceipt(input);
    if (this.closed) throw new Error('the printer is closed');
    if (this.spool.getQueued(receipt.jobId)) return { jobId: receipt.jobId, state: 'queued', reason: this.waitingReason() };
    if (this.spool.getPrinted(receipt.jobId)) return { jobId: receipt.jobId, state: 'printed' };
    // Render before queueing: a receipt that cannot be drawn is refused now, not retried forever.
    const bytes = await this.encode(receipt);
    this.remember(receipt.jobId, bytes);
    try {
      await this.spool.enqueue(receipt, this.now());
    } catch (error) {
      // The spool is full or the SD card fails: the customer can still get the receipt now.
      this.options.logger?.error({ err: error, jobId: receipt.jobId }, 'printer: cannot spool a job; printing it without a safety copy');
      return this.exclusive(() => this.printUnspooled(receipt.jobId, bytes, error));
    }
    this.publish();
    return this.exclusive(() => this.attempt(receipt.jobId));
  }

  /** Last resort when a job cannot be kept on disk: one direct try, and an error if it fails. */
  private async printUnspooled(jobId: string, bytes: Buffer, spoolError: unknown): Promise<PrintOutcome> {
    const why = spoolError instanceof Error ? spoolError.message : String(spoolError);
    let after: PaperState | undefined;
    try {
      if ((await this.transport.queryPaper()) === 'out') throw new Error('out of paper');
      after = await this.transport.send(bytes);
    } catch (error) {
      throw new Error(`job ${jobId} can be neither kept (${why}) nor printed (${(error as Error).message})`);
    }
    if (after === 'out') throw new Error(`job ${jobId} can be neither kept (${why}) nor printed (the paper ran out)`);
    this.observePaper(after ?? 'unknown');
    if (this.spool.queued().length > 0) this.schedule(0);
    return { jobId, state: 'printed' };
  }

  async reprint(jobId: string): Promise<PrintOutcome> {
    if (this.closed) throw new Error('the printer is closed');
    if (!this.spool.getQueued(jobId)) {
      const printed = this.spool.getPrinted(jobId);
      if (!printed) throw new Error(`no recent print job ${jobId}: only the last ${this.options.settings.historyMaxJobs} can be reprinted`);
      await this.spool.enqueue(printed.receipt, this.now());
      this.publish();
    }
    return this.exclusive(() => this.attempt(jobId));
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    await this.chain.catch(() => undefined);
  }

  /** Runs printer operations one after another. */
  private exclusive<T>(operation: () => Promise<T>): Promise<T> {
    const result = this.chain.then(operation, operation);
    this.chain = result.catch(() => undefined);
    return result;
  }

  private async encode(receipt: Receipt): Promise<Buffer> {
    const rendered = renderReceipt(receipt, { widthDots: widthDotsFor(this.options.settings.paperWidthMm), timeZone: this.options.settings.timeZone });
    return this.transport.encodeJob(rendered.png);
  }

  private remember(jobId: string, bytes: Buffer): void {
    this.encoded.delete(jobId);
    this.encoded.set(jobId, bytes);
    for (const oldest of this.encoded.keys()) {
      if (this.encoded.size <= ENCODED_CACHE_JOBS) break;
      this.encoded.delete(oldest);
    }
  }

  /** One try at one queued job. Never throws for printer trouble: that is a 'queued' outcome. */
  private async attempt(jobId: string): Promise<PrintOutcome> {
    const job = this.spool.getQueued(jobId);
    if (!job) return { jobId, state: 'printed' };
    if (this.closed) return { jobId, state: 'queued', reason: 'the printer is closing' };
    const log = this.options.logger;
    let before: PaperState | undefined;
    try {
      before = await this.transport.queryPaper();
    } catch (error) {
      return this.keep(jobId, this.unreachable(error));
    }
    if (before === 'out') return this.keep(jobId, this.observePaper('out'));
    const bytes = this.encoded.get(jobId) ?? (await this.encode(job.receipt));
    this.remember(jobId, bytes);
    let after: PaperState | undefined;
    try {
      after = await this.transport.send(bytes);
    } catch (error) {
      // Bytes may have gone out before the failure: printing again later may duplicate the
      // receipt, which beats losing it. An unanswered GS r 1 usually means the roll ran out
      // mid-job: the real-time query tells that apart from a printer that went away.
      const paperNow = this.transport.asksStatus ? await this.transport.queryPaper('dle-eot').catch(() => undefined) : undefined;
      if (paperNow === 'out') return this.keep(jobId, this.observePaper('out', 'the paper ran out while a receipt was printing'));
      return this.keep(jobId, this.unreachable(error));
    }
    if (after === 'out') {
      log?.warn({ jobId }, 'printer: paper ran out during a job; it will be printed again');
      return this.keep(jobId, this.observePaper('out', 'the paper ran out while a receipt was printing'));
    }
    try {
      await this.spool.markPrinted(jobId, this.now());
    } catch (error) {
      log?.error({ err: error, jobId }, 'printer: printed, but the spool could not record it');
    }
    this.encoded.delete(jobId);
    this.retryDelayMs = this.options.settings.retryInitialDelayMs;
    this.observePaper(after ?? before ?? 'unknown');
    log?.info({ jobId }, 'printer: printed');
    // The printer works again: jobs that waited for it go now, not at the next backoff tick.
    if (this.spool.queued().length > 0) this.schedule(0);
    return { jobId, state: 'printed' };
  }

  private keep(jobId: string, reason: string): PrintOutcome {
    this.schedule(this.retryDelayMs);
    return { jobId, state: 'queued', reason };
  }

  private unreachable(error: unknown): string {
    const message = error instanceof Error ? error.message : String(error);
    const missingDevice = !this.transport.isNetwork && /not there|ENOENT/.test(message);
    return this.observe(missingDevice ? 'absent' : 'offline', 'unknown', `cannot reach the printer at ${this.options.settings.interface} (${message})`);
  }

  /** Records what the paper sensor said; returns the sentence for a technician. */
  private observePaper(paper: PaperState | 'unknown', cause?: string): string {
    if (paper === 'out') return this.observe('offline', paper, `${cause ?? 'out of paper'}: load a new roll`);
    if (paper === 'near-end') return this.observe('degraded', paper, 'paper is running low: change the roll soon');
    return this.observe('ok', paper);
  }

  private waitingReason(): string {
    return this.current.detail ?? 'waiting for the printer';
  }

  private condition: { state: DeviceState; paper: PrinterStatus['paper']; cause?: string } = { state: 'offline', paper: 'unknown', cause: 'not checked yet' };

  private observe(state: DeviceState, paper: PrinterStatus['paper'], cause?: string): string {
    this.condition = { state, paper, ...(cause === undefined ? {} : { cause }) };
    this.publish();
    return this.current.detail ?? state;
  }

  /** Publishes the status (condition + queue length); emits 'status' when anything changed. */
  private publish(): void {
    const { state, paper, cause } = this.condition;
    const queuedJobs = this.spool.queued().length;
    const parts = [cause, queuedJobs > 0 ? `${queuedJobs} receipt(s) waiting` : undefined].filter((part) => part !== undefined);
    const detail = parts.length > 0 ? parts.join('; ') : undefined;
    const previous = this.current;
    if (state === previous.state && detail === previous.detail && paper === previous.paper && queuedJobs === previous.queuedJobs) return;
    const sinceMs = state === previous.state ? previous.sinceMs : this.now();
    this.current = { device: 'printer', state, sinceMs, paper, queuedJobs, ...(detail === undefined ? {} : { detail }) };
    if (state !== previous.state) this.options.logger?.info({ state, detail }, 'printer: status changed');
    this.emit('status', this.status());
  }

  /** Arms the timer unless it is already due sooner. */
  private schedule(delayMs: number): void {
    if (this.closed) return;
    const dueMs = this.now() + delayMs;
    if (this.timer !== undefined && this.timerDueMs <= dueMs) return;
    clearTimeout(this.timer);
    this.timerDueMs = dueMs;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.timerDueMs = Number.POSITIVE_INFINITY;
      void this.exclusive(() => this.tick()).catch((error: unknown) => {
        this.options.logger?.error({ err: error }, 'printer: retry loop failed');
        this.schedule(this.options.settings.retryMaxDelayMs);
      });
    }, delayMs);
    this.timer.unref();
  }

  /** Drains the queue oldest first; on the first failure backs off. With nothing queued, polls status. */
  private async tick(): Promise<void> {
    if (this.closed) return;
    const { settings } = this.options;
    const waiting = this.spool.queued();
    if (waiting.length === 0) {
      try {
        const paper = await this.transport.queryPaper();
        this.observePaper(paper ?? 'unknown');
      } catch (error) {
        this.unreachable(error);
      }
      this.schedule(settings.idleStatusPollMs);
      return;
    }
    for (const job of waiting) {
      const outcome = await this.attempt(job.receipt.jobId);
      if (outcome.state === 'queued') {
        this.retryDelayMs = Math.min(this.retryDelayMs * 2, settings.retryMaxDelayMs);
        return; // attempt() has scheduled the next try
      }
    }
    this.schedule(settings.idleStatusPollMs);
  }
}
