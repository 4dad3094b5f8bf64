import type { CoreState } from '../ledger/core-state.js';
import type { CommitRequest, CommitResult, Timestamp } from '../ledger/types.js';

/**
 * The part of the ledger (firmware/src/ledger/ledger.ts) the kiosk uses. The real Ledger
 * satisfies it structurally; naming the subset keeps the kiosk's dependency visible.
 */
export interface LedgerPort {
  commit(request: CommitRequest): Promise<CommitResult>;
  readonly core: CoreState;
  slice<S>(name: string): S;
  balance(accountId: string): number;
  readonly lastSeq: number;
  readonly clock: { now(): Timestamp };
  health(): { state: 'ok' | 'failing'; detail: string };
}
