import { hash } from 'node:crypto';

/**
 * JSON with object keys sorted at every level, so that the same content always gives the
 * same bytes (and the same hash) whatever order a client sent its fields in.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const sorted: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const inner = (value as Record<string, unknown>)[key];
      if (inner !== undefined) sorted[key] = sortKeys(inner);
    }
    return sorted;
  }
  return value;
}

/**
 * The canonical form of `value` as data: a deep copy with object keys sorted, exactly what
 * `JSON.parse(canonicalJson(value))` returns, and `JSON.stringify` of it is `canonicalJson(value)`.
 * Built in one pass: a commit's operations were turned into text and parsed back to get a
 * copy that holds only what the journal keeps, which doubled the garbage of every commit.
 * Mirrors JSON exactly: non-finite numbers become null, -0 becomes 0, undefined, functions
 * and symbols are left out of objects and become null in arrays, a "__proto__" key is left
 * out (assigning it would set the prototype, as the text form always dropped it), and a
 * BigInt is refused as JSON.stringify refuses it.
 */
export function canonicalCopy(value: unknown): unknown {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return Number.isFinite(value) ? value + 0 : null;
    case 'bigint':
      throw new TypeError('Do not know how to serialize a BigInt');
    case 'object': {
      if (value === null) return null;
      if (Array.isArray(value)) {
        const copy: unknown[] = new Array<unknown>(value.length);
        for (let index = 0; index < value.length; index++) {
          const inner = value[index] as unknown;
          copy[index] = inner === undefined || typeof inner === 'function' || typeof inner === 'symbol' ? null : canonicalCopy(inner);
        }
        return copy;
      }
      const copy: Record<string, unknown> = {};
      for (const key of sortedKeys(value)) {
        const inner = (value as Record<string, unknown>)[key];
        if (inner === undefined || typeof inner === 'function' || typeof inner === 'symbol' || key === '__proto__') continue;
        copy[key] = canonicalCopy(inner);
      }
      return copy;
    }
    default:
      // undefined, a function or a symbol at the top: JSON has no text for it.
      return undefined;
  }
}

/**
 * Object.keys in the order `.sort()` gives (UTF-16 code units), sorted in place by insertion:
 * an operation has a handful of keys, and Array.prototype.sort allocates a work area each time.
 */
function sortedKeys(value: object): string[] {
  const keys = Object.keys(value);
  if (keys.length > 32) return keys.sort();
  for (let i = 1; i < keys.length; i++) {
    const key = keys[i]!;
    let j = i - 1;
    while (j >= 0 && keys[j]! > key) {
      keys[j + 1] = keys[j]!;
      j--;
    }
    keys[j + 1] = key;
  }
  return keys;
}

export function sha256Hex(text: string): string {
  return hash('sha256', text, 'hex');
}

/** SHA-256 (hex) of the canonical JSON of `value`. */
export function contentHash(value: unknown): string {
  return sha256Hex(canonicalJson(value));
}

/** The fingerprint of a commit's operations: 128 bits of their SHA-256 are plenty. */
export function fingerprintOf(canonicalOps: string): string {
  return sha256Hex(canonicalOps).slice(0, 32);
}
