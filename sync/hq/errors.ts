/** Errors the head office answers with: a stable code, an HTTP status and a message. */
export type HqErrorCode =
  | 'BAD_SIGNATURE'
  | 'STALE_TIMESTAMP'
  | 'REPLAYED_NONCE'
  | 'UNKNOWN_DEVICE'
  | 'DEVICE_REVOKED'
  | 'DEVICE_MISMATCH'
  | 'CHAIN_BROKEN'
  | 'CHAIN_FORK'
  | 'NOT_FOUND'
  | 'VERSION_CONFLICT'
  | 'BAD_REQUEST'
  | 'UNAUTHORIZED'
  | 'DEVICE_EXISTS'
  | 'FORBIDDEN'
  | 'LOCKED_OUT'
  | 'MERGE_REFUSED'
  | 'LOTTERY_REFUSED';

const STATUS: Record<HqErrorCode, number> = {
  BAD_SIGNATURE: 401,
  STALE_TIMESTAMP: 401,
  REPLAYED_NONCE: 401,
  UNKNOWN_DEVICE: 401,
  DEVICE_REVOKED: 403,
  DEVICE_MISMATCH: 403,
  CHAIN_BROKEN: 409,
  CHAIN_FORK: 409,
  NOT_FOUND: 404,
  VERSION_CONFLICT: 409,
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  DEVICE_EXISTS: 409,
  FORBIDDEN: 403,
  LOCKED_OUT: 429,
  MERGE_REFUSED: 409,
  LOTTERY_REFUSED: 409,
};

export class HqError extends Error {
  readonly statusCode: number;
  constructor(
    readonly code: HqErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'HqError';
    this.statusCode = STATUS[code];
  }
}
