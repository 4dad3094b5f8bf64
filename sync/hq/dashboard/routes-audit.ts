import { Type, type Static } from 'typebox';
import type { FastifyInstance } from 'fastify';
import { listAudit } from './audit.js';
import type { DashboardDeps } from './types.js';

const AuditQuerySchema = Type.Object(
  {
    beforeId: Type.Optional(Type.Integer({ minimum: 1 })),
    limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
    action: Type.Optional(Type.String({ pattern: '^[a-z][a-z.-]{0,63}$' })),
    subject: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    username: Type.Optional(Type.String({ minLength: 1, maxLength: 63 })),
    memberId: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  },
  { additionalProperties: false },
);

/** The audit trail, newest first: managers only. */
export async function registerAuditRoutes(api: FastifyInstance, deps: DashboardDeps): Promise<void> {
  api.get<{ Querystring: Static<typeof AuditQuerySchema> }>(
    '/audit',
    { schema: { querystring: AuditQuerySchema }, preHandler: deps.requireRole('manager') },
    async (request) => listAudit(deps.db, request.query),
  );
}
