import type { SmsGatewayConfig } from './config.js';
import type { MessageProvider, ProviderMessage, SendResult } from './types.js';

/**
 * A generic HTTP SMS gateway, configured rather than coded per vendor: a URL template, a
 * method, headers and a body template with {recipient} {body} {reference} {sender} {apiKey}
 * placeholders, success read from the status code and optionally a JSON path, and the
 * gateway's message id taken from another JSON path. Network errors, timeouts, 408, 429 and
 * 5xx are transient; other failures are permanent.
 */
const RESPONSE_BYTES_MAX = 64 * 1024;
const PLACEHOLDER = /\{(recipient|body|reference|sender|apiKey)\}/g;

export function fillTemplate(template: string, values: Record<string, string>, escape: (value: string) => string): string {
  return template.replace(PLACEHOLDER, (_m, name: string) => escape(values[name] ?? ''));
}

/** Reads `a.b.0.c` from parsed JSON; undefined when any step is missing. */
export function jsonPath(value: unknown, path: string): unknown {
  let current: unknown = value;
  for (const step of path.split('.')) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[step];
  }
  return current;
}

/** Iranian mobile numbers in any usual form → 09xxxxxxxxx; null when it is not one. */
export function normaliseIranMobile(input: string): string | null {
  const digits = input
    .replace(/[۰-۹]/g, (d) => String(d.charCodeAt(0) - 0x06f0))
    .replace(/[٠-٩]/g, (d) => String(d.charCodeAt(0) - 0x0660))
    .replace(/[\s()-]/g, '');
  const match = /^(?:\+98|0098|98|0)?(9\d{9})$/.exec(digits);
  return match ? `0${match[1]}` : null;
}

async function readLimited(response: Response): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > RESPONSE_BYTES_MAX) {
      await reader.cancel();
      throw new Error('gateway reply too large');
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export class HttpSmsGateway implements MessageProvider {
  readonly channel = 'sms' as const;
  readonly dedupesReference: boolean;

  constructor(private readonly config: SmsGatewayConfig) {
    this.dedupesReference = config.dedupesReference;
  }

  async send(message: ProviderMessage): Promise<SendResult> {
    const recipient = normaliseIranMobile(message.recipient);
    if (!recipient) return { ok: false, permanent: true, error: 'recipient is not an Iranian mobile number' };
    const values = { recipient, body: message.body, reference: message.reference, sender: this.config.sender, apiKey: this.config.apiKey };
    const url = fillTemplate(this.config.urlTemplate, values, encodeURIComponent);
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(this.config.headers)) headers[name] = fillTemplate(value, values, (v) => v.replace(/[\r\n]/g, ''));
    let body: string | undefined;
    if (this.config.method === 'POST' && this.config.bodyTemplate !== undefined) {
      if (this.config.bodyEncoding === 'json') {
        // Placeholders stand for whole JSON strings: "{body}" in the template becomes "…escaped…".
        body = fillTemplate(this.config.bodyTemplate, values, (v) => JSON.stringify(v).slice(1, -1));
        headers['content-type'] ??= 'application/json; charset=utf-8';
      } else {
        body = fillTemplate(this.config.bodyTemplate, values, encodeURIComponent);
        headers['content-type'] ??= 'application/x-www-form-urlencoded; charset=utf-8';
      }
    }
    let response: Response;
    let text: string;
    try {
      response = await fetch(url, { method: this.config.method, headers, ...(body !== undefined && { body }), signal: AbortSignal.timeout(this.config.timeoutMs), redirect: 'error' });
      text = await readLimited(response);
    } catch (error) {
      const cause = (error as Error & { cause?: { message?: string } }).cause?.message;
      return { ok: false, permanent: false, error: `gateway unreachable: ${(error as Error).message}${cause ? ` (${cause})` : ''}` };
    }
    const transient = response.status === 408 || response.status === 429 || response.status >= 500;
    if (!this.config.successStatuses.includes(response.status)) {
      return { ok: false, permanent: !transient, error: `gateway answered HTTP ${response.status}: ${text.slice(0, 200)}` };
    }
    let parsed: unknown;
    if (this.config.successJsonPath !== undefined || this.config.messageIdJsonPath !== undefined) {
      try {
        parsed = JSON.parse(text);
      } catch {
        return { ok: false, permanent: false, error: 'gateway reply is not JSON' };
      }
    }
    if (this.config.successJsonPath !== undefined) {
      const got = jsonPath(parsed, this.config.successJsonPath);
      if (got === undefined || String(got) !== String(this.config.successValue)) {
        return { ok: false, permanent: true, error: `gateway refused: ${this.config.successJsonPath}=${JSON.stringify(got)}: ${text.slice(0, 200)}` };
      }
    }
    const id = this.config.messageIdJsonPath !== undefined ? jsonPath(parsed, this.config.messageIdJsonPath) : undefined;
    return { ok: true, providerMessageId: typeof id === 'string' || typeof id === 'number' ? String(id) : null };
  }
}
