import type { DeviceStatus } from '../status.js';

/** How the card was read. */
export type CardTechnology =
  | 'iso14443-3' // NTAG / MIFARE Ultralight and other UID cards over PC/SC
  | 'iso14443-4' // phones, DESFire, bank cards: only a (possibly random) UID is usable
  | 'mifare-classic'
  | 'rc522' // MIFARE UID read by an RC522 module over SPI
  | 'magstripe'
  | 'em4100' // 125 kHz cards typed by a keyboard-wedge reader
  | 'barcode'; // barcode / QR printed on a card, typed by a keyboard-wedge scanner

/**
 * One card presented to one reader, in the same shape whatever the hardware.
 * `cardId` is normalised and safe to store: `nfc:<UID hex upper>`, `rc522:<UID hex>`,
 * `mag:<keyed hash hex>` (never the card number), `em:<decimal id>`, `code:<scanned text>`.
 */
export interface CardEvent {
  readerId: string;
  technology: CardTechnology;
  cardId: string;
  /** When the driver saw it (ms since epoch). */
  atMs: number;
  /** Text read from an NTAG's user memory (NDEF text record), when present and valid. */
  tagText?: string;
}

/** Something went wrong reading a card; the reader keeps running. */
export interface ReaderProblem {
  readerId: string;
  /** Stable code, e.g. `UNREADABLE_SWIPE`, `UNSUPPORTED_CARD`, `CARD_REMOVED_MID_READ`. */
  code: string;
  /** A sentence safe to log: never card numbers or track data. */
  message: string;
  atMs: number;
}

export interface ReaderEvents {
  card: [CardEvent];
  removed: [{ readerId: string; atMs: number }];
  problem: [ReaderProblem];
  status: [DeviceStatus];
}

/** Every configured reader behind one interface; the kiosk subscribes to this. */
export interface CardReaders {
  on<E extends keyof ReaderEvents>(event: E, listener: (...args: ReaderEvents[E]) => void): this;
  off<E extends keyof ReaderEvents>(event: E, listener: (...args: ReaderEvents[E]) => void): this;
  statuses(): DeviceStatus[];
  start(): Promise<void>;
  stop(): Promise<void>;
}
