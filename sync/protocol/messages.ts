import { Type, type Static } from 'typebox';
import { DeviceStatusReportSchema, DirectiveSchema, DIRECTIVES_PER_PULL_MAX } from './directives.js';

/**
 * Every message between a kiosk and the head office. Both ends validate against these
 * schemas (the head office through fastify's Ajv, the agent through `validate.ts`), so a
 * malformed or oversized message is refused before it touches any state.
 */
export const PROTOCOL_VERSION = 1;
export const PUSH_BATCH_MAX = 1000;
export const OPS_PER_RECORD_MAX = 1000;

const Id = Type.String({ minLength: 1, maxLength: 200 });
export const DeviceIdSchema = Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,62}$' });
const Hash = Type.String({ minLength: 1, maxLength: 200 });

export const TimestampSchema = Type.Object(
  { atMs: Type.Integer({ minimum: 0 }), clockSynced: Type.Boolean() },
  { additionalProperties: false },
);

export const ActorSchema = Type.Object(
  {
    kind: Type.Union([
      Type.Literal('pos'),
      Type.Literal('staff'),
      Type.Literal('technician'),
      Type.Literal('kiosk'),
      Type.Literal('system'),
      Type.Literal('sync'),
    ]),
    id: Type.String({ minLength: 1, maxLength: 120 }),
  },
  { additionalProperties: false },
);

/** Operations are open: modules add their own. Only the name is checked here. */
export const OpSchema = Type.Object({ op: Type.String({ minLength: 1, maxLength: 80 }) }, { additionalProperties: true });

export const CommitRecordSchema = Type.Object(
  {
    id: Id,
    actor: ActorSchema,
    at: TimestampSchema,
    ops: Type.Array(OpSchema, { maxItems: OPS_PER_RECORD_MAX }),
    /** SHA-256 of the canonical ops, the ledger's idempotency check. */
    fingerprint: Type.Optional(Type.String({ maxLength: 128 })),
    /** What each op returned on the kiosk. */
    results: Type.Optional(Type.Array(Type.Unknown(), { maxItems: OPS_PER_RECORD_MAX })),
  },
  // Open: the record is hashed as the kiosk wrote it, so fields added by a newer ledger must pass through.
  { additionalProperties: true },
);

/** A journal record as the ledger's `readRecords` returns it: the frame plus the record. */
export const JournalEntrySchema = Type.Object(
  {
    seq: Type.Integer({ minimum: 1 }),
    hash: Hash,
    prevHash: Type.String({ maxLength: 200 }),
    record: CommitRecordSchema,
  },
  { additionalProperties: false },
);
export type WireJournalEntry = Static<typeof JournalEntrySchema>;

export const PushRequestSchema = Type.Object(
  {
    deviceId: DeviceIdSchema,
    entries: Type.Array(JournalEntrySchema, { minItems: 1, maxItems: PUSH_BATCH_MAX }),
  },
  { additionalProperties: false },
);
export type PushRequest = Static<typeof PushRequestSchema>;

export const PushResponseSchema = Type.Object(
  {
    deviceId: DeviceIdSchema,
    /** Every record with seq <= highWaterMark is stored at the head office. */
    highWaterMark: Type.Integer({ minimum: 0 }),
    stored: Type.Integer({ minimum: 0 }),
    duplicates: Type.Integer({ minimum: 0 }),
    /** Records after a gap, sent again later by the agent once the gap is filled. */
    deferred: Type.Integer({ minimum: 0 }),
  },
  { additionalProperties: false },
);
export type PushResponse = Static<typeof PushResponseSchema>;

export const SyncStateResponseSchema = Type.Object(
  { deviceId: DeviceIdSchema, storeId: Type.String(), highWaterMark: Type.Integer({ minimum: 0 }), serverTimeMs: Type.Integer() },
  { additionalProperties: false },
);
export type SyncStateResponse = Static<typeof SyncStateResponseSchema>;

// ---- Pull -------------------------------------------------------------------------------

