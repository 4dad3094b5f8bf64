import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { memberAccount } from '../ledger/types.js';
import { DAY_MS } from './calendar/local-time.js';
import { parseLoyaltyRules } from './rules/parse.js';
import { checkPayload } from './vouchers/payload.js';
import { Ed25519VoucherSigner } from './vouchers/signer.js';
import { openServiceFixture, staff, type ServiceFixture } from './testing/service-fixture.js';

const pos = { kind: 'pos' as const, id: 'till-1' };
const START = Date.parse('2025-11-16T14:00:00+03:30');
// Points are spendable at once and there is no first-purchase bonus, to keep the sums plain.
const rules = parseLoyaltyRules({ earning: { returnWindowDays: 0, firstPurchaseBonusPoints: 0 } });

describe('LoyaltyService: rewards and vouchers', () => {
  let f: ServiceFixture;
  beforeEach(async () => {
    f = await openServiceFixture(rules, START);
    await f.enrol('m1', '09120000001');
    await f.service.recordPurchase({ memberId: 'm1', amountRial: 50_000_000, receiptId: 'R-1', actor: pos }); // 500 points
  });
  afterEach(() => f.close());

  it('issues a signed voucher and takes the points in the same commit', async () => {
    const seqBefore = f.ledger.lastSeq;
    const { voucher, balance } = await f.service.redeemReward({ memberId: 'm1', rewardId: 'discount-10', requestId: 'kiosk-req-1', actor: staff });
    expect(balance).toBe(300);
    expect(f.ledger.lastSeq).toBe(seqBefore + 1);
    const [entry] = await f.ledger.readRecords(seqBefore, 1);
    expect(entry!.record.ops.map((op) => op.op)).toEqual(['voucher.issue']);
    expect(voucher.title).toBe('۱۰٪ تخفیف خرید بعدی');
    expect(voucher.expiresAtMs).toBe(START + 30 * DAY_MS);
    expect(voucher.displayCode).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{3}$/);
    expect(checkPayload(voucher.qrPayload, (id) => f.signer.publicKeyFor(id))).toMatchObject({ ok: true, claims: { code: voucher.code, rewardId: 'discount-10' } });
    // The same request again returns the same voucher and takes nothing more.
    const again = await f.service.redeemReward({ memberId: 'm1', rewardId: 'discount-10', requestId: 'kiosk-req-1', actor: staff });
    expect(again.voucher).toEqual(voucher);
    await expect(f.service.redeemReward({ memberId: 'm1', rewardId: 'free-tea', requestId: 'kiosk-req-1', actor: staff })).rejects.toMatchObject({ code: 'REQUEST_REUSED' });
    expect(f.ledger.balance(memberAccount('m1'))).toBe(300);
    expect(f.service.memberSummary('m1').affordableRewards.map((reward) => reward.id)).toEqual(['discount-10', 'free-tea', 'gift-mug']);
  });

  it('refuses a reward the member cannot afford or whose tier is too high, and takes nothing', async () => {
    await expect(f.service.redeemReward({ memberId: 'm1', rewardId: 'gold-20', requestId: 'q-gold', actor: staff })).rejects.toMatchObject({ code: 'TIER_TOO_LOW' });
    await f.service.redeemReward({ memberId: 'm1', rewardId: 'off-500k', requestId: 'q-1', actor: staff });
    await expect(f.service.redeemReward({ memberId: 'm1', rewardId: 'off-500k', requestId: 'q-2', actor: staff })).rejects.toMatchObject({ code: 'INSUFFICIENT_BALANCE' });
    expect(f.ledger.balance(memberAccount('m1'))).toBe(100);
    expect(f.ledger.slice<{ vouchers: Map<string, unknown> }>('loyalty').vouchers.size).toBe(1);
  });

  it('of many concurrent redemptions of one voucher exactly one wins', async () => {
    const { voucher } = await f.service.redeemReward({ memberId: 'm1', rewardId: 'free-tea', requestId: 'q-1', actor: staff });
    const attempts = await Promise.allSettled(
      Array.from({ length: 12 }, (_, index) => f.service.redeemVoucher({ code: index % 2 ? voucher.code : voucher.qrPayload, receiptId: `POS-${index}`, actor: pos })),
    );
    const won = attempts.filter((attempt) => attempt.status === 'fulfilled');
    expect(won).toHaveLength(1);
    for (const attempt of attempts) if (attempt.status === 'rejected') expect(attempt.reason).toMatchObject({ code: 'VOUCHER_REDEEMED' });
    expect(f.service.voucherState(voucher.code)).toMatchObject({ state: 'redeemed' });
    // The winning till retrying its own request gets ok again.
    const winner = attempts.indexOf(won[0]!);
    await expect(f.service.redeemVoucher({ code: winner % 2 ? voucher.code : voucher.qrPayload, receiptId: `POS-${winner}`, actor: pos })).resolves.toMatchObject({ ok: true });
  });

  it('tells forged, unknown, expired and used vouchers apart at the till', async () => {
    const { voucher } = await f.service.redeemReward({ memberId: 'm1', rewardId: 'free-tea', requestId: 'q-1', actor: staff });
    const forgedPayload = voucher.qrPayload.replace('.free-tea.', '.gift-mug.');
    await expect(f.service.redeemVoucher({ code: forgedPayload, receiptId: 'P-1', actor: pos })).rejects.toMatchObject({ code: 'VOUCHER_FORGED' });
    const typo = voucher.code.slice(0, 10) + (voucher.code[10] === 'A' ? 'B' : 'A');
    await expect(f.service.redeemVoucher({ code: typo, receiptId: 'P-2', actor: pos })).rejects.toMatchObject({ code: 'VOUCHER_UNKNOWN' });
    f.clock.advance(31 * DAY_MS);
    expect(f.service.voucherState(voucher.qrPayload).state).toBe('expired');
    await expect(f.service.redeemVoucher({ code: voucher.code, receiptId: 'P-3', actor: pos })).rejects.toMatchObject({ code: 'VOUCHER_EXPIRED' });
  });

  it('redeems a voucher another store of the chain issued, offline, only once', async () => {
    const shiraz = await openServiceFixture(rules, START, undefined, 'kiosk-shiraz');
    try {
      await shiraz.enrol('s1', '09120000009');
      await shiraz.service.recordPurchase({ memberId: 's1', amountRial: 50_000_000, receiptId: 'S-1', actor: pos });
      const { voucher } = await shiraz.service.redeemReward({ memberId: 's1', rewardId: 'gift-mug', requestId: 'q-1', actor: staff });
      expect(f.service.voucherState(voucher.qrPayload)).toMatchObject({ state: 'unknown', reason: 'unknown-device' });
      await expect(f.service.redeemVoucher({ code: voucher.qrPayload, receiptId: 'P-0', actor: pos })).rejects.toMatchObject({ code: 'VOUCHER_UNKNOWN' });
      // Sync hands over the chain's device keys.
      f.signer.trust('kiosk-shiraz', shiraz.signer.publicKeyFor('kiosk-shiraz')!);
      expect(f.service.voucherState(voucher.qrPayload).state).toBe('valid');
      // A typed code cannot be checked offline: only the signed QR payload can.
      expect(f.service.voucherState(voucher.code)).toMatchObject({ state: 'unknown', reason: 'not-issued-here' });
      await expect(f.service.redeemVoucher({ code: voucher.qrPayload, receiptId: 'P-1', actor: pos })).resolves.toMatchObject({ ok: true, title: 'ماگ باشگاه' });
      await expect(f.service.redeemVoucher({ code: voucher.qrPayload, receiptId: 'P-1', actor: pos })).resolves.toMatchObject({ ok: true }); // a retry
      await expect(f.service.redeemVoucher({ code: voucher.qrPayload, receiptId: 'P-2', actor: pos })).rejects.toMatchObject({ code: 'VOUCHER_REDEEMED' });
      expect(f.service.voucherState(voucher.code).state).toBe('redeemed');
    } finally {
      await shiraz.close();
    }
  });

  it('pays part of a purchase with points and exchanges points for store credit in Rial', async () => {
    // A 3,000,000 Rial purchase: at most half (1,500,000 Rial = 1,500 points) may be paid with points.
    expect(f.service.wallet.partialRedemptionQuote('m1', 3_000_000)).toEqual({ maxPoints: 500, rialPerPoint: 1000, maxDiscountRial: 500_000 });
    await expect(f.service.wallet.payWithPoints({ memberId: 'm1', points: 400, receiptId: 'R-small', purchaseRial: 600_000, actor: pos })).rejects.toMatchObject({ code: 'REDEMPTION_LIMIT' });
    expect(await f.service.wallet.payWithPoints({ memberId: 'm1', points: 200, receiptId: 'R-2', purchaseRial: 3_000_000, actor: pos })).toEqual({ points: 200, discountRial: 200_000, balance: 300 });
    expect(await f.service.wallet.exchangeForCredit({ memberId: 'm1', points: 100, requestId: 'x-1', actor: staff })).toEqual({ points: 100, creditRial: 100_000, balanceRial: 100_000 });
    expect(await f.service.wallet.spendCredit({ memberId: 'm1', amountRial: 60_000, receiptId: 'R-3', actor: pos })).toEqual({ amountRial: 60_000, balanceRial: 40_000 });
    await expect(f.service.wallet.spendCredit({ memberId: 'm1', amountRial: 60_000, receiptId: 'R-4', actor: pos })).rejects.toMatchObject({ code: 'INSUFFICIENT_BALANCE' });
  });

  it('a discount card gives its fixed percent at the POS', async () => {
    await f.ledger.commit({ id: 'link-d', actor: staff, ops: [{ op: 'card.link', cardId: 'nfc:04A1B2C3D4E5F6', memberId: 'm1', kind: 'discount' }] });
    expect(f.service.wallet.cardBenefits('nfc:04A1B2C3D4E5F6')).toMatchObject({ kind: 'discount', discountPercent: 5, creditRial: 0 });
    await expect(f.service.wallet.loadGiftCard({ cardId: 'nfc:04A1B2C3D4E5F6', amountRial: 1, requestId: 'g-2', actor: staff })).rejects.toMatchObject({ code: 'NOT_A_GIFT_CARD' });
  });

  it('a gift ("bon") card keeps a Rial balance apart from points', async () => {
    await f.ledger.commit({ id: 'link-g', actor: staff, ops: [{ op: 'card.link', cardId: 'nfc:0499887766', memberId: 'm1', kind: 'gift' }] });
    expect(await f.service.wallet.loadGiftCard({ cardId: 'nfc:0499887766', amountRial: 5_000_000, requestId: 'g-1', actor: staff })).toEqual({ balanceRial: 5_000_000 });
    expect(await f.service.wallet.spendGiftCard({ cardId: 'nfc:0499887766', amountRial: 1_200_000, receiptId: 'R-9', actor: pos })).toEqual({ balanceRial: 3_800_000 });
    expect(f.service.wallet.cardBenefits('nfc:0499887766')).toMatchObject({ kind: 'gift', giftBalanceRial: 3_800_000 });
    expect(f.ledger.balance(memberAccount('m1'))).toBe(500);
  });
});
