import type { AccountId, Card, Member, Transfer } from './types.js';

/**
 * One account: its balance and its most recent transfers, in one object, so that a transfer
 * reaches everything it changes in an account with one lookup. (Kept as separate maps of
 * balances and histories, a transfer at a million members paid for two scattered lookups per
 * account, and the cache misses made it cost half as much again as at a thousand.)
 *
 * Accounts are changed in place by the core's transfer handler, which records how to undo
 * each change (see module.ts).
 */
export interface Account {
  /** The one copy of the id string, shared by the account's listed transfers and the map key. */
  readonly id: AccountId;
  /** A club account (`club:…`): never negative-checked, and its transfers are not listed. */
  readonly club: boolean;
  balance: number;
  /**
   * The most recent transfers, oldest first (a transfer between two member or card accounts
   * is listed under both). At least the last RECENT_TRANSFERS_PER_ACCOUNT are kept (see
   * account-history.ts); older ones are in the journal and at the head office.
   */
  recent: Transfer[];
  /** What the forgotten older transfers add up to: balance = carried + the listed ones. */
  carried: number;
}

/** The core module's slice: members, cards and accounts. */
export interface CoreState {
  members: Map<string, Member>;
  /** Normalised phone → member id (a phone belongs to at most one member). */
  memberByPhone: Map<string, string>;
  cards: Map<string, Card>;
  /** Member id → the ids of their cards, oldest first. */
  cardsByMember: Map<string, string[]>;
  /** Every account that ever moved; one that never did is absent (balance 0). */
  accounts: Map<AccountId, Account>;
}

export const CORE_MODULE = 'core';

export function balanceOf(core: CoreState, account: AccountId): number {
  return core.accounts.get(account)?.balance ?? 0;
}

/** Every account's balance (for reports and tests; the ledger itself reads `accounts`). */
export function balances(core: CoreState): Map<AccountId, number> {
  const all = new Map<AccountId, number>();
  for (const [id, account] of core.accounts) all.set(id, account.balance);
  return all;
}
