import { Type, type Static } from 'typebox';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { LoyaltyConfigSchema } from '../../../firmware/src/loyalty/config.js';
import { defaultLoyaltyRules } from '../../../firmware/src/loyalty/rules/parse.js';
import { staffUserOf, type DashboardDeps } from '../dashboard/types.js';
import { previewRules, PREVIEW_DAYS_DEFAULT, PREVIEW_DAYS_MAX } from './preview.js';
import { rememberPreview } from './previews-store.js';
import { currentLoyalty, listVersions, publishLoyalty, RulesInvalidError, versionBody } from './store.js';
import { formatProblem, validateLoyaltyDraft, type FieldProblem } from './validate.js';

/**
 * The rule and campaign editor's API under /v1/dashboard: read the rules in force, validate
 * and preview a draft, publish it (managers only, optimistic version, audited), list and
 * restore published versions. Support staff may read; store managers have no access.
 */
const Draft = Type.Unknown({ description: 'A `loyalty` section (the kiosk config schema).' });
const Reason = Type.String({ minLength: 1, maxLength: 500 });
const Version = Type.Integer({ minimum: 0, maximum: 2_000_000_000 });

const ValidateBody = Type.Object({ body: Draft }, { additionalProperties: false });
const PreviewBody = Type.Object(
  { body: Draft, days: Type.Optional(Type.Integer({ minimum: 1, maximum: PREVIEW_DAYS_MAX, default: PREVIEW_DAYS_DEFAULT })) },
  { additionalProperties: false },
);
const PublishBody = Type.Object({ expectedVersion: Version, body: Draft, reason: Reason }, { additionalProperties: false });
const RestoreBody = Type.Object({ expectedVersion: Version, reason: Reason }, { additionalProperties: false });
const VersionParams = Type.Object({ version: Type.Integer({ minimum: 1, maximum: 2_000_000_000 }) });

function invalid(reply: FastifyReply, errors: FieldProblem[]) {
  return reply.code(400).send({ code: 'BAD_REQUEST', message: `the rules are not valid: ${errors.map(formatProblem).join('; ').slice(0, 2000)}`, errors });
}

export async function registerRulesRoutes(api: FastifyInstance, deps: DashboardDeps): Promise<void> {
  const readers = deps.requireRole('manager', 'support');
  const managers = deps.requireRole('manager');

  api.get('/rules', { preHandler: readers }, async () => {
    const current = await currentLoyalty(deps.db);
    // The editor reads limits (minimum, maximum, patterns) from the very schema the kiosk uses.
    return { ...current, schema: LoyaltyConfigSchema };
  });

  api.post<{ Body: Static<typeof ValidateBody> }>('/rules/validate', { preHandler: managers, schema: { body: ValidateBody } }, async (request) => {
    const result = validateLoyaltyDraft(request.body.body);
    return { ...result, messages: result.errors.map(formatProblem) };
  });

  api.post<{ Body: Static<typeof PreviewBody> }>('/rules/preview', { preHandler: managers, schema: { body: PreviewBody } }, async (request, reply) => {
    const checked = validateLoyaltyDraft(request.body.body);
    if (!checked.valid || !checked.rules) return invalid(reply, checked.errors);
    const current = await currentLoyalty(deps.db);
    const days = request.body.days ?? PREVIEW_DAYS_DEFAULT;
    const atMs = deps.nowMs();
    // A stored body that no longer validates cannot be replayed: compare with the defaults then.
    const base = current.problems ? defaultLoyaltyRules() : current.rules;
    const preview = await previewRules(deps.db, base, checked.rules, { days, nowMs: atMs });
    await rememberPreview(deps.db, {
      userId: staffUserOf(request).id,
      rules: checked.rules,
      baseVersion: current.version,
      atMs,
      figures: { days, receipts: preview.receipts, currentPoints: preview.totals.current, draftPoints: preview.totals.draft, membersAffected: preview.membersAffected.total },
    });
    deps.logger?.info({ days, receipts: preview.receipts, durationMs: preview.durationMs }, 'rules preview');
    return { baseVersion: current.version, baseInvalid: current.problems !== undefined, warnings: checked.warnings, ...preview };
  });

  api.put<{ Body: Static<typeof PublishBody> }>('/rules', { preHandler: managers, schema: { body: PublishBody } }, async (request, reply) => {
    try {
      const result = await publishLoyalty(deps.db, deps.audit, {
        expectedVersion: request.body.expectedVersion,
        body: request.body.body,
        reason: request.body.reason,
        user: staffUserOf(request),
        atMs: deps.nowMs(),
        requirePreview: true,
      });
      return result;
    } catch (error) {
      if (error instanceof RulesInvalidError) return invalid(reply, error.errors);
      throw error;
    }
  });

  api.get<{ Querystring: { limit?: number } }>(
    '/rules/versions',
    { preHandler: readers, schema: { querystring: Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })) }) } },
    async (request) => ({ current: (await currentLoyalty(deps.db)).version, versions: await listVersions(deps.db, request.query.limit ?? 50) }),
  );

  api.get<{ Params: Static<typeof VersionParams> }>('/rules/versions/:version', { preHandler: readers, schema: { params: VersionParams } }, async (request) => ({
    version: request.params.version,
    body: await versionBody(deps.db, request.params.version),
  }));

  api.post<{ Params: Static<typeof VersionParams>; Body: Static<typeof RestoreBody> }>(
    '/rules/versions/:version/restore',
    { preHandler: managers, schema: { params: VersionParams, body: RestoreBody } },
    async (request, reply) => {
      const body = await versionBody(deps.db, request.params.version);
      try {
        return await publishLoyalty(deps.db, deps.audit, {
          expectedVersion: request.body.expectedVersion,
          body,
          reason: request.body.reason,
          user: staffUserOf(request),
          atMs: deps.nowMs(),
          restoredFromVersion: request.params.version,
        });
      } catch (error) {
        // A version the kiosk schema no longer accepts cannot come back as it was.
        if (error instanceof RulesInvalidError) return invalid(reply, error.errors);
        throw error;
      }
    },
  );
}
