import { Type, type Static } from 'typebox';
import type { FastifyInstance } from 'fastify';
import { getMember } from '../queries.js';
import { HqError } from '../errors.js';
import { blockCard, listDirectives, queueAdjustment, queueMerge } from '../directives/index.js';
import { parseSearchTerm } from './search-terms.js';
import { cardOwnerFor, decodeCursor, memberStoreFor, memberTransfers, searchMembers, SEARCH_RESULTS_MAX } from './people-queries.js';
import { staffUserOf, type DashboardDeps, type StaffUser } from './types.js';

/** Members and cards: search, detail, history, block, adjust, merge (contract: slice P). */
export const STORE_MANAGER_ADJUSTMENT_MAX_POINTS = 10_000;
export const ADJUSTMENT_MAX_POINTS = 1_000_000;

const Id = Type.String({ minLength: 1, maxLength: 200 });
const Reason = Type.String({ minLength: 3, maxLength: 300, pattern: '\\S' });

const SearchQuery = Type.Object(
  { q: Type.String({ minLength: 1, maxLength: 100 }), limit: Type.Integer({ minimum: 1, maximum: SEARCH_RESULTS_MAX, default: 20 }) },
  { additionalProperties: false },
);
const TransfersQuery = Type.Object(
  { before: Type.Optional(Type.String({ maxLength: 400 })), limit: Type.Integer({ minimum: 1, maximum: 200, default: 25 }) },
  { additionalProperties: false },
);
const BlockBody = Type.Object({ reason: Reason }, { additionalProperties: false });
const AdjustBody = Type.Object(
  { points: Type.Integer({ minimum: -ADJUSTMENT_MAX_POINTS, maximum: ADJUSTMENT_MAX_POINTS }), reason: Reason },
  { additionalProperties: false },
);
const MergeBody = Type.Object({ mergedMemberId: Id }, { additionalProperties: false });

const requestedBy = (user: StaffUser) => user.username;

export async function registerPeopleRoutes(api: FastifyInstance, deps: DashboardDeps): Promise<void> {
  const anyone = deps.requireRole('manager', 'store-manager', 'support');

  api.get<{ Querystring: Static<typeof SearchQuery> }>('/members', { schema: { querystring: SearchQuery }, preHandler: anyone }, async (request) => {
    const term = parseSearchTerm(request.query.q);
    if ('problem' in term) throw new HqError('BAD_REQUEST', term.problem);
    const found = await searchMembers(deps.db, staffUserOf(request), term, request.query.limit);
    return { query: term, ...found };
  });

  api.get<{ Params: { memberId: string } }>('/members/:memberId', { schema: { params: Type.Object({ memberId: Id }) }, preHandler: anyone }, async (request) => {
    await memberStoreFor(deps.db, staffUserOf(request), request.params.memberId);
    const { member, cards } = await getMember(deps.db, request.params.memberId);
    const directives = await listDirectives(deps.db, { memberId: member.id, limit: 50 });
    return { member, cards, directives };
  });

  api.get<{ Params: { memberId: string }; Querystring: Static<typeof TransfersQuery> }>(
    '/members/:memberId/transfers',
    { schema: { params: Type.Object({ memberId: Id }), querystring: TransfersQuery }, preHandler: anyone },
    async (request) => {
      await memberStoreFor(deps.db, staffUserOf(request), request.params.memberId);
      const before = request.query.before ? decodeCursor(request.query.before) : undefined;
      return memberTransfers(deps.db, request.params.memberId, request.query.limit, before);
    },
  );

  api.post<{ Params: { cardId: string }; Body: Static<typeof BlockBody> }>(
    '/cards/:cardId/block',
    { schema: { params: Type.Object({ cardId: Id }), body: BlockBody }, preHandler: anyone },
    async (request) => {
      const user = staffUserOf(request);
      const { cardId } = request.params;
      const reason = request.body.reason.trim();
      return deps.db.transaction(async (tx) => {
        const owner = await cardOwnerFor(tx, user, cardId);
        const atMs = deps.nowMs();
        await blockCard(tx, cardId, reason, atMs);
        await deps.audit(tx, { user, action: 'card.block', subject: `card:${cardId}`, details: { memberId: owner.memberId, storeId: owner.storeId, reason, wasBlocked: owner.status === 'blocked' } });
        return { cardId, memberId: owner.memberId, status: 'blocked', blockedAtMs: atMs };
      });
    },
  );

  api.post<{ Params: { memberId: string }; Body: Static<typeof AdjustBody> }>(
    '/members/:memberId/adjustments',
    { schema: { params: Type.Object({ memberId: Id }), body: AdjustBody }, preHandler: deps.requireRole('manager', 'store-manager') },
    async (request, reply) => {
      const user = staffUserOf(request);
      const { points } = request.body;
      const reason = request.body.reason.trim();
      if (points === 0) throw new HqError('BAD_REQUEST', 'points: must not be zero');
      if (user.role === 'store-manager' && Math.abs(points) > STORE_MANAGER_ADJUSTMENT_MAX_POINTS) {
        throw new HqError('FORBIDDEN', `points: a store manager may adjust by at most ${STORE_MANAGER_ADJUSTMENT_MAX_POINTS} points at a time`);
      }
      const result = await deps.db.transaction(async (tx) => {
        const storeId = await memberStoreFor(tx, user, request.params.memberId);
        const atMs = deps.nowMs();
        const { directiveId } = await queueAdjustment(tx, { memberId: request.params.memberId, points, reason, requestedBy: requestedBy(user), atMs });
        await deps.audit(tx, { user, action: 'member.adjust', subject: `member:${request.params.memberId}`, details: { points, reason, storeId, directiveId } });
        return { directiveId, memberId: request.params.memberId, points, state: 'queued' };
      });
      return reply.code(201).send(result);
    },
  );

  api.post<{ Params: { memberId: string }; Body: Static<typeof MergeBody> }>(
    '/members/:memberId/merge',
    { schema: { params: Type.Object({ memberId: Id }), body: MergeBody }, preHandler: deps.requireRole('manager') },
    async (request, reply) => {
      const user = staffUserOf(request);
      const survivorMemberId = request.params.memberId;
      const { mergedMemberId } = request.body;
      if (survivorMemberId === mergedMemberId) throw new HqError('BAD_REQUEST', 'mergedMemberId: a member cannot be merged into itself');
      const result = await deps.db.transaction(async (tx) => {
        const survivorStore = await memberStoreFor(tx, user, survivorMemberId);
        const mergedStore = await memberStoreFor(tx, user, mergedMemberId);
        if (survivorStore !== mergedStore) throw new HqError('BAD_REQUEST', 'mergedMemberId: both members must belong to the same store');
        const { directiveId } = await queueMerge(tx, { survivorMemberId, mergedMemberId, requestedBy: requestedBy(user), atMs: deps.nowMs() });
        await deps.audit(tx, { user, action: 'member.merge', subject: `member:${survivorMemberId}`, details: { mergedMemberId, storeId: survivorStore, directiveId } });
        return { directiveId, survivorMemberId, mergedMemberId, state: 'queued' };
      });
      return reply.code(201).send(result);
    },
  );
}
