import { Backoff, withTimeout } from '../backoff.js';
import { nfcCardId } from '../card-id.js';
import { BaseReaderDriver, type DriverContext } from '../driver.js';
import type { CardTechnology } from '../types.js';
import { classifyAtr, type CardKind } from './atr.js';
import { loadNfc, trapErrorEmits, type NfcCard, type NfcConstructor, type NfcReader, type NfcService } from './nfc-shim.js';
import type { PcscOptions } from './options.js';
import { pcscdSocketPath, probeSocket } from './pcscd-socket.js';
import { describeTransmitFailure, readTag, type Transmit } from './tag-session.js';

const SOCKET_PROBE_TIMEOUT_MS = 1000;
const CLOSE_SETTLE_MS = 20;

function technologyOf(card: CardKind): CardTechnology {
  if (card.kind === 'mifare-classic') return 'mifare-classic';
  if (card.kind === 'iso14443-4') return 'iso14443-4';
  return 'iso14443-3';
}

/**
 * PC/SC contactless readers (ACR122U, ACR1252U, ...) through pcscd and nfc-pcsc, with
 * auto-processing off: the driver reads the UID (FF CA) and NTAG text itself, so phones and
 * ISO 14443-4 cards give one clear problem instead of nfc-pcsc's "AID was not set" errors.
 *
 * Supervision: a reader's `end`/`error`, or an error from the NFC instance (pcscd stopped or
 * restarted), tears the NFC instance down and builds a new one after a bounded backoff; a
 * replugged reader or a restarted pcscd is back within seconds. Each NFC instance has a
 * generation number so late events from a torn-down one are ignored.
 */
export class PcscDriver extends BaseReaderDriver {
  private NFC: NfcConstructor | undefined;
  private nfc: NfcService | undefined;
  private generation = 0;
  private readonly readers = new Map<string, NfcReader>();
  private ignoredReaders: NfcReader[] = [];
  private restartTimer: NodeJS.Timeout | undefined;
  private stopped = true;
  private readonly backoff: Backoff;
  private readonly device: string;
  private readonly ignore: RegExp | undefined;
  private readonly only: RegExp | undefined;
  private readonly lastProblemAtMs = new Map<string, number>();
  private readonly readsInFlight = new Set<Promise<void>>();

  constructor(
    private readonly options: PcscOptions,
    context: DriverContext,
  ) {
    super(options.id, context);
    this.backoff = new Backoff(options.restartInitialMs, options.restartMaxMs);
    this.device = `reader:pcsc:${options.id}`;
    this.ignore = options.ignoreReaders === '' ? undefined : new RegExp(options.ignoreReaders, 'i');
    this.only = options.onlyReaders === '' ? undefined : new RegExp(options.onlyReaders, 'i');
  }

  /** Names of the readers in use (for statuses and tests). */
  readerNames(): string[] {
    return [...this.readers.keys()];
  }

