import type { AccountId, Card, Member, Transfer } from './types.js';

/** The core module's slice: members, cards, accounts and their transfers. */
export interface CoreState {
  members: Map<string, Member>;
  /** Normalised phone → member id (a phone belongs to at most one member). */
  memberByPhone: Map<string, string>;
  cards: Map<string, Card>;
  /** Member id → the ids of their cards, oldest first. */
  cardsByMember: Map<string, string[]>;
  /** Account balances; an account that never moved is absent (balance 0). */
  balances: Map<AccountId, number>;
  /** Every transfer that touched an account, oldest first (both sides are listed). */
  transfersByAccount: Map<AccountId, Transfer[]>;
}

export const CORE_MODULE = 'core';
