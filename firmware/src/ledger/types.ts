/**
 * The ledger's vocabulary. Everything that changes the kiosk's books is a *commit*: a list of
 * operations applied atomically, journaled as one record, and acknowledged only once that
 * record is on disk. Operations are plain data so that a commit can be replayed from the
 * journal (and shipped to the head office) and give the same state every time.
 */

/** When something happened, and whether the clock could be trusted at that moment. */
export interface Timestamp {
  /** Milliseconds since the Unix epoch, read when the event happened. */
  atMs: number;
  /** False while the clock has not been synchronised since boot (a Pi has no battery clock). */
  clockSynced: boolean;
}

/** Who asked for a change: shown in the audit trail. */
export interface Actor {
  kind: 'pos' | 'staff' | 'technician' | 'kiosk' | 'system' | 'sync';
  /** Token name, staff member id, or a subsystem name. Never a card number or phone. */
  id: string;
}

/** Points and Rials are never mixed in one transfer. */
export type Unit = 'points' | 'rial';

/**
 * Account ids are structured strings:
 * - `member:<memberId>:points`  spendable points (never below zero)
 * - `member:<memberId>:<other>` other member balances, e.g. `pending` points, `credit` Rials
 * - `card:<cardId>:gift`        a gift ("bon") card's stored Rial balance
 * - `club:<name>`               the club's own accounts (`earned`, `redeemed`, `expired`,
 *                                `adjusted`, ...), which may go negative: they are the other
 *                                side of every movement, so the sum over all accounts is zero.
 */
export type AccountId = string;

export const memberAccount = (memberId: string, purpose = 'points'): AccountId => `member:${memberId}:${purpose}`;
export const clubAccount = (name: string): AccountId => `club:${name}`;
export const isClubAccount = (account: AccountId): boolean => account.startsWith('club:');

export type CardKind = 'member' | 'discount' | 'gift' | 'credit' | 'staff';
export type CardStatus = 'active' | 'blocked';

export interface Member {
  id: string;
  name: string;
  /** Normalised Iranian mobile number, 11 ASCII digits starting with 09. */
  phone: string;
  /** ISO dates (Gregorian, YYYY-MM-DD); the UI shows them as Jalali. */
  birthday?: string;
  anniversary?: string;
  smsConsent: boolean;
  interests?: string[];
  /** The store where the member enrolled. */
  storeId: string;
  createdAt: Timestamp;
  updatedAt: Timestamp;
}

export interface Card {
  /**
   * Normalised card id from the hardware layer, e.g. `nfc:04A1B2C3D4E5F6`, `rc522:A1B2C3D4`,
   * `mag:<sha256 hex>`, `wedge:0012345678`. Magstripe numbers arrive already hashed.
   */
  id: string;
  memberId: string;
  kind: CardKind;
  status: CardStatus;
  linkedAt: Timestamp;
  blockedAt?: Timestamp;
  blockReason?: string;
  /** The card that replaced this one when it was blocked as lost. */
  replacedBy?: string;
}

export interface Transfer {
  /** `<commitId>#<operation index>`: unique, and stable across replays. */
  id: string;
  debit: AccountId;
  credit: AccountId;
  /** Positive integer, in `unit`. */
  amount: number;
  unit: Unit;
  /** Why the points moved: earn, redeem, expire, adjust, void, bonus, transfer, ... */
  reason: string;
  memo?: string;
  /** Links to the domain object that caused it (receipt id, voucher code, ...). */
  ref?: Record<string, string>;
  at: Timestamp;
}

// ---- Operations -------------------------------------------------------------------------

export interface CreateMemberOp {
  op: 'member.create';
  memberId: string;
  name: string;
  phone: string;
  birthday?: string;
  anniversary?: string;
  smsConsent: boolean;
  interests?: string[];
  storeId: string;
}

export interface UpdateMemberOp {
  op: 'member.update';
  memberId: string;
  patch: Partial<Pick<Member, 'name' | 'phone' | 'birthday' | 'anniversary' | 'smsConsent' | 'interests'>>;
}

export interface LinkCardOp {
  op: 'card.link';
  cardId: string;
  memberId: string;
  kind: CardKind;
}

export interface BlockCardOp {
  op: 'card.block';
  cardId: string;
  reason: string;
  replacedBy?: string;
}

export interface TransferOp {
  op: 'transfer';
  debit: AccountId;
  credit: AccountId;
  amount: number;
  unit: Unit;
  reason: string;
  memo?: string;
  ref?: Record<string, string>;
}

export type CoreOp = CreateMemberOp | UpdateMemberOp | LinkCardOp | BlockCardOp | TransferOp;

/**
 * Any operation: the core ones above, or one registered by a ledger module (loyalty,
 * vouchers, staff, ...). Modules validate their own operations' shapes.
 */
export interface Op {
  op: string;
  [field: string]: unknown;
}

export interface CommitRequest {
  /**
   * Caller-chosen idempotency key. The same id with the same operations returns the first
   * result; the same id with different operations is refused (IDEMPOTENCY_CONFLICT).
   */
  id: string;
  actor: Actor;
  ops: Op[];
}

/** What a journal record holds (its sequence number and hash chain live in the frame). */
export interface CommitRecord {
  id: string;
  actor: Actor;
  at: Timestamp;
  ops: Op[];
  /**
   * SHA-256 (first 128 bits, hex) of the canonical JSON of `ops`: how a repeated id is told
   * apart from a reused one.
   */
  fingerprint?: string;
  /** What each operation returned, so a repeated request gets the same answer. */
  results?: unknown[];
  /**
   * Every transfer the commit made, including those made by module operations (a purchase
   * earning points): the head office keeps the books from these without knowing the modules.
   */
  postings?: Array<Omit<Transfer, 'at'>>;
}

export interface CommitResult {
  id: string;
  /** The journal sequence number of the record. */
  seq: number;
  at: Timestamp;
  /** One result per operation, as returned by its handler. */
  results: unknown[];
  /** True when this is the stored result of an earlier commit with the same id. */
  replayed: boolean;
}

/** Results of this many recent commits are kept in memory (and in the snapshot). */
export const RECENT_RESULTS = 10_000;

/** Errors a caller can act on, each with a stable code. */
export type LedgerErrorCode =
  | 'INVALID_OPERATION'
  | 'UNKNOWN_OPERATION'
  | 'IDEMPOTENCY_CONFLICT'
  | 'INSUFFICIENT_BALANCE'
  | 'UNKNOWN_MEMBER'
  | 'MEMBER_EXISTS'
  | 'PHONE_IN_USE'
  | 'UNKNOWN_CARD'
  | 'CARD_IN_USE'
  | 'CARD_BLOCKED'
  | 'STORAGE_FAILED'
  | 'LEDGER_CLOSED'
  | (string & {});

export class LedgerError extends Error {
  constructor(
    readonly code: LedgerErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'LedgerError';
  }
}
