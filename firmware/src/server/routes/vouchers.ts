import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { RedeemBody, Voucher, VoucherCode, errors } from '../schemas.js';
import { actorOf, type RouteContext } from './context.js';

export const voucherRoutes: FastifyPluginAsync<RouteContext> = async (root, { club, requireRole }) => {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();
  const pos = requireRole('pos', 'staff');

  app.get('/api/v1/vouchers/:code', {
    preHandler: pos,
    schema: {
      tags: ['vouchers'],
      summary: "A voucher's state: active, redeemed or expired. Unknown or forged codes are 404.",
      security: [{ bearer: [] }],
      params: Type.Object({ code: VoucherCode }),
      response: { 200: Voucher, ...errors(400, 401, 403, 404) },
    },
  }, async (request) => club.voucher(request.params.code));

  app.post('/api/v1/vouchers/redeem', {
    preHandler: pos,
    schema: {
      tags: ['vouchers'],
      summary: 'Redeem a voucher against a receipt. Already redeemed 409, unknown or forged 404, expired 410.',
      security: [{ bearer: [] }],
      body: RedeemBody,
      response: { 200: Voucher, ...errors(400, 401, 403, 404, 409, 410, 503) },
    },
  }, async (request) => club.redeemVoucher(request.body.code, request.body.receiptId, actorOf(request)));
};
