import { Type, type Static } from 'typebox';
import type { FastifyInstance } from 'fastify';
import type { HqContext } from './app.js';
import { getMember, listBalances, listConflicts, listMembers, listTransfers, lookupCard } from './queries.js';

const Limit = Type.Integer({ minimum: 1, maximum: 1000, default: 100 });
const MembersQuery = Type.Object({ storeId: Type.Optional(Type.String({ maxLength: 64 })), afterId: Type.Optional(Type.String({ maxLength: 200 })), limit: Limit });
const BalancesQuery = Type.Object({ prefix: Type.String({ maxLength: 300, default: '' }), limit: Limit });
const TransactionsQuery = Type.Object({ account: Type.Optional(Type.String({ maxLength: 300 })), beforeAtMs: Type.Optional(Type.Integer()), limit: Limit });
const ConflictsQuery = Type.Object({ status: Type.String({ maxLength: 20, default: 'open' }), limit: Limit });
const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 200 }) });

/**
 * The chain's members, cards, balances, transactions and conflicts, for the managers'
 * dashboard and other systems. Read-only here; the dashboard (issue 7) adds its own routes.
 */
export function registerChainRoutes(app: FastifyInstance, context: HqContext): void {
  app.get<{ Querystring: Static<typeof MembersQuery> }>('/v1/members', { schema: { querystring: MembersQuery } }, async (request) => ({
    members: await listMembers(context.db, request.query),
  }));
  app.get<{ Params: Static<typeof IdParams> }>('/v1/members/:id', { schema: { params: IdParams } }, async (request) => getMember(context.db, request.params.id));
  app.get<{ Params: Static<typeof IdParams> }>('/v1/cards/:id', { schema: { params: IdParams } }, async (request) => lookupCard(context.db, request.params.id));
  app.get<{ Querystring: Static<typeof BalancesQuery> }>('/v1/balances', { schema: { querystring: BalancesQuery } }, async (request) => ({
    balances: await listBalances(context.db, request.query.prefix, request.query.limit),
  }));
  app.get<{ Querystring: Static<typeof TransactionsQuery> }>('/v1/transactions', { schema: { querystring: TransactionsQuery } }, async (request) => ({
    transactions: await listTransfers(context.db, request.query),
  }));
  app.get<{ Querystring: Static<typeof ConflictsQuery> }>('/v1/conflicts', { schema: { querystring: ConflictsQuery } }, async (request) => ({
    conflicts: await listConflicts(context.db, request.query.status, request.query.limit),
  }));
}
