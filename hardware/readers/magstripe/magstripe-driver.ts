import { InterByteTimeoutParser, SerialPort } from 'serialport';
import { Backoff } from '../backoff.js';
import { BaseReaderDriver, type DriverContext } from '../driver.js';
import type { MagstripeOptions } from './options.js';
import { SWIPE_CHARS_MAX } from './track-parser.js';
import { swipeToCardId } from './swipe-to-card.js';

/**
 * A serial (RS-232 / USB-serial) magstripe reader. A swipe is the bytes that arrive before
 * `swipeGapMs` of silence; it goes through the ISO 7813 parser and is hashed at once. When the
 * port closes or cannot be opened (unplugged adapter), the driver reports `offline` and
 * reopens it with bounded backoff.
 */
export class MagstripeDriver extends BaseReaderDriver {
  private port: SerialPort | undefined;
  private reopenTimer: NodeJS.Timeout | undefined;
  private stopped = true;
  private readonly backoff: Backoff;
  private readonly device: string;

  constructor(
    private readonly options: MagstripeOptions,
    context: DriverContext,
  ) {
    super(options.id, context);
    this.backoff = new Backoff(options.reopenInitialMs, options.reopenMaxMs);
    this.device = `reader:magstripe:${options.id}`;
  }

  async start(): Promise<void> {
    this.stopped = false;
    await this.open();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.reopenTimer);
    const port = this.port;
    this.port = undefined;
    if (port?.isOpen) await new Promise<void>((resolve) => port.close(() => resolve()));
    this.setStatus(this.device, 'disabled', 'stopped');
  }

  private async open(): Promise<void> {
    const port = new SerialPort({ path: this.options.path, baudRate: this.options.baudRate, autoOpen: false });
    const opened = await new Promise<Error | null>((resolve) => port.open((error) => resolve(error ?? null)));
    if (this.stopped) {
      if (!opened) port.close();
      return;
    }
    if (opened) {
      this.setStatus(this.device, 'offline', `cannot open ${this.options.path}: ${opened.message}; retrying`);
      this.scheduleReopen();
      return;
    }
    this.port = port;
    this.backoff.reset();
    this.setStatus(this.device, 'ok');
    const parser = port.pipe(new InterByteTimeoutParser({ interval: this.options.swipeGapMs, maxBufferSize: SWIPE_CHARS_MAX + 1 }));
    parser.on('data', (chunk: Buffer) => this.onSwipe(chunk));
    port.on('close', () => this.onClosed(port, 'the serial port closed (adapter unplugged?)'));
    port.on('error', (error: Error) => this.onClosed(port, `serial port error: ${error.message}`));
  }

  private onSwipe(chunk: Buffer): void {
    const result = swipeToCardId(chunk.toString('latin1'), this.context.cardIdKey);
    if ('cardId' in result) this.emitCard({ technology: 'magstripe', cardId: result.cardId });
    else this.emitProblem(result.code, result.message);
  }

  private onClosed(port: SerialPort, detail: string): void {
    if (this.stopped || this.port !== port) return;
    this.port = undefined;
    if (port.isOpen) port.close();
    this.setStatus(this.device, 'offline', `${detail}; reopening ${this.options.path}`);
    this.scheduleReopen();
  }

  private scheduleReopen(): void {
    clearTimeout(this.reopenTimer);
    this.reopenTimer = setTimeout(() => void this.open(), this.backoff.nextDelayMs());
  }
}
