import type { FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
import { staffUserOf, type DashboardDeps } from '../dashboard/types.js';
import { parseMessagesConfig } from '../messages/config.js';
import { SqlOutboxStore } from '../messages/sql-store.js';
import { DAY_MS } from '../analysis/types.js';
import type { MessageState } from '../messages/types.js';
import type { HistoryCache } from './history-cache.js';
import { enqueueInTx, outboxView, planCampaignFor } from './messages-service.js';
import { messagesRuntimeFor } from './messages-runtime.js';
import { SEGMENT_PATTERN, membersOfSegment } from './segments.js';

/**
 * The outbox (state per message, counts, retries) for managers and support, and the composer
 * of announcements and offers to a segment for managers. Consent and quiet hours are the
 * dispatcher's: the composer only queues (planCampaign already moves the time past quiet hours).
 */
const OutboxQuery = Type.Object(
  {
    state: Type.Optional(Type.Union(['queued', 'sending', 'sent', 'delivered', 'failed', 'cancelled'].map((s) => Type.Literal(s)))),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
    beforeId: Type.Optional(Type.Integer({ minimum: 1 })),
  },
  { additionalProperties: false },
);
const SegmentQuery = Type.Object({ segment: Type.String({ pattern: SEGMENT_PATTERN }) }, { additionalProperties: false });
const CampaignBody = Type.Object(
  {
    /** Chosen by the browser once per composed message: a repeated submit queues nothing new. */
    requestId: Type.String({ pattern: '^[A-Za-z0-9-]{8,64}$' }),
    kind: Type.Union([Type.Literal('announcement'), Type.Literal('offer')]),
    segment: Type.String({ pattern: SEGMENT_PATTERN }),
    text: Type.String({ minLength: 1, maxLength: 700 }),
    subject: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    notBeforeMs: Type.Optional(Type.Integer({ minimum: 0 })),
  },
  { additionalProperties: false },
);

const SEGMENT_WINDOW_DAYS = 365;

export async function registerMessageRoutes(api: FastifyInstance, deps: DashboardDeps, cache: HistoryCache): Promise<void> {
  const runtime = () => messagesRuntimeFor(deps.db);
  const config = () => runtime()?.config ?? parseMessagesConfig({});
  const store = () => runtime()?.store ?? new SqlOutboxStore(deps.db);
  const segmentMembers = async (segment: string): Promise<string[]> => {
    const nowMs = deps.nowMs();
    const loaded = await cache.load({ scope: { storeIds: null }, window: { fromMs: nowMs - SEGMENT_WINDOW_DAYS * DAY_MS, toMs: nowMs + 1 } });
    return membersOfSegment(loaded, segment, nowMs);
  };

  api.get('/insight/messages', { schema: { querystring: OutboxQuery }, preHandler: deps.requireRole('manager', 'support') }, async (request) => {
    const query = request.query as Static<typeof OutboxQuery>;
    const view = await outboxView(deps.db, store(), {
      ...(query.state !== undefined && { state: query.state as MessageState }),
      limit: query.limit ?? 100,
      ...(query.beforeId !== undefined && { beforeId: query.beforeId }),
    });
    const c = config();
    return { ...view, channels: runtime()?.channels ?? [], quietHours: c.quietHours, timeZone: c.timeZone };
  });

  api.get('/insight/messages/segment', { schema: { querystring: SegmentQuery }, preHandler: deps.requireRole('manager') }, async (request) => {
    const { segment } = request.query as Static<typeof SegmentQuery>;
    const ids = await segmentMembers(segment);
    const consenting = ids.length === 0 ? 0 : Number((await deps.db.query<{ n: number | string }>('SELECT count(*) AS n FROM members WHERE sms_consent AND id = ANY($1::text[])', [ids])).rows[0]?.n ?? 0);
    return { segment, members: ids.length, consenting };
  });

  api.post('/insight/messages/campaigns', { schema: { body: CampaignBody }, preHandler: deps.requireRole('manager') }, async (request, reply) => {
    const body = request.body as Static<typeof CampaignBody>;
    const user = staffUserOf(request);
    const c = config();
    const nowMs = deps.nowMs();
    const ids = await segmentMembers(body.segment);
    const subject = body.subject ?? body.text.slice(0, 60);
    const campaign = { id: body.requestId, kind: body.kind, templates: { sms: body.text, emailSubject: subject, emailBody: body.text }, notBeforeMs: Math.max(nowMs, body.notBeforeMs ?? nowMs) };
    const messages = await planCampaignFor(deps.db, ids, campaign, c);
    const created = await deps.db.transaction(async (tx) => {
      const count = await enqueueInTx(tx, messages, c.attemptsMax, nowMs);
      await deps.audit(tx, {
        user,
        action: `messages.${body.kind}`,
        subject: `campaign:${body.requestId}`,
        details: { segment: body.segment, members: ids.length, messages: messages.length, queued: count, notBeforeMs: campaign.notBeforeMs },
      });
      return count;
    });
    cache.clear();
    return reply.code(created > 0 ? 201 : 200).send({ campaignId: body.requestId, members: ids.length, messages: messages.length, queued: created, notBeforeMs: messages[0]?.notBeforeMs ?? campaign.notBeforeMs, channels: runtime()?.channels ?? [] });
  });
}
