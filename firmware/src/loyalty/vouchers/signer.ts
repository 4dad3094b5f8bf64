import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { VoucherSigner } from './payload.js';

/**
 * The device's Ed25519 voucher key. `peers` holds the other devices' public keys (sync
 * supplies them later); the device's own public key is always known.
 */
export class Ed25519VoucherSigner implements VoucherSigner {
  private readonly publicKeys = new Map<string, KeyObject>();

  constructor(
    readonly deviceId: string,
    private readonly privateKey: KeyObject,
    peers: Iterable<[string, KeyObject]> = [],
  ) {
    if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error('voucher signer: the key must be Ed25519');
    for (const [peerId, key] of peers) this.publicKeys.set(peerId, key);
    this.publicKeys.set(deviceId, createPublicKey(privateKey));
  }

  sign(bytes: Uint8Array): Uint8Array {
    return sign(null, bytes, this.privateKey);
  }

  publicKeyFor(deviceId: string): KeyObject | undefined {
    return this.publicKeys.get(deviceId);
  }

  /** Adds or replaces a peer device's key (from the head office's device list). */
  trust(deviceId: string, publicKey: KeyObject): void {
    if (publicKey.asymmetricKeyType !== 'ed25519') throw new Error('voucher signer: peer keys must be Ed25519');
    if (deviceId === this.deviceId) return;
    this.publicKeys.set(deviceId, publicKey);
  }

  publicKeyPem(): string {
    return createPublicKey(this.privateKey).export({ type: 'spki', format: 'pem' }).toString();
  }

  static generate(deviceId: string): Ed25519VoucherSigner {
    return new Ed25519VoucherSigner(deviceId, generateKeyPairSync('ed25519').privateKey);
  }
}

/** Reads the device key from `path` (PKCS#8 PEM), creating it with mode 0600 the first time. */
export async function loadOrCreateDeviceSigner(deviceId: string, path: string): Promise<Ed25519VoucherSigner> {
  try {
    const pem = await readFile(path, 'utf8');
    return new Ed25519VoucherSigner(deviceId, createPrivateKey(pem));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const { privateKey } = generateKeyPairSync('ed25519');
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  await writeFile(path, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' });
  return new Ed25519VoucherSigner(deviceId, privateKey);
}
