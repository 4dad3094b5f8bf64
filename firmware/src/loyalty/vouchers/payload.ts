import { verify, type KeyObject } from 'node:crypto';
import { isWellFormedCode } from './code.js';

/**
 * The QR payload of a voucher, ASCII so any scanner and QR mode can carry it:
 *
 *   BG1.<deviceId>.<code>.<rewardId>.<expiresAtSeconds>.<Ed25519 signature, base64url>
 *
 * The signature covers every byte before the last dot, made with the issuing device's key, so
 * any store that knows the chain's device keys can check a voucher without a network. The
 * parser is strict (one exact grammar, canonical base64url), because a lenient decoder would
 * accept altered payloads that decode to the same signature bytes.
 */
export interface VoucherSigner {
  deviceId: string;
  sign(bytes: Uint8Array): Uint8Array;
  /** The public key of a device in the chain, or undefined when it is not known here. */
  publicKeyFor(deviceId: string): KeyObject | undefined;
}

export interface VoucherClaims {
  deviceId: string;
  code: string;
  rewardId: string;
  expiresAtMs: number;
}

export type PayloadCheck =
  | { ok: true; claims: VoucherClaims }
  | { ok: false; reason: 'malformed' | 'bad-check-symbol' | 'unknown-device' | 'bad-signature' };

const PAYLOAD_PATTERN =
  /^BG1\.([a-z0-9][a-z0-9-]{0,62})\.([0-9A-HJKMNP-TV-Z]{11})\.([a-z0-9][a-z0-9-]{0,39})\.([1-9][0-9]{0,11})\.([A-Za-z0-9_-]{86})$/;
export const MAX_PAYLOAD_LENGTH = 220;

export function signedPart(claims: VoucherClaims): string {
  if (claims.expiresAtMs % 1000 !== 0) throw new RangeError('voucher expiry must be a whole second');
  return `BG1.${claims.deviceId}.${claims.code}.${claims.rewardId}.${claims.expiresAtMs / 1000}`;
}

export function signPayload(claims: VoucherClaims, signer: VoucherSigner): string {
  if (claims.deviceId !== signer.deviceId) throw new Error('a device signs only its own vouchers');
  const body = signedPart(claims);
  const signature = Buffer.from(signer.sign(Buffer.from(body, 'ascii'))).toString('base64url');
  const payload = `${body}.${signature}`;
  if (!PAYLOAD_PATTERN.test(payload)) throw new Error('voucher payload: claims do not fit the payload grammar');
  return payload;
}

export function checkPayload(payload: string, publicKeyFor: (deviceId: string) => KeyObject | undefined): PayloadCheck {
  if (typeof payload !== 'string' || payload.length > MAX_PAYLOAD_LENGTH) return { ok: false, reason: 'malformed' };
  const match = PAYLOAD_PATTERN.exec(payload);
  if (!match) return { ok: false, reason: 'malformed' };
  const [, deviceId, code, rewardId, seconds, signatureText] = match as unknown as [string, string, string, string, string, string];
  const signature = Buffer.from(signatureText, 'base64url');
  if (signature.length !== 64 || signature.toString('base64url') !== signatureText) return { ok: false, reason: 'malformed' };
  if (!isWellFormedCode(code)) return { ok: false, reason: 'bad-check-symbol' };
  const publicKey = publicKeyFor(deviceId);
  if (!publicKey) return { ok: false, reason: 'unknown-device' };
  const body = payload.slice(0, payload.length - signatureText.length - 1);
  if (!verify(null, Buffer.from(body, 'ascii'), publicKey, signature)) return { ok: false, reason: 'bad-signature' };
  return { ok: true, claims: { deviceId, code, rewardId, expiresAtMs: Number(seconds) * 1000 } };
}

/** A payload starts with `BG1.`; anything else a scanner gives is treated as a typed code. */
export const looksLikePayload = (input: string): boolean => input.startsWith('BG1.');
