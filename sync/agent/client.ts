import type { TSchema, Static } from 'typebox';
import {
  CardLookupResponseSchema,
  PullResponseSchema,
  PushResponseSchema,
  SyncStateResponseSchema,
  type CardLookupResponse,
  type PullRequest,
  type PullResponse,
  type PushResponse,
  type SyncStateResponse,
  type WireJournalEntry,
} from '../protocol/messages.js';
import { newNonce, signRequest } from '../protocol/signing.js';
import { parseMessage } from '../protocol/validate.js';
import type { DeviceIdentity } from './identity.js';

/** Why a request to the head office failed, and whether trying again later can help. */
export class SyncRequestError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly retryable: boolean,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'SyncRequestError';
  }
}

const RESPONSE_BYTES_MAX = 64 * 1024 * 1024;

/** Signed, validated requests to the head office. One method per protocol message. */
export class HqClient {
  constructor(
    private readonly baseUrl: string,
    private readonly identity: DeviceIdentity,
    private readonly timeoutMs: number,
    private readonly nowMs: () => number = Date.now,
  ) {}

  push(entries: WireJournalEntry[]): Promise<PushResponse> {
    return this.request('POST', '/v1/sync/push', { deviceId: this.identity.deviceId, entries }, PushResponseSchema, 'push response');
  }

  state(): Promise<SyncStateResponse> {
    return this.request('GET', '/v1/sync/state', undefined, SyncStateResponseSchema, 'state response');
  }

  pull(request: PullRequest): Promise<PullResponse> {
    return this.request('POST', '/v1/sync/pull', request, PullResponseSchema, 'pull response');
  }

  lookupCard(cardId: string, timeoutMs: number): Promise<CardLookupResponse> {
    return this.request('GET', `/v1/sync/cards/${encodeURIComponent(cardId)}`, undefined, CardLookupResponseSchema, 'card lookup', timeoutMs);
  }

  private async request<S extends TSchema>(method: string, path: string, body: unknown, schema: S, what: string, timeoutMs = this.timeoutMs): Promise<Static<S>> {
    const bodyText = body === undefined ? '' : JSON.stringify(body);
    const headers: Record<string, string> = signRequest(
      { method, path, body: bodyText, deviceId: this.identity.deviceId, timestampMs: this.nowMs(), nonce: newNonce() },
      this.identity.privateKey,
    );
    if (body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await fetch(new URL(path, this.baseUrl), {
        method,
        headers,
        ...(body === undefined ? {} : { body: bodyText }),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).name;
      throw new SyncRequestError('NETWORK', `head office unreachable (${cause})`, true);
    }
    let text: string;
    try {
      text = await response.text();
    } catch {
      throw new SyncRequestError('NETWORK', 'connection lost while reading the answer', true, response.status);
    }
    if (text.length > RESPONSE_BYTES_MAX) throw new SyncRequestError('TOO_LARGE', 'answer too large', true, response.status);
    let parsed: unknown;
    try {
      parsed = text.length === 0 ? undefined : JSON.parse(text);
    } catch {
      throw new SyncRequestError('BAD_RESPONSE', `answer is not JSON (HTTP ${response.status})`, true, response.status);
    }
    if (!response.ok) {
      const code = (parsed as { code?: unknown } | undefined)?.code;
      const message = (parsed as { message?: unknown } | undefined)?.message;
      // 5xx, 429 and a clock disagreement can pass; a refusal of who we are or what we sent cannot by retrying alone.
      const retryable = response.status >= 500 || response.status === 429 || code === 'STALE_TIMESTAMP' || code === 'REPLAYED_NONCE';
      throw new SyncRequestError(typeof code === 'string' ? code : `HTTP_${response.status}`, typeof message === 'string' ? message : `HTTP ${response.status}`, retryable, response.status);
    }
    try {
      return parseMessage(schema, parsed, what);
    } catch (error) {
      throw new SyncRequestError('BAD_RESPONSE', (error as Error).message, true, response.status);
    }
  }
}