  async start(): Promise<void> {
    this.stopped = false;
    try {
      this.NFC ??= await loadNfc();
    } catch (error) {
      this.setStatus(this.device, 'offline', (error as Error).message);
      return;
    }
    await this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.restartTimer);
    this.restartTimer = undefined;
    // Let card reads in flight finish (each transmit has its own timeout) before closing.
    await Promise.allSettled(this.readsInFlight);
    await this.teardown();
    this.setStatus(this.device, 'disabled', 'stopped');
  }

  private async connect(): Promise<void> {
    this.restartTimer = undefined;
    if (this.stopped || !this.NFC) return;
    const socketPath = pcscdSocketPath();
    if (!(await probeSocket(socketPath, SOCKET_PROBE_TIMEOUT_MS))) {
      this.setStatus(this.device, 'offline', `pcscd is not running (nothing answers on ${socketPath}): systemctl start pcscd; retrying`);
      this.scheduleRestart();
      return;
    }
    if (this.stopped) return;
    const generation = ++this.generation;
    let nfc: NfcService;
    try {
      nfc = new this.NFC();
    } catch (error) {
      this.setStatus(this.device, 'offline', `cannot talk to pcscd: ${(error as Error).message}; retrying`);
      this.scheduleRestart();
      return;
    }
    this.nfc = nfc;
    nfc.on('reader', (reader: NfcReader) => this.attach(reader, generation));
    nfc.on('error', (error: Error) => this.restartAfter(generation, `lost pcscd (${error.message})`));
    this.updateServiceStatus();
  }

  private attach(reader: NfcReader, generation: number): void {
    reader.autoProcessing = false;
    reader.on('error', () => undefined); // nfc-pcsc throws on an unheard 'error'
    if (generation !== this.generation) {
      setTimeout(() => reader.close(), CLOSE_SETTLE_MS); // never close inside pcsclite's callbacks
      return;
    }
    const name = reader.name;
    if ((this.ignore && this.ignore.test(name)) || (this.only && !this.only.test(name))) {
      // Kept open but unheard (closed with the others in teardown): a SAM slot, or a reader
      // meant for another driver entry.
      this.context.logger.info({ reader: name }, 'ignoring PC/SC reader (by name)');
      trapErrorEmits(reader, () => undefined);
      this.ignoredReaders.push(reader);
      return;
    }
    trapErrorEmits(reader, (error) => this.onCardFailure(generation, error));
    reader.on('card', (card: NfcCard) => {
      const read = this.onCard(reader, card).finally(() => this.readsInFlight.delete(read));
      this.readsInFlight.add(read);
    });
    reader.on('card.off', () => {
      if (generation === this.generation) this.emitRemoved();
    });
    reader.on('error', (error: Error) => this.restartAfter(generation, `reader "${name}" failed (${error.message})`));
    reader.on('end', () => {
      if (generation !== this.generation) return;
      this.readers.delete(name);
      this.restartAfter(generation, `reader "${name}" was removed`);
    });
    this.readers.set(name, reader);
    this.backoff.reset();
    this.updateServiceStatus();
  }

  private async onCard(reader: NfcReader, card: NfcCard): Promise<void> {
    const kind = classifyAtr(card.atr ?? Buffer.alloc(0));
    const transmit: Transmit = (apdu, responseMaxBytes) =>
      withTimeout(
        Promise.resolve().then(() => reader.transmit(apdu, responseMaxBytes)),
        this.options.operationTimeoutMs,
        `no answer within ${this.options.operationTimeoutMs} ms`,
      );
    const result = await readTag(transmit, kind, { readTagText: this.options.readTagText });
    // Reported even when the reader went away meanwhile (no generation check): what was read
    // was read, and a read cut short by a lost reader must not vanish silently.
    for (const problem of result.problems) this.reportProblem(problem.code, problem.message);
    if (result.uid) {
      this.emitCard({
        technology: technologyOf(kind),
        cardId: nfcCardId(result.uid),
        ...(result.tagText === undefined ? {} : { tagText: result.tagText }),
      });
    }
  }

  /** Connect/disconnect failures that nfc-pcsc would have swallowed. */
  private onCardFailure(generation: number, error: Error): void {
    if (generation !== this.generation) return;
    if (error.name === 'DisconnectError' || /disconnect/i.test(error.message)) {
      this.context.logger.debug({ err: error }, 'disconnect after card removal failed (harmless)');
      return;
    }
    const problem = describeTransmitFailure(error, 'connecting to the card');
    this.reportProblem(problem.code === 'TRANSMIT_FAILED' ? 'CARD_CONNECT_FAILED' : problem.code, problem.message);
  }

  /** One problem per code per `problemQuietMs`: a phone left on the reader is not a storm. */
  private reportProblem(code: string, message: string): void {
    const nowMs = this.context.now();
    const lastMs = this.lastProblemAtMs.get(code);
    if (lastMs !== undefined && nowMs - lastMs < this.options.problemQuietMs) return;
    this.lastProblemAtMs.set(code, nowMs);
    this.emitProblem(code, message);
  }

  private restartAfter(generation: number, reason: string): void {
    if (generation !== this.generation || this.stopped) return;
    void this.teardown();
    this.setStatus(this.device, 'offline', `${reason}; reconnecting`);
    this.scheduleRestart();
  }

  private scheduleRestart(): void {
    if (this.stopped || this.restartTimer) return;
    this.restartTimer = setTimeout(() => void this.connect(), this.backoff.nextDelayMs());
  }

  /**
   * Closes the current NFC instance and its readers; their late events are ignored. The close
   * happens a macrotask later: nfc-pcsc emits `card.off` before it disconnects from the card,
   * and closing a pcsclite reader in that window deadlocks the binding's thread join (the whole
   * service hangs). Reproduced with vpcd: stop() right after a 'removed' event.
   */
  private async teardown(): Promise<void> {
    this.generation += 1;
    const readers = [...this.readers.values(), ...this.ignoredReaders];
    this.readers.clear();
    this.ignoredReaders = [];
    const nfc = this.nfc;
    this.nfc = undefined;
    await new Promise((resolve) => setTimeout(resolve, CLOSE_SETTLE_MS));
    for (const reader of readers) {
      try {
        reader.close();
      } catch (error) {
        this.context.logger.debug({ err: error }, 'closing a PC/SC reader failed');
      }
    }
    try {
      nfc?.close();
    } catch (error) {
      this.context.logger.debug({ err: error }, 'closing the PC/SC context failed');
    }
  }

  private updateServiceStatus(): void {
    const names = this.readerNames();
    if (names.length > 0) this.setStatus(this.device, 'ok', `${names.length} reader(s): ${names.join(', ')}`);
    else this.setStatus(this.device, 'absent', 'pcscd is running but shows no contactless reader: plug one in (an ACR122U also needs the pn533 kernel modules blacklisted)');
  }
}
