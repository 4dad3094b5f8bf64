import { createHmac } from 'node:crypto';

/**
 * Normalised card ids (see CardEvent.cardId). Everything that leaves a driver goes through
 * here, so the formats live in one place.
 */
const UID_BYTES_MAX = 10; // ISO 14443 UIDs are 4, 7 or 10 bytes

export function uidHex(uid: Uint8Array): string {
  if (uid.length === 0 || uid.length > UID_BYTES_MAX) throw new RangeError(`a card UID has 1-${UID_BYTES_MAX} bytes, got ${uid.length}`);
  return Buffer.from(uid).toString('hex').toUpperCase();
}

export function nfcCardId(uid: Uint8Array): string {
  return `nfc:${uidHex(uid)}`;
}

export function rc522CardId(uid: Uint8Array): string {
  return `rc522:${uidHex(uid)}`;
}

/**
 * A magstripe card number becomes a keyed hash: the same card gives the same id at every store
 * of the chain (same key), and the number itself cannot be recovered from the ledger.
 */
export function magstripeCardId(cardNumber: string, key: string): string {
  return `mag:${createHmac('sha256', key).update(cardNumber, 'utf8').digest('hex')}`;
}

export function em4100CardId(decimalId: string): string {
  return `em:${decimalId}`;
}

export function scannedCodeCardId(text: string): string {
  return `code:${text}`;
}
