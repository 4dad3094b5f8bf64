import type { LedgerModule } from '../ledger/module.js';
import { loyaltyModule } from '../loyalty/module/loyalty-module.js';
import { staffModule } from './staff/module.js';
import { hqDirectivesModule } from './directives/module.js';

/**
 * Every ledger module a kiosk journal may hold operations of, besides the core. Whatever
 * replays a kiosk's journal (the kiosk itself, the head office, tools) opens it with these,
 * or replay stops at the first operation it does not know.
 */
export function kioskLedgerModules(): LedgerModule<unknown>[] {
  return [loyaltyModule as LedgerModule<unknown>, staffModule as LedgerModule<unknown>, hqDirectivesModule as LedgerModule<unknown>];
}
