import { Type, type Static } from 'typebox';
import type { FastifyInstance } from 'fastify';
import { DeviceIdSchema } from '../protocol/messages.js';
import { generateDeviceKeyPair } from '../protocol/signing.js';
import type { HqContext } from './app.js';
import { importJournalBundle } from './bundles.js';
import { headOfficeKey, listDevices, registerDevice, revokeDevice, getDevice } from './devices.js';
import { HqError } from './errors.js';
import { putDocument } from './queries.js';
import { LOYALTY_KIND } from './rules/store.js';

const RegisterDeviceSchema = Type.Object(
  {
    deviceId: DeviceIdSchema,
    storeId: Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,62}$' }),
    /** SPKI DER base64. Absent: the head office generates the pair and returns the private key once. */
    publicKey: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);

const DocumentPutSchema = Type.Object(
  { expectedVersion: Type.Integer({ minimum: 0 }), body: Type.Unknown() },
  { additionalProperties: false },
);

/** Provisioning, revocation, documents and sneakernet bundles: admin token only. */
export function registerAdminRoutes(app: FastifyInstance, context: HqContext): void {
  app.post<{ Body: Static<typeof RegisterDeviceSchema> }>('/v1/admin/devices', { schema: { body: RegisterDeviceSchema } }, async (request, reply) => {
    const { deviceId, storeId } = request.body;
    const generated = request.body.publicKey ? undefined : generateDeviceKeyPair();
    const publicKey = request.body.publicKey ?? generated!.publicKey;
    try {
      await registerDevice(context.db, deviceId, storeId, publicKey, context.nowMs());
    } catch (error) {
      if (error instanceof HqError) throw error;
      throw new HqError('BAD_REQUEST', 'publicKey is not an Ed25519 SPKI key');
    }
    const hq = await headOfficeKey(context.db);
    return reply.code(201).send({ deviceId, storeId, publicKey, privateKeyPem: generated?.privateKeyPem ?? null, hqPublicKey: hq.publicKey });
  });

  app.post<{ Params: { deviceId: string } }>('/v1/admin/devices/:deviceId/revoke', { schema: { params: Type.Object({ deviceId: DeviceIdSchema }) } }, async (request) => {
    await revokeDevice(context.db, request.params.deviceId, context.nowMs());
    return { deviceId: request.params.deviceId, revoked: true };
  });

  app.get('/v1/devices', async () => ({ devices: await listDevices(context.db) }));

  app.get<{ Params: { deviceId: string } }>('/v1/devices/:deviceId', { schema: { params: Type.Object({ deviceId: DeviceIdSchema }) } }, async (request) => {
    const device = await getDevice(context.db, request.params.deviceId);
    if (!device) throw new HqError('NOT_FOUND', 'unknown device');
    return device;
  });

  app.put<{ Params: { kind: string }; Body: Static<typeof DocumentPutSchema> }>(
    '/v1/admin/documents/:kind',
    { schema: { params: Type.Object({ kind: Type.String({ pattern: '^[a-z][a-z0-9-]{0,63}$' }) }), body: DocumentPutSchema } },
    async (request) => {
      // The loyalty rules are validated, versioned and audited by the dashboard's rules editor;
      // a raw write here would skip all three and could hand kiosks rules they refuse.
      if (request.params.kind === LOYALTY_KIND) throw new HqError('BAD_REQUEST', 'the loyalty rules are published through the dashboard (PUT /v1/dashboard/rules), which validates and versions them');
      return { kind: request.params.kind, version: await putDocument(context.db, request.params.kind, request.body.expectedVersion, request.body.body ?? null, context.nowMs()) };
    },
  );

  // The bundle is posted as its file text (application/json); the answer is the bundle going back.
  app.post('/v1/admin/bundles', { bodyLimit: 256 * 1024 * 1024 }, async (request, reply) => {
    const text = request.rawBody?.toString('utf8') ?? '';
    const result = await importJournalBundle(context.db, text, context.nowMs());
    return reply.header('x-bashgah-import', JSON.stringify(result.ingest)).type('application/json').send(result.returnBundle);
  });
}
