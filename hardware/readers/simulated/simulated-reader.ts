import { nfcCardId } from '../card-id.js';
import { BaseReaderDriver, type DriverContext } from '../driver.js';
import { swipeToCardId } from '../magstripe/swipe-to-card.js';
import type { CardTechnology } from '../types.js';

const CARD_ID_PREFIXES: Array<[string, CardTechnology]> = [
  ['nfc:', 'iso14443-3'],
  ['rc522:', 'rc522'],
  ['mag:', 'magstripe'],
  ['em:', 'em4100'],
  ['code:', 'barcode'],
];
const CARD_ID_CHARS_MAX = 128;

export interface TapOptions {
  /** NDEF text as if read from an NTAG's memory. */
  tagText?: string;
  technology?: CardTechnology;
}

/**
 * The simulated twin: a reader that the demo, a person at the technician page or a test drives.
 * It reports through exactly the same events as the real drivers, and swipes go through the
 * real ISO 7813 parser and the real hashing. Every method returns false when the simulated
 * reader is unplugged or stopped: a tap on a dead reader does nothing, as in a shop.
 */
export class SimulatedReader extends BaseReaderDriver {
  private running = false;
  private plugged = true;
  private cardPresent = false;
  private readonly device: string;

  constructor(id: string, context: DriverContext) {
    super(id, context);
    this.device = `reader:simulated:${id}`;
  }

  async start(): Promise<void> {
    this.running = true;
    this.setStatus(this.device, this.plugged ? 'ok' : 'absent', this.plugged ? 'simulated reader' : 'simulated reader unplugged');
  }

  async stop(): Promise<void> {
    this.running = false;
    this.setStatus(this.device, 'disabled', 'stopped');
  }

  /** Presents a card: a normalised card id (`nfc:04A1...`, `em:...`) or a raw UID in hex. */
  tap(cardIdOrUid: string, options: TapOptions = {}): boolean {
    if (!this.ready()) return false;
    const trimmed = cardIdOrUid.trim();
    const prefixed = CARD_ID_PREFIXES.find(([prefix]) => trimmed.startsWith(prefix));
    let cardId: string;
    let technology: CardTechnology;
    if (prefixed) {
      if (trimmed.length > CARD_ID_CHARS_MAX || trimmed.length === prefixed[0].length) throw new RangeError('a card id needs a value of at most 128 characters');
      cardId = trimmed;
      technology = options.technology ?? prefixed[1];
    } else {
      if (!/^([0-9A-Fa-f]{8}|[0-9A-Fa-f]{14}|[0-9A-Fa-f]{20})$/.test(trimmed)) {
        throw new RangeError('a UID is 4, 7 or 10 bytes of hex (8, 14 or 20 hex digits)');
      }
      cardId = nfcCardId(Buffer.from(trimmed, 'hex'));
      technology = options.technology ?? 'iso14443-3';
    }
    if (this.cardPresent) this.emitRemoved();
    this.cardPresent = true;
    this.emitCard({ technology, cardId, ...(options.tagText === undefined ? {} : { tagText: options.tagText }) });
    return true;
  }

  /** A swipe as the reader would send it; it goes through the real parser. */
  swipe(trackText: string): boolean {
    if (!this.ready()) return false;
    const result = swipeToCardId(trackText, this.context.cardIdKey);
    if ('cardId' in result) this.emitCard({ technology: 'magstripe', cardId: result.cardId });
    else this.emitProblem(result.code, result.message);
    return true;
  }

  /** Takes the tapped card away. */
  remove(): boolean {
    if (!this.ready() || !this.cardPresent) return false;
    this.cardPresent = false;
    this.emitRemoved();
    return true;
  }

  unplug(): void {
    if (!this.plugged) return;
    if (this.cardPresent && this.running) this.emitRemoved();
    this.cardPresent = false;
    this.plugged = false;
    if (this.running) this.setStatus(this.device, 'absent', 'simulated reader unplugged: plug it back in');
  }

  replug(): void {
    if (this.plugged) return;
    this.plugged = true;
    if (this.running) this.setStatus(this.device, 'ok', 'simulated reader');
  }

  private ready(): boolean {
    return this.running && this.plugged;
  }
}
