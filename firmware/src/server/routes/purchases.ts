import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ApiError } from '../errors.js';
import type { MemberRef } from '../../kiosk/club-types.js';
import { PurchaseBody, PurchaseResult, ReceiptId, VoidResult, errors } from '../schemas.js';
import { actorOf, type RouteContext } from './context.js';

export const purchaseRoutes: FastifyPluginAsync<RouteContext> = async (root, { club, requireRole }) => {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();
  const pos = requireRole('pos', 'staff');

  app.post('/api/v1/purchases', {
    preHandler: pos,
    schema: {
      tags: ['purchases'],
      summary: 'Record a purchase; earns points. The same receiptId again returns the first result with 200.',
      security: [{ bearer: [] }],
      body: PurchaseBody,
      response: { 200: PurchaseResult, 201: PurchaseResult, ...errors(400, 401, 403, 404, 409, 503) },
    },
  }, async (request, reply) => {
    const { card, memberId, phone, amountRial, receiptId } = request.body;
    const given = [card, memberId, phone].filter((value) => value !== undefined).length;
    if (given !== 1) {
      throw new ApiError('VALIDATION_FAILED', 'body must name the member with exactly one of card, memberId, phone', {
        field: 'body',
        reason: 'needs exactly one of card, memberId, phone',
      });
    }
    const ref: MemberRef = card !== undefined ? { card } : memberId !== undefined ? { memberId } : { phone: phone! };
    const { result, replayed } = await club.recordPurchase(ref, amountRial, receiptId, actorOf(request));
    return reply.status(replayed ? 200 : 201).send(result);
  });

  app.post('/api/v1/purchases/:receiptId/void', {
    preHandler: pos,
    schema: {
      tags: ['purchases'],
      summary: 'Void a purchase: its points come back out. Voiding twice is harmless.',
      security: [{ bearer: [] }],
      params: Type.Object({ receiptId: ReceiptId }),
      response: { 200: VoidResult, ...errors(400, 401, 403, 404, 409, 503) },
    },
  }, async (request) => club.voidPurchase(request.params.receiptId, actorOf(request)));
};
