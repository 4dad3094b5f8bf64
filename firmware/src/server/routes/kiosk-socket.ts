import type { FastifyPluginAsync } from 'fastify';
import { Ajv, type ValidateFunction } from 'ajv';
import {
  CommandSchemas,
  MAX_MESSAGE_BYTES,
  RequestSchema,
  type ClientRequest,
  type CommandName,
  type RequestId,
  type ServerMessage,
} from '../../kiosk/protocol.js';
import { ApiError, toApiError } from '../errors.js';
import { describeValidation } from '../plugins/error-handler.js';

/** What the socket needs from the kiosk runtime. */
export interface KioskChannel {
  /** Sends the snapshot at once, then every delta; returns the function that stops it. */
  connect(send: (message: ServerMessage) => void): () => void;
  execute(command: CommandName, payload: unknown): Promise<unknown>;
}

const ajv = new Ajv({ allErrors: false, strict: false });
const validateRequest = ajv.compile<ClientRequest>(RequestSchema);
const validators = new Map<string, ValidateFunction>(
  Object.entries(CommandSchemas).map(([name, schema]) => [name, ajv.compile(schema)]),
);
/** A browser that floods the socket is cut off rather than queued without end. */
const MAX_IN_FLIGHT = 8;

export function parseRequest(raw: string): { id: RequestId | null; command?: CommandName; payload?: unknown; error?: ApiError } {
  let message: unknown;
  try {
    message = JSON.parse(raw);
  } catch {
    return { id: null, error: new ApiError('BAD_REQUEST', 'The message is not valid JSON.') };
  }
  if (!validateRequest(message)) {
    const issue = describeValidation('message', validateRequest.errors![0]!);
    const id = (message as { id?: unknown } | null)?.id;
    return { id: typeof id === 'number' || typeof id === 'string' ? id : null, error: new ApiError('VALIDATION_FAILED', `${issue.field} ${issue.reason}`) };
  }
  const validate = validators.get(message.command);
  if (!validate) return { id: message.id, error: new ApiError('BAD_REQUEST', `Unknown command "${message.command}".`) };
  const payload = message.payload ?? {};
  if (!validate(payload)) {
    const issue = describeValidation('payload', validate.errors![0]!);
    return { id: message.id, error: new ApiError('VALIDATION_FAILED', `${issue.field} ${issue.reason}`) };
  }
  return { id: message.id, command: message.command as CommandName, payload };
}

/** Browsers send Origin; a page from elsewhere (or a file:// page, "null") may not drive the kiosk. */
export function sameOrigin(origin: string | undefined, host: string | undefined): boolean {
  if (origin === undefined) return true;
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}

/** True for loopback peers; an in-process connection (injectWS) has no address at all. */
export function isLoopback(address: string | undefined): boolean {
  return address === undefined || address === '127.0.0.1' || address === '::1' || address === '::ffff:127.0.0.1' || (address?.startsWith('127.') ?? false);
}

export interface KioskSocketOptions {
  channel: KioskChannel;
}

/** `/ws`: the touchscreen's one connection. Same-origin only (the kiosk browser is local). */
export const kioskSocketRoutes: FastifyPluginAsync<KioskSocketOptions> = async (app, { channel }) => {
  app.get('/ws', { websocket: true, schema: { hide: true } }, (socket, request) => {
    // The touchscreen is on this machine. Even when HTTP listens on the shop's network for
    // the POS, nobody elsewhere may watch a customer's session.
    if (!isLoopback(request.raw.socket?.remoteAddress) || !sameOrigin(request.headers.origin, request.headers.host)) {
      socket.close(1008, 'only the kiosk screen may connect');
      return;
    }
    let inFlight = 0;
    const send = (message: ServerMessage) => {
      if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(message));
    };
    let stop: () => void;
    try {
      stop = channel.connect(send);
    } catch (error) {
      request.log.warn({ err: error }, 'screen refused');
      socket.close(1013, 'too many screens connected');
      return;
    }
    socket.on('close', stop);
    socket.on('message', (data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean) => {
      const text = isBinary ? '' : data.toString();
      if (text.length === 0 || text.length > MAX_MESSAGE_BYTES) {
        socket.close(1009, 'message too large or not text');
        return;
      }
      if (inFlight >= MAX_IN_FLIGHT) {
        socket.close(1008, 'too many requests in flight');
        return;
      }
      const parsed = parseRequest(text);
      if (parsed.error || !parsed.command) {
        const error = parsed.error ?? new ApiError('BAD_REQUEST');
        send({ type: 'reply', id: parsed.id ?? 0, status: 'error', error: { code: error.code, message: error.message } });
        return;
      }
      inFlight++;
      channel.execute(parsed.command, parsed.payload).then(
        (data) => send({ type: 'reply', id: parsed.id!, status: 'ok', data: data ?? null }),
        (error: unknown) => {
          const apiError = toApiError(error);
          if (apiError.status >= 500) request.log.error({ err: error, command: parsed.command }, 'kiosk command failed');
          send({ type: 'reply', id: parsed.id!, status: 'error', error: { code: apiError.code, message: apiError.message } });
        },
      ).finally(() => inFlight--);
    });
  });
};
