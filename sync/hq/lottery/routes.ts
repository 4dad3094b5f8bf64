import { Type, type Static } from 'typebox';
import type { FastifyInstance } from 'fastify';
import type { DashboardDeps } from '../dashboard/types.js';
import { staffUserOf } from '../dashboard/types.js';
import { drawRound, openRound } from './rounds.js';
import { listRounds } from './view.js';

// Shapes only; the rules (id pattern, lengths, closing time, stores) are checked by
// checkOpenRequest, whose messages name the field.
const OpenBody = Type.Object(
  {
    lotteryId: Type.String({ maxLength: 64 }),
    title: Type.String({ maxLength: 200 }),
    prizes: Type.Array(Type.Object({ title: Type.String({ maxLength: 200 }), points: Type.Optional(Type.Integer()) }, { additionalProperties: false }), { maxItems: 50 }),
    closesAtMs: Type.Integer(),
    storeIds: Type.Union([Type.Null(), Type.Array(Type.String({ maxLength: 64 }), { maxItems: 500 })]),
  },
  { additionalProperties: false },
);
const Params = Type.Object({ lotteryId: Type.String({ minLength: 1, maxLength: 64 }) });

/**
 * `/v1/dashboard/lottery/rounds`: head-office lottery rounds (manager only, every change
 * audited). Opening or drawing the same round twice answers 200 and queues nothing new.
 */
export async function registerLotteryRoutes(api: FastifyInstance, deps: DashboardDeps): Promise<void> {
  const manager = deps.requireRole('manager');

  api.get('/lottery/rounds', { preHandler: manager }, async () => ({ rounds: await listRounds(deps.db) }));

  api.post<{ Body: Static<typeof OpenBody> }>('/lottery/rounds', { schema: { body: OpenBody }, preHandler: manager }, async (request, reply) => {
    const user = staffUserOf(request);
    const opened = await deps.db.transaction(async (tx) => {
      const result = await openRound(tx, { ...request.body, requestedBy: user.username, atMs: deps.nowMs() });
      if (result.created) {
        const { title, closesAtMs, storeIds, prizes } = request.body;
        await deps.audit(tx, { user, action: 'lottery.open', subject: `lottery:${result.lotteryId}`, details: { title, closesAtMs, storeIds, prizes: prizes.length, kiosks: result.kiosks, seedHash: result.seedHash } });
      }
      return result;
    });
    return reply.code(opened.created ? 201 : 200).send(opened);
  });

  api.post<{ Params: Static<typeof Params> }>('/lottery/rounds/:lotteryId/draw', { schema: { params: Params }, preHandler: manager }, async (request) => {
    const user = staffUserOf(request);
    return deps.db.transaction(async (tx) => {
      const drawn = await drawRound(tx, { lotteryId: request.params.lotteryId, requestedBy: user.username, atMs: deps.nowMs() });
      if (drawn.created) await deps.audit(tx, { user, action: 'lottery.draw', subject: `lottery:${drawn.lotteryId}`, details: { kiosks: drawn.kiosks } });
      return drawn;
    });
  });
}
