import { contentHash } from '../../ledger/canonical.js';
import { coreModule } from '../../ledger/core-module.js';
import { balanceOf, type CoreState } from '../../ledger/core-state.js';
import { LedgerEngine } from '../../ledger/engine.js';
import type { LedgerModule } from '../../ledger/module.js';
import type { Actor, Op } from '../../ledger/types.js';
import type { LoyaltyRules } from '../config.js';
import { loyaltyModule } from '../module/loyalty-module.js';
import { LOYALTY_MODULE, type LoyaltyState } from '../module/state.js';

/**
 * The ledger's real engine (core + loyalty modules) without the journal, for property tests
 * that apply thousands of commits: same handlers, same rollback, no disk.
 */
export class EngineHarness {
  readonly engine = new LedgerEngine([coreModule as LedgerModule<unknown>, loyaltyModule as LedgerModule<unknown>]);
  private seq = 0;
  private readonly actor: Actor = { kind: 'system', id: 'test' };

  constructor(
    public atMs: number,
    rules: LoyaltyRules,
  ) {
    this.apply([{ op: 'loyalty.configure', rules }]);
  }

  apply(ops: Op[], id = `c${this.seq + 1}`): unknown[] {
    const record = { id, actor: this.actor, at: { atMs: this.atMs, clockSynced: true }, ops };
    const { results } = this.engine.apply(record, this.seq + 1, contentHash(ops));
    this.seq++;
    return results;
  }

  /** Applies and reports a refusal's code instead of throwing. */
  tryApply(ops: Op[]): { ok: true; results: unknown[] } | { ok: false; code: string } {
    try {
      return { ok: true, results: this.apply(ops) };
    } catch (error) {
      return { ok: false, code: (error as { code?: string }).code ?? String(error) };
    }
  }

  get core(): CoreState {
    return this.engine.slice<CoreState>('core');
  }

  get loyalty(): LoyaltyState {
    return this.engine.slice<LoyaltyState>(LOYALTY_MODULE);
  }

  balance(account: string): number {
    return balanceOf(this.core, account);
  }

  /** Sum over all accounts of one unit's balances (accounts are tagged by unit in their transfers). */
  total(): number {
    let sum = 0;
    for (const account of this.core.accounts.values()) sum += account.balance;
    return sum;
  }
}
