import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export interface NotifyMessage {
  pid: number | null;
  fields: Record<string, string>;
}

/** A real unix datagram socket (python3, since Node cannot bind one) standing in for systemd's. */
export class NotifySocket {
  readonly messages: NotifyMessage[] = [];
  readonly path: string;
  private readonly dir: string;
  private child: ChildProcess | undefined;

  constructor() {
    this.dir = mkdtempSync(join(tmpdir(), 'bashgah-notify-'));
    this.path = join(this.dir, 'notify.sock');
  }

  async start(): Promise<void> {
    const script = fileURLToPath(new URL('./notify-socket.py', import.meta.url));
    const child = spawn('python3', [script, this.path], { stdio: ['ignore', 'pipe', 'inherit'] });
    this.child = child;
    const lines = createInterface({ input: child.stdout! });
    await new Promise<void>((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', (code) => reject(new Error(`notify socket exited early (${code})`)));
      lines.on('line', (line) => {
        const parsed = JSON.parse(line) as NotifyMessage | { listening: string };
        if ('listening' in parsed) resolve();
        else this.messages.push(parsed);
      });
    });
  }

  /** Messages other than systemd-notify's BARRIER=1 handshakes. */
  get payloads(): NotifyMessage[] {
    return this.messages.filter((message) => message.fields.BARRIER === undefined);
  }

  async waitFor(predicate: (messages: NotifyMessage[]) => boolean, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate(this.payloads)) {
      if (Date.now() > deadline) throw new Error(`timed out; received: ${JSON.stringify(this.payloads)}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  stop(): void {
    this.child?.kill('SIGKILL');
    rmSync(this.dir, { recursive: true, force: true });
  }
}
