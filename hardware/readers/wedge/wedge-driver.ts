import { createReadStream, type ReadStream } from 'node:fs';
import { Backoff } from '../backoff.js';
import { BaseReaderDriver, type DriverContext } from '../driver.js';
import { isMachineTyped, lineToCard } from './classify.js';
import { decodeEvent, KeystrokeDecoder, LINE_CHARS_MAX, nativeEventBytes } from './input-events.js';
import type { WedgeOptions } from './options.js';

const HUMAN_TYPING_QUIET_MS = 10_000;
/** Magstripe wedges often press Enter after each track: lines this close are one swipe. */
const SWIPE_LINES_GAP_MS = 60;
const SWIPE_LINES_MAX = 3;

/**
 * A keyboard-wedge reader read straight from its evdev device. Keys are decoded with a US
 * layout; a line typed at reader speed becomes a card, one typed at human speed is ignored
 * (reported at most every 10 s). The device is not grabbed (EVIOCGRAB needs an ioctl Node
 * cannot make): see 70-bashgah-wedge.rules to keep the keystrokes away from the browser.
 *
 * Reads use fs streams, so each wedge reader keeps one libuv threadpool thread waiting.
 */
export class WedgeDriver extends BaseReaderDriver {
  private stream: ReadStream | undefined;
  private reopenTimer: NodeJS.Timeout | undefined;
  private stopped = true;
  private readonly backoff: Backoff;
  private readonly device: string;
  private readonly eventBytes: 16 | 24;
  private lastHumanProblemMs = -Infinity;
  private swipeLines: string[] = [];
  private swipeTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly options: WedgeOptions,
    context: DriverContext,
  ) {
    super(options.id, context);
    this.backoff = new Backoff(options.reopenInitialMs, options.reopenMaxMs);
    this.device = `reader:wedge:${options.id}`;
    this.eventBytes = options.eventBytes === 0 ? nativeEventBytes() : options.eventBytes;
  }

  async start(): Promise<void> {
    this.stopped = false;
    this.setStatus(this.device, 'offline', `waiting for ${this.options.device}`);
    this.open();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.reopenTimer);
    clearTimeout(this.swipeTimer);
    this.swipeLines = [];
    this.stream?.destroy();
    this.stream = undefined;
    this.setStatus(this.device, 'disabled', 'stopped');
  }

  private open(): void {
    if (this.stopped) return;
    const decoder = new KeystrokeDecoder();
    let pending = Buffer.alloc(0);
    const stream = createReadStream(this.options.device, { highWaterMark: this.eventBytes * 64 });
    this.stream = stream;
    stream.on('open', () => {
      this.backoff.reset();
      this.setStatus(this.device, 'ok');
    });
    stream.on('data', (chunk: Buffer | string) => {
      pending = Buffer.concat([pending, Buffer.from(chunk)]);
      let offset = 0;
      for (; offset + this.eventBytes <= pending.length; offset += this.eventBytes) {
        const output = decoder.push(decodeEvent(pending.subarray(offset, offset + this.eventBytes), this.eventBytes));
        if (output?.kind === 'line') this.onLine(output.line.text, output.line.keyTimesMs);
        if (output?.kind === 'overflow') this.emitProblem('LINE_TOO_LONG', `the reader typed more than ${LINE_CHARS_MAX} characters without Enter: ignored`);
      }
      pending = pending.subarray(offset);
    });
    stream.on('error', (error: Error) => this.onGone(stream, `cannot read ${this.options.device}: ${error.message}`));
    stream.on('end', () => this.onGone(stream, `${this.options.device} went away (reader unplugged?)`));
  }

  private onLine(text: string, keyTimesMs: number[]): void {
    if (!isMachineTyped(keyTimesMs, this.options.maxKeyGapMs)) {
      const nowMs = this.context.now();
      if (nowMs - this.lastHumanProblemMs >= HUMAN_TYPING_QUIET_MS) {
        this.lastHumanProblemMs = nowMs;
        this.emitProblem('HUMAN_TYPING', 'keys typed at human speed on the reader device were ignored (a keyboard on the reader port?)');
      }
      return;
    }
    if (this.options.kind === 'magstripe') {
      this.collectSwipeLine(text);
      return;
    }
    this.report(text);
  }

  /** Joins track lines typed back to back (one Enter per track) into one swipe. */
  private collectSwipeLine(text: string): void {
    this.swipeLines.push(text);
    clearTimeout(this.swipeTimer);
    const flush = () => {
      const swipe = this.swipeLines.join('\r');
      this.swipeLines = [];
      this.report(swipe);
    };
    if (this.swipeLines.length >= SWIPE_LINES_MAX) flush();
    else this.swipeTimer = setTimeout(flush, SWIPE_LINES_GAP_MS);
  }

  private report(text: string): void {
    const result = lineToCard(text, this.options.kind, this.context.cardIdKey);
    if ('cardId' in result) this.emitCard({ technology: result.technology, cardId: result.cardId });
    else this.emitProblem(result.code, result.message);
  }

  private onGone(stream: ReadStream, detail: string): void {
    if (this.stopped || this.stream !== stream) return;
    this.stream = undefined;
    stream.destroy();
    this.setStatus(this.device, 'offline', `${detail}; reopening`);
    clearTimeout(this.reopenTimer);
    this.reopenTimer = setTimeout(() => this.open(), this.backoff.nextDelayMs());
  }
}
