import { describe, expect, it } from 'vitest';
import { generateDeviceKeyPair, privateKeyFromPem, publicKeyFromText, signRequest, verifySignature, HEADER_SIGNATURE } from './signing.js';
import { createBundle, openJournalBundle, readBundleEnvelope } from './bundle.js';

describe('request signing', () => {
  const pair = generateDeviceKeyPair();
  const privateKey = privateKeyFromPem(pair.privateKeyPem);
  const publicKey = publicKeyFromText(pair.publicKey);
  const parts = { method: 'POST', path: '/v1/sync/push', body: '{"a":1}', deviceId: 'kiosk-1', timestampMs: 1_700_000_000_000, nonce: 'n'.repeat(24) };

  it('verifies what it signed and nothing else', () => {
    const signature = signRequest(parts, privateKey)[HEADER_SIGNATURE]!;
    expect(verifySignature(parts, signature, publicKey)).toBe(true);
    for (const change of [{ method: 'GET' }, { path: '/v1/sync/pull' }, { body: '{"a":2}' }, { deviceId: 'kiosk-2' }, { timestampMs: parts.timestampMs + 1 }, { nonce: 'm'.repeat(24) }]) {
      expect(verifySignature({ ...parts, ...change }, signature, publicKey)).toBe(false);
    }
    expect(verifySignature(parts, 'not base64 at all!', publicKey)).toBe(false);
  });

  it('seals a bundle: a changed payload or a foreign key is refused', () => {
    const text = createBundle('journal', 'kiosk-1', { deviceId: 'kiosk-1', createdAtMs: 1, entries: [] }, privateKey);
    expect(openJournalBundle(readBundleEnvelope(text), publicKey).deviceId).toBe('kiosk-1');
    const tampered = text.replace('"createdAtMs\\":1', '"createdAtMs\\":2');
    expect(tampered).not.toBe(text);
    expect(() => openJournalBundle(readBundleEnvelope(tampered), publicKey)).toThrow(/signature/);
    const other = publicKeyFromText(generateDeviceKeyPair().publicKey);
    expect(() => openJournalBundle(readBundleEnvelope(text), other)).toThrow(/signature/);
    expect(() => readBundleEnvelope('{nope')).toThrow(/JSON/);
  });
});
