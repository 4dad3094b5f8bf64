import { Type, type Static } from 'typebox';
import type { FastifyInstance } from 'fastify';
import type { DashboardDeps } from '../dashboard/types.js';
import { assertStoreAccess, staffUserOf } from '../dashboard/types.js';
import { listDirectives } from './list.js';

const ListQuery = Type.Object(
  {
    memberId: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    storeId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    state: Type.Optional(Type.Union([Type.Literal('queued'), Type.Literal('delivered'), Type.Literal('applied'), Type.Literal('failed')])),
    limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }),
  },
  { additionalProperties: false },
);

/**
 * `GET /v1/dashboard/directives`: adjustments and merges with their delivery state
 * (queued → delivered → applied | failed with the kiosk's reason). A store manager sees only
 * their stores; queuing them is the people slice's routes (they call `queueAdjustment`, `queueMerge`).
 */
export async function registerDirectivesRoutes(api: FastifyInstance, deps: DashboardDeps): Promise<void> {
  api.get<{ Querystring: Static<typeof ListQuery> }>(
    '/directives',
    { schema: { querystring: ListQuery }, preHandler: deps.requireRole('manager', 'store-manager', 'support') },
    async (request) => {
      const user = staffUserOf(request);
      const { memberId, storeId, state, limit } = request.query;
      if (storeId !== undefined) assertStoreAccess(user, storeId);
      const found = await listDirectives(deps.db, { ...(memberId && { memberId }), ...(storeId && { storeId }), ...(state && { state }), limit: user.storeIds === null || storeId ? limit : 500 });
      // Without a store filter a store manager gets the rows of their own stores only.
      const visible = user.storeIds === null ? found : found.filter((directive) => user.storeIds!.includes(directive.storeId));
      return { directives: visible.slice(0, limit) };
    },
  );
}
