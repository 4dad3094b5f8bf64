import { DAY_MS, type CardHistory, type ClubHistory, type MemberHistory, type StaffAdjustment } from './types.js';

/**
 * Seeded generators of club histories whose right answers are known, for tests and
 * benchmarks. Every member shops on a regular rhythm with some jitter; scenarios bend that.
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    // mulberry32
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export interface RegularMemberOptions {
  id: string;
  storeId: string;
  fromMs: number;
  toMs: number;
  gapDays: number;
  amountRial: number;
  /** Stop shopping at this time (a member who stopped coming). */
  stopAtMs?: number;
  /** Multiply spend inside this window (a campaign that works). */
  boost?: { startMs: number; endMs: number; visitFactor: number };
}

export function regularMember(random: () => number, options: RegularMemberOptions): MemberHistory {
  const purchases: MemberHistory['purchases'] = [];
  let atMs = options.fromMs + Math.floor(random() * options.gapDays * DAY_MS);
  let n = 0;
  while (atMs < options.toMs && (options.stopAtMs === undefined || atMs < options.stopAtMs)) {
    // Integer Rials, rounded to 1000 like real prices, ±20% around the member's usual basket.
    const amountRial = Math.round((options.amountRial * (0.8 + 0.4 * random())) / 1000) * 1000;
    purchases.push({ atMs, amountRial, storeId: options.storeId, receiptId: `${options.id}-r${n++}` });
    const inBoost = options.boost && atMs >= options.boost.startMs && atMs < options.boost.endMs;
    const gapMs = (options.gapDays * DAY_MS * (0.7 + 0.6 * random())) / (inBoost ? options.boost!.visitFactor : 1);
    atMs += Math.max(3_600_000, Math.floor(gapMs));
  }
  return { id: options.id, storeId: options.storeId, enrolledAtMs: options.fromMs, purchases, redemptions: [], surveys: [], offers: [] };
}

export interface ClubOptions {
  seed: number;
  members: number;
  stores: string[];
  fromMs: number;
  toMs: number;
  staff: number;
  adjustmentsPerStaff: number;
}

/** A calm club: regular shoppers, one card each with a tap per purchase, ordinary staff. */
export function calmClub(options: ClubOptions): ClubHistory {
  const random = seededRandom(options.seed);
  const members: MemberHistory[] = [];
  const cards: CardHistory[] = [];
  for (let i = 0; i < options.members; i++) {
    const storeId = options.stores[i % options.stores.length]!;
    const member = regularMember(random, {
      id: `m${i}`,
      storeId,
      fromMs: options.fromMs,
      toMs: options.toMs,
      gapDays: 5 + Math.floor(random() * 20),
      amountRial: 500_000 + Math.floor(random() * 20) * 100_000,
    });
    members.push(member);
    cards.push({ id: `c${i}`, memberId: member.id, taps: member.purchases.map((p) => ({ atMs: p.atMs, storeId: p.storeId })) });
  }
  const adjustments: StaffAdjustment[] = [];
  for (let s = 0; s < options.staff; s++) {
    for (let k = 0; k < options.adjustmentsPerStaff; k++) {
      adjustments.push({
        staffId: `s${s}`,
        memberId: `m${Math.floor(random() * options.members)}`,
        points: 10 + Math.floor(random() * 40),
        atMs: options.fromMs + Math.floor(random() * (options.toMs - options.fromMs)),
      });
    }
  }
  return { members, cards, adjustments, conflicts: [] };
}
