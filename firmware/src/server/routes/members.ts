import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ApiError } from '../errors.js';
import { Member, MemberId, MemberQuery, NewMemberBody, errors } from '../schemas.js';
import { actorOf, type RouteContext } from './context.js';

export const memberRoutes: FastifyPluginAsync<RouteContext> = async (root, { club, requireRole }) => {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();
  const pos = requireRole('pos', 'staff');

  app.post('/api/v1/members', {
    preHandler: pos,
    schema: {
      tags: ['members'],
      summary: 'Enrol a member (optionally with a card).',
      security: [{ bearer: [] }],
      body: NewMemberBody,
      response: { 201: Member, ...errors(400, 401, 403, 409, 503) },
    },
  }, async (request, reply) => {
    const member = await club.createMember(request.body, actorOf(request));
    return reply.status(201).send(member);
  });

  app.get('/api/v1/members/:memberId', {
    preHandler: pos,
    schema: {
      tags: ['members'],
      summary: 'A member by id.',
      security: [{ bearer: [] }],
      params: Type.Object({ memberId: MemberId }),
      response: { 200: Member, ...errors(400, 401, 403, 404) },
    },
  }, async (request) => club.member(request.params.memberId));

  app.get('/api/v1/members', {
    preHandler: pos,
    schema: {
      tags: ['members'],
      summary: 'Find a member by card or by mobile number (exactly one).',
      security: [{ bearer: [] }],
      querystring: MemberQuery,
      response: { 200: Member, ...errors(400, 401, 403, 404) },
    },
  }, async (request) => {
    const { card, phone } = request.query;
    if (card !== undefined) return club.memberByCard(card);
    if (phone !== undefined) return club.memberByPhone(phone);
    throw new ApiError('VALIDATION_FAILED', 'querystring needs card or phone');
  });
};
