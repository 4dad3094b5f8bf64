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
  /**
   * The most recent transfers of each member or card account, oldest first (a transfer between
   * two such accounts is listed under both). At least the last RECENT_TRANSFERS_PER_ACCOUNT
   * are kept (see account-history.ts); older ones are in the journal and at the head office.
   */
  transfersByAccount: Map<AccountId, Transfer[]>;
  /**
   * For an account whose oldest transfers were forgotten: what they add up to, so that its
   * balance is always this plus what its listed transfers add up to.
   */
  carriedByAccount: Map<AccountId, number>;
}

export const CORE_MODULE = 'core';
