import { Type } from 'typebox';

/** Shapes shared by the routes; every route declares its params, body and each response. */
export const ErrorResponse = Type.Object(
  {
    error: Type.Object({
      code: Type.String(),
      message: Type.String(),
      details: Type.Optional(Type.Object({}, { additionalProperties: true })),
    }),
  },
  { $id: 'ErrorResponse', description: '`code` is stable (see the error catalogue); `message` is for people.' },
);

const Localised = Type.Object({ fa: Type.String(), en: Type.String() });
export const Tier = Type.Object({ id: Type.String(), name: Localised });

export const MemberId = Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$', description: 'Member id as returned on creation.' });
export const CardId = Type.String({
  pattern: '^[a-z0-9]{2,8}:[A-Za-z0-9_.-]{1,128}$',
  description: 'Normalised card id, e.g. nfc:04A1B2C3D4E5F6 or em:0012345678.',
});
export const PhoneInput = Type.String({ minLength: 10, maxLength: 20, description: 'Iranian mobile; Persian or Arabic digits, +98 accepted.' });
export const ReceiptId = Type.String({ pattern: '^[A-Za-z0-9_.:-]{1,64}$', description: "The POS's receipt number: the idempotency key." });
export const VoucherCode = Type.String({
  minLength: 4,
  maxLength: 220,
  pattern: '^[A-Za-z0-9._\\-۰-۹٠-٩]+$',
  description: 'The printed code (e.g. K7QX-M2PD-4AB) or the scanned QR payload (BG1.…).',
});
export const IsoDate = Type.String({ pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$', description: 'Gregorian date YYYY-MM-DD.' });

export const Member = Type.Object({
  memberId: Type.String(),
  name: Type.String(),
  phone: Type.String(),
  birthday: Type.Optional(Type.String()),
  anniversary: Type.Optional(Type.String()),
  smsConsent: Type.Boolean(),
  cards: Type.Array(Type.Object({ cardId: Type.String(), status: Type.Union([Type.Literal('active'), Type.Literal('blocked')]) })),
  pointsBalance: Type.Integer(),
  tier: Tier,
  createdAtMs: Type.Integer(),
});

export const NewMemberBody = Type.Object(
  {
    name: Type.String({ minLength: 2, maxLength: 80 }),
    phone: PhoneInput,
    birthday: Type.Optional(IsoDate),
    anniversary: Type.Optional(IsoDate),
    smsConsent: Type.Optional(Type.Boolean()),
    card: Type.Optional(CardId),
  },
  { additionalProperties: false },
);

export const MemberQuery = Type.Object(
  {
    card: Type.Optional(CardId),
    phone: Type.Optional(PhoneInput),
  },
  { additionalProperties: false, minProperties: 1, maxProperties: 1 },
);

const AmountRial = Type.Integer({ minimum: 1, maximum: 100_000_000_000, description: 'Integer Rials.' });

export const PurchaseBody = Type.Object(
  {
    card: Type.Optional(CardId),
    memberId: Type.Optional(MemberId),
    phone: Type.Optional(PhoneInput),
    amountRial: AmountRial,
    receiptId: ReceiptId,
  },
  { additionalProperties: false },
);

export const PurchaseResult = Type.Object({
  memberId: Type.String(),
  receiptId: Type.String(),
  amountRial: Type.Integer(),
  pointsEarned: Type.Integer(),
  balance: Type.Integer(),
  tier: Tier,
});

export const VoidResult = Type.Object({
  receiptId: Type.String(),
  memberId: Type.String(),
  pointsReversed: Type.Integer(),
  balance: Type.Integer(),
});

export const Voucher = Type.Object({
  code: Type.String(),
  state: Type.Union([Type.Literal('active'), Type.Literal('redeemed'), Type.Literal('expired')]),
  rewardId: Type.String(),
  title: Localised,
  expiresAtMs: Type.Integer(),
  redeemedAtMs: Type.Optional(Type.Integer()),
  redeemedReceiptId: Type.Optional(Type.String()),
});

export const RedeemBody = Type.Object({ code: VoucherCode, receiptId: ReceiptId }, { additionalProperties: false });

/** The error responses a route can give, for its `response` schema. */
export function errors(...statuses: number[]): Record<number, typeof ErrorResponse> {
  return Object.fromEntries(statuses.map((status) => [status, ErrorResponse]));
}
