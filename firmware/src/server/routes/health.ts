import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type, type Static } from 'typebox';

const Check = Type.Object({
  state: Type.Union([
    Type.Literal('ok'), Type.Literal('degraded'), Type.Literal('offline'), Type.Literal('absent'), Type.Literal('disabled'), Type.Literal('failing'),
  ]),
  detail: Type.Optional(Type.String()),
});

export const HealthReport = Type.Object({
  status: Type.Union([Type.Literal('ok'), Type.Literal('degraded'), Type.Literal('failing')]),
  checks: Type.Object({ readers: Check, printer: Check, journal: Check, sync: Check, disk: Check }),
  uptimeSeconds: Type.Integer(),
});
export type HealthReport = Static<typeof HealthReport>;
export type HealthCheck = Static<typeof Check>;

export interface HealthOptions {
  health: () => Promise<HealthReport>;
}

/**
 * Unauthenticated on purpose (systemd's watchdog helper, `bashgah status` and a technician's
 * curl use it); it carries device states only, never personal data. 503 when failing.
 */
export const healthRoutes: FastifyPluginAsync<HealthOptions> = async (root, { health }) => {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();
  app.get('/healthz', {
    schema: { tags: ['operations'], summary: 'Readers, printer, journal, sync and disk.', response: { 200: HealthReport, 503: HealthReport } },
  }, async (_request, reply) => {
    const report = await health();
    return reply.status(report.status === 'failing' ? 503 : 200).send(report);
  });
};
