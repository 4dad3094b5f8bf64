import { EventEmitter } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';
import { EscPosStreamParser, starBandsToImage, type PrinterModel, type RasterImage } from '../escpos/escpos-parser.js';
import { encodePaperStatus, type PaperState } from '../escpos/status-codec.js';

/**
 * A fake ESC/POS network printer on 127.0.0.1: the simulated twin of a receipt printer. The
 * real driver prints to it over TCP exactly as to a printer on port 9100. It records every
 * connection's bytes, answers DLE EOT 4 and GS r 1 with its paper state, decodes printed
 * rasters back into images, and can be told to run out of paper, to run low, to go offline
 * (stop accepting connections) or to run out of paper part-way through the next job.
 */
export interface FakePrintJob {
  /** 1, 2, ... in order of arrival (connections that carried only status queries are not jobs). */
  sequence: number;
  receivedAtMs: number;
  bytes: Buffer;
  images: RasterImage[];
  cut: boolean;
  /** False when the paper was out (or ran out) while this job arrived: nothing reached paper. */
  printed: boolean;
}

export interface FakePrinterOptions {
  model?: PrinterModel;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Jobs kept in memory; the oldest are dropped first. */
  maxJobs?: number;
  /** Bytes accepted per connection; a larger job is cut off and closed. */
  maxJobBytes?: number;
}

export interface FakePrinterState {
  online: boolean;
  paper: PaperState;
  port: number;
  jobsPrinted: number;
  jobsRefused: number;
}

export class FakeEscPosPrinter extends EventEmitter {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private readonly jobList: FakePrintJob[] = [];
  private sequence = 0;
  private refused = 0;
  private paper: PaperState = 'ok';
  private online = false;
  private boundPort: number;
  private paperOutAfterBytes: number | undefined;
  readonly model: PrinterModel;
  private readonly maxJobs: number;
  private readonly maxJobBytes: number;

  constructor(options: FakePrinterOptions = {}) {
    super();
    this.model = options.model ?? 'epson';
    this.boundPort = options.port ?? 0;
    this.maxJobs = options.maxJobs ?? 100;
    this.maxJobBytes = options.maxJobBytes ?? 4 * 1024 * 1024;
  }

  /** Starts listening on 127.0.0.1; resolves with the port. */
  async start(): Promise<number> {
    await this.listen();
    return this.boundPort;
  }

  get port(): number {
    return this.boundPort;
  }

  /** `tcp://127.0.0.1:<port>`, the driver's interface setting. */
  get uri(): string {
    return `tcp://127.0.0.1:${this.boundPort}`;
  }

  state(): FakePrinterState {
    return { online: this.online, paper: this.paper, port: this.boundPort, jobsPrinted: this.printedJobs().length, jobsRefused: this.refused };
  }

  setPaper(paper: PaperState): void {
    this.paper = paper;
    this.emit('state', this.state());
  }

  /** The next job runs out of paper after this many of its bytes. */
  runOutOfPaperAfter(bytes: number): void {
    this.paperOutAfterBytes = bytes;
  }

  /** Offline = cannot connect: the listening socket is closed and open connections are dropped. */
  async setOnline(online: boolean): Promise<void> {
    if (online === this.online) return;
    if (online) await this.listen();
    else await this.stopListening();
    this.emit('state', this.state());
  }

  jobs(): FakePrintJob[] {
    return [...this.jobList];
  }

  printedJobs(): FakePrintJob[] {
    return this.jobList.filter((job) => job.printed);
  }

  async close(): Promise<void> {
    await this.stopListening();
  }

  private async listen(): Promise<void> {
    const server = createServer((socket) => this.accept(socket));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host: '127.0.0.1', port: this.boundPort, exclusive: true }, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const address = server.address();
    if (address !== null && typeof address === 'object') this.boundPort = address.port;
    this.server = server;
    this.online = true;
  }

  private async stopListening(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    this.online = false;
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private accept(socket: Socket): void {
    this.sockets.add(socket);
    const parser = new EscPosStreamParser(this.model);
    let chunks: Buffer[] = [];
    let images: RasterImage[] = [];
    let bands: Array<{ bytesPerRow: number; rows: Uint8Array }> = [];
    let received = 0;
    let cut = false;
    let paperMissing = false;
    const flushBands = (): void => {
      if (bands.length > 0) images.push(starBandsToImage(bands));
      bands = [];
    };
    // A job ends when its connection closes or when a status query follows printed content:
    // by then the printer has taken in everything before the query, so the driver reading the
    // answer can rely on the job being recorded.
    const finishJob = (): void => {
      flushBands();
      if (images.length > 0 || cut) {
        const printed = !paperMissing && this.paper !== 'out';
        if (!printed) this.refused += 1;
        const job: FakePrintJob = { sequence: ++this.sequence, receivedAtMs: Date.now(), bytes: Buffer.concat(chunks), images, cut, printed };
        this.jobList.push(job);
        if (this.jobList.length > this.maxJobs) this.jobList.shift();
        this.emit('job', job);
      }
      chunks = [];
      images = [];
      cut = false;
      paperMissing = this.paper === 'out';
    };
    socket.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received > this.maxJobBytes) {
        socket.destroy();
        return;
      }
      chunks.push(chunk);
      if (this.paperOutAfterBytes !== undefined && received > this.paperOutAfterBytes && this.paper !== 'out') {
        this.paperOutAfterBytes = undefined;
        this.setPaper('out');
      }
      // Any moment without paper while this job streams in spoils it, as on a real roll.
      if (this.paper === 'out') paperMissing = true;
      let commands;
      try {
        commands = parser.push(chunk);
      } catch (error) {
        this.emit('garbage', error);
        socket.destroy();
        return;
      }
      for (const command of commands) {
        if (command.kind === 'status-query') {
          finishJob();
          // GS r is processed in turn, after printing what came before: a printer without
          // paper never gets there. DLE EOT is real-time and always answered.
          if (command.query === 'gs-r' && this.paper === 'out') continue;
          socket.write(Buffer.from([encodePaperStatus(command.query, this.paper)]));
        } else if (command.kind === 'star-band') bands.push(command);
        else if (command.kind === 'raster') images.push(command.image);
        else if (command.kind === 'cut') cut = true;
        if (command.kind !== 'star-band' && command.kind !== 'feed') flushBands();
      }
    });
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      this.sockets.delete(socket);
      finishJob();
    });
  }
}
