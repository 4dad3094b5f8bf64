import { connect, type Socket } from 'node:net';
import type { CardModel } from './card-models.js';
import type { VpcdSlot } from './pcscd-harness.js';

/**
 * A virtual card for Debian's vpcd driver: a client of a vpcd slot (a Unix socket bridged to
 * vpcd inside pcscd's private network namespace, or vpcd's TCP port). Every message
 * is a 2-byte big-endian length and a payload; a 1-byte payload is a control message (0 power
 * off, 1 power on, 2 reset, 4 get ATR), anything longer an APDU answered with data + status
 * word. Connecting inserts the card; closing the connection removes it. Test-only code.
 */
export interface VirtualCardOptions {
  host?: string;
  /** Answer this many APDUs, then drop the connection on the next one: a card pulled mid-read. */
  pullAfterApdus?: number;
  /** Answer each APDU this late: a slow card, to stop pcscd while a read is in progress. */
  answerDelayMs?: number;
  connectTimeoutMs?: number;
}

const CONTROL_POWER_OFF = 0;
const CONTROL_POWER_ON = 1;
const CONTROL_RESET = 2;
const CONTROL_GET_ATR = 4;
const FRAME_BYTES_MAX = 0xffff;

export class VirtualCard {
  apdusAnswered = 0;
  private buffer = Buffer.alloc(0);
  private readonly closed: Promise<void>;

  private constructor(
    private readonly socket: Socket,
    private readonly model: CardModel,
    private readonly options: VirtualCardOptions,
  ) {
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
    socket.on('data', (chunk) => this.onData(chunk));
    socket.on('error', () => socket.destroy());
  }

  /** Inserts `model` into the vpcd slot `slot` (see PcscdHarness.slot), retrying while pcscd starts. */
  static async insert(slot: VpcdSlot, model: CardModel, options: VirtualCardOptions = {}): Promise<VirtualCard> {
    const deadline = Date.now() + (options.connectTimeoutMs ?? 10_000);
    for (;;) {
      try {
        const socket = await new Promise<Socket>((resolve, reject) => {
          const attempt = typeof slot === 'string' ? connect({ path: slot }) : connect({ port: slot, host: options.host ?? '127.0.0.1', noDelay: true });
          attempt.once('connect', () => resolve(attempt));
          attempt.once('error', reject);
        });
        return new VirtualCard(socket, model, options);
      } catch (error) {
        if (Date.now() > deadline) throw new Error(`vpcd slot ${slot} did not accept the virtual card: ${(error as Error).message}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
  }

  /** Takes the card away and waits until the connection is closed. */
  async remove(): Promise<void> {
    this.socket.end();
    this.socket.destroySoon();
    await this.closed;
  }

  get present(): boolean {
    return !this.socket.destroyed;
  }

  private send(payload: Buffer): void {
    if (payload.length > FRAME_BYTES_MAX) throw new RangeError('vpcd frames are at most 65535 bytes');
    const header = Buffer.alloc(2);
    header.writeUInt16BE(payload.length);
    this.socket.write(Buffer.concat([header, payload]));
  }

  private onData(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    while (this.buffer.length >= 2) {
      const length = this.buffer.readUInt16BE(0);
      if (this.buffer.length < 2 + length) return;
      const payload = this.buffer.subarray(2, 2 + length);
      this.buffer = this.buffer.subarray(2 + length);
      this.onMessage(payload);
    }
  }

  private onMessage(payload: Buffer): void {
    if (payload.length === 1) {
      const control = payload[0];
      if (control === CONTROL_GET_ATR) this.send(this.model.atr);
      else if (control !== CONTROL_POWER_OFF && control !== CONTROL_POWER_ON && control !== CONTROL_RESET) this.socket.destroy();
      return;
    }
    if (this.options.pullAfterApdus !== undefined && this.apdusAnswered >= this.options.pullAfterApdus) {
      this.socket.destroy();
      return;
    }
    const response = this.model.respond(Buffer.from(payload));
    const answer = () => {
      if (this.socket.destroyed) return;
      this.apdusAnswered += 1;
      this.send(response);
    };
    if (this.options.answerDelayMs) setTimeout(answer, this.options.answerDelayMs);
    else answer();
  }
}
