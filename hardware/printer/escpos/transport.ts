import thermal from 'node-thermal-printer';
import { decodePaperStatus, queryBytes, type PaperState, type StatusQuery } from './status-codec.js';
import type { PrinterModel } from './escpos-parser.js';
import { DeviceFileInterface } from './device-file.js';

/**
 * The thin shim between the driver and node-thermal-printer: the library turns the receipt
 * image into the model's raster commands (EPSON `GS v 0`, STAR `ESC k`, hard threshold) and
 * moves bytes over TCP or to a device file. Every call is bounded by a timeout because the
 * library's file interface can take 5 s to fail and a half-open TCP peer can stall forever.
 */
const { ThermalPrinter, PrinterTypes } = thermal;

export type StatusQuerySetting = StatusQuery | 'auto' | 'none';

export interface TransportOptions {
  model: PrinterModel;
  /** `tcp://host:port` or a device file path. */
  interface: string;
  statusQuery: StatusQuerySetting;
  timeoutMs: number;
}

/**
 * Which query to send before a job (is there paper now?) and after it (did the job go
 * through?). 'auto' on EPSON asks with real-time DLE EOT 4 before, which is answered even when
 * the printer is stopped, and with GS r 1 after, which is answered only once everything before
 * it has been printed, so a roll running out mid-job leaves the question unanswered and the job
 * queued. STAR printers in their own line mode answer neither: 'auto' asks nothing there (set
 * 'dle-eot' for a STAR in ESC/POS emulation).
 */
export function statusQueries(options: Pick<TransportOptions, 'model' | 'interface' | 'statusQuery'>): { before?: StatusQuery; after?: StatusQuery } {
  if (!options.interface.startsWith('tcp://') || options.statusQuery === 'none') return {};
  if (options.statusQuery === 'auto') return options.model === 'epson' ? { before: 'dle-eot', after: 'gs-r' } : {};
  return { before: options.statusQuery, after: options.statusQuery };
}

export class PrinterTransportError extends Error {
  override name = 'PrinterTransportError';
}

async function withTimeout<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new PrinterTransportError(`${what}: no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    return await Promise.race([promise, timeout]);
  } catch (error) {
    // The library rejects with bare strings ('Printer Error'); make them errors with context.
    if (error instanceof Error) throw error;
    throw new PrinterTransportError(`${what}: ${String(error)}`);
  } finally {
    clearTimeout(timer);
  }
}

export class EscPosTransport {
  private readonly encoder: InstanceType<typeof ThermalPrinter>;
  private readonly link: InstanceType<typeof ThermalPrinter>;
  readonly isNetwork: boolean;
  private readonly queries: { before?: StatusQuery; after?: StatusQuery };

  constructor(readonly options: TransportOptions) {
    const type = options.model === 'star' ? PrinterTypes.STAR : PrinterTypes.EPSON;
    this.isNetwork = options.interface.startsWith('tcp://');
    this.queries = statusQueries(options);
    // The library accepts an interface object in place of the string (its types say string).
    const link = this.isNetwork ? options.interface : (new DeviceFileInterface(options.interface) as unknown as string);
    const encodeOnly = { execute: () => Promise.reject(new Error('the encoder never sends')), isPrinterConnected: () => Promise.resolve(false) };
    this.encoder = new ThermalPrinter({ type, interface: encodeOnly as unknown as string });
    this.link = new ThermalPrinter({ type, interface: link, options: { timeout: options.timeoutMs } });
  }

  /** Whether this connection asks the printer for its paper state at all. */
  get asksStatus(): boolean {
    return this.queries.before !== undefined;
  }

  /** A whole job: reset, the receipt image as a raster, feed and cut. Pure CPU work. */
  async encodeJob(png: Buffer): Promise<Buffer> {
    this.encoder.clear();
    this.encoder.add(Buffer.from([0x1b, 0x40]));
    await this.encoder.printImageBuffer(png);
    this.encoder.cut();
    return Buffer.from(this.encoder.getBuffer());
  }

  /**
   * Sends a job. With an after-job query (see statusQueries) it is appended to the job on the
   * same connection, so the answer describes the printer after it took in the whole job, and
   * the paper state is returned. Otherwise resolves with undefined once the bytes are written.
   */
  async send(bytes: Buffer): Promise<PaperState | undefined> {
    this.link.clear();
    this.link.add(bytes);
    // Large images need longer than a status query: allow 1 s per 100 kB on top.
    const timeoutMs = this.options.timeoutMs + Math.ceil(bytes.length / 100_000) * 1000;
    const what = `printing to ${this.options.interface}`;
    const query = this.queries.after;
    if (query === undefined) {
      await withTimeout(this.link.execute(), timeoutMs, what);
      return undefined;
    }
    this.link.add(queryBytes(query));
    const reply: unknown = await withTimeout(this.link.execute({ waitForResponse: true }), timeoutMs, what);
    return this.decodeReply(query, reply);
  }

  private decodeReply(query: StatusQuery, reply: unknown): PaperState {
    if (!Buffer.isBuffer(reply) || reply.length === 0) throw new PrinterTransportError(`${this.options.interface} sent no status byte`);
    try {
      return decodePaperStatus(query, reply[reply.length - 1] as number);
    } catch (error) {
      throw new PrinterTransportError(`${this.options.interface}: ${(error as Error).message}`);
    }
  }

  /**
   * The paper state, or undefined when this connection cannot ask (device files are write-only
   * here; 'none' configured). Rejects when the printer cannot be reached. `query` overrides the
   * configured before-job query (the driver asks DLE EOT 4 to explain a failed job).
   */
  async queryPaper(query: StatusQuery | undefined = this.queries.before): Promise<PaperState | undefined> {
    if (query === undefined || !this.isNetwork) {
      if (!(await this.reachable())) throw new PrinterTransportError(`${this.options.interface} is not there (ENOENT or not writable)`);
      return undefined;
    }
    this.link.clear();
    this.link.add(queryBytes(query));
    const reply: unknown = await withTimeout(this.link.execute({ waitForResponse: true }), this.options.timeoutMs, `asking ${this.options.interface} for its status`);
    return this.decodeReply(query, reply);
  }

  async reachable(): Promise<boolean> {
    try {
      return await withTimeout(this.link.isPrinterConnected(), this.options.timeoutMs, `connecting to ${this.options.interface}`);
    } catch {
      return false;
    }
  }
}
