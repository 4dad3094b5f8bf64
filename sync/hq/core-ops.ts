import { Type, type Static } from 'typebox';
import { Ajv, type ValidateFunction } from 'ajv';

/**
 * The shapes of the ledger's core operations (firmware/src/ledger/types.ts), checked before
 * the head office applies them. The kiosk already validated them against its own state; a
 * record whose op does not fit is kept in the journal and listed as unapplied, never dropped.
 */
const Text = (maxLength = 400) => Type.String({ maxLength });
const Amount = Type.Integer({ minimum: 1, maximum: 1e15 });
const Unit = Type.Union([Type.Literal('points'), Type.Literal('rial')]);

export const CoreOpSchemas = {
  'member.create': Type.Object({
    op: Type.Literal('member.create'),
    memberId: Text(200),
    name: Text(),
    phone: Text(40),
    birthday: Type.Optional(Text(20)),
    anniversary: Type.Optional(Text(20)),
    smsConsent: Type.Boolean(),
    interests: Type.Optional(Type.Array(Text(100), { maxItems: 100 })),
    storeId: Text(64),
  }),
  'member.update': Type.Object({
    op: Type.Literal('member.update'),
    memberId: Text(200),
    patch: Type.Object({
      name: Type.Optional(Text()),
      phone: Type.Optional(Text(40)),
      birthday: Type.Optional(Text(20)),
      anniversary: Type.Optional(Text(20)),
      smsConsent: Type.Optional(Type.Boolean()),
      interests: Type.Optional(Type.Array(Text(100), { maxItems: 100 })),
    }),
  }),
  'card.link': Type.Object({ op: Type.Literal('card.link'), cardId: Text(200), memberId: Text(200), kind: Text(20) }),
  'card.block': Type.Object({ op: Type.Literal('card.block'), cardId: Text(200), reason: Text(), replacedBy: Type.Optional(Text(200)) }),
  transfer: Type.Object({
    op: Type.Literal('transfer'),
    debit: Text(300),
    credit: Text(300),
    amount: Amount,
    unit: Unit,
    reason: Text(64),
    memo: Type.Optional(Text()),
    ref: Type.Optional(Type.Record(Type.String(), Type.String())),
  }),
};

export type CoreOpName = keyof typeof CoreOpSchemas;
export type MemberCreate = Static<(typeof CoreOpSchemas)['member.create']>;
export type MemberUpdate = Static<(typeof CoreOpSchemas)['member.update']>;
export type CardLink = Static<(typeof CoreOpSchemas)['card.link']>;
export type CardBlock = Static<(typeof CoreOpSchemas)['card.block']>;
export type TransferOp = Static<(typeof CoreOpSchemas)['transfer']>;

const ajv = new Ajv({ strict: false });
const validators = new Map<string, ValidateFunction>(
  Object.entries(CoreOpSchemas).map(([name, schema]) => [name, ajv.compile(schema)]),
);

export function isCoreOpName(name: string): name is CoreOpName {
  return validators.has(name);
}

/** Null when the op fits its schema, otherwise a short description of the first problem. */
export function coreOpProblem(op: { op: string }): string | null {
  const validate = validators.get(op.op);
  if (!validate) return 'unknown operation';
  if (validate(op)) return null;
  const error = validate.errors?.[0];
  return `${error?.instancePath || '/'} ${error?.message ?? 'is invalid'}`;
}

/** `member:<memberId>:<purpose>` → memberId; undefined for other accounts. */
export function memberOfAccount(account: string): string | undefined {
  if (!account.startsWith('member:')) return undefined;
  const last = account.lastIndexOf(':');
  return last > 'member:'.length ? account.slice('member:'.length, last) : undefined;
}

/** Member and card accounts never go below zero on a kiosk; at the head office that is a conflict. */
export const mustStayNonNegative = (account: string): boolean => account.startsWith('member:') || account.startsWith('card:');
