import type { LedgerModule } from '../../ledger/module.js';
import { assignReferralCode, buyTickets, cancelLottery, drawLottery, linkReferral, openLottery, playGame, submitSurvey } from './engagement-handlers.js';
import { configure, maintain, releaseMember, runOccasions } from './maintenance-handlers.js';
import { profileBonus, recordPurchase } from './purchase-handlers.js';
import { refundPurchase, voidPurchase } from './reversal-handlers.js';
import { exchangeForCredit, issueVoucher, loadGiftCard, payWithPoints, redeemVoucher, spendCredit, spendGiftCard } from './spend-handlers.js';
import { initialLoyaltyState, LOYALTY_MODULE, loyaltyFromSnapshot, loyaltyToSnapshot, type LoyaltyState } from './state.js';

/** The loyalty engine's ledger module: its operations and the slice they keep. */
export const loyaltyModule: LedgerModule<LoyaltyState> = {
  name: LOYALTY_MODULE,
  initial: initialLoyaltyState,
  handlers: {
    'loyalty.configure': configure,
    'loyalty.maintain': maintain,
    'loyalty.release': releaseMember,
    'occasions.run': runOccasions,
    'purchase.record': recordPurchase,
    'purchase.void': voidPurchase,
    'purchase.refund': refundPurchase,
    'profile.bonus': profileBonus,
    'voucher.issue': issueVoucher,
    'voucher.redeem': redeemVoucher,
    'points.pay': payWithPoints,
    'credit.exchange': exchangeForCredit,
    'credit.spend': spendCredit,
    'gift.load': loadGiftCard,
    'gift.spend': spendGiftCard,
    'survey.submit': submitSurvey,
    'game.play': playGame,
    'lottery.open': openLottery,
    'lottery.buy': buyTickets,
    'lottery.draw': drawLottery,
    'lottery.cancel': cancelLottery,
    'referral.assign': assignReferralCode,
    'referral.link': linkReferral,
  },
  toSnapshot: loyaltyToSnapshot,
  fromSnapshot: loyaltyFromSnapshot,
};
