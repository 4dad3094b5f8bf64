import { Type, type Static } from 'typebox';

/** The `sync` section: where the head office is and how this kiosk talks to it. */
export const SyncAgentConfigSchema = Type.Object(
  {
    enabled: Type.Boolean({ default: false }),
    headOfficeUrl: Type.String({ pattern: '^https?://', maxLength: 300, default: 'http://127.0.0.1:8090', description: 'Base URL of the head office server.' }),
    keyFile: Type.String({
      minLength: 1,
      maxLength: 300,
      default: 'sync-device.json',
      description: 'Device identity issued at provisioning (id, store, Ed25519 private key, head office public key); relative paths are in the data directory.',
    }),
    pushBatchRecords: Type.Integer({ minimum: 1, maximum: 1000, default: 250 }),
    /** Batches pushed in one round before the agent lets other work (pull) run. */
    pushBatchesPerRound: Type.Integer({ minimum: 1, maximum: 1000, default: 40 }),
    pullPageSize: Type.Integer({ minimum: 1, maximum: 5000, default: 1000 }),
    pullIntervalSeconds: Type.Integer({ minimum: 5, maximum: 86_400, default: 60 }),
    /** How long the agent sleeps when it has nothing to send (a new commit wakes it earlier). */
    idleIntervalSeconds: Type.Integer({ minimum: 1, maximum: 3600, default: 15 }),
    requestTimeoutSeconds: Type.Integer({ minimum: 1, maximum: 300, default: 20 }),
    cardLookupTimeoutMs: Type.Integer({ minimum: 100, maximum: 30_000, default: 2500 }),
    backoff: Type.Object(
      {
        initialMs: Type.Integer({ minimum: 10, maximum: 60_000, default: 1000 }),
        maxMs: Type.Integer({ minimum: 100, maximum: 3_600_000, default: 300_000 }),
        /** Each delay is drawn from [(1 - jitter) * d, d]. */
        jitter: Type.Number({ minimum: 0, maximum: 1, default: 0.5 }),
      },
      { additionalProperties: false, default: {} },
    ),
    offline: Type.Object(
      {
        /** Points a card may spend in total while the head office is unreachable. */
        allowancePoints: Type.Integer({ minimum: 0, maximum: 1e12, default: 1000 }),
        /** Rials (credit, gift cards) a card may spend while the head office is unreachable. */
        allowanceRial: Type.Integer({ minimum: 0, maximum: 1e15, default: 0 }),
        /** The head office counts as reachable this long after the last successful exchange. */
        onlineWindowSeconds: Type.Integer({ minimum: 5, maximum: 86_400, default: 180 }),
        /** Bound on cards tracked while offline; beyond it offline spends are refused. */
        trackedCardsMax: Type.Integer({ minimum: 10, maximum: 1_000_000, default: 20_000 }),
      },
      { additionalProperties: false, default: {} },
    ),
    alarms: Type.Object(
      {
        /** Unsynced journal records above which the outbox alarm shows. */
        outboxRecords: Type.Integer({ minimum: 1, maximum: 100_000_000, default: 50_000 }),
        /** Hours without a successful exchange before the offline alarm shows. */
        offlineHours: Type.Integer({ minimum: 1, maximum: 24 * 365, default: 24 }),
      },
      { additionalProperties: false, default: {} },
    ),
    /** Bound on the pulled member/card cache kept on the kiosk. */
    cacheMembersMax: Type.Integer({ minimum: 0, maximum: 5_000_000, default: 200_000 }),
  },
  { additionalProperties: false, default: {} },
);

export type SyncAgentConfig = Static<typeof SyncAgentConfigSchema>;
