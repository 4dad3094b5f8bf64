import { expect } from 'vitest';
import type { Ledger } from '../../firmware/src/ledger/ledger.js';
import { netFor } from '../../firmware/src/ledger/account-history.js';
import { isClubAccount } from '../../firmware/src/ledger/types.js';

/**
 * What must hold of any ledger, however it got there: the books balance (all accounts sum to
 * zero), no member or card account is negative, and every account's balance is exactly what
 * its listed transfers add up to, plus what its forgotten older transfers carried.
 */
export function expectBooksBalance(ledger: Ledger): void {
  let total = 0;
  for (const [account, { balance, recent, carried }] of ledger.core.accounts) {
    total += balance;
    if (!isClubAccount(account)) {
      expect(balance, `${account} is negative`).toBeGreaterThanOrEqual(0);
      // Only the most recent transfers are listed; what the older ones add up to is carried.
      const replayed = recent.reduce((sum, t) => sum + netFor(account, t), carried);
      expect(replayed, `${account} does not equal its transfers`).toBe(balance);
    }
  }
  expect(total).toBe(0);
}
