import { describe, expect, it } from 'vitest';
import { checkSymbol, CROCKFORD_ALPHABET, displayCode, isWellFormedCode, normaliseCode, voucherCodeFromBytes } from './code.js';
import { checkPayload, signPayload } from './payload.js';
import { Ed25519VoucherSigner } from './signer.js';
import { voucherState } from './voucher-state.js';
import { initialLoyaltyState, type LoyaltyState } from '../module/state.js';
import { defaultLoyaltyRules } from '../rules/parse.js';

/** A small seeded generator, so the mutation test is the same on every run. */
function xorshift(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 0x1_0000_0000;
  };
}

const NOW = Date.UTC(2026, 3, 1, 9);
const DAY = 86_400_000;
const signer = Ed25519VoucherSigner.generate('kiosk-tehran-1');
const otherStore = Ed25519VoucherSigner.generate('kiosk-shiraz-2');

function issue(state: LoyaltyState, bytes: Uint8Array, expiresAtMs: number, by = signer): { code: string; payload: string } {
  const code = voucherCodeFromBytes(bytes);
  const payload = signPayload({ deviceId: by.deviceId, code, rewardId: 'discount-10', expiresAtMs }, by);
  state.vouchers.set(code, { code, rewardId: 'discount-10', title: '۱۰٪ تخفیف', deviceId: by.deviceId, payload, expiresAtMs, state: 'issued' });
  return { code, payload };
}

describe('voucher codes', () => {
  it('are 11 symbols of Crockford base32 with a check symbol that catches every single typo', () => {
    const code = voucherCodeFromBytes(Uint8Array.from([1, 2, 3, 4, 5, 6, 7]));
    expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{11}$/);
    expect(isWellFormedCode(code)).toBe(true);
    expect(displayCode(code)).toMatch(/^.{4}-.{4}-.{3}$/);
    for (let position = 0; position < code.length; position++) {
      for (const symbol of CROCKFORD_ALPHABET) {
        if (symbol === code[position]) continue;
        expect(isWellFormedCode(code.slice(0, position) + symbol + code.slice(position + 1))).toBe(false);
      }
    }
  });

  it('reads what people type: lower case, dashes, Persian digits, O for 0 and I/L for 1', () => {
    const body = '0123456789';
    const code = body + checkSymbol(body);
    expect(normaliseCode(`o1۲3-4567-89${code[10]!.toLowerCase()}`)).toBe(code);
    expect(normaliseCode('۰۱۲۳-۴۵۶۷-۸۹' + code[10])).toBe(code);
    expect(normaliseCode('OIL')).toBe('011');
  });
});

describe('voucher payloads', () => {
  it('verify offline with the issuing device public key, and tell forged, expired and used apart', () => {
    const state = initialLoyaltyState();
    state.rules = defaultLoyaltyRules();
    const { code, payload } = issue(state, Uint8Array.from([9, 9, 9, 9, 9, 9, 9]), NOW + 30 * DAY);
    expect(payload).toMatch(/^[\x21-\x7e]+$/);
    expect(payload.length).toBeLessThan(200);
    expect(voucherState(payload, state, signer, NOW).state).toBe('valid');
    expect(voucherState(displayCode(code).toLowerCase(), state, signer, NOW).state).toBe('valid');
    expect(voucherState(payload, state, signer, NOW + 30 * DAY).state).toBe('expired');
    state.vouchers.set(code, { ...state.vouchers.get(code)!, state: 'redeemed', redeemed: { atMs: NOW, receiptId: 'r-1' } });
    expect(voucherState(payload, state, signer, NOW).state).toBe('redeemed');
    expect(voucherState(code, state, signer, NOW + 90 * DAY).state).toBe('redeemed');
    // The same claims signed by a key the chain does not know.
    const impostor = Ed25519VoucherSigner.generate('kiosk-tehran-1');
    const forged = signPayload({ deviceId: 'kiosk-tehran-1', code, rewardId: 'discount-10', expiresAtMs: NOW + 30 * DAY }, impostor);
    expect(voucherState(forged, state, signer, NOW)).toMatchObject({ state: 'forged', reason: 'bad-signature' });
  });

  it('a voucher from another store of the chain is valid offline once its key is known', () => {
    const state = initialLoyaltyState();
    const payload = signPayload({ deviceId: otherStore.deviceId, code: voucherCodeFromBytes(Uint8Array.from([7, 7, 7, 7, 7, 7, 7])), rewardId: 'gift-mug', expiresAtMs: NOW + DAY }, otherStore);
    const local = Ed25519VoucherSigner.generate('kiosk-tehran-1');
    expect(voucherState(payload, state, local, NOW)).toMatchObject({ state: 'unknown', reason: 'unknown-device' });
    local.trust(otherStore.deviceId, otherStore.publicKeyFor(otherStore.deviceId)!);
    expect(voucherState(payload, state, local, NOW).state).toBe('valid');
  });

  it('100,000 random mutations of valid codes and payloads: none accepted', () => {
    const state = initialLoyaltyState();
    state.rules = defaultLoyaltyRules();
    const random = xorshift(20260401);
    const issued = Array.from({ length: 20 }, (_, index) => issue(state, Uint8Array.from({ length: 7 }, () => Math.floor(random() * 256)), NOW + (index + 1) * DAY));
    const issuedCodes = new Set(issued.map((voucher) => voucher.code));
    const printable = Array.from({ length: 95 }, (_, index) => String.fromCharCode(32 + index)).join('') + '۰۱۹ـي';
    const pick = (text: string) => text[Math.floor(random() * text.length)]!;
    function mutate(input: string): string {
      let text = input;
      const rounds = 1 + Math.floor(random() * 3);
      for (let round = 0; round < rounds; round++) {
        const position = Math.floor(random() * (text.length + 1));
        const kind = Math.floor(random() * 6);
        const alphabet = random() < 0.6 ? CROCKFORD_ALPHABET + 'abcdefghjkmnpqrstvwxyz_-' : printable;
        if (kind === 0 && text.length > 0) text = text.slice(0, position) + pick(alphabet) + text.slice(position + 1); // substitute
        else if (kind === 1) text = text.slice(0, position) + pick(alphabet) + text.slice(position); // insert
        else if (kind === 2) text = text.slice(0, position) + text.slice(position + 1); // delete
        else if (kind === 3 && position + 1 < text.length) text = text.slice(0, position) + text[position + 1] + text[position] + text.slice(position + 2); // swap
        else if (kind === 4) text = text.slice(0, position); // truncate
        else text = text + pick(alphabet); // append
      }
      return text;
    }
    let tried = 0;
    let accepted = 0;
    const started = performance.now();
    for (let index = 0; index < 100_000; index++) {
      const voucher = issued[index % issued.length]!;
      const original = index % 2 === 0 ? voucher.code : voucher.payload;
      const mutant = mutate(original);
      // Same voucher after normalisation (a dash added, lower case): not a mutation of meaning.
      if (mutant === original || (original === voucher.code && issuedCodes.has(normaliseCode(mutant)))) continue;
      tried++;
      if (voucherState(mutant, state, signer, NOW).state === 'valid') accepted++;
      if (original === voucher.payload && checkPayload(mutant, (id) => signer.publicKeyFor(id)).ok) accepted++;
    }
    const elapsedMs = performance.now() - started;
    expect(tried).toBeGreaterThan(95_000);
    expect(accepted).toBe(0);
    expect(elapsedMs).toBeLessThan(30_000); // a guard against a pathological slowdown, not a benchmark
  });
});
