import { magstripeCardId } from '../card-id.js';
import { parseSwipe } from './track-parser.js';

/**
 * One swipe in, a storable card id or a problem out. The card number exists only inside this
 * function: it is hashed before returning, and neither it nor the track data is ever logged.
 */
export function swipeToCardId(raw: string, cardIdKey: string): { cardId: string } | { code: string; message: string } {
  const result = parseSwipe(raw);
  if (!result.ok) return { code: result.code, message: result.message };
  return { cardId: magstripeCardId(result.cardNumber, cardIdKey) };
}
