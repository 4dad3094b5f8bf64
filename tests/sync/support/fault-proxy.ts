import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * An HTTP proxy on loopback between kiosks and the head office that misbehaves on purpose,
 * each decision drawn from a seeded random source: it drops requests, loses answers after the
 * head office has acted on them, delays, duplicates, reorders, answers 500, and fails with
 * 502 while the head office is being restarted.
 */
export type Fault = 'pass' | 'drop' | 'lose-answer' | 'error500' | 'delay' | 'duplicate' | 'reorder';

export interface FaultWeights {
  [fault: string]: number;
}

export const DEFAULT_WEIGHTS: Record<Fault, number> = { pass: 40, drop: 8, 'lose-answer': 10, error500: 8, delay: 12, duplicate: 12, reorder: 10 };

interface Forwarded {
  status: number;
  body: Buffer;
  contentType: string | null;
}

export class FaultProxy {
  private server: Server | undefined;
  private held: (() => void) | undefined;
  /** The random source for a request, by the device that sent it (each run has its own seed). */
  randomFor: (deviceId: string | undefined) => () => number = () => Math.random;
  weights: Record<Fault, number> = { ...DEFAULT_WEIGHTS };
  readonly counts: Record<Fault, number> = { pass: 0, drop: 0, 'lose-answer': 0, error500: 0, delay: 0, duplicate: 0, reorder: 0 };

  /** The head office's current base URL, or null while it is down. */
  constructor(private readonly target: () => string | null) {}

  async start(): Promise<string> {
    this.server = createServer((request, response) => void this.handle(request, response));
    this.server.keepAliveTimeout = 1000;
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.held?.();
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }

  private pick(random: () => number): Fault {
    const entries = Object.entries(this.weights) as Array<[Fault, number]>;
    const total = entries.reduce((sum, [, weight]) => sum + weight, 0);
    let roll = random() * total;
    for (const [fault, weight] of entries) {
      roll -= weight;
      if (roll < 0) return fault;
    }
    return 'pass';
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const device = request.headers['x-bashgah-device'];
    const random = this.randomFor(typeof device === 'string' ? device : undefined);
    const fault = this.pick(random);
    this.counts[fault]++;
    // A held request goes out after this one: the head office sees them in the other order.
    const release = this.held;
    this.held = undefined;
    try {
      switch (fault) {
        case 'drop':
          release?.();
          request.socket.destroy();
          return;
        case 'error500':
          release?.();
          return void response.writeHead(500, { 'content-type': 'application/json' }).end('{"code":"INJECTED","message":"injected failure"}');
        case 'reorder': {
          release?.();
          let own: (() => void) | undefined;
          await new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, 5);
            own = () => {
              clearTimeout(timer);
              resolve();
            };
            this.held = own;
          });
          if (this.held === own) this.held = undefined;
          return this.reply(response, await this.forward(request, body));
        }
        case 'delay':
          await new Promise((resolve) => setTimeout(resolve, Math.floor(random() * 8)));
          break;
        default:
          break;
      }
      const answer = fault === 'duplicate'
        ? (await Promise.all([this.forward(request, body), this.forward(request, body)]))[Math.floor(random() * 2)]!
        : await this.forward(request, body);
      release?.();
      if (fault === 'lose-answer') return void request.socket.destroy();
      this.reply(response, answer);
    } catch {
      release?.();
      if (!response.headersSent) response.writeHead(502, { 'content-type': 'application/json' }).end('{"code":"BAD_GATEWAY","message":"head office down"}');
    }
  }

  private reply(response: ServerResponse, answer: Forwarded): void {
    response.writeHead(answer.status, answer.contentType ? { 'content-type': answer.contentType } : {}).end(answer.body);
  }

  private async forward(request: IncomingMessage, body: Buffer): Promise<Forwarded> {
    const base = this.target();
    if (!base) throw new Error('head office down');
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers)) {
      if (typeof value === 'string' && !['host', 'connection', 'content-length', 'keep-alive'].includes(name)) headers[name] = value;
    }
    const answer = await fetch(new URL(request.url ?? '/', base), {
      method: request.method ?? 'GET',
      headers,
      ...(body.length > 0 ? { body } : {}),
      signal: AbortSignal.timeout(10_000),
    });
    return { status: answer.status, body: Buffer.from(await answer.arrayBuffer()), contentType: answer.headers.get('content-type') };
  }
}
