import { describe, expect, it } from 'vitest';
import { hashPin, isPinHash, verifyPin } from './pin.js';

describe('staff PINs', () => {
  it('hashes with scrypt and a random salt, and verifies', async () => {
    const first = await hashPin('2468');
    const second = await hashPin('2468');
    expect(first).toMatch(/^scrypt\$16384\$8\$1\$/);
    expect(first).not.toBe(second);
    expect(isPinHash(first)).toBe(true);
    expect(await verifyPin('2468', first)).toBe(true);
    expect(await verifyPin('2469', first)).toBe(false);
  });
  it('refuses PINs that are not 4-8 digits and hashes it cannot read', async () => {
    await expect(hashPin('12')).rejects.toThrow(/4 to 8 digits/);
    expect(await verifyPin('1234', 'plain:1234')).toBe(false);
    expect(await verifyPin('1234', 'scrypt$1048576$8$1$c2FsdHNhbHQ=$AAAA')).toBe(false);
  });
});
