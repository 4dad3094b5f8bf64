import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

/**
 * Staff PINs are short, so they are stored only as scrypt hashes with a random salt:
 * `scrypt$<N>$<r>$<p>$<salt base64>$<hash base64>`. The cost is written into the hash so it
 * can be raised later without breaking existing PINs.
 */
const COST = { N: 16384, r: 8, p: 1 };
const KEY_BYTES = 32;
const SALT_BYTES = 16;
/** Caps what a forged hash string could make us spend on one check. */
const MAX_N = 1 << 17;

export const PIN_PATTERN = /^[0-9]{4,8}$/;

function derive(pin: string, salt: Buffer, N: number, r: number, p: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(pin, salt, KEY_BYTES, { N, r, p, maxmem: 256 * N * r + 1024 * 1024 }, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

export async function hashPin(pin: string): Promise<string> {
  if (!PIN_PATTERN.test(pin)) throw new Error('a PIN is 4 to 8 digits');
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(pin, salt, COST.N, COST.r, COST.p);
  return `scrypt$${COST.N}$${COST.r}$${COST.p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

/** True when `pin` matches `stored`; false for a wrong PIN or a hash it cannot read. */
export async function verifyPin(pin: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [N, r, p] = [Number(parts[1]), Number(parts[2]), Number(parts[3])];
  if (!Number.isInteger(N) || N < 2 || N > MAX_N || (N & (N - 1)) !== 0 || r < 1 || r > 32 || p < 1 || p > 4) return false;
  const salt = Buffer.from(parts[4]!, 'base64');
  const expected = Buffer.from(parts[5]!, 'base64');
  if (salt.length < 8 || expected.length !== KEY_BYTES) return false;
  const key = await derive(pin, salt, N, r, p);
  return timingSafeEqual(key, expected);
}

export function isPinHash(value: unknown): value is string {
  return typeof value === 'string' && /^scrypt\$\d+\$\d+\$\d+\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/.test(value) && value.length <= 200;
}
