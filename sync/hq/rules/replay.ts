import { coreModule } from '../../../firmware/src/ledger/core-module.js';
import { LedgerEngine } from '../../../firmware/src/ledger/engine.js';
import type { LedgerModule } from '../../../firmware/src/ledger/module.js';
import { LedgerError, type Actor, type Op } from '../../../firmware/src/ledger/types.js';
import type { LoyaltyRules } from '../../../firmware/src/loyalty/config.js';
import { loyaltyModule } from '../../../firmware/src/loyalty/module/loyalty-module.js';
import { LOYALTY_MODULE, type LoyaltyState } from '../../../firmware/src/loyalty/module/state.js';
import type { PurchaseHistory } from './history.js';

/**
 * Replays purchases through the kiosk's own ledger engine (its core and loyalty modules, in
 * memory, no journal): the same `purchase.record` handler, tier standing, campaign choice,
 * category weights, daily cap and rounding the kiosks run. A rule the preview shows is
 * therefore the rule a kiosk applies; there is no second implementation to drift.
 *
 * Members are created when first needed, at their enrolment time (so long-standing status is
 * right), under placeholder names and phones: the engine needs them, the preview does not.
 */
export interface ReplayedReceipt {
  /** Purchase points after the daily cap (the kiosk's `earn` grant). */
  points: number;
  /** Before the cap. */
  computedPoints: number;
  tierId: string;
  campaignId?: string;
  /** The engine refused the purchase (its error code); points are 0. */
  refused?: string;
}

const ACTOR: Actor = { kind: 'system', id: 'rules-preview' };

export function replayPurchases(rules: LoyaltyRules, history: PurchaseHistory): ReplayedReceipt[] {
  const engine = new LedgerEngine([coreModule as LedgerModule<unknown>, loyaltyModule as LedgerModule<unknown>]);
  let seq = 0;
  const apply = (atMs: number, ops: Op[]) => {
    seq++;
    engine.apply({ id: `p${seq}`, actor: ACTOR, at: { atMs, clockSynced: true }, ops }, seq, '');
  };
  const firstAtMs = history.purchases[0]?.atMs ?? 0;
  apply(firstAtMs, [{ op: 'loyalty.configure', rules }]);
  const loyalty = engine.slice<LoyaltyState>(LOYALTY_MODULE);
  const created = new Set<string>();
  return history.purchases.map((purchase, index) => {
    try {
      if (!created.has(purchase.memberId)) {
        const facts = history.members.get(purchase.memberId);
        const phone = `09${String(created.size).padStart(9, '0')}`;
        apply(Math.min(facts?.createdAtMs ?? purchase.atMs, purchase.atMs), [
          { op: 'member.create', memberId: purchase.memberId, name: 'member', phone, smsConsent: false, storeId: facts?.storeId ?? purchase.storeId },
        ]);
        created.add(purchase.memberId);
      }
      const receiptId = `r${index}`;
      const op: Op = { op: 'purchase.record', receiptId, memberId: purchase.memberId, amountRial: purchase.amountRial };
      if (purchase.categories) op.categories = purchase.categories;
      apply(purchase.atMs, [op]);
      const recorded = loyalty.purchases.get(receiptId)!;
      const replayed: ReplayedReceipt = { points: recorded.earnedPoints, computedPoints: recorded.computedPoints, tierId: recorded.tierId };
      if (recorded.campaignId !== undefined) replayed.campaignId = recorded.campaignId;
      return replayed;
    } catch (error) {
      if (!(error instanceof LedgerError)) throw error;
      return { points: 0, computedPoints: 0, tierId: '', refused: error.code };
    }
  });
}
