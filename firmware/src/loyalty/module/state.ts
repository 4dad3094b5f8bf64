import type { LoyaltyRules } from '../config.js';
import type { PointLot } from '../expiry/lots.js';

/**
 * The loyalty slice of the ledger: everything about points that must survive a restart and
 * reach the head office. Values are immutable: handlers replace them through `ctx.undo`.
 */
export const LOYALTY_MODULE = 'loyalty';

/** Points a receipt caused for one member (the buyer, or a referrer). */
export interface Grant {
  memberId: string;
  points: number;
  reason: 'earn' | 'first-purchase' | 'referral' | 'referral-welcome';
}

export interface Purchase {
  receiptId: string;
  memberId: string;
  amountRial: number;
  /** When the purchase happened (the POS's time for a purchase queued offline). */
  atMs: number;
  releaseAtMs: number;
  /** Purchase points after multipliers, before the daily cap. */
  computedPoints: number;
  /** Purchase points after the cap (the `earn` grant). */
  earnedPoints: number;
  campaignId?: string;
  tierId: string;
  grants: Grant[];
  /** Partial refunds so far: Rial returned and purchase points taken back. */
  refunded?: { rial: number; points: number };
  voided?: { atMs: number; shortfalls: Array<{ memberId: string; points: number }> };
}

export interface PendingEntry {
  receiptId: string;
  points: number;
  reason: Grant['reason'];
  earnedAtMs: number;
  releaseAtMs: number;
}

export interface MemberLoyalty {
  purchaseCount: number;
  firstPurchaseAtMs?: number;
  lastPurchaseAtMs?: number;
  /** Purchase points inside the tier window (older entries are dropped on write). */
  history: Array<{ atMs: number; points: number; receiptId: string }>;
  /** Purchase points per local day (`key`), for the daily cap; the last few days, newest last. */
  days: Array<{ key: string; points: number }>;
  lots: PointLot[];
  pending: PendingEntry[];
  /** Points a void could not take back (the balance was spent): collected from later grants. */
  owedPoints: number;
  profileBonusGiven: boolean;
  referralCode?: string;
  referredBy?: string;
  referralsCompleted: number;
  /** Occasion keys granted (`birthday:1405`), pruned to the current and previous year. */
  occasions: string[];
  lastSurveyAtMs?: number;
  lastGameDay?: string;
}

export interface Voucher {
  code: string;
  memberId?: string;
  rewardId: string;
  title: string;
  deviceId: string;
  payload?: string;
  issuedAtMs?: number;
  expiresAtMs: number;
  requestId?: string;
  state: 'issued' | 'redeemed';
  redeemed?: { atMs: number; receiptId: string };
  /** Issued by another device and first seen here when it was redeemed. */
  foreign?: boolean;
}

export interface Lottery {
  id: string;
  title: string;
  seedHash: string;
  closesAtMs: number;
  ticketCostPoints: number;
  maxTicketsPerMember: number;
  prizes: Array<{ title: string; points: number }>;
  /** Ticket number (index) → member id, in purchase order. */
  tickets: string[];
  seed?: string;
  cancelledAtMs?: number;
  winners?: Array<{ prizeIndex: number; ticket: number; memberId: string }>;
}

export interface SurveyTotals {
  responses: number;
  csatSum: number;
  promoters: number;
  passives: number;
  detractors: number;
}

export interface LoyaltyState {
  rules?: LoyaltyRules;
  rulesHash?: string;
  members: Map<string, MemberLoyalty>;
  purchases: Map<string, Purchase>;
  vouchers: Map<string, Voucher>;
  voucherByRequest: Map<string, string>;
  referralCodes: Map<string, string>;
  lotteries: Map<string, Lottery>;
  /** Points given by the daily game on the local day `key`, for the budget. */
  gameDay: Map<'current', { key: string; spentPoints: number }>;
  survey: Map<'totals', SurveyTotals>;
}

export const emptyMemberLoyalty = (): MemberLoyalty => ({
  purchaseCount: 0,
  history: [],
  days: [],
  lots: [],
  pending: [],
  owedPoints: 0,
  profileBonusGiven: false,
  referralsCompleted: 0,
  occasions: [],
});

export function initialLoyaltyState(): LoyaltyState {
  return {
    members: new Map(),
    purchases: new Map(),
    vouchers: new Map(),
    voucherByRequest: new Map(),
    referralCodes: new Map(),
    lotteries: new Map(),
    gameDay: new Map(),
    survey: new Map(),
  };
}

const MAP_FIELDS = ['members', 'purchases', 'vouchers', 'voucherByRequest', 'referralCodes', 'lotteries', 'gameDay', 'survey'] as const;

export function loyaltyToSnapshot(state: LoyaltyState): unknown {
  const out: Record<string, unknown> = { rules: state.rules, rulesHash: state.rulesHash };
  for (const field of MAP_FIELDS) out[field] = [...(state[field] as Map<string, unknown>).entries()];
  return out;
}

export function loyaltyFromSnapshot(data: unknown): LoyaltyState {
  const input = (data ?? {}) as Record<string, unknown>;
  const state = initialLoyaltyState();
  if (input.rules !== undefined) state.rules = input.rules as LoyaltyRules;
  if (typeof input.rulesHash === 'string') state.rulesHash = input.rulesHash;
  for (const field of MAP_FIELDS) {
    const entries = input[field];
    if (!Array.isArray(entries)) continue;
    const map = state[field] as Map<string, unknown>;
    for (const entry of entries as Array<[string, unknown]>) map.set(entry[0], entry[1]);
  }
  return state;
}
