import type { Account, CoreState } from './core-state.js';
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
 * forgotten, their net amount added to `carried`, so that the balance stays exactly what is
 * carried plus what is listed.
 */
export function listTransfer(account: Account, transfer: Transfer, undo: Undo): void {
  if (account.club) return;
  const list = account.recent;
  list.push(transfer);
  if (list.length < TRIM_AT) {
    if (undo.recording) undo.onUndo(() => list.pop());
    return;
  }
  const forgotten = list.splice(0, list.length - RECENT_TRANSFERS_PER_ACCOUNT);
  const carried = account.carried;
  account.carried = carried + netOf(account.id, forgotten);
  if (undo.recording) {
    undo.onUndo(() => {
      account.carried = carried;
      list.pop();
      list.unshift(...forgotten);
    });
  }
}

/** The account's most recent transfers, oldest first, at most `limit`. */
export function recentTransfers(state: CoreState, account: AccountId, limit = RECENT_TRANSFERS_PER_ACCOUNT): Transfer[] {
  const list = state.accounts.get(account)?.recent ?? [];
  return list.slice(Math.max(0, list.length - limit));
}

function netOf(account: AccountId, transfers: readonly Transfer[]): number {
  let net = 0;
  for (const transfer of transfers) net += netFor(account, transfer);
  return net;
}

/**
 * An empty list of `length` slots with room for one more. Most members of a large club move
 * once in a while: a list loaded at its exact length would be copied to a larger one by the
 * member's next transfer, and that copy, a young object hung from an old one, costs the
 * garbage collector a scattered pointer to follow in every young-generation collection. One
 * spare slot per account is 8 bytes.
 */
function listWithRoom(length: number): Transfer[] {
  const list = new Array<Transfer>(length + 1);
  // Shrinking by one keeps the store: V8 trims an array's store only when it is mostly empty.
  list.length = length;
  return list;
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
  const carried: Array<[AccountId, number]> = [];
  for (const account of state.accounts.values()) {
    if (account.carried !== 0) carried.push([account.id, account.carried]);
    if (account.recent.length === 0) continue;
    histories.push([
      account.id,
      account.recent.map((transfer) => {
        let position = positions.get(transfer);
        if (position === undefined) {
          position = transfers.push(transfer) - 1;
          positions.set(transfer, position);
        }
        return position;
      }),
    ]);
  }
  return { transfers, histories, carried };
}

/**
 * Restores the lists into accounts already made from the snapshot's balances (`accountFor`
 * makes any the balances missed); an older snapshot (every transfer, listed under both sides)
 * is trimmed.
 */
export function loadHistories(saved: SavedHistories, accountFor: (id: AccountId) => Account): void {
  for (const [id, carried] of saved.carried ?? []) accountFor(id).carried = carried;
  if (saved.histories) {
    for (const [id, positions] of saved.histories) {
      const account = accountFor(id);
      account.recent = listWithRoom(positions.length);
      for (let i = 0; i < positions.length; i++) {
        const transfer = saved.transfers[positions[i]!];
        if (!transfer) throw new Error(`snapshot: history of ${id} lists transfer ${positions[i]}, which is not saved`);
        // Parsed JSON holds a copy of every string: let the transfers share the account's.
        if (transfer.debit === account.id) transfer.debit = account.id;
        else if (transfer.credit === account.id) transfer.credit = account.id;
        account.recent[i] = transfer;
      }
    }
    return;
  }
  for (const transfer of saved.transfers) {
    for (const id of [transfer.debit, transfer.credit]) {
      if (!isClubAccount(id)) accountFor(id).recent.push(transfer);
    }
  }
  for (const account of new Set(saved.transfers.flatMap((t) => [t.debit, t.credit]).filter((id) => !isClubAccount(id)).map(accountFor))) {
    const list = account.recent;
    if (list.length < TRIM_AT) continue;
    const forgotten = list.splice(0, list.length - RECENT_TRANSFERS_PER_ACCOUNT);
    account.carried += netOf(account.id, forgotten);
  }
}
