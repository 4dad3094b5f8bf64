import type { Queryable } from '../db.js';
import type { LoyaltyRules } from '../../../firmware/src/loyalty/config.js';
import { parseLoyaltyRules } from '../../../firmware/src/loyalty/rules/parse.js';
import { LOYALTY_KIND } from '../rules/store.js';

/**
 * The loyalty rules the chain runs on, as the head office knows them: the `loyalty` document
 * (slice R's editor) when there is one, else the kiosk's defaults. Used for names (tiers,
 * campaigns, rewards), the tier window and the value of a point in the balances export.
 */
export async function rulesInForce(db: Queryable): Promise<LoyaltyRules> {
  const row = (await db.query<{ body: unknown }>('SELECT body FROM documents WHERE kind = $1', [LOYALTY_KIND])).rows[0];
  if (row) {
    try {
      return parseLoyaltyRules(row.body);
    } catch {
      // A document the kiosks would refuse is not the rules in force either.
    }
  }
  return parseLoyaltyRules({});
}
