/**
 * The analysis input: a plain snapshot of what the head office has materialised, so every
 * analysis here is a pure function of it (testable on generated histories, no database).
 */
export interface Purchase {
  atMs: number;
  amountRial: number;
  storeId: string;
  receiptId: string;
  /** Campaign the purchase was made under, when the kiosk knew one applied. */
  campaignId?: string;
}

export interface Redemption {
  atMs: number;
  points: number;
  storeId: string;
  rewardId: string;
}

export interface SurveyAnswer {
  atMs: number;
  /** Customer satisfaction, 1..5. */
  csat?: number;
  /** Would you recommend us, 0..10. */
  recommend?: number;
}

export interface OfferSent {
  atMs: number;
  offerId: string;
  /** When the member used it; absent when it went unanswered. */
  usedAtMs?: number;
}

export interface MemberHistory {
  id: string;
  storeId: string;
  enrolledAtMs: number;
  purchases: Purchase[];
  redemptions: Redemption[];
  surveys: SurveyAnswer[];
  offers: OfferSent[];
}

export interface CardTap {
  atMs: number;
  storeId: string;
}

export interface CardHistory {
  id: string;
  memberId: string;
  taps: CardTap[];
}

export interface StaffAdjustment {
  staffId: string;
  memberId: string;
  points: number;
  atMs: number;
}

/** An offline spend the head office could not apply as the kiosk did (from `conflicts`). */
export interface SyncConflict {
  id: string;
  deviceId: string;
  memberId?: string;
  cardId?: string;
  kind: string;
  atMs: number;
  points?: number;
}

export interface ClubHistory {
  members: MemberHistory[];
  cards: CardHistory[];
  adjustments: StaffAdjustment[];
  conflicts: SyncConflict[];
}

export const DAY_MS = 86_400_000;
