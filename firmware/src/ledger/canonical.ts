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
