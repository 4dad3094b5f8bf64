import { Type, type Static } from 'typebox';
import { HardwareConfigSchema } from '../../../hardware/config.js';
import { LoyaltyConfigSchema } from '../loyalty/config.js';
import { SyncAgentConfigSchema } from '../../../sync/agent/config.js';

/**
 * The kiosk's configuration file. Every section has defaults, so an empty object (or no file
 * at all) is a working demo configuration. Each part of the system owns the schema of its
 * own section, next to its code; this file only composes them.
 */
export const TokenSchema = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 64, description: 'Who holds the token (shown in the audit log).' }),
    token: Type.String({ minLength: 16, maxLength: 256, description: 'The bearer token itself.' }),
    role: Type.Union([Type.Literal('pos'), Type.Literal('staff'), Type.Literal('technician')]),
  },
  { additionalProperties: false },
);

export const ConfigSchema = Type.Object(
  {
    device: Type.Object(
      {
        id: Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,62}$', default: 'demo-kiosk' }),
        storeName: Type.String({ minLength: 1, maxLength: 120, default: 'فروشگاه نمونه' }),
        storeId: Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,62}$', default: 'demo-store' }),
      },
      { additionalProperties: false, default: {} },
    ),
    http: Type.Object(
      {
        host: Type.String({ default: '127.0.0.1' }),
        port: Type.Integer({ minimum: 0, maximum: 65535, default: 8080 }),
      },
      { additionalProperties: false, default: {} },
    ),
    tokens: Type.Array(TokenSchema, { default: [], maxItems: 100 }),
    display: Type.Object(
      {
        language: Type.Union([Type.Literal('fa'), Type.Literal('en')], { default: 'fa' }),
        currency: Type.Union([Type.Literal('toman'), Type.Literal('rial')], { default: 'toman' }),
        idleTimeoutSeconds: Type.Integer({ minimum: 5, maximum: 600, default: 20 }),
      },
      { additionalProperties: false, default: {} },
    ),
    ledger: Type.Object(
      {
        snapshotEveryRecords: Type.Integer({ minimum: 100, maximum: 10_000_000, default: 50_000 }),
      },
      { additionalProperties: false, default: {} },
    ),
    logging: Type.Object(
      {
        level: Type.Union(
          ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((level) => Type.Literal(level)),
          { default: 'info' },
        ),
      },
      { additionalProperties: false, default: {} },
    ),
    hardware: HardwareConfigSchema,
    loyalty: LoyaltyConfigSchema,
    sync: SyncAgentConfigSchema,
  },
  { additionalProperties: false },
);

export type Config = Static<typeof ConfigSchema>;