export const PullRequestSchema = Type.Object(
  {
    /** Members and cards changed after this revision are returned (0: everything). */
    afterRevision: Type.Integer({ minimum: 0, default: 0 }),
    limit: Type.Integer({ minimum: 1, maximum: 5000, default: 1000 }),
    /** The versions of the documents the kiosk already has, by kind. */
    documentVersions: Type.Record(Type.String({ maxLength: 64 }), Type.Integer({ minimum: 0 }), { default: {} }),
    /** The kiosk's status for the fleet view (absent from older kiosks). */
    status: Type.Optional(DeviceStatusReportSchema),
  },
  { additionalProperties: false },
);
export type PullRequest = Static<typeof PullRequestSchema>;

export const MemberViewSchema = Type.Object({
  id: Type.String(),
  storeId: Type.String(),
  name: Type.String(),
  phone: Type.String(),
  birthday: Type.Union([Type.String(), Type.Null()]),
  anniversary: Type.Union([Type.String(), Type.Null()]),
  smsConsent: Type.Boolean(),
  interests: Type.Array(Type.String()),
  createdAtMs: Type.Integer(),
  updatedAtMs: Type.Integer(),
  /** Balances by account purpose (`points`, `credit`, ...). */
  balances: Type.Record(Type.String(), Type.Integer()),
  revision: Type.Integer(),
});
export type MemberView = Static<typeof MemberViewSchema>;

export const CardViewSchema = Type.Object({
  id: Type.String(),
  memberId: Type.String(),
  kind: Type.String(),
  status: Type.String(),
  linkedAtMs: Type.Integer(),
  blockedAtMs: Type.Union([Type.Integer(), Type.Null()]),
  blockReason: Type.Union([Type.String(), Type.Null()]),
  replacedBy: Type.Union([Type.String(), Type.Null()]),
  revision: Type.Integer(),
});
export type CardView = Static<typeof CardViewSchema>;

/** Configuration, earning rules, campaigns, the reward catalogue: opaque versioned JSON. */
export const DOCUMENT_KINDS = ['config', 'earning-rules', 'campaigns', 'reward-catalogue'] as const;
/** The kiosk's whole `loyalty` config section, published by the head office's rules editor and applied by kiosks. */
export const LOYALTY_DOCUMENT_KIND = 'loyalty';
export const DocumentSchema = Type.Object({
  kind: Type.String({ pattern: '^[a-z][a-z0-9-]{0,63}$' }),
  version: Type.Integer({ minimum: 1 }),
  body: Type.Unknown(),
  updatedAtMs: Type.Integer(),
});
export type SyncDocument = Static<typeof DocumentSchema>;

export const PullResponseSchema = Type.Object({
  storeId: Type.String(),
  members: Type.Array(MemberViewSchema),
  cards: Type.Array(CardViewSchema),
  /** Blocked cards of the whole chain changed after `afterRevision`. */
  blockedCards: Type.Array(Type.String()),
  documents: Type.Array(DocumentSchema),
  /** Head-office directives for this kiosk, oldest first, until it reports them done (absent from older head offices). */
  directives: Type.Array(DirectiveSchema, { maxItems: DIRECTIVES_PER_PULL_MAX, default: [] }),
  /** Pass as `afterRevision` next time; `more` says whether to ask again right away. */
  nextRevision: Type.Integer({ minimum: 0 }),
  more: Type.Boolean(),
  serverTimeMs: Type.Integer(),
});
export type PullResponse = Static<typeof PullResponseSchema>;

export const CardLookupResponseSchema = Type.Object({
  card: CardViewSchema,
  member: Type.Union([MemberViewSchema, Type.Null()]),
});
export type CardLookupResponse = Static<typeof CardLookupResponseSchema>;

export const ErrorResponseSchema = Type.Object({
  code: Type.String(),
  message: Type.String(),
});
export type ErrorResponse = Static<typeof ErrorResponseSchema>;
