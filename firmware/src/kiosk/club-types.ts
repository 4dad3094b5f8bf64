import type { Actor } from '../ledger/types.js';
import type { GameOutcomeView, MemberView, RewardView, StaffMemberView, TierView } from './protocol.js';

/**
 * The club as the kiosk screen and the POS API see it: async functions that take the actor
 * and audit what they change. HTTP routes and WebSocket commands only call into this.
 */
export interface NewMember {
  name: string;
  /** Any form a person types; normalised and validated inside. */
  phone: string;
  birthday?: string;
  anniversary?: string;
  smsConsent?: boolean;
  card?: string;
}

export interface MemberRecord {
  memberId: string;
  name: string;
  phone: string;
  birthday?: string;
  anniversary?: string;
  smsConsent: boolean;
  cards: Array<{ cardId: string; status: 'active' | 'blocked' }>;
  pointsBalance: number;
  tier: TierView;
  createdAtMs: number;
}

/** Who a purchase is for: exactly one of these. */
export type MemberRef = { card: string } | { memberId: string } | { phone: string };

export interface PurchaseResult {
  memberId: string;
  receiptId: string;
  amountRial: number;
  pointsEarned: number;
  balance: number;
  tier: TierView;
}

export interface VoidResult {
  receiptId: string;
  memberId: string;
  pointsReversed: number;
  balance: number;
}

export type VoucherStateName = 'active' | 'redeemed' | 'expired';

export interface VoucherInfo {
  code: string;
  state: VoucherStateName;
  rewardId: string;
  title: { fa: string; en: string };
  expiresAtMs: number;
  redeemedAtMs?: number;
  redeemedReceiptId?: string;
}

export interface IssuedVoucher {
  code: string;
  qrPayload: string;
  expiresAtMs: number;
  reward: RewardView;
  /** The member's view after the points were taken. */
  member: MemberView;
  atMs: number;
}

export type CardLookup =
  | { kind: 'member'; memberId: string }
  | { kind: 'blocked' }
  | { kind: 'unknown' };

export interface Club {
  createMember(input: NewMember, actor: Actor): Promise<MemberRecord>;
  member(memberId: string): MemberRecord;
  memberByCard(cardId: string): MemberRecord;
  memberByPhone(phone: string): MemberRecord;
  searchByName(query: string, limit: number): MemberRecord[];
  recordPurchase(ref: MemberRef, amountRial: number, receiptId: string, actor: Actor): Promise<{ result: PurchaseResult; replayed: boolean }>;
  voidPurchase(receiptId: string, actor: Actor): Promise<VoidResult>;
  voucher(code: string): VoucherInfo;
  redeemVoucher(code: string, receiptId: string, actor: Actor): Promise<VoucherInfo>;

  lookupCard(cardId: string): CardLookup;
  memberView(memberId: string): MemberView;
  staffMemberView(memberId: string): StaffMemberView;
  rewards(memberId: string): RewardView[];
  redeemReward(memberId: string, rewardId: string, requestId: string, actor: Actor): Promise<IssuedVoucher>;
  linkCard(memberId: string, cardId: string, actor: Actor): Promise<void>;
  replaceCard(lostCardId: string, newCardId: string, actor: Actor): Promise<void>;
  adjustPoints(memberId: string, points: number, reason: string, actor: Actor): Promise<number>;
  submitSurvey(memberId: string, answers: { csat: number; nps: number }, actor: Actor): Promise<number>;
  playGame(memberId: string, actor: Actor): Promise<GameOutcomeView>;
}
