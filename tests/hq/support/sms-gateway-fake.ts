import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

/**
 * A fake HTTP SMS gateway on 127.0.0.1, shaped like the JSON gateways Iranian businesses use:
 * POST /v1/<apiKey>/sms/send.json with {receptor, sender, message, localid}; replies
 * {return: {status, message}, entries: [{messageid}]}. Like such gateways it refuses to send
 * twice for the same `localid` (client reference) and answers with the first message's id.
 */
export interface GatewaySms {
  receptor: string;
  message: string;
  localid: string;
  messageid: number;
}

export interface FakeSmsGateway {
  url: string;
  apiKey: string;
  /** Every request that reached the gateway, including refused and repeated ones. */
  requests: Array<{ status: number; localid: string }>;
  /** Messages actually handed to the phone network (one per localid). */
  sent: GatewaySms[];
  /** Status codes to answer the next requests with (e.g. 503), before behaving normally. */
  failures: number[];
  holdReply: Promise<void> | null;
  onSend: ((sms: GatewaySms) => void) | null;
  close(): Promise<void>;
}

export async function startFakeSmsGateway(apiKey = 'test-key-123'): Promise<FakeSmsGateway> {
  const gateway: FakeSmsGateway = { url: '', apiKey, requests: [], sent: [], failures: [], holdReply: null, onSend: null, close: async () => undefined };
  let nextId = 1000;
  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const answer = (status: number, body: unknown): void => {
      response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
      response.end(JSON.stringify(body));
    };
    if (request.method !== 'POST' || request.url !== `/v1/${apiKey}/sms/send.json`) return answer(404, { return: { status: 404, message: 'not found' } });
    let payload: { receptor?: string; message?: string; localid?: string };
    try {
      payload = JSON.parse(Buffer.concat(chunks).toString('utf8')) as typeof payload;
    } catch {
      return answer(400, { return: { status: 400, message: 'bad json' } });
    }
    const failure = gateway.failures.shift();
    gateway.requests.push({ status: failure ?? 200, localid: payload.localid ?? '' });
    if (failure) return answer(failure, { return: { status: failure, message: 'unavailable' } });
    if (!payload.receptor || !payload.message) return answer(200, { return: { status: 411, message: 'receptor invalid' }, entries: [] });
    const existing = gateway.sent.find((s) => payload.localid && s.localid === payload.localid);
    const sms = existing ?? { receptor: payload.receptor, message: payload.message, localid: payload.localid ?? '', messageid: nextId++ };
    if (!existing) {
      gateway.sent.push(sms);
      gateway.onSend?.(sms);
    }
    if (gateway.holdReply) await gateway.holdReply;
    answer(200, { return: { status: 200, message: 'ok' }, entries: [{ messageid: sms.messageid, status: 1 }] });
  };
  const server: Server = createServer((request, response) => void handle(request, response).catch(() => response.destroy()));
  // Longer than any pause between tests, so a kept-alive connection is never closed under the client.
  server.keepAliveTimeout = 120_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  gateway.url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  gateway.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return gateway;
}

/** The `smsGateway` config section that talks to this fake. */
export function fakeGatewayConfig(gateway: FakeSmsGateway, dedupesReference = true) {
  return {
    urlTemplate: `${gateway.url}/v1/{apiKey}/sms/send.json`,
    method: 'POST' as const,
    apiKey: gateway.apiKey,
    sender: '10004346',
    bodyTemplate: '{"receptor":"{recipient}","sender":"{sender}","message":"{body}","localid":"{reference}"}',
    successJsonPath: 'return.status',
    successValue: 200,
    messageIdJsonPath: 'entries.0.messageid',
    dedupesReference,
    timeoutMs: 5000,
  };
}
