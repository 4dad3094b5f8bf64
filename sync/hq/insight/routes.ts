import type { FastifyInstance } from 'fastify';
import { Readable } from 'node:stream';
import { Type, type Static } from 'typebox';
import { HqError } from '../errors.js';
import { staffUserOf, type DashboardDeps } from '../dashboard/types.js';
import { analysisView } from './analysis-view.js';
import { balancesCsv, transactionsCsv } from './export.js';
import { flagViews, recordReview } from './fraud-view.js';
import { fleetView, publishedRulesVersion } from './fleet.js';
import { HistoryCache } from './history-cache.js';
import { rulesInForce } from './rules.js';
import { scopeFor, windowFrom } from './scope.js';
import { chartSeries } from './series.js';
import { registerMessageRoutes } from './routes-messages.js';
import { registerVendorRoutes } from './vendor.js';

/**
 * Insight's dashboard API under /v1/dashboard/insight: chart series, analyses, fraud flags
 * (review and close, audited), CSV exports, the fleet, and the messages outbox + composer.
 * Store managers see their own stores only; support reads everything and changes nothing here.
 */
const Millis = Type.Integer({ minimum: 0, maximum: 8_640_000_000_000 });
const StoreId = Type.String({ minLength: 1, maxLength: 64 });
const WindowQuery = Type.Object({ fromMs: Type.Optional(Millis), toMs: Type.Optional(Millis), storeId: Type.Optional(StoreId) }, { additionalProperties: false });
const AnalysisQuery = Type.Object(
  { fromMs: Type.Optional(Millis), toMs: Type.Optional(Millis), storeId: Type.Optional(StoreId), inactiveDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 3650 })) },
  { additionalProperties: false },
);
const FlagsQuery = Type.Object(
  { fromMs: Type.Optional(Millis), toMs: Type.Optional(Millis), state: Type.Optional(Type.Union([Type.Literal('open'), Type.Literal('closed')])) },
  { additionalProperties: false },
);
const ReviewParams = Type.Object({ flagId: Type.String({ pattern: '^[a-z_]+:[0-9a-f]{16}$' }) });
const ReviewBody = Type.Object(
  {
    state: Type.Union([Type.Literal('open'), Type.Literal('closed')]),
    note: Type.String({ maxLength: 2000 }),
    /** The window the flag was listed in (default: the last 90 days). */
    fromMs: Type.Optional(Millis),
    toMs: Type.Optional(Millis),
  },
  { additionalProperties: false },
);
const StoreQuery = Type.Object({ storeId: Type.Optional(StoreId) }, { additionalProperties: false });

export const CHART_DAYS_DEFAULT = 30;
export const ANALYSIS_DAYS_DEFAULT = 365;
export const FRAUD_DAYS_DEFAULT = 90;
const ALL = ['manager', 'store-manager', 'support'] as const;

