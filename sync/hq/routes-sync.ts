import { Type } from 'typebox';
import type { FastifyInstance } from 'fastify';
import {
  CardLookupResponseSchema,
  PullRequestSchema,
  PullResponseSchema,
  PushRequestSchema,
  PushResponseSchema,
  SyncStateResponseSchema,
  type PullRequest,
  type PushRequest,
} from '../protocol/messages.js';
import type { HqContext } from './app.js';
import { getDevice } from './devices.js';
import { HqError } from './errors.js';
import { ingest } from './ingest.js';
import { lookupCard, pullForStore } from './queries.js';
import { deliverDirectives } from './directives/delivery.js';
import { recordDeviceStatus } from './directives/fleet.js';

/** Routes a kiosk calls, every one signed with its device key (checked in app.ts). */
export function registerSyncRoutes(app: FastifyInstance, context: HqContext): void {
  app.post<{ Body: PushRequest }>(
    '/v1/sync/push',
    { schema: { body: PushRequestSchema, response: { 200: PushResponseSchema } } },
    async (request) => {
      const device = request.device!;
      if (request.body.deviceId !== device.deviceId) throw new HqError('DEVICE_MISMATCH', 'records belong to another device');
      return ingest(context.db, device.deviceId, request.body.entries, 'push', context.nowMs());
    },
  );

  app.get('/v1/sync/state', { schema: { response: { 200: SyncStateResponseSchema } } }, async (request) => {
    const device = (await getDevice(context.db, request.device!.deviceId))!;
    return { deviceId: device.id, storeId: device.storeId, highWaterMark: Number(device.highWaterMark), serverTimeMs: context.nowMs() };
  });

  app.post<{ Body: PullRequest }>(
    '/v1/sync/pull',
    { schema: { body: PullRequestSchema, response: { 200: PullResponseSchema } } },
    async (request) => {
      const { deviceId, storeId } = request.device!;
      const nowMs = context.nowMs();
      if (request.body.status) await recordDeviceStatus(context.db, deviceId, request.body.status, nowMs);
      const answer = await pullForStore(context.db, storeId, request.body, nowMs);
      // Every page carries the open directives: the kiosk skips those it has done already.
      answer.directives = await deliverDirectives(context.db, deviceId, nowMs);
      return answer;
    },
  );

  app.get<{ Params: { cardId: string } }>(
    '/v1/sync/cards/:cardId',
    { schema: { params: Type.Object({ cardId: Type.String({ minLength: 1, maxLength: 200 }) }), response: { 200: CardLookupResponseSchema } } },
    async (request) => lookupCard(context.db, request.params.cardId),
  );
}
