import { createServer, type Server, type Socket } from 'node:net';
import { TLSSocket, createSecureContext } from 'node:tls';

/**
 * A small SMTP server for tests, on 127.0.0.1: speaks enough of RFC 5321 for a submission
 * client (EHLO/HELO, AUTH PLAIN, MAIL, RCPT, DATA with dot-unstuffing, RSET, NOOP, QUIT),
 * keeps what it accepts, and can be told to fail or to hold its reply to DATA (so a client
 * can be killed after the server has the message but before it hears so).
 */
export interface ReceivedMail {
  from: string;
  to: string[];
  data: string;
  auth: string | null;
}

export interface SmtpSink {
  port: number;
  received: ReceivedMail[];
  /** Replies queued for the next DATA commands (e.g. '451 try later'); default 250. */
  dataReplies: string[];
  /** Whether the last accepted mail came over TLS (after STARTTLS). */
  lastMailOverTls: boolean;
  /** While set, the reply to the end of DATA waits for this promise. */
  holdDataReply: Promise<void> | null;
  onMessage: ((mail: ReceivedMail) => void) | null;
  close(): Promise<void>;
}

/** `tls`: key and certificate (PEM) to offer STARTTLS with. */
export async function startSmtpSink(tls?: { key: string; cert: string }): Promise<SmtpSink> {
  const sockets = new Set<Socket>();
  const sink: SmtpSink = { port: 0, received: [], dataReplies: [], holdDataReply: null, onMessage: null, lastMailOverTls: false, close: async () => undefined };
  const server: Server = createServer((plain) => {
    sockets.add(plain);
    plain.on('close', () => sockets.delete(plain));
    plain.on('error', () => undefined);
    let socket: Socket = plain;
    let overTls = false;
    socket.setEncoding('utf8');
    let buffer = '';
    let inData = false;
    let mail: ReceivedMail = { from: '', to: [], data: '', auth: null };
    let auth: string | null = null;
    const reply = (line: string): void => {
      if (!socket.destroyed) socket.write(`${line}\r\n`);
    };
    socket.write('220 sink.test ESMTP\r\n');
    const onData = (chunk: string): void => {
      buffer += chunk;
      for (;;) {
        if (inData) {
          const end = buffer.indexOf('\r\n.\r\n');
          if (end < 0) return;
          const data = buffer.slice(0, end + 2).replace(/(^|\r\n)\.\./g, '$1.');
          buffer = buffer.slice(end + 5);
          inData = false;
          const accepted: ReceivedMail = { ...mail, data, auth };
          const answer = sink.dataReplies.shift() ?? '250 2.0.0 Ok: queued as Q' + String(sink.received.length + 1);
          if (answer.startsWith('250')) {
            sink.lastMailOverTls = overTls;
            sink.received.push(accepted);
            sink.onMessage?.(accepted);
          }
          mail = { from: '', to: [], data: '', auth: null };
          const hold = sink.holdDataReply;
          if (hold) void hold.then(() => reply(answer));
          else reply(answer);
          continue;
        }
        const index = buffer.indexOf('\r\n');
        if (index < 0) return;
        const line = buffer.slice(0, index);
        buffer = buffer.slice(index + 2);
        const verb = line.split(' ')[0]!.toUpperCase();
        if (verb === 'EHLO') reply(`250-sink.test\r\n${tls && !overTls ? '250-STARTTLS\r\n' : ''}250-AUTH PLAIN\r\n250 8BITMIME`);
        else if (verb === 'STARTTLS' && tls && !overTls) {
          reply('220 2.0.0 Ready to start TLS');
          plain.removeAllListeners('data');
          socket = new TLSSocket(plain, { isServer: true, secureContext: createSecureContext(tls) });
          socket.on('error', () => undefined);
          socket.setEncoding('utf8');
          socket.on('data', onData);
          overTls = true;
          buffer = '';
          return;
        }
        else if (verb === 'HELO') reply('250 sink.test');
        else if (verb === 'AUTH') {
          auth = Buffer.from(line.split(' ')[2] ?? '', 'base64').toString('utf8');
          reply('235 2.7.0 Authentication successful');
        } else if (verb === 'MAIL') {
          mail.from = /<([^>]*)>/.exec(line)?.[1] ?? '';
          reply('250 2.1.0 Ok');
        } else if (verb === 'RCPT') {
          mail.to.push(/<([^>]*)>/.exec(line)?.[1] ?? '');
          reply('250 2.1.5 Ok');
        } else if (verb === 'DATA') {
          inData = true;
          reply('354 End data with <CR><LF>.<CR><LF>');
        } else if (verb === 'RSET') {
          mail = { from: '', to: [], data: '', auth: null };
          reply('250 Ok');
        } else if (verb === 'NOOP') reply('250 Ok');
        else if (verb === 'QUIT') {
          reply('221 Bye');
          socket.end();
        } else reply('502 5.5.2 Command not recognised');
      }
    };
    socket.on('data', onData);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  sink.port = typeof address === 'object' && address ? address.port : 0;
  sink.close = () =>
    new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    });
  return sink;
}

/** The decoded subject and body of a received UTF-8 base64 mail. */
export function decodeMail(data: string): { headers: Record<string, string>; subject: string; body: string } {
  const [head, ...rest] = data.split('\r\n\r\n');
  const headers: Record<string, string> = {};
  for (const line of (head ?? '').replace(/\r\n /g, ' ').split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
  }
  const subject = (headers.subject ?? '').replace(/=\?UTF-8\?B\?([^?]*)\?=\s*/gi, (_m, b64: string) => Buffer.from(b64, 'base64').toString('utf8'));
  const body = Buffer.from(rest.join('\r\n\r\n').replace(/\r\n/g, ''), 'base64').toString('utf8');
  return { headers, subject, body };
}
