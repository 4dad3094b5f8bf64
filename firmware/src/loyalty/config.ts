import { Type } from 'typebox';

/** The `loyalty` section: earning rules, tiers, expiry and rewards. */
export const LoyaltyConfigSchema = Type.Object({}, { additionalProperties: false, default: {} });
