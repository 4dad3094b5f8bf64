import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseMessagesConfig } from '../../sync/hq/messages/config.js';
import { SmtpProvider } from '../../sync/hq/messages/smtp-client.js';
import { tempDir } from '../support/temp-dir.js';
import { decodeMail, startSmtpSink, type SmtpSink } from './support/smtp-sink.js';

/** STARTTLS against the sink with a certificate made here by openssl, verified by its CA file. */
let dir: { path: string; remove(): void };
let sink: SmtpSink;
let certFile: string;

beforeAll(async () => {
  dir = tempDir('bashgah-smtp-tls-');
  certFile = join(dir.path, 'cert.pem');
  const keyFile = join(dir.path, 'key.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', keyFile, '-out', certFile, '-days', '2', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
  sink = await startSmtpSink({ key: readFileSync(keyFile, 'utf8'), cert: readFileSync(certFile, 'utf8') });
});
afterAll(async () => {
  await sink.close();
  dir.remove();
});

function provider(extra: Record<string, unknown>): SmtpProvider {
  const config = parseMessagesConfig({ smtp: { host: '127.0.0.1', port: sink.port, security: 'starttls', from: 'club@shop.ir', username: 'club', password: 'secret', timeoutMs: 5000, ...extra } });
  return new SmtpProvider(config.smtp!);
}

describe('SMTP with STARTTLS', () => {
  it('upgrades, verifies the server against the configured CA, then authenticates and sends', async () => {
    const result = await provider({ caFile: certFile }).send({ recipient: 'sara@example.ir', subject: 'یلدا مبارک', body: 'شب یلدایتان گرم', reference: 'bashgah-9' });
    expect(result).toEqual({ ok: true, providerMessageId: 'Q1' });
    expect(sink.lastMailOverTls).toBe(true);
    expect(sink.received[0]!.auth).toBe('\0club\0secret');
    expect(decodeMail(sink.received[0]!.data).subject).toBe('یلدا مبارک');
  });

  it('refuses a server whose certificate it cannot verify, and sends nothing', async () => {
    const before = sink.received.length;
    const result = await provider({});
    const sent = await result.send({ recipient: 'sara@example.ir', subject: 's', body: 'b', reference: 'bashgah-10' });
    expect(sent.ok).toBe(false);
    expect(sent.ok === false && sent.error).toMatch(/certificate/i);
    expect(sink.received.length).toBe(before);
  });
});
