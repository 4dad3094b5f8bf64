import type { CoreState } from './core-state.js';
import type { Undo } from './module.js';
import { isClubAccount, type AccountId, type Transfer } from './types.js';

/**
 * How many of an account's transfers are kept in memory, at least. The full history is in the
 * journal and at the head office; what the kiosk shows is the last few. A list is trimmed back
 * to this many when it reaches twice as many, so trimming costs O(1) per transfer on average
 * and a list holds at most 2N - 1 transfers.
 */
export const RECENT_TRANSFERS_PER_ACCOUNT = 50;
const TRIM_AT = 2 * RECENT_TRANSFERS_PER_ACCOUNT;

/** What a transfer did to one of its accounts. */
export function netFor(account: AccountId, transfer: Transfer): number {
  return (transfer.credit === account ? transfer.amount : 0) - (transfer.debit === account ? transfer.amount : 0);
}

/**
 * Lists a transfer under one account (club accounts are not listed: they are the other side
 * of everything and nobody reads them one by one). The oldest transfers of a full list are
 * forgotten, their net amount added to `carriedByAccount`, so that the balance stays exactly
 * what is carried plus what is listed.
 */
export function listTransfer(state: CoreState, account: AccountId, transfer: Transfer, undo: Undo): void {
  if (isClubAccount(account)) return;
  const list = state.transfersByAccount.get(account);
  if (!list) {
    undo.set(state.transfersByAccount, account, [transfer]);
    return;
  }
  list.push(transfer);
  if (list.length < TRIM_AT) {
    undo.onUndo(() => list.pop());
    return;
  }
  const forgotten = list.splice(0, list.length - RECENT_TRANSFERS_PER_ACCOUNT);
  undo.set(state.carriedByAccount, account, (state.carriedByAccount.get(account) ?? 0) + netOf(account, forgotten));
  undo.onUndo(() => {
    list.pop();
    list.unshift(...forgotten);
  });
}

/** The account's most recent transfers, oldest first, at most `limit`. */
export function recentTransfers(state: CoreState, account: AccountId, limit = RECENT_TRANSFERS_PER_ACCOUNT): Transfer[] {
  const list = state.transfersByAccount.get(account) ?? [];
  return list.slice(Math.max(0, list.length - limit));
}

function netOf(account: AccountId, transfers: readonly Transfer[]): number {
  let net = 0;
  for (const transfer of transfers) net += netFor(account, transfer);
  return net;
}

/** The histories as saved in a snapshot: each transfer once, each list as positions in it. */
export interface SavedHistories {
  transfers: Transfer[];
  /** Account → positions in `transfers`, oldest first. Absent in snapshots from before trimming. */
  histories?: Array<[AccountId, number[]]>;
  carried?: Array<[AccountId, number]>;
}

export function saveHistories(state: CoreState): SavedHistories {
  const positions = new Map<Transfer, number>();
  const transfers: Transfer[] = [];
  const histories: Array<[AccountId, number[]]> = [];
  for (const [account, list] of state.transfersByAccount) {
    histories.push([
      account,
      list.map((transfer) => {
        let position = positions.get(transfer);
        if (position === undefined) {
          position = transfers.push(transfer) - 1;
          positions.set(transfer, position);
        }
        return position;
      }),
    ]);
  }
  return { transfers, histories, carried: [...state.carriedByAccount] };
}

/** Restores the lists; an older snapshot (every transfer, listed under both sides) is trimmed. */
export function loadHistories(state: CoreState, saved: SavedHistories): void {
  for (const [account, carried] of saved.carried ?? []) state.carriedByAccount.set(account, carried);
  if (saved.histories) {
    for (const [account, positions] of saved.histories) {
      state.transfersByAccount.set(
        account,
        positions.map((position) => {
          const transfer = saved.transfers[position];
          if (!transfer) throw new Error(`snapshot: history of ${account} lists transfer ${position}, which is not saved`);
          // Parsed JSON holds a copy of every string: let the transfers share the key's.
          if (transfer.debit === account) transfer.debit = account;
          else if (transfer.credit === account) transfer.credit = account;
          return transfer;
        }),
      );
    }
    return;
  }
  for (const transfer of saved.transfers) {
    for (const account of [transfer.debit, transfer.credit]) {
      if (isClubAccount(account)) continue;
      const list = state.transfersByAccount.get(account);
      if (list) list.push(transfer);
      else state.transfersByAccount.set(account, [transfer]);
    }
  }
  for (const [account, list] of state.transfersByAccount) {
    if (list.length < TRIM_AT) continue;
    const forgotten = list.splice(0, list.length - RECENT_TRANSFERS_PER_ACCOUNT);
    state.carriedByAccount.set(account, (state.carriedByAccount.get(account) ?? 0) + netOf(account, forgotten));
  }
}
