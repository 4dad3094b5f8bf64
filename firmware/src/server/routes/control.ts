import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ApiError } from '../errors.js';
import { errors } from '../schemas.js';
import type { RequireRole } from '../plugins/auth.js';

/** What `bashgah simulate` can do to the simulated devices of a running demo. */
export interface SimulatorControl {
  tap(cardId: string): Promise<void> | void;
  swipe(trackData: string): Promise<void> | void;
  remove(): Promise<void> | void;
  paper(state: 'out' | 'in'): Promise<void> | void;
  /** What reached the simulated printer, oldest first. */
  printedJobs(): Array<{ sequence: number; receivedAtMs: number; printed: boolean; images: number }>;
  /** A printed job's first image as PNG: the receipt as the customer would hold it. */
  receiptPng(sequence: number): Promise<Buffer | undefined>;
}

const ControlBody = Type.Union([
  Type.Object({ action: Type.Literal('tap'), card: Type.String({ minLength: 1, maxLength: 128 }) }, { additionalProperties: false }),
  Type.Object({ action: Type.Literal('swipe'), track: Type.String({ minLength: 1, maxLength: 256 }) }, { additionalProperties: false }),
  Type.Object({ action: Type.Literal('remove') }, { additionalProperties: false }),
  Type.Object({ action: Type.Literal('paper'), state: Type.Union([Type.Literal('out'), Type.Literal('in')]) }, { additionalProperties: false }),
]);

export interface ControlOptions {
  simulator: SimulatorControl;
  requireRole: RequireRole;
}

/**
 * Drives the simulated hardware of `bashgah demo`. Registered only when the hardware is
 * simulated; technician token and a loopback caller required.
 */
export const controlRoutes: FastifyPluginAsync<ControlOptions> = async (root, { simulator, requireRole }) => {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();
  app.post('/api/v1/control/simulate', {
    preHandler: requireRole('technician'),
    schema: {
      tags: ['operations'],
      summary: 'Demo only: tap a card, swipe track data, lift the card, or take the paper out / put it in.',
      security: [{ bearer: [] }],
      body: ControlBody,
      response: { 200: Type.Object({ done: Type.Boolean() }), ...errors(400, 401, 403) },
    },
  }, async (request) => {
    const address = request.raw.socket?.remoteAddress ?? '';
    if (!(address === '127.0.0.1' || address === '::1' || address === '::ffff:127.0.0.1')) throw new ApiError('FORBIDDEN', 'Only from this machine.');
    const body = request.body;
    if (body.action === 'tap') await simulator.tap(body.card);
    else if (body.action === 'swipe') await simulator.swipe(body.track);
    else if (body.action === 'remove') await simulator.remove();
    else await simulator.paper(body.state);
    return { done: true };
  });

  app.get('/api/v1/control/printed', {
    preHandler: requireRole('technician'),
    schema: {
      tags: ['operations'],
      summary: 'Demo only: the jobs the simulated printer received.',
      security: [{ bearer: [] }],
      response: {
        200: Type.Object({ jobs: Type.Array(Type.Object({ sequence: Type.Integer(), receivedAtMs: Type.Integer(), printed: Type.Boolean(), images: Type.Integer() })) }),
        ...errors(401, 403),
      },
    },
  }, async () => ({ jobs: simulator.printedJobs() }));

  app.get('/api/v1/control/printed/:sequence', {
    preHandler: requireRole('technician'),
    schema: {
      tags: ['operations'],
      summary: 'Demo only: a printed receipt as a PNG image.',
      security: [{ bearer: [] }],
      params: Type.Object({ sequence: Type.String({ pattern: '^[0-9]{1,9}\\.png$' }) }),
      // A Buffer payload skips JSON serialisation; the schema only documents it.
      response: { 200: Type.Unknown({ description: 'image/png' }), ...errors(400, 401, 403, 404) },
    },
  }, async (request, reply) => {
    const png = await simulator.receiptPng(Number.parseInt(request.params.sequence, 10));
    if (!png) throw new ApiError('ROUTE_NOT_FOUND', 'No printed image with that number.');
    return reply.type('image/png').send(png);
  });
};
