import { isIP, connect as netConnect, type Socket } from 'node:net';
import { readFileSync } from 'node:fs';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import type { SmtpConfig } from './config.js';
import { assertAddress, buildMail } from './mime.js';
import type { MessageProvider, ProviderMessage, SendResult } from './types.js';

/**
 * A minimal SMTP submission client (RFC 5321): EHLO, STARTTLS or implicit TLS, AUTH PLAIN,
 * MAIL/RCPT/DATA with dot-stuffing, QUIT. One connection per message: the outbox sends
 * slowly and a fresh connection keeps failures independent. 4xx replies are transient, 5xx
 * permanent. SMTP has no idempotency: the Message-ID is stable per outbox message so a
 * duplicate, if it ever happened, is recognisable by mail clients, but `dedupesReference`
 * is false and an interrupted send is not repeated blindly.
 */
export class SmtpError extends Error {
  constructor(message: string, readonly permanent: boolean) {
    super(message);
    this.name = 'SmtpError';
  }
}

const REPLY_LENGTH_MAX = 64 * 1024;

class ReplyReader {
  private buffer = '';
  private waiting: ((reply: { code: number; lines: string[] } | Error) => void) | null = null;
  private failure: Error | null = null;
  private replies: Array<{ code: number; lines: string[] }> = [];

  constructor(private socket: Socket | TLSSocket) {
    this.attach(socket);
  }

  attach(socket: Socket | TLSSocket): void {
    this.socket = socket;
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => this.onData(chunk));
    socket.on('error', (error) => this.fail(error));
    socket.on('close', () => this.fail(new SmtpError('connection closed by server', false)));
  }

  private onData(chunk: string): void {
    this.buffer += chunk;
    if (this.buffer.length > REPLY_LENGTH_MAX) return this.fail(new SmtpError('reply too long', false));
    const lines: string[] = [];
    let index: number;
    while ((index = this.buffer.indexOf('\r\n')) >= 0) {
      const line = this.buffer.slice(0, index);
      this.buffer = this.buffer.slice(index + 2);
      lines.push(line);
      if (/^\d{3} /.test(line) || /^\d{3}$/.test(line)) {
        this.replies.push({ code: Number(line.slice(0, 3)), lines: [...lines] });
        lines.length = 0;
      }
    }
    if (lines.length) this.buffer = `${lines.join('\r\n')}\r\n${this.buffer}`;
    this.flush();
  }

  private flush(): void {
    if (!this.waiting) return;
    const resolve = this.waiting;
    if (this.replies.length) {
      this.waiting = null;
      resolve(this.replies.shift()!);
    } else if (this.failure) {
      this.waiting = null;
      resolve(this.failure);
    }
  }

  private fail(error: Error): void {
    this.failure ??= error;
    this.flush();
  }

  next(): Promise<{ code: number; lines: string[] }> {
    return new Promise((resolve, reject) => {
      this.waiting = (reply) => (reply instanceof Error ? reject(reply) : resolve(reply));
      this.flush();
    });
  }

  /** Switching to TLS: the plain socket's events belong to the past. */
  detach(): void {
    this.socket.removeAllListeners('data');
    this.socket.removeAllListeners('close');
    this.socket.removeAllListeners('error');
    this.socket.on('error', () => undefined);
  }
}

export class SmtpProvider implements MessageProvider {
  readonly channel = 'email' as const;
  readonly dedupesReference = false;

  private readonly ca: string | undefined;

  constructor(private readonly config: SmtpConfig, private readonly now: () => number = Date.now) {
    this.ca = config.caFile ? readFileSync(config.caFile, 'utf8') : undefined;
  }

  async send(message: ProviderMessage): Promise<SendResult> {
    try {
      assertAddress(message.recipient);
    } catch (error) {
      return { ok: false, permanent: true, error: (error as Error).message };
    }
    const messageId = `<${message.reference.replace(/[^A-Za-z0-9._-]/g, '.')}@${this.config.clientName}>`;
    const mail = buildMail({ from: this.config.from, fromName: this.config.fromName, to: message.recipient, subject: message.subject ?? '', body: message.body, messageId, dateMs: this.now() });
    let socket: Socket | TLSSocket | null = null;
    const timer = setTimeout(() => socket?.destroy(new SmtpError(`SMTP timed out after ${this.config.timeoutMs} ms`, false)), this.config.timeoutMs);
    try {
      socket = await this.open();
      const reader = new ReplyReader(socket);
      const command = async (line: string | null, expect: number[]): Promise<{ code: number; lines: string[] }> => {
        if (line !== null) socket!.write(`${line}\r\n`);
        const reply = await reader.next();
        if (!expect.includes(reply.code)) {
          const text = reply.lines.join(' ').slice(0, 300);
          throw new SmtpError(`SMTP ${line === null ? 'greeting' : line.split(' ')[0]}: ${text}`, reply.code >= 500);
        }
        return reply;
      };
      await command(null, [220]);
      let ehlo = await command(`EHLO ${this.config.clientName}`, [250]);
      if (this.config.security === 'starttls') {
        if (!ehlo.lines.some((l) => /^250[ -]STARTTLS\b/i.test(l))) throw new SmtpError('server does not offer STARTTLS', true);
        await command('STARTTLS', [220]);
        reader.detach();
        socket = await this.upgrade(socket);
        reader.attach(socket);
        ehlo = await command(`EHLO ${this.config.clientName}`, [250]);
      }
      if (this.config.username) {
        const token = Buffer.from(`\0${this.config.username}\0${this.config.password ?? ''}`, 'utf8').toString('base64');
        await command(`AUTH PLAIN ${token}`, [235]);
      }
      await command(`MAIL FROM:<${this.config.from}>`, [250]);
      await command(`RCPT TO:<${message.recipient}>`, [250, 251]);
      await command('DATA', [354]);
      // Dot-stuffing: a line starting with '.' gets another '.'.
      const stuffed = mail.replace(/(^|\r\n)\./g, '$1..');
      const accepted = await command(`${stuffed}.`, [250]);
      socket.write('QUIT\r\n');
      socket.end();
      const queueId = /queued as ([A-Za-z0-9]+)/i.exec(accepted.lines.join(' '))?.[1];
      return { ok: true, providerMessageId: queueId ?? messageId };
    } catch (error) {
      const permanent = error instanceof SmtpError ? error.permanent : false;
      return { ok: false, permanent, error: (error as Error).message };
    } finally {
      clearTimeout(timer);
      socket?.destroy();
    }
  }

  private open(): Promise<Socket | TLSSocket> {
    return new Promise((resolve, reject) => {
      const options = { host: this.config.host, port: this.config.port };
      const socket =
        this.config.security === 'implicit'
          ? tlsConnect({ ...options, ...(isIP(this.config.host) === 0 && { servername: this.config.host }), rejectUnauthorized: this.config.rejectUnauthorized, ...(this.ca && { ca: this.ca }) }, () => resolve(socket))
          : netConnect(options, () => resolve(socket));
      socket.once('error', reject);
      socket.setTimeout(this.config.timeoutMs, () => socket.destroy(new SmtpError('SMTP connection timed out', false)));
    });
  }

  private upgrade(plain: Socket | TLSSocket): Promise<TLSSocket> {
    return new Promise((resolve, reject) => {
      const secure = tlsConnect({ socket: plain, host: this.config.host, ...(isIP(this.config.host) === 0 && { servername: this.config.host }), rejectUnauthorized: this.config.rejectUnauthorized, ...(this.ca && { ca: this.ca }) }, () => resolve(secure));
      secure.once('error', reject);
    });
  }
}
