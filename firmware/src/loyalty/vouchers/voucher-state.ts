import type { LoyaltyState, Voucher } from '../module/state.js';
import { isWellFormedCode, normaliseCode } from './code.js';
import { checkPayload, looksLikePayload, type VoucherSigner } from './payload.js';

/**
 * What a scanned or typed voucher is. Forged (a payload whose signature or grammar fails),
 * unknown (a typed code with a wrong check symbol, or a code nobody here issued or used),
 * redeemed and expired are told apart so the cashier can tell the customer why.
 */
export interface VoucherView {
  code: string;
  rewardId: string;
  title: string;
  deviceId: string;
  expiresAtMs: number;
  redeemed?: { atMs: number; receiptId: string };
}

export interface VoucherStateResult {
  state: 'valid' | 'redeemed' | 'expired' | 'unknown' | 'forged';
  voucher?: VoucherView;
  reason?: string;
}

function view(voucher: Voucher): VoucherView {
  const shown: VoucherView = { code: voucher.code, rewardId: voucher.rewardId, title: voucher.title, deviceId: voucher.deviceId, expiresAtMs: voucher.expiresAtMs };
  if (voucher.redeemed) shown.redeemed = voucher.redeemed;
  return shown;
}

function fromRecord(voucher: Voucher, nowMs: number): VoucherStateResult {
  if (voucher.state === 'redeemed') return { state: 'redeemed', voucher: view(voucher) };
  if (nowMs >= voucher.expiresAtMs) return { state: 'expired', voucher: view(voucher) };
  return { state: 'valid', voucher: view(voucher) };
}

export function voucherState(input: string, state: LoyaltyState, signer: VoucherSigner, nowMs: number): VoucherStateResult {
  if (typeof input !== 'string') return { state: 'unknown', reason: 'not-a-string' };
  if (looksLikePayload(input)) {
    const checked = checkPayload(input, (deviceId) => signer.publicKeyFor(deviceId));
    if (!checked.ok) return checked.reason === 'unknown-device' ? { state: 'unknown', reason: checked.reason } : { state: 'forged', reason: checked.reason };
    const claims = checked.claims;
    const known = state.vouchers.get(claims.code);
    if (known) {
      // A valid signature over claims that differ from what the ledger holds is not ours.
      if (known.deviceId !== claims.deviceId || known.rewardId !== claims.rewardId || known.expiresAtMs !== claims.expiresAtMs) {
        return { state: 'forged', reason: 'claims-differ' };
      }
      return fromRecord(known, nowMs);
    }
    const title = state.rules?.rewards.find((reward) => reward.id === claims.rewardId)?.title ?? claims.rewardId;
    const foreign: Voucher = { ...claims, title, state: 'issued', foreign: true };
    return fromRecord(foreign, nowMs);
  }
  const code = normaliseCode(input);
  if (!isWellFormedCode(code)) return { state: 'unknown', reason: 'bad-check-symbol' };
  const known = state.vouchers.get(code);
  if (!known) return { state: 'unknown', reason: 'not-issued-here' };
  return fromRecord(known, nowMs);
}
