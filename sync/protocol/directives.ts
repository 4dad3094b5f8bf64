import { Type, type Static } from 'typebox';

/**
 * Head-office directives as they travel in a pull, the operations a kiosk journals for them,
 * and the status a kiosk reports with every pull. Both ends import these, so the head office
 * books exactly what the kiosk wrote.
 */
export const DIRECTIVES_PER_PULL_MAX = 100;
export const DIRECTIVE_POINTS_MAX = 1_000_000_000;

/** The kiosk commits a directive under this id: the ledger's idempotency makes it happen once. */
export const directiveCommitId = (directiveId: string): string => `hq:${directiveId}`;
/** The directive a kiosk commit carries out, or undefined for any other commit. */
export function directiveIdOfCommit(commitId: string): string | undefined {
  return commitId.startsWith('hq:') ? commitId.slice(3) : undefined;
}

/** Ledger operations of the kiosk's `hq` module (firmware/src/kiosk/directives/module.ts). */
export const MEMBER_MERGE_OP = 'member.merge';
export const DIRECTIVE_REFUSE_OP = 'directive.refuse';

const MemberId = Type.String({ minLength: 1, maxLength: 200 });
const Sha256Hex = Type.String({ pattern: '^[0-9a-f]{64}$' });

/** Head-office lottery rounds: the kiosk's own `lottery.open` / `lottery.draw` ops, with these fields. */
export const LOTTERY_ID_PATTERN = '^[a-z0-9][a-z0-9-]{0,39}$';
export const LOTTERY_PRIZES_MAX = 20;
export const LotteryPrizeSchema = Type.Object(
  { title: Type.String({ minLength: 1, maxLength: 80 }), points: Type.Optional(Type.Integer({ minimum: 0, maximum: DIRECTIVE_POINTS_MAX })) },
  { additionalProperties: false },
);
export const LotteryDirectiveSchema = Type.Object(
  {
    lotteryId: Type.String({ pattern: LOTTERY_ID_PATTERN }),
    /** Open: what the kiosk shows and publishes. */
    title: Type.Optional(Type.String({ minLength: 1, maxLength: 80 })),
    seedHash: Type.Optional(Sha256Hex),
    closesAtMs: Type.Optional(Type.Integer({ minimum: 0 })),
    prizes: Type.Optional(Type.Array(LotteryPrizeSchema, { minItems: 1, maxItems: LOTTERY_PRIZES_MAX })),
    /** Draw: the seed revealed after closing, 32 bytes in lower-case hex. */
    seed: Type.Optional(Sha256Hex),
  },
  { additionalProperties: false },
);
export type LotteryDirective = Static<typeof LotteryDirectiveSchema>;

export const DirectiveSchema = Type.Object(
  {
    id: Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' }),
    kind: Type.Union([Type.Literal('adjust'), Type.Literal('merge'), Type.Literal('lottery.open'), Type.Literal('lottery.draw')]),
    /** Adjust: the member; merge: the survivor; absent for lottery rounds. */
    memberId: Type.Optional(MemberId),
    /** Merge: the duplicate whose cards and balances move to `memberId`. */
    mergedMemberId: Type.Optional(MemberId),
    /** Adjust: signed points, never 0. */
    points: Type.Optional(Type.Integer({ minimum: -DIRECTIVE_POINTS_MAX, maximum: DIRECTIVE_POINTS_MAX })),
    reason: Type.Optional(Type.String({ maxLength: 200 })),
    /** lottery.open / lottery.draw: the round. */
    lottery: Type.Optional(LotteryDirectiveSchema),
    requestedBy: Type.String({ minLength: 1, maxLength: 100 }),
    createdAtMs: Type.Integer({ minimum: 0 }),
  },
  { additionalProperties: false },
);
export type Directive = Static<typeof DirectiveSchema>;

const CheckSchema = Type.Object(
  { state: Type.String({ minLength: 1, maxLength: 20 }), detail: Type.Optional(Type.String({ maxLength: 300 })) },
  { additionalProperties: false },
);
export type StatusCheck = Static<typeof CheckSchema>;

/** What a kiosk says about itself on every pull (its /healthz states), for the fleet view. */
export const DeviceStatusReportSchema = Type.Object(
  {
    softwareVersion: Type.String({ minLength: 1, maxLength: 64 }),
    /** Journal records not yet pushed. */
    queueDepth: Type.Integer({ minimum: 0, maximum: 2_000_000_000 }),
    printer: CheckSchema,
    readers: CheckSchema,
    ledger: CheckSchema,
    uptimeS: Type.Integer({ minimum: 0, maximum: 1e10 }),
    /** The head office `loyalty` document version in force; 0 when the config file's rules apply. */
    rulesVersion: Type.Optional(Type.Integer({ minimum: 0, maximum: 2_000_000_000 })),
  },
  { additionalProperties: false },
);
export type DeviceStatusReport = Static<typeof DeviceStatusReportSchema>;
