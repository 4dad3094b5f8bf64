/**
 * Every error the HTTP API and the WebSocket protocol can return, in one catalogue: a stable
 * code, the HTTP status it maps to, and a default message. Integrators switch on `code`;
 * `message` is for people.
 */
export const ERROR_CATALOGUE = {
  BAD_REQUEST: { status: 400, message: 'The request is malformed.' },
  VALIDATION_FAILED: { status: 400, message: 'A field is missing, unknown or malformed.' },
  INVALID_PHONE: { status: 400, message: 'The mobile number is not a valid Iranian mobile number.' },
  UNAUTHORIZED: { status: 401, message: 'A bearer token is required.' },
  FORBIDDEN: { status: 403, message: 'This token may not do that.' },
  MEMBER_NOT_FOUND: { status: 404, message: 'No such member.' },
  CARD_NOT_FOUND: { status: 404, message: 'No member holds this card.' },
  PURCHASE_NOT_FOUND: { status: 404, message: 'No purchase with this receipt id.' },
  VOUCHER_NOT_FOUND: { status: 404, message: 'No such voucher, or its code is not genuine.' },
  ROUTE_NOT_FOUND: { status: 404, message: 'No such endpoint.' },
  PHONE_IN_USE: { status: 409, message: 'Another member already has this mobile number.' },
  CARD_IN_USE: { status: 409, message: 'This card already belongs to a member.' },
  CARD_BLOCKED: { status: 409, message: 'This card is blocked.' },
  RECEIPT_CONFLICT: { status: 409, message: 'This receipt id was already used for a different purchase.' },
  PURCHASE_VOIDED: { status: 409, message: 'This purchase was voided.' },
  VOUCHER_REDEEMED: { status: 409, message: 'This voucher was already redeemed.' },
  INSUFFICIENT_POINTS: { status: 409, message: 'Not enough points.' },
  VOUCHER_EXPIRED: { status: 410, message: 'This voucher has expired.' },
  PAYLOAD_TOO_LARGE: { status: 413, message: 'The request body is too large.' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'Send JSON (Content-Type: application/json).' },
  RATE_LIMITED: { status: 429, message: 'Too many requests; try again shortly.' },
  STAFF_LOCKED: { status: 423, message: 'This staff member is locked after too many wrong PINs.' },
  WRONG_PIN: { status: 401, message: 'Wrong PIN.' },
  NOT_IN_SESSION: { status: 409, message: 'That is not possible on this screen.' },
  ALREADY_DONE_TODAY: { status: 409, message: 'Already played or answered in this period.' },
  SERVICE_UNAVAILABLE: { status: 503, message: 'The service is starting or stopping.' },
  STORAGE_FAILED: { status: 503, message: 'The change could not be saved; nothing was changed.' },
  INTERNAL: { status: 500, message: 'Something went wrong; it has been logged.' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

/** An error a client can act on. Thrown anywhere; turned into `{error: {code, message}}`. */
export class ApiError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message?: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message ?? ERROR_CATALOGUE[code].message);
    this.name = 'ApiError';
    this.status = ERROR_CATALOGUE[code].status;
  }

  toBody(): ErrorBody {
    const error: ErrorBody['error'] = { code: this.code, message: this.message };
    if (this.details) error.details = this.details;
    return { error };
  }
}

export interface ErrorBody {
  error: { code: string; message: string; details?: Record<string, unknown> };
}

/** Ledger and loyalty error codes mapped onto the catalogue (unknown ones become INTERNAL). */
const DOMAIN_CODES: Record<string, ErrorCode> = {
  UNKNOWN_MEMBER: 'MEMBER_NOT_FOUND',
  PHONE_IN_USE: 'PHONE_IN_USE',
  UNKNOWN_CARD: 'CARD_NOT_FOUND',
  CARD_IN_USE: 'CARD_IN_USE',
  CARD_BLOCKED: 'CARD_BLOCKED',
  INSUFFICIENT_BALANCE: 'INSUFFICIENT_POINTS',
  INSUFFICIENT_POINTS: 'INSUFFICIENT_POINTS',
  IDEMPOTENCY_CONFLICT: 'RECEIPT_CONFLICT',
  STORAGE_FAILED: 'STORAGE_FAILED',
  LEDGER_CLOSED: 'SERVICE_UNAVAILABLE',
  VOUCHER_NOT_FOUND: 'VOUCHER_NOT_FOUND',
  VOUCHER_UNKNOWN: 'VOUCHER_NOT_FOUND',
  UNKNOWN_REWARD: 'NOT_IN_SESSION',
  TIER_TOO_LOW: 'INSUFFICIENT_POINTS',
  NOT_CONFIGURED: 'SERVICE_UNAVAILABLE',
  GAME_ALREADY_PLAYED: 'ALREADY_DONE_TODAY',
  SURVEY_NOT_DUE: 'ALREADY_DONE_TODAY',
  UNKNOWN_STAFF: 'FORBIDDEN',
  UNKNOWN_VOUCHER: 'VOUCHER_NOT_FOUND',
  VOUCHER_FORGED: 'VOUCHER_NOT_FOUND',
  FORGED_VOUCHER: 'VOUCHER_NOT_FOUND',
  INVALID_VOUCHER: 'VOUCHER_NOT_FOUND',
  VOUCHER_REDEEMED: 'VOUCHER_REDEEMED',
  VOUCHER_ALREADY_REDEEMED: 'VOUCHER_REDEEMED',
  ALREADY_REDEEMED: 'VOUCHER_REDEEMED',
  VOUCHER_EXPIRED: 'VOUCHER_EXPIRED',
  EXPIRED: 'VOUCHER_EXPIRED',
  UNKNOWN_PURCHASE: 'PURCHASE_NOT_FOUND',
  PURCHASE_NOT_FOUND: 'PURCHASE_NOT_FOUND',
  PURCHASE_VOIDED: 'PURCHASE_VOIDED',
  ALREADY_VOIDED: 'PURCHASE_VOIDED',
  RECEIPT_CONFLICT: 'RECEIPT_CONFLICT',
};

/** Converts anything thrown by the domain (LedgerError-like: has a string `code`) to an ApiError. */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && code in DOMAIN_CODES) {
    const mapped = DOMAIN_CODES[code]!;
    // Domain messages are written for people and carry no personal data; keep them.
    return new ApiError(mapped, (error as Error).message || undefined);
  }
  return new ApiError('INTERNAL');
}
