import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateKeyPairSync } from 'node:crypto';
import { Ed25519VoucherSigner, loadOrCreateDeviceSigner } from './signer.js';

const dir = mkdtempSync(join(tmpdir(), 'bashgah-signer-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('device voucher key', () => {
  it('is created once with mode 0600 and read back the same', async () => {
    const path = join(dir, 'keys', 'voucher-ed25519.pem');
    const first = await loadOrCreateDeviceSigner('kiosk-1', path);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const again = await loadOrCreateDeviceSigner('kiosk-1', path);
    expect(again.publicKeyPem()).toBe(first.publicKeyPem());
    const message = Buffer.from('BG1.test');
    expect(Buffer.from(again.sign(message))).toEqual(Buffer.from(first.sign(message))); // Ed25519 is deterministic
  });

  it('refuses keys that are not Ed25519', () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    expect(() => new Ed25519VoucherSigner('kiosk-1', privateKey)).toThrow(/Ed25519/);
  });
});
