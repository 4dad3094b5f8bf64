import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, sign, verify, type KeyObject } from 'node:crypto';

/**
 * Request signing. Every kiosk request carries its device id, a timestamp, a random nonce and
 * an Ed25519 signature over the method, path, body hash, device, timestamp and nonce. The head
 * office refuses bad signatures, stale timestamps and nonces it has seen before.
 */
export const HEADER_DEVICE = 'x-bashgah-device';
export const HEADER_TIMESTAMP = 'x-bashgah-timestamp';
export const HEADER_NONCE = 'x-bashgah-nonce';
export const HEADER_SIGNATURE = 'x-bashgah-signature';
const SIGNATURE_DOMAIN = 'BASHGAH-SIGNED-REQUEST-V1';

export interface SignedRequestParts {
  method: string;
  /** Path with its query string, exactly as sent. */
  path: string;
  body: Uint8Array | string;
  deviceId: string;
  timestampMs: number;
  nonce: string;
}

export function sha256Hex(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}

export function signingInput(parts: SignedRequestParts): Buffer {
  const lines = [SIGNATURE_DOMAIN, parts.method.toUpperCase(), parts.path, sha256Hex(parts.body), parts.deviceId, String(parts.timestampMs), parts.nonce];
  return Buffer.from(lines.join('\n'), 'utf8');
}

export function newNonce(): string {
  return randomBytes(18).toString('base64url');
}

/** The four headers a signed request carries. */
export function signRequest(parts: SignedRequestParts, privateKey: KeyObject): Record<string, string> {
  const signature = sign(null, signingInput(parts), privateKey).toString('base64');
  return {
    [HEADER_DEVICE]: parts.deviceId,
    [HEADER_TIMESTAMP]: String(parts.timestampMs),
    [HEADER_NONCE]: parts.nonce,
    [HEADER_SIGNATURE]: signature,
  };
}

export function verifySignature(parts: SignedRequestParts, signatureBase64: string, publicKey: KeyObject): boolean {
  try {
    return verify(null, signingInput(parts), publicKey, Buffer.from(signatureBase64, 'base64'));
  } catch {
    return false;
  }
}

export interface KeyPairText {
  /** SPKI DER, base64: what the head office stores. */
  publicKey: string;
  /** PKCS#8 PEM: what stays on the device, in a 0600 file. */
  privateKeyPem: string;
}

export function generateDeviceKeyPair(): KeyPairText {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  return {
    publicKey: publicKey.export({ type: 'spki', format: 'der' }).toString('base64'),
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
}

export function publicKeyFromText(base64Spki: string): KeyObject {
  return createPublicKey({ key: Buffer.from(base64Spki, 'base64'), format: 'der', type: 'spki' });
}

export function privateKeyFromPem(pem: string): KeyObject {
  return createPrivateKey(pem);
}

/** Signs arbitrary bytes (sync bundles) with the same kind of key. */
export function signBytes(data: Uint8Array | string, privateKey: KeyObject): string {
  return sign(null, typeof data === 'string' ? Buffer.from(data, 'utf8') : data, privateKey).toString('base64');
}

export function verifyBytes(data: Uint8Array | string, signatureBase64: string, publicKey: KeyObject): boolean {
  try {
    return verify(null, typeof data === 'string' ? Buffer.from(data, 'utf8') : data, publicKey, Buffer.from(signatureBase64, 'base64'));
  } catch {
    return false;
  }
}