export async function registerInsightRoutes(api: FastifyInstance, deps: DashboardDeps): Promise<void> {
  const cache = new HistoryCache(deps.db, deps.nowMs);

  api.get('/insight/charts', { schema: { querystring: WindowQuery }, preHandler: deps.requireRole(...ALL) }, async (request) => {
    const query = request.query as Static<typeof WindowQuery>;
    const scope = scopeFor(staffUserOf(request), query.storeId);
    const window = windowFrom(query, deps.nowMs(), CHART_DAYS_DEFAULT);
    const rules = await rulesInForce(deps.db);
    const series = await chartSeries(deps.db, scope, window, { rules, nowMs: deps.nowMs() });
    return { ...series, tierNames: Object.fromEntries(rules.tiers.levels.map((tier) => [tier.id, tier.name])), tierOrder: rules.tiers.levels.map((tier) => tier.id) };
  });

  api.get('/insight/analysis', { schema: { querystring: AnalysisQuery }, preHandler: deps.requireRole(...ALL) }, async (request) => {
    const query = request.query as Static<typeof AnalysisQuery>;
    const scope = scopeFor(staffUserOf(request), query.storeId);
    const window = windowFrom(query, deps.nowMs(), ANALYSIS_DAYS_DEFAULT);
    const loaded = await cache.load({ scope, window });
    const rules = await rulesInForce(deps.db);
    const view = await analysisView(deps.db, loaded, { nowMs: deps.nowMs(), inactiveDays: query.inactiveDays ?? 60, listLimit: 50, offerDays: 14 });
    return { ...view, campaignNames: Object.fromEntries(rules.earning.campaigns.map((c) => [c.id, c.name])) };
  });

  api.get('/insight/fraud/flags', { schema: { querystring: FlagsQuery }, preHandler: deps.requireRole(...ALL) }, async (request) => {
    const query = request.query as Static<typeof FlagsQuery>;
    const window = windowFrom(query, deps.nowMs(), FRAUD_DAYS_DEFAULT);
    // Chain-wide: a card at two stores is seen only with both; the view keeps the user's stores.
    const loaded = await cache.load({ scope: { storeIds: null }, window });
    const flags = await flagViews(deps.db, loaded, staffUserOf(request), query.state ? { state: query.state } : {});
    return { window, truncated: loaded.truncated, flags };
  });

  api.post('/insight/fraud/flags/:flagId/review', { schema: { params: ReviewParams, body: ReviewBody }, preHandler: deps.requireRole('manager', 'store-manager') }, async (request) => {
    const { flagId } = request.params as Static<typeof ReviewParams>;
    const body = request.body as Static<typeof ReviewBody>;
    const user = staffUserOf(request);
    const window = windowFrom(body, deps.nowMs(), FRAUD_DAYS_DEFAULT);
    const loaded = await cache.load({ scope: { storeIds: null }, window });
    const flag = (await flagViews(deps.db, loaded, user, {})).find((candidate) => candidate.id === flagId);
    if (!flag) throw new HqError('NOT_FOUND', 'no such flag in your stores for this window');
    const atMs = deps.nowMs();
    await deps.db.transaction(async (tx) => {
      await recordReview(tx, { flagId, state: body.state, note: body.note, byUserId: String(user.id), atMs });
      await deps.audit(tx, { user, action: body.state === 'closed' ? 'fraud.close' : 'fraud.reopen', subject: `flag:${flagId}`, details: { kind: flag.kind, noteLength: body.note.length } });
    });
    return { flagId, review: { state: body.state, note: body.note, byUserId: String(user.id), atMs } };
  });

  api.get('/insight/export/transactions.csv', { schema: { querystring: WindowQuery }, preHandler: deps.requireRole(...ALL) }, async (request, reply) => {
    const query = request.query as Static<typeof WindowQuery>;
    const scope = scopeFor(staffUserOf(request), query.storeId);
    const window = windowFrom(query, deps.nowMs(), CHART_DAYS_DEFAULT);
    const name = `transactions-${new Date(window.fromMs).toISOString().slice(0, 10)}-${new Date(window.toMs - 1).toISOString().slice(0, 10)}${query.storeId ? `-${query.storeId.replace(/[^A-Za-z0-9_-]/g, '_')}` : ''}.csv`;
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="${name}"`)
      .header('cache-control', 'no-store')
      .send(Readable.from(transactionsCsv(deps.db, scope, window)));
  });

  api.get('/insight/export/balances.csv', { schema: { querystring: StoreQuery }, preHandler: deps.requireRole(...ALL) }, async (request, reply) => {
    const query = request.query as Static<typeof StoreQuery>;
    const scope = scopeFor(staffUserOf(request), query.storeId);
    const rules = await rulesInForce(deps.db);
    const name = `balances-${new Date(deps.nowMs()).toISOString().slice(0, 10)}.csv`;
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="${name}"`)
      .header('cache-control', 'no-store')
      .send(Readable.from(balancesCsv(deps.db, scope, rules.redemption.rialPerPoint)));
  });

  api.get('/insight/fleet', { schema: { querystring: StoreQuery }, preHandler: deps.requireRole(...ALL) }, async (request) => {
    const query = request.query as Static<typeof StoreQuery>;
    const scope = scopeFor(staffUserOf(request), query.storeId);
    return { nowMs: deps.nowMs(), publishedRulesVersion: await publishedRulesVersion(deps.db), stores: await fleetView(deps.db, scope, deps.nowMs()) };
  });

  await registerMessageRoutes(api, deps, cache);
  await registerVendorRoutes(api);
}
